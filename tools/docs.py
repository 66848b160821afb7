"""The README and the documentation site, built offline.

    python tools/docs.py           # README.md and the static site in _site/
    python tools/docs.py --readme  # README.md only

Both start from nbdev's own processing of the notebooks (`proc_nbs`, what `nbdev-proc-nbs` runs: frontmatter,
hidden cells, `show_doc`, doc links). Quarto, which `nbdev-docs` and `nbdev-readme` use, cannot be installed
offline, so here nbconvert turns the processed notebooks into Markdown and mkdocs-material renders the site,
with MathJax served from the site itself (from the jupyter-server-mathjax package). The Quarto configuration
in nbs/ (_quarto.yml, nbdev.yml, sidebar.yml) stays the one used to publish with `nbdev-docs`.

What the pages add to nbdev's processing, so that they read as nbdev's Quarto pages do:
- `show_doc` signatures as nbdev 3.3.26 should write them (`fix_show_doc`);
- output tables (pandas DataFrames and Stylers) styled like the theme's own tables, each scrolling in its own box
  (`tidy_tables`, tools/site/extra.css); on a phone the columns the text discusses stay pinned beside the first, and
  a long table keeps its header row in view (tools/site/tables.js);
- a light/dark toggle, previous/next links and a link to the repository in the header, which makes no request to
  GitHub's API (the theme's `source` partial is replaced, tools/site/source.html);
- the same bytes on every build (`SOURCE_DATE_EPOCH` is the last commit's date, for the sitemap).
The README's images link to the repository's raw files, so that they show on PyPI too (`absolute_links`).
The site's own CSS, JavaScript and HTML templates are files in tools/site/ (`SITE_JS`, `OVERRIDES`).
"""
import ast, html, json, os, re, shutil, subprocess, sys, yaml
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from nbdev.config import get_config, nbpath2html
from nbdev.quarto import proc_nbs
from fastcore.script import call_parse, store_true
import explorer_site   # the convolution explorer's host (tools/explorer_site.py)
import site_exercises  # the exercises answered in the page (tools/site_exercises.py)

from paths import ROOT
SITE_SRC, SITE = ROOT/'_site_src', ROOT/'_site'
ASSETS = Path(__file__).resolve().parent/'site'   # the site's own CSS, JavaScript and HTML (tools/site/)
DROP_MIMES = ('application/vnd.jupyter.widget-view+json',)

def find_nbconvert_templates():
    "Let nbconvert find its templates when it is installed in the Python that a `--system-site-packages` venv builds on"
    from jupyter_core.paths import jupyter_path
    base = os.path.join(sys.base_prefix, 'share', 'jupyter')
    if os.path.isdir(os.path.join(base, 'nbconvert')) and base not in jupyter_path():
        os.environ['JUPYTER_PATH'] = os.pathsep.join(filter(None, [os.environ.get('JUPYTER_PATH'), base]))
find_nbconvert_templates()

def frontmatter(cell) -> dict:
    "The Quarto frontmatter that nbdev's processing puts in a notebook's first (raw) cell, or {}"
    if cell.cell_type != 'raw' or not cell.source.startswith('---'): return {}
    return yaml.safe_load(cell.source.strip().strip('-')) or {}

def frontmatter_md(cell) -> str:
    "The `# title` and `> description` that a notebook's Quarto frontmatter stands for"
    fm = frontmatter(cell)
    return f"# {fm.get('title','')}\n\n" + (f"> {fm['description']}\n" if fm.get('description') else '')

def clean_outputs(c):
    "Drop what a static page can't show: stderr (warnings) and interactive widgets (their text fallback is noise)"
    if c.cell_type == 'code':
        c.outputs = [o for o in c.outputs if not (o.get('name') == 'stderr' or any(m in o.get('data', {}) for m in DROP_MIMES))]
        for o in c.outputs:
            if 'text/html' in o.get('data', {}): o.data['text/html'] = tidy_tables(o.data['text/html'])
    return c

def tidy_tables(html:str) -> str:
    "Let an output's tables look like the theme's: pandas' `class=\"dataframe\"`, `border` and scoped style go, and each table gets a box that scrolls"
    if isinstance(html, list): html = ''.join(html)
    if '<table' not in html: return html
    html = re.sub(r'<style scoped>.*?</style>\s*', '', html, flags=re.S)
    html = readable_text(html)
    html = re.sub(r'<table\b[^>]*>', lambda m: re.sub(r'\s(?:class|border)="[^"]*"', '', m.group(0)), html)
    return f'<div class="nb-table" markdown="0">\n{wrap_names(html.strip())}\n</div>'

