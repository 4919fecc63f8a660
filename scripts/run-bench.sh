#!/usr/bin/env bash
# Runs every benchmark (make bench) and prints one table: benchmark, quiver's
# figure, each peer and its figure from the same run, and the ratio (how many
# times faster quiver is), then the issues' targets checked on those figures.
#
#   scripts/run-bench.sh [BUILD_DIR] [VENV]      (defaults build/release build/venv)
#
# What runs, in this order:
#   - builds the arrow-rs peer (bench/peers/rust, cargo --release --locked,
#     target dir build/rust-peer; the first build takes a few minutes);
#   - installs the bench-only Python peers (bench/requirements.txt:
#     nanoarrow, arro3) into the venv once;
#   - makes the 1 GiB files for P4 (16-column batches of 8 MiB) and P4s
#     (100,000 batches of 10 KiB) once (build/bench/p4_1gib.arrow,
#     p4s_1gib.arrow, remade when the library is newer; kept as a cache);
#   - QV_BENCH_ROUNDS rounds (default 3) of: quiver's IPC benchmarks
#     (bench_ipc), pyarrow's (bench/peer_pyarrow.py), nanoarrow's and
#     arro3's (bench/peer_python.py), arrow-rs's, then P4 and P4s for
#     quiver and for pyarrow, each in a process of its own so its peak-RSS
#     figure is its alone. Rounds alternate the implementations so a slow
#     spell of this shared 2-core machine does not land on one side only;
#   - once: the Parquet read and write benchmarks (bench/bench_parquet.py,
#     bench/bench_parquet_write.py; 10M rows, QV_BENCH_PQ_ROWS), then every
#     other bench_* binary of the build (builder appends, C Data
#     export/import per column, bench_shm's memfd sharing,
#     bench_compute's sums against the memory read bandwidth), then
#     bench/csv_bench.py (CSV read and write of a 1 GB file,
#     QV_CSV_BENCH_MB to change the size), bench/bench_jsonl.py (JSON
#     Lines read and write of a 50 MB file, QV_JSONL_BENCH_MB),
#     bench/bench_flight.py (Flight
#     DoGet, quiver against pyarrow, of the seed table and a 1 GiB table
#     over loopback TCP and grpc+unix), and the compute benchmarks against
#     pyarrow.compute, polars, numpy and arrow-rs (bench_compute_relational.py,
#     quiver-bench-peer compute).
# Each program prints medians of QV_BENCH_RUNS (default 7) runs as result
# lines (bench/bench_util.h); bench/report.py takes the median over rounds
# and prints the table. Raw lines: build/bench/results.txt; programs' other
# output and errors: build/bench/log.txt. Nothing here asserts a duration.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
VENV=${2:-build/venv}
ROUNDS=${QV_BENCH_ROUNDS:-3}
OUT=build/bench
P4_FILE=$OUT/p4_1gib.arrow
P4S_FILE=$OUT/p4s_1gib.arrow
RESULTS=$OUT/results.txt
LOG=$OUT/log.txt
PY="$VENV/bin/python"
mkdir -p "$OUT"
: >"$RESULTS"
: >"$LOG"
export QV_BUILD_DIR="$(cd "$BUILD" && pwd)"

note() { echo "bench: $*" >&2; }

# Runs a program; result lines go to $RESULTS, everything else to $LOG.
run() {
  local tmp="$OUT/.run.out"
  if "$@" >"$tmp" 2>>"$LOG"; then
    grep -E '^[^|]+\|[^|]*\|[^|]+\|[^|]+\|' "$tmp" >>"$RESULTS" || true
    grep -vE '^[^|]+\|[^|]*\|[^|]+\|[^|]+\|' "$tmp" >>"$LOG" || true
  else
    note "FAILED: $* (exit $?; see $LOG)"
    cat "$tmp" >>"$LOG"
  fi
}

# bench_cdata prints "  <what>   <us per column>" lines: turn them into result lines.
run_cdata() {
  if "$1" >"$OUT/.cdata.out" 2>>"$LOG"; then
    awk '/^  (schema|batch|total) / {
           v = $NF; $NF = ""; sub(/^ +/, ""); sub(/ +$/, "");
           printf "C-%d|us/col|quiver|%s|C Data %s (1000 int64 cols)\n", NR, v, $0 }' \
      "$OUT/.cdata.out" >>"$RESULTS"
  else
    note "FAILED: $1 (see $LOG)"
  fi
}

