"""Quote the `#| fig-alt:` / `#| fig-cap:` values of notebooks that Quarto's YAML can't read as they are (a value with
': ' or ' #' in it, or starting with a backtick), so that nbdev-docs publishes them; tools/docs.py reads both forms.

    python tools/fig_directives.py                  # every notebook under nbs/
    python tools/fig_directives.py nbs/course/*.ipynb

tests/test_a11y.py (`test_figure_directives_are_yaml`) fails on any value left unquoted that needs quotes.
"""
import json, re, sys, yaml
from pathlib import Path
from paths import ROOT

LINE = re.compile(r'^(#\|\s*fig-(?:alt|cap)\s*:\s*)(.*)$', re.M)

def readable(line:str) -> bool:
    "Whether Quarto's YAML reads the directive `line` as a key and a value"
    try: return isinstance(yaml.safe_load(line[2:]), dict)
    except yaml.YAMLError: return False

def quote(path:Path) -> int:
    "Quote the directives of notebook `path` that need it (saved in the repository's format); how many"
    nb, n = json.loads(Path(path).read_text()), 0
    for c in nb['cells']:
        src = ''.join(c['source'])
        def fix(m):
            nonlocal n
            if readable(m.group(0)): return m.group(0)
            n += 1
            return m.group(1) + json.dumps(m.group(2).strip(), ensure_ascii=False)
        new = LINE.sub(fix, src)
        if new != src: c['source'] = new.splitlines(keepends=True)
    if n: Path(path).write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n')
    return n

if __name__ == '__main__':
    if any(a.startswith('-') for a in sys.argv[1:]): sys.exit(print(__doc__.strip()))
    if (missing := [a for a in sys.argv[1:] if not Path(a).is_file()]): sys.exit(f"fig_directives: no such notebook: {', '.join(missing)}")
    paths = [Path(p) for p in sys.argv[1:]] or sorted(p for p in (ROOT/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    for p in paths:
        if (k := quote(p)): print(f"  {k} directive(s) quoted: {p}")
