"""The environment in which the notebooks run, for the main job (tools/build.py) and the tests (tools/test.sh):
the settings that make their numbers the same on every machine and in every run.

    eval "$(python tools/kernel_env.py)"     # in bash: export them (tools/test.sh does this)

- One thread for PyTorch and its math libraries. How PyTorch splits a reduction between threads (the weight
  gradient of a convolution, a sum over a batch) sets the order of its float additions, so with the default
  thread count (the machine's cores) a training run's numbers depend on the machine; one thread also suits the
  main job, which runs two notebooks at a time on two cores.
- On x86-64 CPUs with AVX2: the same vector instructions everywhere. PyTorch's own kernels (`ATEN_CPU_CAPABILITY`),
  oneDNN's convolutions (`ONEDNN_MAX_CPU_ISA`), MKL's matrix products (`MKL_CBWR`) and numpy's OpenBLAS
  (`OPENBLAS_CORETYPE`) each take the widest the CPU has (AVX-512 on one machine, AVX2 on another) and sum in a
  different order with each. Each of the first three, alone, changes the numbers of 06_cnn's training (measured);
  AVX2 is what x86-64 CPUs of the last ten years have, so a machine with AVX-512 computes what one without does.
- `PYTHONHASHSEED`: sets of strings, and whatever is printed from them, come out in the same order every run.
- `CONVBOOK_PROGRESS=off`: the exercises the notebooks check are not kept in the user's own progress file
  (`~/.convbook/progress.json`), and what a notebook shows doesn't depend on what was practised before.
"""
import os, platform, shlex
from pathlib import Path

def has_avx2() -> bool:
    "Is this an x86-64 CPU with AVX2 and FMA (what the pinned code paths need)?"
    if platform.machine().lower() not in ('x86_64', 'amd64'): return False
    info = Path('/proc/cpuinfo')
    if not info.exists(): return True   # macOS or Windows on x86-64: every such Mac and PC since 2013 has AVX2
    flags = next((l.split(':', 1)[1].split() for l in info.read_text().splitlines() if l.startswith('flags')), [])
    return 'avx2' in flags and 'fma' in flags

def kernel_env() -> dict:
    "The variables, as `{name: value}`"
    env = {'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'PYTHONHASHSEED': '0', 'CONVBOOK_PROGRESS': 'off'}
    if has_avx2():
        env.update(ATEN_CPU_CAPABILITY='avx2', ONEDNN_MAX_CPU_ISA='AVX2', MKL_CBWR='AVX2,STRICT', OPENBLAS_CORETYPE='Haswell')
    return env

if __name__ == '__main__':
    for k,v in kernel_env().items(): print(f"export {k}={shlex.quote(v)}")