def luminance(hex_colour:str) -> float:
    "The relative luminance of `#rrggbb` (WCAG 2)"
    r,g,b = (int(hex_colour.lstrip('#')[i:i+2], 16)/255 for i in (0, 2, 4))
    f = lambda c: c/12.92 if c <= 0.04045 else ((c+0.055)/1.055)**2.4
    return 0.2126*f(r) + 0.7152*f(g) + 0.0722*f(b)

def readable_text(html:str) -> str:
    """A styled table's text colour on each cell's background as the one of black and white that contrasts more (pandas'
    `background_gradient` puts #f1f1f1 on mid-greys, down to 2.4:1): in every CSS rule that sets both colours"""
    def fix(m):
        rule, bg = m.group(0), re.search(r'background-color:\s*(#[0-9a-fA-F]{6})', m.group(0))
        if not bg or not re.search(r'(?<![-\w])color:', rule): return rule
        text = '#000000' if luminance(bg.group(1)) > 0.179 else '#ffffff'   # 0.179: where black and white contrast alike
        return re.sub(r'(?<![-\w])color:\s*#[0-9a-fA-F]{3,6}', f'color: {text}', rule)
    return re.sub(r'<style\b.*?</style>', lambda st: re.sub(r'\{[^{}]*\}', fix, st.group(0)), html, flags=re.S)

def wrap_names(html:str) -> str:
    """Let a dotted name in a table cell (`layer1.0.conv1`, `F.conv2d`) break after its dots, and a snake-case column
    name (`near_zero_first`) after its underscores, and nowhere else (tools/site/extra.css turns off breaking mid-word)"""
    name = r'[A-Za-z_]\w*(?:\.\w+)+'
    html = re.sub(rf'(<t[dh]\b[^>]*>\s*)({name})(?=[\s#\w]*</t[dh]>)', lambda m: m.group(1) + m.group(2).replace('.', '.<wbr>'), html)
    # a column's name in snake case (`near_zero_first`) may break after an underscore, so that on a phone the columns a
    # chapter discusses fit beside the row labels (tools/site/tables.js)
    return re.sub(r'(<th\b[^>]*>\s*)([a-z]+(?:_[a-z0-9]+)+)(?=\s*</th>)', lambda m: m.group(1) + m.group(2).replace('_', '_<wbr>'), html)

def lib_classes(lib:Path) -> dict:
    "The classes each module of the package defines: `{'viz.py': {'ConvDiagram', ...}, ...}`"
    return {p.name: {n.name for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.ClassDef)}
            for p in sorted(Path(lib).glob('*.py'))}

def fix_show_doc(md:str, classes:dict) -> str:
    """The signature in a `show_doc` output, as it should read. nbdev 3.3.26 renders it with fastcore 2.2.41's
    `DocmentText`, which starts every signature with `def`, classes included (`def ConvDiagram(`), and gives each
    parameter without an annotation the type of its default, so an inherited `metadata=None` reads `metadata:NoneType=None`"""
    src = re.search(r'\[source\]\([^)]*/blob/[^/)]+/(?:[^)#]*/)?([\w]+\.py)#L\d+\)', md)
    known = classes.get(src.group(1), set()) if src else set().union(*classes.values())
    def kind(m):
        kw,name = m.groups()
        return f"```python\n{'class' if name in known else kw} {name}("
    md = re.sub(r'```python\n(def|async def) ([\w.]+)\(', kind, md, count=1)
    md = re.sub(r'^(#+ .*)$', lambda m: m.group(1).replace('_', '\\_'), md, flags=re.M)   # `Feedback.__str__`, not Feedback.**str**
    return re.sub(r'(\w):NoneType=None\b', r'\1=None', md)

def fix_show_docs(nb, classes:dict):
    "Apply `fix_show_doc` to the `show_doc` outputs of a processed notebook"
    for c in nb.cells:
        if c.cell_type != 'code' or 'show_doc' not in c.source: continue
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md: o.data['text/markdown'] = fix_show_doc(''.join(md), classes)
    return nb

def directives(c) -> dict:
    "The Quarto cell options (`#| key: value` lines) of a code cell, which are removed from its source"
    lines = c.source.splitlines()
    opts = {}
    while lines and lines[0].startswith('#|'):
        k,_,v = lines.pop(0)[2:].partition(':')
        v = v.strip()
        if v[:1] in ('"', "'"):   # a quoted value, as Quarto's YAML needs it when it holds ': ' or ' #'
            try: v = str(yaml.safe_load(v))
            except yaml.YAMLError: pass
        opts[k.strip()] = v or 'true'
    c.source = '\n'.join(lines)
    return opts

