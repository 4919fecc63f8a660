#!/usr/bin/env bash
# Tests of the `quiver` CLI on inputs and situations a user does not plan:
# large inputs through every input path (path, a pipe, a redirect) in every
# format, streams without their end-of-stream marker, foreign formats and
# unknown output names, a closed stdout, control characters in names and
# values, hostile offsets in stats, a mapped input truncated under the
# reader (SIGBUS), signals and a full disk during convert/gen, and the input
# limits (JSON size, decompressed bytes).
#
# Usage: tests/cli/run_cli_trust_tests.sh PATH/TO/quiver (from the
# repository root; ctest runs it as cli_test_trust). Helpers: cli_test_lib.sh.
# Processes that must stop at a known point (to truncate their input or
# signal them) are paused there with QUIVER_TEST_PAUSE_AT/_FIFO (see
# tools/cli/cli.h); every wait is bounded.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cli_test_lib.sh" "$@"

# ------------------------------------------------------------ large inputs
# The internal sizes an input can straddle: 64 KiB (a pipe's buffer, the
# JSON path reader's first block); 768 KiB, 1 MiB and 1.75 MiB (the buffer
# that holds an IPC file or JSON read whole from stdin starts at 1 MiB,
# reads in steps up to 1 MiB and doubles whenever under 256 KiB is free:
# at 768 KiB, then at 1.75 MiB, the growth that used to zero what had been
# read); for streams read from a pipe 16 MiB (the decoder's first body
# block). Each input is made just below and just above each size, and every
# command's output through a pipe and through a redirect must equal its
# output on the path. (The sizes that matter to one kind of input only are
# made in those formats, so the case costs a few seconds of CPU.)

# Writes the seed table of $2 rows as format $1 to $3.
make_input() {
  local fmt=$1 rows=$2 out=$3
  "$Q" gen seed --rows "$rows" base.arrows || return 1
  case $fmt in
    stream) mv base.arrows "$out" ;;
    file) "$Q" convert base.arrows "$out" --to file ;;
    json) "$Q" convert base.arrows "$out" --to json ;;
    jsongz) "$Q" convert base.arrows "$out.json.gz" && mv "$out.json.gz" "$out" ;;
    lz4) "$Q" convert base.arrows "$out" --to stream --compression lz4 ;;
    zstd) "$Q" convert base.arrows "$out" --to file --compression zstd ;;
  esac
}

# Output of command $1 on input $2 ("-" = stdin), normalised: the lines
# that name the input or its size (known for a path and a redirect, not a
# pipe) are dropped.
normalise() { grep -v -e '^input: ' -e '^size: ' | sed 's/^[^ ]*: OK (/OK (/'; }
cmd_line() {
  case $1 in
    cat) echo "cat --format arrow" ;;
    stats) echo "stats" ;;
    validate) echo "validate --full" ;;
    convert) echo "convert --to stream" ;;
  esac
}
run_cmd() { # CMD INPUT [< file]
  local c=$1 in=$2
  if [ "$c" = convert ]; then "$Q" convert "$in" - --to stream; else "$Q" $(cmd_line "$c") "$in" | normalise; fi
}

check_paths() { # FILE LABEL COMMANDS...
  local f=$1 label=$2; shift 2
  for c in "$@"; do
    run_cmd "$c" "$f" >ref.out 2>ref.err || note "$label $c on the path failed: $(head -c 300 ref.err)"
    [ -s ref.out ] || note "$label $c on the path printed nothing"
    cat "$f" | run_cmd "$c" - >pipe.out 2>pipe.err || note "$label $c from a pipe failed: $(head -c 300 pipe.err)"
    cmp -s ref.out pipe.out || note "$label: $c from a pipe differs from the path"
    run_cmd "$c" - <"$f" >redir.out 2>redir.err || note "$label $c from a redirect failed: $(head -c 300 redir.err)"
    cmp -s ref.out redir.out || note "$label: $c from a redirect differs from the path"
  done
}

begin "large inputs: path, pipe and redirect agree, every format, both sides of every block size"
declare -A per_row
for fmt in stream file json jsongz lz4 zstd; do
  make_input $fmt 20000 sample || note "cannot make a $fmt sample"
  per_row[$fmt]=$(($(stat -c %s sample) * 1000 / 20000)) # bytes per 1000 rows
