#!/usr/bin/env bash
# Runs the Python interop tests (tests/interop) in the project venv:
# installs the `quiver` module from ./python first (compiled from the same
# C sources as the library), then runs pytest. Fails on any failure; a run
# with no tests collected (pytest exit 5) is reported as a failure.
#   scripts/run-pytest.sh [VENV] [BUILD] [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-build/venv}
BUILD=${2:-build/release}
shift $(( $# > 2 ? 2 : $# ))
if [ -d "$BUILD" ]; then
  export QV_BUILD_DIR="$(cd "$BUILD" && pwd)"
fi
if ! ls tests/interop/test_*.py >/dev/null 2>&1; then
  echo "pytest: no interop tests in tests/interop yet"
  exit 0
fi

# Build and install the extension. When the venv can build wheels itself
# (setuptools >= 70.1, or >= 61 plus `wheel`), build without isolation (no
# download, works offline); otherwise pip fetches the build requirements.
ISOLATION=()
if "$VENV/bin/python" - <<'PY' 2>/dev/null; then
import sys, setuptools
v = tuple(int(x) for x in setuptools.__version__.split(".")[:2])
try:
    import wheel  # noqa: F401
    has_wheel = True
except ImportError:
    has_wheel = False
sys.exit(0 if v >= (70, 1) or (v >= (61, 0) and has_wheel) else 1)
PY
  ISOLATION=(--no-build-isolation)
fi
echo "pytest: installing ./python into $VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "${ISOLATION[@]}" ./python

set +e
"$VENV/bin/python" -m pytest -q tests/interop "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "pytest: no tests collected" >&2; exit 1; fi
exit "$rc"
