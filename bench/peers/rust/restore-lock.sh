#!/usr/bin/env bash
# Writes Cargo.lock from Cargo.lock.pinned (the committed lock file).
#
# The pinned file is cargo's lock file with the default registry's source id
# replaced by @CRATES_INDEX@, so that no commit names a registry host. The
# real id is asked of cargo itself: it resolves a throwaway manifest whose
# only dependency is the first package pinned here (already in cargo's cache
# after the first build) and prints the source id it recorded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pinned="$here/Cargo.lock.pinned"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
name=$(awk '/^name = /{n=$3} /^source = "registry\+@CRATES_INDEX@"/{print n; exit}' "$pinned" | tr -d '"')
version=$(awk -v want="\"$name\"" '$1=="name"&&$3==want{getline; print $3; exit}' "$pinned" | tr -d '"')
mkdir -p "$probe/src"
printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
  "$name" "$version" >"$probe/Cargo.toml"
: >"$probe/src/lib.rs"
cargo generate-lockfile --quiet --manifest-path "$probe/Cargo.toml"
index=$(sed -n 's/^source = "registry+\(.*\)"$/\1/p' "$probe/Cargo.lock" | head -n 1)
[ -n "$index" ] || { echo "restore-lock: cargo recorded no registry source" >&2; exit 1; }
sed "s|@CRATES_INDEX@|$index|" "$pinned" >"$here/Cargo.lock.tmp"
mv "$here/Cargo.lock.tmp" "$here/Cargo.lock"