def quarto_cell(c) -> list:
    "What Quarto shows for cell `c`, as notebook cells: hidden ones go, `echo: false` hides the code, `output: asis` turns the output into Markdown"
    if c.cell_type != 'code': return [c]
    opts = directives(c)
    if opts.get('include') == 'false' or opts.get('hide') == 'true': return []
    c.metadata['quarto'] = opts   # fig-alt, fig-cap and label reach the figure (`figure_images`)
    if opts.get('echo') == 'false':
        if opts.get('output') == 'asis':
            return [nbformat.v4.new_markdown_cell(''.join(o.get('data', {}).get('text/markdown', '')) if 'data' in o else o.get('text', ''))
                    for o in c.outputs]
        c.metadata.setdefault('tags', []).append('remove_input')
    return [c]

def nb2md(nb, files_dir:str):
    "GitHub Markdown of a processed notebook, and its images as `{name: bytes}` (under `files_dir`)"
    cells = []
    for c in nb.cells:
        if frontmatter(c): c = nbformat.v4.new_markdown_cell(frontmatter_md(c))
        if c.cell_type == 'markdown' and 'AUTOGENERATED! DO NOT EDIT' in c.source: continue
        c.metadata.pop('execution', None)   # timings nbdev's processing adds, which nbformat's schema refuses
        cells += [clean_outputs(q) for q in quarto_cell(c)]
    nb.cells = cells
    nb.metadata.setdefault('language_info', {})['name'] = 'python'
    exp = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True)
    exp.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    md, res = exp.from_notebook_node(nb, resources=dict(output_files_dir=files_dir))
    return figure_images(md, cells, files_dir), res.get('outputs', {})

def figure_images(md:str, cells:list, files_dir:str) -> str:
    """The images that code cells drew, with the cell's `#| fig-alt` as alternative text (nbconvert writes "png") and its
    `#| fig-cap` as title: `![alt](src "caption")`, and `{#fig-x}` after it for a cell with `#| label: fig-x`.
    An image without fig-alt has its caption as alternative text, or else says where it is (the section's heading)"""
    heading, where = '', {}
    for i,c in enumerate(cells):
        if c.cell_type == 'markdown':
            hs = re.findall(r'^#{1,4} +(.+?)\s*$', c.source, re.M)
            if hs: heading = re.sub(r'\\(.)', r'\1', re.sub(r'[`*]', '', hs[-1]))
        else: where[i] = heading
    def fig(m):
        i = int(m.group(2))
        opts = cells[i].metadata.get('quarto', {}) if i < len(cells) else {}
        cap = opts.get('fig-cap', '')
        alt = opts.get('fig-alt') or cap or (f"a figure drawn by the code above, in the section \u201c{where[i]}\u201d" if where.get(i) else 'a figure drawn by the code above')
        label = opts.get('label', '')
        q = lambda t: t.replace('"', '\u201d').replace(']', ')').replace('[', '(')
        return f'![{q(alt)}]({m.group(1)}' + (f' "{q(cap)}"' if cap else '') + ')' + (f'{{#{label}}}' if label.startswith('fig-') else '')
    return re.sub(r'!\[(?:png|jpeg|svg|gif)\]\((' + re.escape(files_dir) + r'/output_(\d+)_\d+\.\w+)\)', fig, md)

def raw_url(cfg) -> str:
    "Where GitHub serves the files of the repository's default branch"
    return f"https://raw.githubusercontent.com/{cfg.user}/{cfg.repo}/{cfg.branch}/"

def absolute_links(md:str, nbs:Path, root:Path, raw:str) -> str:
    "Point the relative image links of the README (to `images/x.gif` next to the notebook, or to `README_files/`) at the repository's raw files, which show on PyPI too"
    def url_of(url):
        if re.match(r'^[a-z]+:|^/|^#', url): return url
        f = nbs/url if (nbs/url).exists() else root/url
        return raw + f.resolve().relative_to(root).as_posix()
    md = re.sub(r'(!\[[^\]]*\]\()([^)\s]+)((?:\s+"[^"]*")?\))', lambda m: m.group(1) + url_of(m.group(2)) + m.group(3), md)
    return re.sub(r'(<img\b[^>]*\bsrc=")([^"]+)(")', lambda m: m.group(1) + url_of(m.group(2)) + m.group(3), md)

def write_md(md:str, outputs:dict, dest:Path, name:str):
    "Write `dest/name` and the images it refers to"
    for fn,data in outputs.items():
        (dest/fn).parent.mkdir(parents=True, exist_ok=True)
        (dest/fn).write_bytes(data)
    (dest/name).write_text(md.strip() + '\n')

def read_processed(path:Path):
    "A notebook that nbdev processed, without the keys nbformat's schema refuses (`has_sd` of cells, the timings of execution)"
    d = json.loads(Path(path).read_text())
    for c in d['cells']:
        c.pop('has_sd', None)
        c.get('metadata', {}).pop('execution', None)
    return nbformat.reads(json.dumps(d), as_version=4)

