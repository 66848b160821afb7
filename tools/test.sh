#!/usr/bin/env bash
# The workbook's test command (README and .ci/run call this): every notebook's checks, then the pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
nbdev-test --n-workers 2 --timing
python -m pytest -q tests
