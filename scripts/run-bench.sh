#!/usr/bin/env bash
# Runs every benchmark (make bench): each C benchmark binary in the build's
# bench/ folder, then each Python peer script in bench/ (bench/*.py) with the
# project venv. Every benchmark prints quiver's figure, the peer's figure
# from the same run and their ratio; nothing here asserts a duration.
set -euo pipefail
BUILD=${1:-build/release}
VENV=${2:-build/venv}
export QV_BUILD_DIR="$(cd "$BUILD" && pwd)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo
  echo "== $(basename "$b")"
  "$b"
done
for py in bench/bench_*.py; do
  [ -f "$py" ] || continue
  echo
  echo "== $(basename "$py")"
  "$VENV/bin/python" "$py"
done