def processed(file_glob:str='') -> Path:
    """nbdev's processed notebooks (`_proc/`), made in this process, one notebook after the other: nbdev's default,
    a pool of new processes that each import nbdev, the package and fastai again, costs three times the CPU"""
    from IPython.core.interactiveshell import InteractiveShell
    cfg = get_config(ROOT)
    # Each notebook gets an IPython shell (execnb's), and each shell registers an `atexit` clean-up that resets its
    # namespace and collects garbage: with 24 notebooks, 12 s of CPU when the process ends. These shells keep no
    # history and no temporary files, so their clean-up is left out.
    keep, InteractiveShell.atexit_operations = InteractiveShell.atexit_operations, lambda self: None
    try: return proc_nbs(cfg.nbs_path, file_glob=file_glob, n_workers=0)
    finally: InteractiveShell.atexit_operations = keep

def readme():
    "Write README.md (and README_files/) from the readme notebook, as `nbdev-readme` would"
    cfg = get_config(ROOT)
    nb = read_processed(processed(cfg.readme_nb)/cfg.readme_nb)
    md, outputs = nb2md(nb, 'README_files')
    md = re.sub(r'(!\[[^\]]*\]\([^)]*\))\{#fig-[^}]*\}', r'\1', md)   # figure labels are the site's
    shutil.rmtree(ROOT/'README_files', ignore_errors=True)
    for fn,data in outputs.items(): (ROOT/fn).parent.mkdir(parents=True, exist_ok=True); (ROOT/fn).write_bytes(data)
    write_md(absolute_links(md, cfg.nbs_path, ROOT, raw_url(cfg)), {}, ROOT, 'README.md')
    print(f"Wrote README.md and {len(outputs)} figure(s)")

def quarto2md(md:str, doc_url:str, page:str='index') -> str:
    "Turn the Quarto-only syntax nbdev writes (link attributes, fenced divs) into plain Markdown/HTML, and doc links into links relative to `page` (`api/kernels`)"
    md = re.sub(r'\[source\]\(([^)]+)\)\{[^}]*\}', r'<a class="source-link" href="\1" data-search-exclude>source</a>', md)
    md = re.sub(r'(\]\([^)]*\))\{(?!#fig-)[^}]*\}', r'\1', md)   # (a figure's label stays: `number_figures` reads it)
    md = re.sub(r'^:::+ ?(\{[^}]*\})?\s*$', '', md, flags=re.M)
    if doc_url:
        base = re.escape(doc_url.rstrip('/') + '/')
        md = re.sub(base + r'([\w/-]+)\.html', lambda m: rel_page(m.group(1), page) + '.md', md)
    # nbdev's anchors keep the dot of a method (`#exercise.figure`); the site's headings drop it, as Python-Markdown's slugify does
    md = re.sub(r'(\]\((?:\.\./)?[\w/-]+\.md#)([\w.-]+)\)', lambda m: m.group(1) + m.group(2).replace('.', '') + ')', md)
    return md

def rel_page(target:str, page:str) -> str:
    "The link from page `page` to page `target` (both like `api/kernels`, without a suffix)"
    return os.path.relpath(target, os.path.dirname(page) or '.')

def search_exclude_tests(md:str) -> str:
    "Leave the code cells that test (`test_eq`, `assert`, ...) out of the search index, so that no search result's snippet is a test"
    def wrap(m):
        body = m.group(0)
        if not re.search(r'\btest_\w+\(|^\s*assert\b', body, re.M): return body
        return f'<div data-search-exclude markdown="1">\n\n{body}\n\n</div>'
    md = re.sub(r'^```python\n.*?^```$', wrap, md, flags=re.M|re.S)
    # an exercise's question names the API it is about (`nn.ConvTranspose2d(...)`), and there are dozens: search for
    # that name leads to the explanations, not to the questions
    return re.sub(r'^\*\*Exercise\*\* \(.*?(?=\n\s*\n|\Z)', lambda m: f'<div data-search-exclude markdown="1">\n\n{m.group(0)}\n\n</div>', md, flags=re.M|re.S)

# The search index splits words at spaces, dashes and the punctuation of code (`nn.ConvTranspose2d(1,` is `nn`,
# `ConvTranspose2d` and `1`), so that API names are found; `_` stays part of a name (`conv_transpose2d`). A dot
# followed by a digit stays too (`0.995`).
SEARCH_SEPARATOR = r'[\s\-,;:!=+*/<>\[\](){}"\'`|]+|\.(?!\d)'

def link_images(md:str) -> str:
    "Make each image (figures, animations) a link to itself, so that a phone can open it full size and zoom"
    return re.sub(r'(?<!\[)!\[([^\]]*)\]\(([^)\s]+\.(?:png|gif|jpe?g|svg))\)', r'[![\1](\2)](\2)', md)

