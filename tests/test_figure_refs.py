"""Figures the prose cites: `#| label: fig-x` on a figure's cell, `@fig-x` in the text, "Figure 6.2" on the site."""
import json, re
from pathlib import Path
from paths import ROOT
CHAPTERS = sorted((ROOT/'nbs'/'course').glob('0[1-9]_*.ipynb'))

def labels_and_refs(path:Path) -> tuple:
    "The figure labels of notebook `path`'s cells (each with its caption, or None), and the `@fig-` names its prose cites"
    labels, refs = {}, []
    for c in json.loads(path.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': refs += re.findall(r'(?<![\w@])@(fig-[\w.-]*\w)', src)
        elif (m := re.search(r'^#\|\s*label:\s*(fig-[\w.-]+)\s*$', src, re.M)):
            labels[m.group(1)] = re.search(r'^#\|\s*fig-cap:', src, re.M) is not None
    return labels, refs

def test_every_chapter_cites_a_figure_it_has():
    for p in CHAPTERS:
        labels, refs = labels_and_refs(p)
        assert refs, f"{p.name}: the prose cites no figure"
        assert set(refs) <= set(labels), f"{p.name}: cites {set(refs) - set(labels)}, which no cell labels"
        assert all(labels.values()), f"{p.name}: a labelled figure without a caption"
        assert len(labels) == len(set(labels)), p.name

def test_cited_figures_are_numbered_links(site):
    "On the site every `@fig-x` became a link 'Figure N.M' to the figure whose caption has that number"
    dest, _ = site
    pages = [dest/'course'/f"{p.stem.split('_', 1)[1]}.html" for p in CHAPTERS]
    for page, nb in zip(pages, CHAPTERS):
        html = page.read_text()
        article = html[html.index('<article'):html.index('</article>')]
        assert '@fig-' not in re.sub(r'<[^>]+>', '', article), f"{page.name}: an unresolved @fig- reference"
        links = re.findall(r'<a href="#(fig-[\w.-]+)">Figure (\d+\.\d+)</a>', article)
        assert links, f"{page.name}: no figure reference"
        chapter = str(int(nb.name[:2]))
        for fid, num in links:
            fig = re.search(rf'<figure class="nb-figure" id="{re.escape(fid)}"[^>]*>.*?<span class="fig-num">Figure ([\d.]+)</span>',
                            article, re.S)
            assert fig and fig.group(1) == num and num.split('.')[0] == chapter, (page.name, fid, num)
