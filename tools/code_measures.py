"""Measures of how easy the package's code is to pick up: the ones issue 25 quotes (after farm-studio's), for the
package's modules (convbook/*.py but `_modidx.py`) and the reference notebooks (nbs/api/*.ipynb).

    python tools/code_measures.py            # a small table
    python tools/code_measures.py --json F   # also every figure, as JSON, into F

- the longest function, and the longest one that branches (has an `if`, a conditional expression, a `match` or an
  `except`): its name and lines (docstring and nested functions included; a nested function is also measured alone);
- lines over 120 characters: in the modules, and in the notebooks' code cells;
- definitions (`def`, `class`, at the cell's top level) per exported cell (`#| export`): mean, and the largest cell;
- private cross-module imports: `from .x import _y` (or `from convbook.x import _y`), inside functions too.
These are measures to watch, not targets: tests/test_code_measures.py only checks that they can be taken.
"""
import ast, json, re
from pathlib import Path
from fastcore.script import call_parse
from paths import ROOT

WIDTH = 120
BRANCHES = (ast.If, ast.IfExp, ast.Match, ast.ExceptHandler)
EXPORT = re.compile(r'^#\|\s*export(s|i)?\b', re.M)

def modules(root:Path=ROOT) -> list:
    "The package's modules, but the index nbdev writes (`_modidx.py`)"
    return sorted(p for p in (Path(root)/'convbook').glob('*.py') if p.name != '_modidx.py')

def notebooks(root:Path=ROOT) -> list:
    "The reference notebooks"
    return sorted((Path(root)/'nbs'/'api').glob('*.ipynb'))

def code_cells(nb:Path) -> list:
    "`(id, source)` of every code cell of notebook `nb`"
    cells = json.loads(Path(nb).read_text())['cells']
    return [(c.get('id', str(i)), ''.join(c['source'])) for i,c in enumerate(cells) if c['cell_type'] == 'code']

def functions(path:Path) -> list:
    "`(name, lines, branches)` of every function of module `path`, methods and nested functions included"
    tree, res = ast.parse(Path(path).read_text()), []
    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                branches = any(isinstance(n, BRANCHES) for n in ast.walk(child))
                res.append((f"{prefix}{child.name}", child.end_lineno - child.lineno + 1, branches))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef): visit(child, f"{prefix}{child.name}.")
            else: visit(child, prefix)
    visit(tree, f"{Path(path).stem}.")
    return res

def long_lines(texts:list) -> tuple:
    "`(over, total)`: how many of the lines of `texts` are over `WIDTH` characters, of how many"
    lines = [l for t in texts for l in t.splitlines()]
    return sum(len(l) > WIDTH for l in lines), len(lines)

def definitions(src:str) -> int:
    "How many functions and classes the cell `src` defines at its top level (0 if it is not Python, e.g. a magic)"
    try: tree = ast.parse(src)
    except SyntaxError: return 0
    return sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body)

def exported_cells(nbs:list) -> list:
    "`(notebook/cell id, definitions)` of every exported cell of notebooks `nbs`"
    return [(f"{nb.stem}/{cid}", definitions(src)) for nb in nbs for cid,src in code_cells(nb) if EXPORT.search(src)]

def private_imports(path:Path) -> list:
    "`module: from .x import _y` for every import of another module's private name (`_y`, not a dunder) in `path`"
    res = []
    for n in ast.walk(ast.parse(Path(path).read_text())):
        if not isinstance(n, ast.ImportFrom): continue
        if not (n.level or (n.module or '').split('.')[0] == 'convbook'): continue
        private = [a.name for a in n.names if a.name.startswith('_') and not a.name.startswith('__')]
        if private: res.append(f"{Path(path).name}:{n.lineno}: from {'.'*n.level}{n.module or ''} import {', '.join(private)}")
    return res

def measures(root:Path=ROOT) -> dict:
    "Every figure, for the repository at `root`"
    mods, nbs = modules(root), notebooks(root)
    fns = [f for m in mods for f in functions(m)]
    longest = max(fns, key=lambda f: f[1])
    branching = max((f for f in fns if f[2]), key=lambda f: f[1])
    py_over, py_total = long_lines([m.read_text() for m in mods])
    nb_over, nb_total = long_lines([src for nb in nbs for _,src in code_cells(nb)])
    cells = exported_cells(nbs)
    fattest = max(cells, key=lambda c: c[1])
    imports = [i for m in mods for i in private_imports(m)]
    return dict(modules=len(mods), notebooks=len(nbs), functions=len(fns),
                longest=dict(name=longest[0], lines=longest[1], branches=longest[2]),
                longest_branching=dict(name=branching[0], lines=branching[1]),
                branching_over_40=sorted(f"{n} ({k})" for n,k,b in fns if b and k > 40),
                py_lines=py_total, py_over=py_over, nb_lines=nb_total, nb_over=nb_over,
                exported_cells=len(cells), defs_per_cell=sum(d for _,d in cells)/len(cells),
                most_defs=dict(cell=fattest[0], defs=fattest[1]), private_imports=imports)

def table(m:dict) -> str:
    "The figures of `measures` as a small table"
    pct = lambda a, b: f"{a:,} of {b:,} ({100*a/b:.1f}%)"
    rows = [('longest function', f"{m['longest']['name']}: {m['longest']['lines']} lines, "
                                 f"{'branches' if m['longest']['branches'] else 'no branch'}"),
            ('longest that branches', f"{m['longest_branching']['name']}: {m['longest_branching']['lines']} lines"),
            ('branching, over 40 lines', f"{len(m['branching_over_40'])} of {m['functions']} functions"),
            (f'module lines > {WIDTH}', pct(m['py_over'], m['py_lines'])),
            (f'notebook code lines > {WIDTH}', pct(m['nb_over'], m['nb_lines'])),
            ('definitions per exported cell', f"{m['defs_per_cell']:.2f} over {m['exported_cells']} cells; "
                                              f"most {m['most_defs']['defs']} ({m['most_defs']['cell']})"),
            ('private cross-module imports', f"{len(m['private_imports'])} imports of "
                                             f"{sum(len(i.split(' import ')[1].split(', ')) for i in m['private_imports'])} names")]
    w = max(len(k) for k,_ in rows)
    out = [f"{m['modules']} modules (convbook/*.py), {m['notebooks']} notebooks (nbs/api)", '']
    out += [f"{k:<{w}}  {v}" for k,v in rows]
    if m['branching_over_40']: out += ['', 'branching functions over 40 lines:', *(f"  {f}" for f in m['branching_over_40'])]
    if m['private_imports']: out += ['', 'private cross-module imports:', *(f"  {i}" for i in m['private_imports'])]
    return '\n'.join(out)

def save(m:dict, path:str):
    "Write the figures of `measures` to `path` as JSON"
    Path(path).write_text(json.dumps(m, indent=1) + '\n')

@call_parse
def main(json:str=None, # also write every figure, as JSON, to this file
        ):
    "Measures of the package's code: longest function, long lines, definitions per exported cell, private imports"
    m = measures()
    print(table(m))
    if json: save(m, json)