def animation_text(stem:str):
    """`(alt, caption)` of the GIF `stem`.gif that `convbook.viz.render_all` draws from `ANIMATIONS[stem]`, said from
    its parameters (sizes, padding, stride, dilation, the output's size), or `None` for another file"""
    from convbook.viz import ANIMATIONS, ConvDiagram
    if stem not in ANIMATIONS: return None
    d, kw = ConvDiagram(**ANIMATIONS[stem]), ANIMATIONS[stem]
    (oh,ow), n, k = d.out_size, kw['n'], kw['ks']
    pad, stride, dil, op = kw.get('padding', 0), kw.get('stride', 1), kw.get('dilation', 1), kw.get('output_padding', 0)
    what = {'max': 'max pooling', 'avg': 'average pooling'}.get(d.mode, 'transposed convolution' if d.transposed else 'convolution')
    parts = [f'padding {pad}' if pad else 'no padding', f'stride {stride}']
    if dil > 1: parts.append(f'dilation {dil}')
    if d.transposed and op: parts.append(f'output_padding {op}')
    setting = ', '.join(parts)
    cap = f"{what[0].upper() + what[1:]}: a {k}\u00d7{k} {'window' if d.mode != 'conv' else 'kernel'} on a {n}\u00d7{n} input, {setting}, gives a {oh}\u00d7{ow} output."
    if d.transposed:
        alt = (f"Animation of a transposed convolution ({setting}) drawn as a direct one: the {n}\u00d7{n} input, spread out "
               f"with zeros and padded, is swept by a {k}\u00d7{k} kernel, one window per frame, filling a {oh}\u00d7{ow} output cell by cell")
    else:
        win = f"a {k}\u00d7{k} {'kernel' if d.mode == 'conv' else 'window'}" + (f" spread to {d.span[0]}\u00d7{d.span[1]} by dilation {dil}" if dil > 1 else '')
        alt = (f"Animation of {what} ({setting}): {win} moves over the {n}\u00d7{n} input" + (' and its padding' if pad else '') +
               f", one position per frame, and each position fills one cell of the {oh}\u00d7{ow} output" +
               ('; every cell shows its number, and each output cell shows the ' + ({'max': 'largest number', 'avg': 'mean'}.get(d.mode, 'sum of products')) + ' under the window' if d.values else ''))
    return alt, cap

FIG_ROW = re.compile(r'^(?:!\[[^\]]*\]\([^)\s]+(?:\s+"[^"]*")?\)(?:\{#[\w.-]+\})?[ \t]*)+$', re.M)
FIG_IMG = re.compile(r'!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)(?:\{#([\w.-]+)\})?')

def number_figures(md:str, chapter:str, size=lambda src: None) -> str:
    """Each line of the page that holds only images becomes figures: an image that links to itself (a phone opens it
    full size), its alternative text, `width`/`height` (`size(src)`, so the page does not jump as it loads) and, but for
    the page's first, `loading="lazy"`, and a caption numbered in the page's order: "Figure 6.2: ..." on chapter
    `chapter` 6, "Figure 3: ..." where `chapter` is ''. A figure's id is its label (`{#fig-x}`), or else `fig-6.2`;
    `@fig-x` in the text becomes a link "Figure 6.2". Alternative text that is a file name or a format ("png") is
    replaced: GIFs of `ANIMATIONS` say what they show (`animation_text`), others have their caption, or the section's heading."""
    count, labels, out, pos, heading = 0, {}, [], 0, ''
    def one(m, first):
        nonlocal count
        alt, src, cap, label = m.groups()
        stem = Path(src).stem
        anim = animation_text(stem) if src.endswith('.gif') else None
        if not alt.strip() or alt.strip() in (stem, 'png', 'gif', 'jpeg', 'svg', 'image') or re.fullmatch(r'[\w.-]*_[\w.-]*', alt.strip()): alt = anim[0] if anim else (cap or f'a figure in the section \u201c{heading}\u201d')
        cap = cap or (anim[1] if anim else '')
        count += 1
        num = f'{chapter}.{count}' if chapter else f'{count}'
        fid = label or f'fig-{num}'
        labels[fid] = num
        wh = size(src)
        attrs = (f' width="{wh[0]}" height="{wh[1]}"' if wh else '') + ('' if first else ' loading="lazy"')
        esc = lambda t: html.escape(t, quote=True)
        code = lambda t: re.sub(r'`([^`]+)`', r'<code>\1</code>', esc(t))
        alt = alt.replace('`', '')
        caption = f'<figcaption><span class="fig-num">Figure {num}</span>' + (f': {code(cap)}' if cap else '') + '</figcaption>'
        return f'<figure class="nb-figure" id="{esc(fid)}" markdown="0"><a href="{esc(src)}"><img src="{esc(src)}" alt="{esc(alt)}"{attrs}></a>{caption}</figure>'
    for m in FIG_ROW.finditer(md):
        before = md[pos:m.start()]
        hs = re.findall(r'^#{1,4} +(.+?)\s*$', before, re.M)
        if hs: heading = re.sub(r'\\(.)', r'\1', re.sub(r'[`*]', '', hs[-1]))
        figs = [one(f, count == 0) for f in FIG_IMG.finditer(m.group(0))]
        out += [before, '\n\n' + ('<div class="nb-figures" markdown="0">' + ''.join(figs) + '</div>' if len(figs) > 1 else figs[0]) + '\n\n']
        pos = m.end()
    md = ''.join(out) + md[pos:]
    return re.sub(r'(?<![\w@])@(fig-[\w.-]*\w)', lambda m: f'[Figure {labels[m.group(1)]}](#{m.group(1)})' if m.group(1) in labels else m.group(0), md)

