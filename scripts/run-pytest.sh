#!/usr/bin/env bash
# Runs the Python interop tests (tests/interop) in the project venv against
# the freshly built library. Fails on any failure; a run with no tests
# collected (pytest exit 5) is reported, not treated as success silently.
set -euo pipefail
VENV=${1:-build/venv}
BUILD=${2:-build/release}
export QV_BUILD_DIR="$(cd "$BUILD" && pwd)"
export LD_LIBRARY_PATH="$QV_BUILD_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ! ls tests/interop/test_*.py >/dev/null 2>&1; then
  echo "pytest: no interop tests in tests/interop yet"
  exit 0
fi
set +e
"$VENV/bin/python" -m pytest -q tests/interop
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "pytest: no tests collected" >&2; exit 1; fi
exit "$rc"
