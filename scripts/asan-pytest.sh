#!/usr/bin/env bash
# Runs Python interop tests against an ASan+UBSan build of the extension:
# builds ./python with the sanitizers into build/python-asan (not the venv's
# site-packages) and runs pytest with the sanitizer runtimes preloaded and
# Python's small-object allocator off (PYTHONMALLOC=malloc), so freed list
# item arrays and objects are visible to ASan (use-after-free in conversions).
#   scripts/asan-pytest.sh [VENV] [pytest args...]   (default: the Python-only tests)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-build/venv}
shift $(( $# > 0 ? 1 : 0 ))
OUT=build/python-asan
SRC=build/python-asan-src
CC=${CC:-gcc}
rm -rf "$OUT" "$SRC"
# Build from a copy of python/: pip builds in place, and setuptools would
# reuse the uninstrumented objects of an earlier build in python/build.
mkdir -p "$SRC"
cp -r python/pyproject.toml python/setup.py python/src python/quiver "$SRC"/
echo "asan-pytest: building the extension with -fsanitize=address,undefined into $OUT"
QUIVER_SOURCE_DIR="$PWD" CC="$CC" \
  CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  LDFLAGS="-fsanitize=address,undefined" \
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-cache-dir --target "$OUT" "./$SRC"
if ! nm -D "$OUT"/quiver/_quiver*.so | grep __asan_init >/dev/null; then
  echo "asan-pytest: the extension in $OUT is not instrumented" >&2
  exit 1
fi
preload="$("$CC" -print-file-name=libasan.so) $("$CC" -print-file-name=libubsan.so)"
if [ "$#" -eq 0 ]; then
  set -- tests/interop/test_python_mutation.py tests/interop/test_python_gold_values.py tests/interop/test_hostile.py \
    tests/interop/test_objects.py tests/interop/test_roundtrip.py tests/interop/test_python_ipc.py
fi
# -s: pytest would capture the sanitizer's report of an aborting test and lose it.
LD_PRELOAD="$preload" PYTHONMALLOC=malloc PYTHONPATH="$PWD/$OUT" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$VENV/bin/python" -m pytest -q -s -p no:cacheprovider "$@"