SEARCH_BOOST = {'course': 3}
# The API names a course section is about, when its prose says it in words ("a transposed convolution"): they head the
# section's text in the search index, so that searching the name finds the explanation (`search_keywords`)
SEARCH_KEYWORDS = {r'transpos': 'nn.ConvTranspose2d, F.conv_transpose2d:', r'max pool|pooling': 'nn.MaxPool2d, nn.AvgPool2d:',
                   r'batch norm': 'nn.BatchNorm2d:', r'\bgroups?\b|depthwise': 'groups=:'}

def search_keywords(index:Path):
    "Put `SEARCH_KEYWORDS` in front of the text of the course's sections whose title matches, in the search index `index`"
    d = json.loads(Path(index).read_text())
    for doc in d['docs']:
        if not doc['location'].startswith('course/') or '#' not in doc['location']: continue
        for pat, words in SEARCH_KEYWORDS.items():
            if re.search(pat, doc['title'], re.I) and words not in doc['text']: doc['text'] = f'<p>{words}</p>' + doc['text']
    Path(index).write_text(json.dumps(d, separators=(',', ':')))   # the course's pages in search results: above the reference's for the same words

def page_titles(nbname:str, title:str) -> tuple:
    """`(in the navigation, as the page's heading, in the browser's title)` of a page: a course chapter is numbered
    ("6. Our first convolutional neural network", chapter 00 is "0. How the exercises work"); a reference page says so
    in its heading and title ("Improving training stability (reference)"), not in the navigation, where it is under
    "Reference"; the others keep their title"""
    m = re.match(r'course/(\d+)_', nbname)
    if m: t = f'{int(m.group(1))}. {title}'; return t, t, t
    if nbname.startswith('api/'): return title, f'{title} (reference)', f'{title} (reference)'
    return title, title, title

