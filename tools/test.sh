#!/usr/bin/env bash
# The workbook's test command (README and .ci/run call this): every notebook's checks, then the pytest suite,
# which includes the browser test of the docs site in Debian's Chromium (installed here if it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser test of the docs site..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
nbdev-test --n-workers 2 --timing
python -m pytest -q tests