done
n_inputs=0
for target in 65536 786432 1048576 1835008 16777216; do
  for fmt in stream file json jsongz lz4 zstd; do
    case $target in
      1835008) [ $fmt = stream ] || [ $fmt = lz4 ] && continue ;; # streams are not read whole
      16777216) [ $fmt = stream ] || continue ;;
    esac
    for side in below above; do
      if [ $side = below ]; then rows=$((target * 92 / 100 * 1000 / per_row[$fmt])); else rows=$((target * 108 / 100 * 1000 / per_row[$fmt] + 1)); fi
      make_input $fmt $rows in.dat || { note "cannot make $fmt with $rows rows"; continue; }
      size=$(stat -c %s in.dat)
      if [ $side = below ] && [ "$size" -ge $target ]; then note "$fmt $rows rows: $size bytes is not below $target"; fi
      if [ $side = above ] && [ "$size" -le $target ]; then note "$fmt $rows rows: $size bytes is not above $target"; fi
      n_inputs=$((n_inputs + 1))
      if [ $target -eq 16777216 ]; then
        check_paths in.dat "$fmt $size bytes" stats convert
      else
        check_paths in.dat "$fmt $size bytes" cat stats validate convert
      fi
    done
  done
done
# Smaller than the 64 bytes peeked to detect the format.
printf '{"schema": {"fields": []}, "batches": []}' >tiny.json
check_paths tiny.json "a 42-byte JSON" stats validate convert
[ $n_inputs -eq 46 ] || note "expected 46 large inputs, made $n_inputs"
end

# ------------------------------------------------------------ no EOS
"$Q" gen seed --rows 1000 --batch-size 400 seed.arrows
len=$(($(stat -c %s seed.arrows) - 8))
head -c $len seed.arrows >noeos.arrows

begin "a stream without EOS: cat, stats, convert, validate warn with the offset and rows (path and pipe)"
want="warning: the stream ends at byte $len, after 1000 rows in 3 batches, without its end-of-stream marker"
for c in "cat" "stats" "validate" "convert"; do
  if [ $c = convert ]; then args="noeos.arrows out.arrows"; pargs="- out.arrows"; else args=noeos.arrows; pargs=-; fi
  run 0 "$Q" $c $args
  err_has "quiver $c: noeos.arrows: $want"
  sh 0 "cat noeos.arrows | '$Q' $c $pargs"
  err_has "quiver $c: <stdin>: $want"
  run 0 "$Q" $c ${args/noeos.arrows/seed.arrows}
  err_empty
done
end

begin "--strict makes a missing EOS an error (exit 1), and convert leaves no output"
for c in cat stats validate; do
  run 1 "$Q" $c --strict noeos.arrows
  err_has "without its end-of-stream marker (--strict) [QV_ERR_TRUNCATED]"
  sh 1 "cat noeos.arrows | '$Q' $c --strict -"
  err_has "QV_ERR_TRUNCATED"
done
rm -f strict.arrows
run 1 "$Q" convert --strict noeos.arrows strict.arrows
[ ! -e strict.arrows ] || note "strict.arrows was written"
ls strict.arrows.qv-tmp-* >/dev/null 2>&1 && note "a temporary file was left"
run 0 "$Q" cat --format arrow --strict seed.arrows
end

# ------------------------------------------------------------ names and formats
begin "convert/gen refuse an unknown output extension (exit 2), --to overrides"
for name in out.orc out.txt noextension; do
  run 2 "$Q" convert seed.arrows $name
  err_has "cannot tell the output format from the name '$name'"
  [ ! -e $name ] || note "$name was created"
  run 2 "$Q" gen seed --rows 10 $name
  err_has "cannot tell the output format"
done
run 0 "$Q" convert seed.arrows out.csv --to stream
[ "$(head -c 4 out.csv | od -An -tx1 | tr -d ' ')" == "ffffffff" ] || note "--to stream did not write a stream"
for name in a.arrows a.stream a.arrow a.arrow_file a.feather a.ipc a.json a.json.gz a.csv a.tsv; do
  run 0 "$Q" convert seed.arrows $name
done
run 0 "$Q" convert seed.arrows /dev/null
end

