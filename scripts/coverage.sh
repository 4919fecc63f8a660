#!/usr/bin/env bash
# Line and branch coverage of src/ under ctest (make coverage).
#
# Usage: scripts/coverage.sh [BUILD_DIR]   (default build/coverage)
# Builds the library, tools and tests with --coverage (-O0, no sanitizers)
# in their own build folder, runs the whole ctest suite there, and prints
# gcovr's line and branch summary for src/ (the per-file table goes to
# BUILD_DIR/coverage.txt). gcovr is installed on demand: with apt-get when
# run as root, else into the Python venv. Exits non-zero when a test failed,
# after printing the numbers, so a red suite is never mistaken for a
# measurement. Not part of make test: it rebuilds everything once more.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/coverage}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

GCOVR=$(command -v gcovr || true)
if [ -z "$GCOVR" ] && [ "$(id -u)" = 0 ]; then
  echo "coverage: installing gcovr (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcovr >/dev/null || true
  GCOVR=$(command -v gcovr || true)
fi
if [ -z "$GCOVR" ]; then
  VENV=build/venv
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  [ -x "$VENV/bin/gcovr" ] || "$VENV/bin/pip" install -q --disable-pip-version-check gcovr
  GCOVR=$VENV/bin/gcovr
fi

GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Debug -DQV_WERROR=ON -DQV_BUILD_BENCH=OFF \
    "-DCMAKE_C_FLAGS=--coverage -fprofile-update=atomic" \
    -DCMAKE_EXE_LINKER_FLAGS=--coverage -DCMAKE_SHARED_LINKER_FLAGS=--coverage
fi
cmake --build "$BUILD" -j "$JOBS"

# Counters of an earlier run would add up with this one. Atomic counter
# updates (above) keep the threaded tests' counts exact. The install test
# is left out: it links a consumer against the installed static library
# with a plain `cc`, which lacks the gcov runtime; it measures packaging,
# not src/, and runs in make test.
find "$BUILD" -name '*.gcda' -delete
rc=0
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS" -E '^install_test_consumer$') || rc=$?

echo "coverage of src/ under ctest (per-file branch table, most missed first: $BUILD/coverage.txt):"
"$GCOVR" --root . --object-directory "$BUILD" --filter 'src/' -j "$JOBS" \
  --branches --sort-uncovered --output "$BUILD/coverage.txt" --print-summary
if [ "$rc" != 0 ]; then
  echo "coverage: ctest failed (status $rc); the numbers above cover a failing run" >&2
fi
exit "$rc"
