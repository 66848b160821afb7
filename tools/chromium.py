"""The Chromium that the browser tests drive (tests/conftest.py's `browser`), and the flags they start it with.

    python tools/chromium.py    # exit status 0 if that Chromium is there (tools/test.sh installs one if not)
"""
import os, sys
from pathlib import Path

DEBIAN_CHROMIUM = '/usr/bin/chromium'   # Debian's chromium package (Ubuntu's is a snap, which CI runners lack)
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

def chromium_path(p) -> str:
    """The Chromium to drive with playwright `p`: Debian's if it is installed, else playwright's own download
    (`python -m playwright install chromium`); `CONVBOOK_CHROMIUM=playwright` (what the CI workflow sets) or
    `CONVBOOK_CHROMIUM=/path/to/chrome` chooses"""
    choice = os.environ.get('CONVBOOK_CHROMIUM', '')
    if choice == 'playwright': return p.chromium.executable_path
    return choice or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else p.chromium.executable_path)

if __name__ == '__main__':
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p: sys.exit(not os.path.exists(chromium_path(p)))
