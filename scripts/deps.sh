#!/usr/bin/env bash
# Installs what quiver's build and tests need on a fresh Debian machine:
# Debian packages through apt-get (when root; otherwise prints the command),
# and a Python venv under build/venv for the interop tests and benchmarks.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(cmake ninja-build pkg-config gcc make libcmocka-dev liblz4-dev libzstd-dev
              libjansson-dev zlib1g-dev libsnappy-dev libbrotli-dev libxxhash-dev python3-venv python3-dev valgrind
              libgrpc-dev libprotobuf-c-dev protobuf-c-compiler openssl
              libutf8proc-dev libpcre2-dev)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--no-python" ]; then exit 0; fi

# Python venv for interop tests and benchmarks.
VENV=build/venv
PY_PACKAGES=(pytest pyarrow polars pandas numpy duckdb nanoarrow dask distributed)
stamp="$VENV/.deps-$(echo "${PY_PACKAGES[*]}" | md5sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "deps: creating Python venv in $VENV (${PY_PACKAGES[*]})"
  PY=python3
  [ -x /usr/bin/python3 ] && ! python3 -c 'import venv' 2>/dev/null && PY=/usr/bin/python3
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
  touch "$stamp"
fi