def page_meta(title:str, description:str, boost:float=1) -> str:
    """The Markdown front matter of a page: its title in the browser and its own description (the notebook's subtitle,
    as plain text), for `<meta name=description>` and the `og:` tags; and its weight in search (`boost`: the course's
    explanations rank above the reference's docstrings for the same name)"""
    plain = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', re.sub(r'[`*]', '', description)).strip()
    meta = {'title': title, **({'description': plain} if plain else {}), **({'search': {'boost': boost}} if boost != 1 else {})}
    return '---\n' + yaml.safe_dump(meta, allow_unicode=True, width=10**6) + '---\n\n'

def chapter_label(nbname:str) -> str:
    "What a page's figures are numbered by: '6' for course/06_cnn.ipynb, 'R4' for the reference page api/04_viz.ipynb, '' for the others"
    m = re.match(r'(course|api)/(\d+)([a-z]?)_', nbname)
    if not m: return ''
    return ('R' if m.group(1) == 'api' else '') + str(int(m.group(2))) + m.group(3)

def image_size(outputs:dict, nb_dir:Path):
    "A function giving `(width, height)` of an image `src` of a page: one of its `outputs` (bytes), or a file relative to its notebook's folder"
    from io import BytesIO
    from PIL import Image
    def size(src):
        try:
            if src in outputs: return Image.open(BytesIO(outputs[src])).size
            f = Path(nb_dir)/src
            return Image.open(f).size if f.exists() else None
        except Exception: return None
    return size

def site_pages(cfg) -> list:
    "`(section, notebook)` in the order of the Quarto sidebar; `section` is `None` for the pages at the top (home, practice)"
    sb = yaml.safe_load((cfg.nbs_path/'sidebar.yml').read_text())
    res = []
    for p in sb['website']['sidebar']['contents']:
        if isinstance(p, str): res.append((None, p))
        else: res += [(p['section'], q) for q in p['contents']]
    return res

# The site's own files in tools/site/, and where the build puts them: the JavaScript and CSS go to `assets/` (the
# stylesheet after nbs/styles.css), the theme's overrides to `overrides/` (mkdocs-material's `custom_dir`).
# - mathjax-config.js: MathJax 2 set up for `pymdownx.arithmatex`, asking nothing of the network;
# - wide-figures.js: on a phone, a figure more than 1.6 times the screen's width (two panels or more, drawn for a
#   desktop column) would shrink until its text can't be read: it is shown at up to twice the screen's width
#   instead, in a box that scrolls sideways (extra.css); a tap still opens it full size;
# - a11y.js: what scrolls can be reached and scrolled by keyboard; tables.js: long and wide tables keep their header
#   and the columns the text discusses in view;
# - main.html: the search index fetched on first use, `og:` tags; 404.html: the 404 page's text and its link home;
# - source.html: the theme's link to the repository, without `data-md-component="source"`: with it, the theme's
#   JavaScript asks GitHub's API for the repository's stars, forks and latest release on every first visit, and the
#   site makes no network request.
SITE_JS = ['mathjax-config.js', 'wide-figures.js', 'a11y.js', 'tables.js']
OVERRIDES = {'main.html': 'main.html', '404.html': '404.html', 'source.html': 'partials/source.html'}

def asset(name:str) -> str:
    "The text of the site's file `name` in tools/site/"
    return (ASSETS/name).read_text()

# The 404 page is served for a missing page at any depth, so its links can't be relative, and with `site_url` mkdocs
# makes them absolute (`/convbook/assets/...`), which only works where the site is published. Instead they are
# relative to a `<base>` that a script writes first (tools/site/base-404.html): the site's folder, found in the address
# (its published path), or else the shortest folder of the address that holds the site (asked synchronously, since
# the stylesheets that follow need the base before they load).

def search_partial() -> str:
    "The theme's search box, its dialog named (\"Search\") for screen readers"
    import material
    html = (Path(material.__file__).parent/'templates'/'partials'/'search.html').read_text()
    assert 'role="dialog"' in html, "mkdocs-material's search partial changed: name its dialog again"
    return html.replace('role="dialog"', 'role="dialog" aria-label="{{ lang.t(\'search\') }}"', 1)

def fix_404(html:str, site_path:str) -> str:
    "The 404 page with links relative to the site's folder wherever it is served (tools/site/base-404.html), not to `site_path` (`/convbook/`) only"
    q = re.escape(site_path)
    html = re.sub(rf'(\b(?:href|src)=")' + q, r'\1', html)
    html = html.replace(f'__md_scope=new URL("{site_path}",location)', '__md_scope=new URL(window.__convbookBase,location)')
    html = re.sub(r'("(?:base|search)": ")' + q, lambda m: m.group(1) + ('./' if m.group(1).startswith('"base') else ''), html)
    html = re.sub(r'(<meta charset="utf-8">)', lambda m: m.group(1) + asset('base-404.html') % json.dumps(site_path), html, count=1)
    # Chromium's preload scanner fetches the stylesheets and scripts it sees in the HTML before the `<base>` exists,
    # from the missing page's folder (ten failing requests): each is written by a script after the base instead
    def later(m):
        return '<script>document.write(' + json.dumps(m.group(0)).replace('</', '<\\/') + ')</script>'
    local = r'(?!https?:|/|#|data:)[^"]+'
    html = re.sub(rf'<link\b[^>]*\bhref="{local}"[^>]*>', later, html)
    return re.sub(rf'<script\b[^>]*\bsrc="{local}"[^>]*></script>', later, html)

def math_only_where_needed(page:str) -> str:
    "A page without math (no `arithmatex` element) without MathJax's scripts: 366 kB and its fonts that only 6 of the pages use"
    if 'class="arithmatex"' in page: return page
    return re.sub(r'<script src="[^"]*(?:mathjax-config\.js|MathJax\.js\?[^"]*)"></script>\s*', '', page)

def build_date() -> str:
    "Seconds since the epoch of the last commit (the sitemap's dates), so that two builds of one commit are byte-identical"
    r = subprocess.run(['git', 'log', '-1', '--format=%ct'], cwd=ROOT, capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else '0'

def mkdocs_config(cfg, dest:Path, nav:list, strict:bool=True) -> dict:
    "The mkdocs-material configuration of the site"
    palette = [dict(media='(prefers-color-scheme: light)', scheme='default', primary='blue grey', accent='indigo',
                    toggle=dict(icon='material/weather-night', name='Switch to dark mode')),
               dict(media='(prefers-color-scheme: dark)', scheme='slate', primary='blue grey', accent='indigo',
                    toggle=dict(icon='material/weather-sunny', name='Switch to light mode'))]
    return dict(
        site_name=cfg.title, site_description=cfg.description, site_url=cfg.doc_url,
        repo_url=cfg.git_url, repo_name=f'{cfg.user}/{cfg.repo}', edit_uri='',
        docs_dir='docs', site_dir=str(Path(dest).resolve()), use_directory_urls=False, strict=strict, nav=nav,
        theme=dict(name='material', custom_dir='overrides', font=False, palette=palette, icon=dict(repo='fontawesome/brands/github'),
                   features=['navigation.sections', 'navigation.footer', 'toc.follow', 'content.code.copy']),
        markdown_extensions=['tables', 'md_in_html', 'admonition', 'attr_list', {'toc': dict(permalink='#', permalink_title='Link to this section')}, 'pymdownx.superfences',
                             {'pymdownx.arithmatex': dict(generic=True)}, {'pymdownx.highlight': dict(use_pygments=True)}],
        extra_javascript=['assets/mathjax-config.js', 'assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full']   # its configuration first
                         + [f'assets/{n}' for n in SITE_JS if n != 'mathjax-config.js'],
        extra_css=['assets/extra.css'], plugins=[{'search': dict(separator=SEARCH_SEPARATOR)}],
        validation=dict(omitted_files='warn', absolute_links='warn', unrecognized_links='warn', anchors='warn'),
    )

def site(dest:Path=SITE, strict:bool=True) -> Path:
    "Build the static documentation site into `dest` from nbdev's processed notebooks"
    import jupyter_server_mathjax
    bank = site_exercises.start()   # the exercise bank, written by a second process meanwhile
    cfg = get_config(ROOT)
    cache = processed()
    classes = lib_classes(cfg.lib_path)
    shutil.rmtree(SITE_SRC, ignore_errors=True)
    docs = SITE_SRC/'docs'
    docs.mkdir(parents=True)
    nav, sections = [], {}
    for section,nbname in site_pages(cfg):
        nb = fix_show_docs(read_processed(cache/nbname), classes)
        fm = frontmatter(nb.cells[0])
        title, heading, head_title = page_titles(nbname, fm.get('title', nbname))
        if fm: nb.cells[0].source = '---\n' + yaml.safe_dump({**fm, 'title': heading}, allow_unicode=True) + '---'
        page = nbpath2html(nbname).with_suffix('').as_posix()
        md, outputs = nb2md(nb, f'{Path(page).name}_files')
        md = page_meta(head_title, fm.get('description', ''), SEARCH_BOOST.get(nbname.split('/')[0], 1)) + md
        (docs/page).parent.mkdir(parents=True, exist_ok=True)
        md = number_figures(quarto2md(md, cfg.doc_url, page), chapter_label(nbname), image_size(outputs, (cache/nbname).parent))
        write_md(search_exclude_tests(link_images(md)), outputs, (docs/page).parent, f'{Path(page).name}.md')
        item = {('Home' if page == 'index' else title): f'{page}.md'}
        if section is None: nav.append(item)
        else:
            if section not in sections: sections[section] = []; nav.append({section: sections[section]})
            sections[section].append(item)
    if (cache/'images').exists(): shutil.copytree(cache/'images', docs/'images')
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent/'static', docs/'assets'/'mathjax')
    for name in SITE_JS: shutil.copy(ASSETS/name, docs/'assets'/name)
    (docs/'assets'/'extra.css').write_text((cfg.nbs_path/'styles.css').read_text() + asset('extra.css'))
    (SITE_SRC/'overrides'/'partials').mkdir(parents=True)
    for name,to in OVERRIDES.items(): shutil.copy(ASSETS/name, SITE_SRC/'overrides'/to)
    (SITE_SRC/'overrides'/'partials'/'search.html').write_text(search_partial())
    conf = mkdocs_config(cfg, dest, nav, strict)
    explorer_site.install(docs, conf)   # the live explorer on the pages that show one
    site_exercises.install(docs, conf, bank)   # the exercises, answered in the page
    (SITE_SRC/'mkdocs.yml').write_text(yaml.safe_dump(conf, sort_keys=False))
    env = {**os.environ, 'NO_MKDOCS_2_WARNING': '1', 'SOURCE_DATE_EPOCH': build_date()}
    subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', str(SITE_SRC/'mkdocs.yml')], check=True, env=env)
    from urllib.parse import urlparse
    site_path = urlparse(cfg.doc_url).path.rstrip('/') + '/'
    search_keywords(Path(dest)/'search'/'search_index.json')
    for f in Path(dest).rglob('*.html'):
        if not f.relative_to(dest).as_posix().startswith('assets/'): f.write_text(math_only_where_needed(f.read_text()))
    if site_path != '/': (Path(dest)/'404.html').write_text(fix_404((Path(dest)/'404.html').read_text(), site_path))
    print(f"Built the site in {dest}: {len(site_pages(cfg))} pages")
    return Path(dest)

write_readme = readme   # `main`'s flag is called `readme`

@call_parse
def main(readme:store_true=False,  # only write README.md
         dest:Path=None):          # folder for the site: _site/ in the repository unless given
    "The README and the documentation site, built offline"
    write_readme()
    if not readme: site(Path(dest) if dest else SITE)
