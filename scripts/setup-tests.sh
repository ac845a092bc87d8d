#!/usr/bin/env bash
# Prepare a machine to run the test suite: the package with its test extras, and Debian's
# Chromium for the report's browser test (tests/test_report.py skips without it).
# CI runs this before pytest. Safe to rerun: Chromium is only installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pip install -q -e ".[test]"
if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
        echo "setup-tests: installing chromium for the report's browser test"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    else
        echo "setup-tests: no apt-get here; the browser test will be skipped (install Chromium to run it)"
    fi
fi