begin "foreign formats are named: Parquet, Feather v1, CSV (path and pipe)"
printf 'PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x00\x00PAR1' >x.parquet
printf 'FEA1\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00FEA1' >x.feather
printf 'a,b\n1,2\n3,4\n' >x.csv
for f in x.parquet:Parquet x.feather:"Feather v1"; do
  file=${f%%:*}; name=${f#*:}
  run 1 "$Q" cat --format arrow $file
  err_has "$name"
  sh 1 "cat $file | '$Q' stats -"
  err_has "$name"
done
# CSV is read by name (x.csv) or with --from; from a nameless pipe it is named.
sh 1 "cat x.csv | '$Q' stats -"
err_has "text (CSV"
end

# ------------------------------------------------------------ closed stdout
"$Q" gen seed --rows 200000 big.arrows
begin "a reader that closes stdout early: every command ends quietly with status 0"
for c in "gen seed -" "convert big.arrows - --to stream" "cat --all big.arrows" "convert big.arrows - --to json"; do
  bash -c "'$Q' $c 2>err.txt | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}"
  rc=$?
  [ $rc -eq 0 ] || note "quiver $c | head: exit $rc"
  [ ! -s err.txt ] || note "quiver $c | head: stderr: $(head -c 200 err.txt)"
done
end

# ------------------------------------------------------------ terminal escapes
cat >evil.json <<'EOF'
{"schema": {"fields": [
  {"name": "a\u001b]0;pwned\u0007\u001b[31mred\rz\u009b2J\u007f\u0001", "nullable": true, "type": {"name": "utf8"},
   "children": [], "metadata": [{"key": "k\u001b[1m", "value": "v\u0007\u009b"}]}
], "metadata": [{"key": "origin\u001b]2;t\u0007", "value": "x\r\u001b[2K"}]},
"batches": [{"count": 3, "columns": [
  {"name": "a\u001b]0;pwned\u0007\u001b[31mred\rz\u009b2J\u007f\u0001", "count": 3, "VALIDITY": [1,1,1],
   "DATA": ["\u001b[2J\u001b]8;;http://x\u0007link\r", "bell\u0007\u0085next\u009b\u0008", "ok"]}]}]}
EOF
begin "control characters in names, metadata and values never reach the terminal raw (cat, schema, stats)"
for c in "cat --format arrow" "cat --all --format arrow" "cat --format table" "schema" "stats"; do
  run 0 "$Q" $c evil.json
  if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$OUT"; then
    note "$c printed a raw control character: $(LC_ALL=C grep -aoP '.{0,10}[\x00-\x08\x0b-\x1f\x7f].{0,10}' "$OUT" | head -3 | od -c | head -3)"
  fi
done
run 0 "$Q" cat --format arrow evil.json
out_has 'a\x1b]0;pwned\x07\x1b[31mred\x0dz\u009b2J\x7f\x01: string'
out_has '"bell\x07\u0085next\u009b\x08"'
run 0 "$Q" schema evil.json
out_has "k\\x1b[1m: 'v\\x07\\u009b'"
run 0 "$Q" stats evil.json
out_has 'a\x1b]0;pwned\x07\x1b[31mred\x0dz\u009b2J\x7f\x01  string'
end

# ------------------------------------------------------------ stats
cat >s.json <<'EOF'
{"schema": {"fields": [{"name": "s", "nullable": true, "type": {"name": "utf8"}, "children": []}]},
"batches": [{"count": 3, "columns": [{"name": "s", "count": 3, "VALIDITY": [1,1,1], "DATA": ["abc", "def", "ghi"]}]}]}
EOF
begin "stats on a utf8 column whose offsets go backwards: an error naming column and row, never a bad read"
"$Q" convert s.json s.arrows
at=$(LC_ALL=C grep -obUaP '\x00\x00\x00\x00\x03\x00\x00\x00\x06\x00\x00\x00\x09\x00\x00\x00' s.arrows | cut -d: -f1)
if [ -z "$at" ]; then
  note "offsets [0, 3, 6, 9] not found in s.arrows"
else
  for patch in '\x00\x00\x00\x00\x2c\x01\x00\x00\x05\x00\x00\x00\x09\x00\x00\x00:0' \
    '\x00\x00\x00\x00\x03\x00\x00\x00\x01\x00\x00\x00\x09\x00\x00\x00:1'; do
    bytes=${patch%:*}; row=${patch##*:}
    cp s.arrows bad.arrows
    printf "$bytes" | dd of=bad.arrows bs=1 seek="$at" conv=notrunc status=none
    run 0 "$Q" validate bad.arrows # structurally valid: the reader hands it out
    run 1 "$Q" stats bad.arrows
    err_has "column 's', row $row: offsets"
    err_has "[QV_ERR_INVALID_DATA]"
    sh 1 "cat bad.arrows | '$Q' stats -"
    err_has "column 's', row $row"
  done
fi
end

cat >nums.json <<'EOF'
{"schema": {"fields": [
  {"name": "h", "nullable": true, "type": {"name": "floatingpoint", "precision": "HALF"}, "children": []},
  {"name": "h2", "nullable": true, "type": {"name": "floatingpoint", "precision": "HALF"}, "children": []},
  {"name": "d", "nullable": true, "type": {"name": "decimal", "precision": 38, "scale": 2, "bitWidth": 128}, "children": []},
  {"name": "w", "nullable": true, "type": {"name": "decimal", "precision": 76, "scale": 0, "bitWidth": 256}, "children": []},
  {"name": "n", "nullable": true, "type": {"name": "decimal", "precision": 9, "scale": 3, "bitWidth": 32}, "children": []},
  {"name": "m", "nullable": true, "type": {"name": "decimal", "precision": 18, "scale": 1, "bitWidth": 64}, "children": []}
]},
"batches": [
 {"count": 5, "columns": [
  {"name": "h", "count": 5, "VALIDITY": [1,1,1,0,1], "DATA": [1.5, -2.25, 0.5, 99, 65504]},
  {"name": "h2", "count": 5, "VALIDITY": [1,1,1,1,1], "DATA": [0.25, 6e-08, -0.0001, "NaN", 0.999]},
  {"name": "d", "count": 5, "VALIDITY": [1,1,1,1,0], "DATA": ["-12345", "678", "18446744073709551616", "-99999999999999999999999", "5"]},
  {"name": "w", "count": 5, "VALIDITY": [1,1,1,1,1], "DATA": ["-1", "1", "-340282366920938463463374607431768211456", "340282366920938463463374607431768211455", "0"]},
  {"name": "n", "count": 5, "VALIDITY": [1,1,1,1,1], "DATA": ["-5", "123456", "-999999", "0", "7"]},
  {"name": "m", "count": 5, "VALIDITY": [1,1,1,1,1], "DATA": ["-4294967296", "4294967296", "3", "-3", "0"]}
 ]},
 {"count": 2, "columns": [
  {"name": "h", "count": 2, "VALIDITY": [1,1], "DATA": [-0.0001, -65504]},
  {"name": "h2", "count": 2, "VALIDITY": [1,1], "DATA": [-6e-08, "-Infinity"]},
  {"name": "d", "count": 2, "VALIDITY": [1,1], "DATA": ["0", "-1"]},
  {"name": "w", "count": 2, "VALIDITY": [1,1], "DATA": ["2", "-2"]},
  {"name": "n", "count": 2, "VALIDITY": [1,1], "DATA": ["1", "999999"]},
  {"name": "m", "count": 2, "VALIDITY": [1,1], "DATA": ["8589934592", "1"]}
 ]}
]}
EOF
begin "stats min/max of float16 and decimal32/64/128/256 columns (across batches, words and signs)"
"$Q" convert nums.json nums.arrow
for f in nums.json nums.arrow; do
  run 0 "$Q" stats $f
  grep -qE '^h +halffloat +[0-9]+ +[0-9]+ +1 +- +-65504 +65504 +- +-$' "$OUT" || note "$f: h: $(grep '^h ' "$OUT")"
  grep -qE '^h2 +halffloat +[0-9]+ +[0-9]+ +0 +- +-inf +0\.9990234375 +- +-$' "$OUT" || note "$f: h2: $(grep '^h2 ' "$OUT")"
  grep -qE '^d +decimal128\(38, 2\) +[0-9]+ +[0-9]+ +1 +[0-9]+ +-999999999999999999999\.99 +184467440737095516\.16 +- +-$' "$OUT" || note "$f: d: $(grep '^d ' "$OUT")"
  grep -qE '^w +decimal256\(76, 0\) +[0-9]+ +[0-9]+ +0 +[0-9]+ +-340282366920938463463374607431768211456 +340282366920938463463374607431768211455 +- +-$' "$OUT" || note "$f: w: $(grep '^w ' "$OUT")"
  grep -qE '^n +decimal32\(9, 3\) +[0-9]+ +[0-9]+ +0 +[0-9]+ +-999\.999 +999\.999 +- +-$' "$OUT" || note "$f: n: $(grep '^n ' "$OUT")"
  grep -qE '^m +decimal64\(18, 1\) +[0-9]+ +[0-9]+ +0 +[0-9]+ +-429496729\.6 +858993459\.2 +- +-$' "$OUT" || note "$f: m: $(grep '^m ' "$OUT")"
done
end

# ------------------------------------------------------------ SIGBUS
# Pauses quiver at POINT on a FIFO; the caller acts, then releases it.
pause_env() { echo "QUIVER_TEST_PAUSE_AT=$1 QUIVER_TEST_PAUSE_FIFO=$T/ctl"; }
mkfifo ctl
# Runs the shell command $1 while quiver waits at its pause: opening the
# FIFO for writing returns only once quiver has opened it (it is there),
# and closing it releases quiver.
at_pause() { timeout 20 bash -c "exec 3>'$T/ctl'; $1" || note "quiver never reached its pause"; }

begin "a mapped input truncated by another process: exit 1 naming it, no crash (cat, stats, convert)"
"$Q" convert big.arrows big.arrow
for c in "cat --all" "stats" "convert"; do
  for f in mapped.arrows mapped.arrow; do
    cp big.${f#mapped.} "$f"
    rm -f out.arrows
    args=$f; [ "$c" = convert ] && args="$f out.arrows"
    env $(pause_env input) timeout 60 "$Q" $c $args >"$OUT" 2>"$ERR" &
    pid=$!
    at_pause "truncate -s 4096 '$f'"
    wait $pid
    rc=$?
    [ $rc -eq 1 ] || note "quiver $c $f: exit $rc, expected 1 ($(head -c 300 "$ERR"))"
    err_has "quiver ${c%% *}: $f: the input changed while it was being read"
    err_has "SIGBUS"
    [ "$c" != convert ] || { [ ! -e out.arrows ] && ! ls out.arrows.qv-tmp-* >/dev/null 2>&1; } || note "convert left output behind"
    rm -f "$f"
  done
done
end

# ------------------------------------------------------------ signals
# Job control on: a background job of a script without it starts with
# SIGINT ignored, which quiver (like any program) then leaves ignored.
set -m
begin "SIGINT, SIGTERM, SIGHUP during convert and gen: no temporary left, the old destination intact"
"$Q" gen seed --rows 10 old.arrow
cp old.arrow old.keep
for sig in INT TERM HUP; do
  for c in "convert big.arrows old.arrow --batch-size 10000" "gen seed --rows 300000 --batch-size 10000 old.arrow"; do
    env $(pause_env output) "$Q" $c 2>"$ERR" &
    pid=$!
    for _ in $(seq 200); do ls old.arrow.qv-tmp-* >/dev/null 2>&1 && break; sleep 0.05; done
    tmp=$(ls old.arrow.qv-tmp-* 2>/dev/null)
    [ -n "$tmp" ] && [ "$(stat -c %s "$tmp")" -gt 0 ] || note "$sig, $c: no temporary with data was seen"
    kill -$sig $pid
    wait $pid
    rc=$?
    want=$((128 + $(kill -l $sig)))
    [ $rc -eq $want ] || note "$sig, $c: exit $rc, expected $want"
    ls old.arrow.qv-tmp-* >/dev/null 2>&1 && note "$sig, $c: left $(ls old.arrow.qv-tmp-*)"
    cmp -s old.arrow old.keep || note "$sig, $c: old.arrow changed"
  done
done
end

begin "SIGINT, SIGTERM, SIGHUP during a Parquet convert: no temporary left, the old destination intact"
"$Q" gen seed --rows 10 old.parquet
cp old.parquet old.pkeep
for sig in INT TERM HUP; do
  env $(pause_env output) "$Q" convert big.arrows old.parquet --batch-size 10000 2>"$ERR" &
  pid=$!
  for _ in $(seq 200); do ls old.parquet.qv-tmp-* >/dev/null 2>&1 && break; sleep 0.05; done
  [ -n "$(ls old.parquet.qv-tmp-* 2>/dev/null)" ] || note "$sig: no temporary was seen"
  kill -$sig $pid
  wait $pid
  rc=$?
  want=$((128 + $(kill -l $sig)))
  [ $rc -eq $want ] || note "$sig: exit $rc, expected $want"
  ls old.parquet.qv-tmp-* >/dev/null 2>&1 && note "$sig: left $(ls old.parquet.qv-tmp-*)"
  cmp -s old.parquet old.pkeep || note "$sig: old.parquet changed"
done
end
set +m

# ------------------------------------------------------------ full disk
full_disk_case() { # DIR: a folder whose file system is (nearly) full
  local d=$1 what=$2
  for target in out.arrow out.arrows out.json; do
    "$Q" gen seed --rows 10 "$d/$target" 2>/dev/null || { note "$what: cannot write the small $target"; continue; }
    cp "$d/$target" keep.$target
    run 1 "$Q" convert big.arrows "$d/$target"
    err_has "quiver convert: $d/$target: "
    grep -qE 'No space left on device|File too large' "$ERR" || note "$what, $target: unclear error: $(head -c 300 "$ERR")"
    cmp -s "$d/$target" keep.$target || note "$what, $target: the old file changed"
    ls "$d"/*.qv-tmp-* >/dev/null 2>&1 && note "$what, $target: debris: $(ls "$d"/*.qv-tmp-*)"
    rm -f "$d/$target"
  done
}

begin "a full disk (1 MiB tmpfs): exit 1, a clear error, the old file intact, no debris"
mkdir -p small
if mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
  full_disk_case small "tmpfs"
  umount small
else
  skip=$((skip + 1))
  CASE="$CASE (skipped: 'mount -t tmpfs' is not permitted here; the RLIMIT_FSIZE case below still runs)"
fi
end

begin "a file-size limit (ulimit -f, SIGXFSZ ignored): the same as a full disk"
mkdir -p limited
(
  trap '' XFSZ
  ulimit -f 512 # 512 KiB
  full_disk_case limited "ulimit -f"
  printf '%s' "$WHY" >limited.why
)
WHY+=$(cat limited.why)
end

# ------------------------------------------------------------ limits
begin "integration JSON from a pipe is capped (--max-json-bytes), never read until OOM"
sh 1 "(printf '{'; cat /dev/zero) | timeout 60 '$Q' validate --max-json-bytes 2M -"
err_has "larger than the limit of 2097152 bytes (option --max-json-bytes) [QV_ERR_LIMIT]"
"$Q" convert seed.arrows seed.json
run 1 "$Q" stats --max-json-bytes 1K seed.json
err_has "[QV_ERR_LIMIT]"
"$Q" convert seed.arrows seed.json.gz
cap=$(($(stat -c %s seed.json.gz) + 1024))
run 1 "$Q" cat --format arrow --max-json-bytes $cap seed.json.gz
err_has "inflates to more than the limit of $cap bytes"
sh 1 "cat seed.json.gz | '$Q' cat --format arrow --max-json-bytes $cap -"
err_has "inflates to more than the limit of $cap bytes"
run 0 "$Q" stats --max-json-bytes 10M seed.json
end

begin "decompression caps: per message (--max-decompressed) and per input (--max-total-decompressed)"
"$Q" convert seed.arrows z.arrows --compression zstd --batch-size 100
run 0 "$Q" stats z.arrows
run 1 "$Q" stats --max-decompressed 1K z.arrows
err_has "read option max_decompressed_size"
run 1 "$Q" stats --max-total-decompressed 8K z.arrows
err_has "read option max_total_decompressed_size"
sh 1 "cat z.arrows | '$Q' validate --max-total-decompressed 8K -"
err_has "[QV_ERR_LIMIT]"
run 0 "$Q" stats --max-total-decompressed 0 z.arrows
run 2 "$Q" stats --max-decompressed lots z.arrows
err_has "--max-decompressed wants a positive size"
run 2 "$Q" cat --format arrow --max-json-bytes 0 z.arrows
err_has "--max-json-bytes wants a positive size"
end

# ------------------------------------------------------------ the gold-file guard
begin "run_cli_tests.sh fails loudly when the gold files are missing"
run 1 env QV_ARROW_TESTING="$T/none" "$HERE/run_cli_tests.sh" "$Q"
out_has "FAIL: QV_ARROW_TESTING=$T/none, but"
run 1 env -u QV_ARROW_TESTING bash -c "cd '$T' && '$HERE/run_cli_tests.sh' '$Q'"
out_has "QV_ARROW_TESTING is unset and the default"
end

begin "--help documents the new options and behaviours"
for c in cat stats validate convert schema; do
  run 0 "$Q" $c --help
  out_has "--max-total-decompressed"
  out_has "--max-json-bytes"
done
run 0 "$Q" convert --help
out_has "SIGINT, SIGTERM"
out_has "need --to"
run 0 "$Q" cat --format arrow --help
out_has "--strict"
end

finish
