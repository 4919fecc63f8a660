#!/usr/bin/env bash
# Builds quiver's libFuzzer targets in build/fuzz (clang, ASan+UBSan) and
# runs each for FUZZ_SECONDS seconds (default 60), one after the other, in a
# single process each. Called by `make fuzz` after fuzz/deps.sh.
#
#   FUZZ_SECONDS=600 fuzz/run.sh             all targets, 10 minutes each
#   FUZZ_TARGETS="flatbuf cdata_import" fuzz/run.sh
#
# Each target runs in libFuzzer's fork mode (-fork=1 with -ignore_crashes,
# -ignore_ooms, -ignore_timeouts): one worker process at a time, restarted
# after a finding, so every target gets its full time and every finding of
# the run is kept; FUZZ_FORK=0 runs the classic single process that stops at
# the first finding instead.
#
# Corpora: build/fuzz/corpus/<target> (seeded by fuzz/seeds.py from the
# arrow-testing gold files, grown by every run, never committed) plus the
# committed regression inputs in tests/corpus/<target> (read only). A crash,
# leak, timeout, sanitizer report or broken invariant stops that target and
# leaves the input in build/fuzz/artifacts/<target>/ (crash-*, leak-*,
# timeout-*, oom-*); minimize it with
#   build/fuzz/fuzz_<target> -minimize_crash=1 -runs=10000 <input>
# and, once fixed, commit it to tests/corpus/<target>/ (replayed by `make test`).
set -uo pipefail
cd "$(dirname "$0")/.."

SECS=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD:-build/fuzz}
GEN=""
command -v ninja >/dev/null 2>&1 && GEN="-G Ninja"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang cmake -S fuzz -B "$BUILD" $GEN -DCMAKE_C_COMPILER=clang >/dev/null || exit 1
fi
cmake --build "$BUILD" -j "${JOBS:-2}" || exit 1
python3 fuzz/seeds.py "$BUILD/corpus" || exit 1

# UBSan checks are recoverable in this build (for fuzz/ubsan.supp); any
# other report halts. LeakSanitizer is on by default under libFuzzer.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/fuzz/ubsan.supp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

max_len() {
  case "$1" in
    cdata_format) echo 256 ;;
    cdata_import|hostile_array) echo 4096 ;;
    *) echo 65536 ;;
  esac
}

targets=${FUZZ_TARGETS:-$(cd "$BUILD" && ls fuzz_* 2>/dev/null | sed 's/^fuzz_//')}
mkdir -p "$BUILD/logs"
failed=()
summary=()
for t in $targets; do
  exe="$BUILD/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz: no target $t" >&2; failed+=("$t"); continue; }
  mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t"
  dirs=("$BUILD/corpus/$t")
  [ -d "tests/corpus/$t" ] && dirs+=("tests/corpus/$t")
  opts=(-max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")"
        -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t/")
  [ "${FUZZ_FORK:-1}" != 0 ] && opts+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  [ -f "fuzz/$t.dict" ] && opts+=(-dict="fuzz/$t.dict")
  log="$BUILD/logs/$t.log"
  stamp="$BUILD/logs/$t.start"
  touch "$stamp"
  echo "fuzz: $t for ${SECS}s (log $log)"
  timeout $((SECS + 300)) "$exe" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  # fork mode: "#N: cov: C ft: F corp: ..."; single process: "#N DONE cov: C ft: F ..."
  last=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(echo "$last" | sed -E 's/^#([0-9]+).*/\1/')
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+')
  found=$(find "$BUILD/artifacts/$t" -type f -newer "$stamp" | sort)
  line=$(printf '%-13s execs %-10s %-24s' "$t" "${execs:-?}" "${cov:-cov ?}")
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    failed+=("$t")
    line="$line FOUND $(echo "$found" | grep -c .) (exit $rc)"
    grep -E 'ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error|^fuzz [a-z_]+: ' "$log" | sed -E 's/^==[0-9]+==//; s/ on address .*//; s/ at pc .*//' |
      sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'
    echo "$found" | grep . | sed 's/^/    artifact: /'
  fi
  summary+=("$line")
done
echo "fuzz: summary (${SECS}s per target)"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
