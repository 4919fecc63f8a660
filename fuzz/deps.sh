#!/usr/bin/env bash
# Installs what `make fuzz` needs on Debian: the library's own build
# dependencies (scripts/deps.sh), clang, and the libFuzzer/sanitizer runtime
# matching clang's version (libclang-rt-<N>-dev), plus python3 for the seed
# script. As root it runs apt-get; otherwise it prints the command and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh --no-python

install() {
  if [ "$(id -u)" = 0 ]; then
    echo "fuzz/deps: installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "$@" >/dev/null
  else
    echo "fuzz/deps: missing Debian packages; run:" >&2
    echo "  sudo apt-get install -y $*" >&2
    exit 1
  fi
}

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then install "${missing[@]}"; fi

# The fuzzer runtime ships apart from clang on Debian: libclang-rt-<major>-dev.
# (clang -print-file-name echoes the bare name back when the file is absent.)
major=$(clang -dumpversion | cut -d. -f1)
if [ ! -f "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
  install "libclang-rt-$major-dev"
fi