for b in bench_ipc bench_mmap; do
  [ -x "$BUILD/bench/$b" ] || { note "missing $BUILD/bench/$b (build with -DQV_BUILD_BENCH=ON)"; exit 1; }
done

# ---- the arrow-rs peer
RUST_PEER=
[ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"
if command -v cargo >/dev/null 2>&1; then
  note "building the arrow-rs peer (bench/peers/rust, release)"
  if bench/peers/rust/restore-lock.sh 2>>"$LOG" && CARGO_TARGET_DIR=build/rust-peer cargo build --release --locked --quiet \
       --manifest-path bench/peers/rust/Cargo.toml 2>>"$LOG"; then
    RUST_PEER=build/rust-peer/release/quiver-bench-peer
  else
    note "the arrow-rs peer did not build (see $LOG): its figures are left out"
  fi
else
  note "cargo not found: the arrow-rs figures are left out"
fi
HAVE_PY=0
if [ -x "$PY" ] && "$PY" -c 'import pyarrow, numpy' 2>>"$LOG"; then HAVE_PY=1; else
  note "no pyarrow in $VENV (run scripts/deps.sh): the pyarrow figures are left out"
fi
PY_PEERS=()
if [ "$HAVE_PY" = 1 ]; then
  stamp="$VENV/.bench-deps-$(md5sum <bench/requirements.txt | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    note "installing the bench's Python peers (bench/requirements.txt)"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r bench/requirements.txt >>"$LOG" 2>&1 && touch "$stamp"
  fi
  "$PY" -c 'import nanoarrow.ipc' 2>>"$LOG" && PY_PEERS+=(nanoarrow)
  "$PY" -c 'import arro3.core, arro3.io' 2>>"$LOG" && PY_PEERS+=(arro3)
  [ "${#PY_PEERS[@]}" = 2 ] || note "nanoarrow or arro3 missing from $VENV: their figures are left out"
fi

# ---- the 1 GiB file for P4 (kept; remade when the library changed)
if [ ! -s "$P4_FILE" ] || [ "$BUILD/libquiver.a" -nt "$P4_FILE" ]; then
  note "writing the 1 GiB file for P4 ($P4_FILE)"
  "$BUILD/bench/bench_mmap" --make "$P4_FILE" || { note "cannot write $P4_FILE"; exit 1; }
fi
if [ ! -s "$P4S_FILE" ] || [ "$BUILD/libquiver.a" -nt "$P4S_FILE" ]; then
  note "writing the 1 GiB file of 100,000 small batches for P4s ($P4S_FILE)"
  "$BUILD/bench/bench_mmap" --make-small "$P4S_FILE" || { note "cannot write $P4S_FILE"; exit 1; }
fi

# ---- rounds
for r in $(seq 1 "$ROUNDS"); do
  note "round $r of $ROUNDS"
  run "$BUILD/bench/bench_ipc"
  [ "$HAVE_PY" = 1 ] && run "$PY" bench/peer_pyarrow.py
  for p in "${PY_PEERS[@]}"; do run "$PY" bench/peer_python.py "$p"; done
  [ -n "$RUST_PEER" ] && run "$RUST_PEER"
  run "$BUILD/bench/bench_mmap" "$P4_FILE"
  [ "$HAVE_PY" = 1 ] && run "$PY" bench/peer_pyarrow.py --p4 "$P4_FILE"
  run "$BUILD/bench/bench_mmap" "$P4S_FILE" P4s
  [ "$HAVE_PY" = 1 ] && run "$PY" bench/peer_pyarrow.py --p4 "$P4S_FILE" P4s
done

# ---- Parquet (issue 13), once: read (quiver, pyarrow, polars, arrow-rs) and
# write (quiver, pyarrow) of QV_BENCH_PQ_ROWS rows (default 10,000,000); the
# quiver module must be installed in the venv (scripts/run-pytest.sh does it).
if [ "$HAVE_PY" = 1 ] && "$PY" -c 'import quiver.parquet' 2>>"$LOG"; then
  PQ_ROWS=${QV_BENCH_PQ_ROWS:-10000000}
  export QV_RUST_PEER="$RUST_PEER"
  note "Parquet read, $PQ_ROWS rows (bench/bench_parquet.py)"
  run "$PY" bench/bench_parquet.py "$PQ_ROWS"
  note "Parquet write, $PQ_ROWS rows (bench/bench_parquet_write.py)"
  run "$PY" bench/bench_parquet_write.py "$PQ_ROWS"
else
  note "quiver's Python module is not in $VENV (scripts/run-pytest.sh installs it): Parquet figures left out"
fi

# ---- the others, once
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  case "$(basename "$b")" in
    bench_ipc | bench_mmap) ;;
    bench_cdata) note "$(basename "$b")"; run_cdata "$b" ;;
    *) note "$(basename "$b")"; run "$b" ;;
  esac
