#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a consumer against it
# three ways: find_package (shared and static targets) and pkg-config.
# Usage: run_install_test.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAILED: $*"; fail=$((fail + 1)); fi; }
expect='[
  7,
  null
]'
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
if [ -x "$build/tools/quiver" ]; then check test -x "$tmp/prefix/bin/quiver"; fi
cmake -S "$here/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
check test "$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer/consumer_shared")" = "$expect"
check test "$("$tmp/consumer/consumer_static")" = "$expect"
libdir=$(ls -d "$tmp"/prefix/lib*/pkgconfig | head -1)
cc -std=c11 "$here/consumer/main.c" $(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs quiver) -o "$tmp/pc"
check test "$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/pc")" = "$expect"
# Only qv_ symbols leave the shared library.
others=$(nm -D --defined-only "$tmp"/prefix/lib*/libquiver.so | awk '{print $3}' | grep -v '^qv_' || true)
check test -z "$others"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
