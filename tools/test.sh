#!/usr/bin/env bash
# The workbook's test command (README and .ci/run call this): every notebook's checks, then the pytest suite,
# which includes the browser test of the docs site in headless Chromium: Debian's /usr/bin/chromium, or else
# playwright's own Chromium (installed here if neither is there: apt-get as root on Debian, else playwright).
# The notebooks run in the main job's environment (tools/kernel_env.py: one thread, the same vector instructions on
# every x86 CPU), so that their checks see the numbers their saved outputs show.
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
has_chromium() {   # the browser the tests would use (tools/chromium.py) is there
  python tools/chromium.py 2>/dev/null
}
if ! has_chromium; then
  if [ -z "${CONVBOOK_CHROMIUM:-}" ] && grep -qs '^ID=debian' /etc/os-release && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser test of the docs site..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Installing playwright's Chromium for the browser test of the docs site..."
    python -m playwright install chromium
  fi
fi
( eval "$(python tools/kernel_env.py)" && nbdev-test --n-workers 2 --timing )
# The suite runs as two pytest processes side by side, one per core: the tests of the built site in Chromium (they
# share the session's site build) and the rest, the slow training test among them (about a minute on one thread).
# The second one's report follows the first's.
SITE_TESTS=(tests/test_a11y.py tests/test_bank.py tests/test_explorer.py tests/test_figure_refs.py tests/test_outputs.py
            tests/test_site.py tests/test_site_exercises.py)
log=$(mktemp)
python -m pytest -q -p no:cacheprovider --durations=5 tests $(printf -- '--ignore=%s ' "${SITE_TESTS[@]}") >"$log" 2>&1 &
rest=$!
status=0
python -m pytest -q --durations=8 "${SITE_TESTS[@]}" || status=$?
wait "$rest" || status=$?
echo "The rest of the suite, run alongside:"; tail -n 60 "$log"; rm -f "$log"
exit "$status"
