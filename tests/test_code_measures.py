"""tools/code_measures.py takes its measures of this repository, and they are sane (figures to watch, not targets)."""
import subprocess, sys
from paths import ROOT
import code_measures as cm

def test_measures_of_the_repository():
    m = cm.measures(ROOT)
    assert m['modules'] >= 10 and m['notebooks'] >= 10 and m['functions'] > 100
    assert 1 <= m['longest_branching']['lines'] <= m['longest']['lines'] < 500
    assert 0 <= m['py_over'] < m['py_lines'] and 0 <= m['nb_over'] < m['nb_lines']
    assert m['exported_cells'] > 20 and 0.5 <= m['defs_per_cell'] <= m['most_defs']['defs'] < 50
    assert all(' import _' in i or ', _' in i for i in m['private_imports'])

def test_measures_on_small_code(tmp_path):
    "Each measure on a module and a notebook made up for the test"
    f = tmp_path/'m.py'
    f.write_text("def a():\n    return 1\n\nclass C:\n    def b(self, x):\n        if x: return 2\n        return 3\n"
                 "\ndef c():\n    from .x import _y, z, __version__\n    return 'x' * 130  # " + 'x'*120 + "\n")
    assert cm.functions(f) == [('m.a', 2, False), ('m.C.b', 3, True), ('m.c', 3, False)]
    assert cm.long_lines([f.read_text()]) == (1, 11)
    assert cm.private_imports(f) == ['m.py:10: from .x import _y']
    assert cm.definitions('#| export\ndef f(): pass\nclass A: pass\nx = 1') == 2
    assert cm.definitions('%time 1') == 0

def test_the_command_prints_a_table():
    r = subprocess.run([sys.executable, ROOT/'tools'/'code_measures.py'], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == '', r.stderr
    assert 'longest function' in r.stdout and 'definitions per exported cell' in r.stdout
