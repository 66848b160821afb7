"""How long is the course's core path, counted as fastbook's chapter 13 is counted?

    python tools/core_length.py                 # words per chapter: core path, "Going further", and the total
    python tools/core_length.py --fastbook NB   # the same count of a copy of fastbook's 13_convolutions.ipynb

A chapter's prose is the words (runs of non-space characters) of its Markdown cells, the way one counts fastbook's
13_convolutions.ipynb: every Markdown cell, headings, exercises, questionnaire and further research included, code
and outputs left out. A chapter's core path is its prose up to its `## Going further` heading; what follows that
heading (to the end of the notebook) is beside the path. Chapters 01-09 are counted: 00 says how the exercises work,
and fastbook has no such page.
"""
import json, re, sys
from pathlib import Path
from typing import Annotated
from fastcore.script import call_parse
from paths import ROOT

FURTHER = re.compile(r'^##\s+Going further\b', re.M)

def words(text:str) -> int: return len(re.findall(r'\S+', text))

def prose(path:Path) -> tuple:
    "`(core, further)`: the words of the notebook's Markdown cells before its '## Going further' heading, and from it on"
    cells = [''.join(c['source']) for c in json.loads(Path(path).read_text())['cells'] if c['cell_type'] == 'markdown']
    core = further = 0
    beside = False
    for md in cells:
        if not beside and (m := FURTHER.search(md)):
            core += words(md[:m.start()]); further += words(md[m.start():]); beside = True
        elif beside: further += words(md)
        else: core += words(md)
    return core, further

def chapters() -> list: return sorted(p for p in (ROOT/'nbs'/'course').glob('0[1-9]_*.ipynb'))

@call_parse
def main(fastbook:Annotated[str, dict(metavar='NB')]=None, # count a copy of fastbook's 13_convolutions.ipynb instead
        ):
    "How long is the course's core path, counted as fastbook's chapter 13 is counted?"
    if fastbook:
        try: core, further = prose(Path(fastbook))
        except (OSError, ValueError, KeyError) as e: sys.exit(f"core_length: can't read {fastbook}: {e}")
        print(f"fastbook 13_convolutions: {core + further:,} words of prose"); return
    rows = [(c.stem, *prose(c)) for c in chapters()]
    for name, core, further in rows: print(f"{name:<16} core {core:>6,}   going further {further:>6,}")
    core, further = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'01-09':<16} core {core:>6,}   going further {further:>6,}")