done

# ---- CSV read and write against pyarrow and polars (issue 14): a 1 GB file
# by default (QV_CSV_BENCH_MB; made once with pyarrow, cached under
# build/bench/); needs the quiver module in the venv (scripts/run-pytest.sh
# installs it)
if [ "$HAVE_PY" = 1 ] && "$PY" -c 'import quiver.csv' 2>>"$LOG"; then
  note "CSV read/write (${QV_CSV_BENCH_MB:-1000} MB)"
  run "$PY" bench/csv_bench.py --mb "${QV_CSV_BENCH_MB:-1000}" --runs 3
else
  note "no quiver module in $VENV: the CSV figures are left out"
fi

# ---- JSON Lines read (quiver, pyarrow on 2 threads, polars) and write
# (quiver, polars) of a QV_JSONL_BENCH_MB file (default 50; issue 14)
if [ "$HAVE_PY" = 1 ] && "$PY" -c 'import quiver.json, polars' 2>>"$LOG"; then
  note "JSON Lines read/write (${QV_JSONL_BENCH_MB:-50} MB, bench/bench_jsonl.py)"
  run "$PY" bench/bench_jsonl.py "${QV_JSONL_BENCH_MB:-50}" "$BUILD/tools/quiver"
else
  note "no quiver module or polars in $VENV: the JSON Lines figures are left out"
fi

if [ "$HAVE_PY" = 1 ] && "$PY" -c 'import quiver.flight' 2>>"$LOG"; then
  note "bench_flight.py"
  run "$PY" bench/bench_flight.py "$BUILD"
else
  note "quiver's Python module is not in $VENV (make test-python installs it): the Flight figures are left out"
fi

# ---- compute (issue 12), once: quiver's kernels through the Python binding
# beside pyarrow.compute, polars and numpy (bench/bench_compute_relational.py,
# after the binding is rebuilt from ./python so it runs this tree's kernels),
# and arrow-rs's kernels; bench_compute (above) gave the sums against the
# memory bandwidth. QV_BENCH_SCALE (default 1) scales every size.
if [ "$HAVE_PY" = 1 ]; then
  note "installing ./python into $VENV for the compute benchmarks"
  if "$VENV/bin/pip" install -q --disable-pip-version-check ./python >>"$LOG" 2>&1; then
    note "bench_compute_relational.py"
    run "$PY" bench/bench_compute_relational.py
  else
    note "./python did not build (see $LOG): quiver's compute figures beside the Python peers are left out"
  fi
fi
if [ -n "$RUST_PEER" ]; then
  note "arrow-rs compute"
  run "$RUST_PEER" compute
fi

# ---- the table
echo
echo "quiver benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes')"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
pyver() { [ "$HAVE_PY" = 1 ] && "$PY" -c "from importlib.metadata import version as v; print(v('$1'))" 2>/dev/null || echo 'n/a'; }
echo "figures: medians over $ROUNDS rounds of medians of ${QV_BENCH_RUNS:-7} runs; pyarrow $(pyver pyarrow), nanoarrow $(pyver nanoarrow), arro3 $(pyver arro3-io), arrow-rs $(grep -A1 '^name = "arrow"$' bench/peers/rust/Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')"
echo "ratio: how many times faster quiver is (peer time / quiver time; for M/s and MB/s rates quiver / peer); > 1 = quiver faster"
echo
python3 bench/report.py "$RESULTS"
