#!/usr/bin/env bash
# Tests of the `quiver` command-line tool through its exit codes and output.
#
# Usage: tests/cli/run_cli_tests.sh PATH/TO/quiver
# Run from the repository root (ctest does: cli_test_commands in
# tools/CMakeLists.txt). Gold files come from $QV_ARROW_TESTING (default
# ../shared/arrow-testing); when that folder is missing the script fails at
# once, saying where it looked (a run that skipped the gold cases would
# pass without testing them). Each case prints "ok" or "FAIL" with the
# reasons; the last line is "N passed, M failed" and the exit status is
# non-zero when anything failed. Under the ASan build every quiver process
# also runs with LeakSanitizer, so a leak fails the case (non-zero exit).
# The helpers (begin, run, end...) are in cli_test_lib.sh; the tests of
# hostile and large inputs, signals and limits are in run_cli_trust_tests.sh.

HOSTILE=$(cd "$(dirname "$0")" && pwd)/hostile # streams that pass structure only
PQ_ROOT=${QV_PARQUET_TESTING:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/parquet-testing}
. "$(dirname "$0")/cli_test_lib.sh" "$@"
require_gold
cd "$T" || exit 2

# ---------------------------------------------------------------- help, usage
begin "quiver --help lists every command"
run 0 "$Q" --help
for c in cat schema validate convert stats gen; do out_has "  $c "; done
err_empty
end

for c in cat schema validate convert stats gen; do
  begin "quiver $c --help"
  run 0 "$Q" $c --help
  out_has "Usage: quiver $c"
  err_empty
  end
done

begin "quiver help CMD and --version"
run 0 "$Q" help convert
out_has "Usage: quiver convert"
run 0 "$Q" --version
out_has "quiver "
end

begin "no command: usage on stderr, exit 2"
run 2 "$Q"
err_has "Usage: quiver COMMAND"
end

begin "usage errors exit 2 with a message"
run 2 "$Q" frobnicate x
err_has "unknown command 'frobnicate'"
run 2 "$Q" cat
err_has "missing the input file"
run 2 "$Q" cat --format arrow --bogus x
err_has "unknown option '--bogus'"
run 2 "$Q" cat --format arrow x --head
err_has "needs a value"
run 2 "$Q" cat --format arrow x --head=-3
err_has "--head wants a non-negative integer"
run 2 "$Q" stats a b
err_has "unexpected argument 'b'"
run 2 "$Q" convert in
err_has "missing the output file"
run 2 "$Q" convert in out --to orc
err_has "--to wants stream, file, arrow-json, csv, tsv, jsonl or parquet"
run 2 "$Q" convert in out.json --compression zstd
err_has "--compression applies to IPC output"
run 2 "$Q" convert in out --compression brotli
err_has "--compression wants lz4, zstd or none"
run 2 "$Q" convert in out --batch-size 0
err_has "--batch-size wants a positive integer"
run 2 "$Q" gen
err_has "missing the data set name"
run 2 "$Q" gen fake out
err_has "unknown data set 'fake'"
run 2 "$Q" gen seed
err_has "missing the output file"
run 2 "$Q" gen seed --rows lots out
err_has "--rows wants a non-negative integer"
run 2 "$Q" validate --full=yes x
err_has "takes no value"
end

if command -v script >/dev/null 2>&1; then
  begin "binary output to a terminal is refused (exit 2)"
  run 0 script -qec "$Q gen seed --rows 10 -; echo rc=\$?" /dev/null </dev/null
  out_has "refusing to write binary Arrow data to a terminal"
  out_has "rc=2"
  end
fi

# ---------------------------------------------------------------- gen, stats, cat
begin "gen seed writes a stream, the same bytes every run"
run 0 "$Q" gen seed --rows 1000 seed.arrows
err_empty
run 0 "$Q" gen seed --rows 1000 seed2.arrows
same seed.arrows seed2.arrows
[ "$(head -c 4 seed.arrows | od -An -tx1 | tr -d ' ')" == "ffffffff" ] || note "seed.arrows does not start with 0xFFFFFFFF"
end

begin "gen seed --to / .arrow write the file format"
run 0 "$Q" gen seed --rows 1000 seed.arrow
[ "$(head -c 6 seed.arrow)" == "ARROW1" ] || note "seed.arrow does not start with ARROW1"
run 0 "$Q" gen seed --rows 1000 --to file seedfile.bin
same seed.arrow seedfile.bin
end

begin "stats of the seed stream"
run 0 "$Q" stats seed.arrows
out_has "format:   IPC stream"
out_has "rows:     1000"
out_has "batches:  1"
out_has "columns:  2"
out_has "size:     $(stat -c %s seed.arrows) bytes"
grep -qE '^a +string +14004 +1000 +0 +1000 +"[A-Za-z0-9]{10}" +"[A-Za-z0-9]{10}" +- +-$' "$OUT" || note "no stats line for column a: $(cat "$OUT")"
grep -qE '^b +string +14004 +1000 +0 +1000 +"' "$OUT" || note "no stats line for column b"
end

begin "cat --head 3 prints the seed's first rows (the demo's values)"
run 0 "$Q" cat --format arrow seed.arrows --head 3
out_is 'quiver.Table
a: string
b: string
----
a: [["ak2cp8sAM0","5CWyK1NSAk","Er8KVVhi1Y"]]
b: [["E9fk3OVdKM","qhZWa1N9Gb","M3NFBe3Ivd"]]'
err_empty
end

begin "cat --columns b --head 2"
run 0 "$Q" cat --format arrow --columns b --head 2 seed.arrows
out_is 'quiver.Table
b: string
----
b: [["E9fk3OVdKM","qhZWa1N9Gb"]]'
end

begin "cat without --head windows long columns"
run 0 "$Q" cat --format arrow seed.arrows
out_has '"ak2cp8sAM0"'
out_has ',...,'
out_has '"ZfGbP1kpj1"]]'
end

begin "cat --columns with an unknown column exits 2 naming the columns"
run 2 "$Q" cat --format arrow --columns a,zz seed.arrows
err_has "no column named 'zz' (the columns are: a, b)"
end

begin "cat of many batches keeps the first and last (windowed)"
run 0 "$Q" convert seed.arrows many.arrows --batch-size 100
run 0 "$Q" cat --format arrow many.arrows
[ "$(grep -o '\]' "$OUT" | wc -l)" -gt 0 ] || note "no output"
out_has '"ak2cp8sAM0"'
out_has '"ZfGbP1kpj1"]]'
out_has '],...,['
cp "$OUT" many.txt
run 0 "$Q" convert many.arrows many.arrow
run 0 "$Q" cat --format arrow many.arrow
same many.txt "$OUT"
run 0 "$Q" cat --format arrow --all many.arrows
out_lacks '...'
end

# ---------------------------------------------------------------- convert
begin "convert to file, JSON, JSON.gz, zstd and lz4: same table back"
run 0 "$Q" cat --format arrow --all seed.arrows
cp "$OUT" ref.txt
for target in c.arrow c.json c.json.gz c.zstd.arrows c.lz4.arrow; do
  case $target in
    *.zstd.*) run 0 "$Q" convert seed.arrows $target --compression zstd ;;
    *.lz4.*) run 0 "$Q" convert seed.arrows $target --compression lz4 ;;
    *) run 0 "$Q" convert seed.arrows $target ;;
  esac
  run 0 "$Q" cat --format arrow --all $target
  same ref.txt "$OUT"
done
run 0 "$Q" stats c.arrow
out_has "format:   IPC file"
run 0 "$Q" stats c.json
out_has "format:   JSON"
run 0 "$Q" stats c.json.gz
out_has "format:   JSON (gzip)"
[ "$(head -c 2 c.json.gz | od -An -tx1 | tr -d ' ')" == "1f8b" ] || note "c.json.gz is not gzip"
[ "$(stat -c %s c.zstd.arrows)" -lt "$(stat -c %s seed.arrows)" ] || note "zstd output is not smaller"
end

begin "convert --to overrides the extension"
run 0 "$Q" convert seed.arrows out.bin --to file
[ "$(head -c 6 out.bin)" == "ARROW1" ] || note "out.bin is not an IPC file"
run 0 "$Q" convert seed.arrow out2.bin --to stream
same seed.arrows out2.bin
end

begin "convert --batch-size cuts batches"
run 0 "$Q" convert seed.arrows b.arrow --batch-size 300
run 0 "$Q" stats b.arrow
out_has "rows:     1000"
out_has "batches:  4"
run 0 "$Q" cat --format arrow --all b.arrow
out_has '"ak2cp8sAM0"'
end

begin "convert --columns keeps the chosen columns"
run 0 "$Q" convert seed.arrows onlyb.arrows --columns b
run 0 "$Q" schema onlyb.arrows
out_is 'b: string'
end

begin "convert of a bad input exits 1 and leaves no output"
head -c 20000 seed.arrows >cut.arrows
run 1 "$Q" convert cut.arrows never.arrow
err_has "quiver convert: cut.arrows:"
[ ! -e never.arrow ] || note "never.arrow was created"
end

begin "convert to Parquet: every codec, --to parquet, stdout, the same bytes each way"
for c in snappy zstd gzip brotli lz4 none; do
  run 0 "$Q" convert seed.arrows p-$c.parquet --compression $c
  [ "$(head -c 4 p-$c.parquet)" == "PAR1" ] || note "p-$c.parquet does not start with PAR1"
  [ "$(tail -c 4 p-$c.parquet)" == "PAR1" ] || note "p-$c.parquet does not end with PAR1"
done
[ "$(stat -c %s p-zstd.parquet)" -lt "$(stat -c %s p-none.parquet)" ] || note "zstd output is not smaller"
run 0 "$Q" convert seed.arrows p.bin --to parquet
same p-snappy.parquet p.bin
run 0 "$Q" convert seed.arrows - --to parquet
same p-snappy.parquet "$OUT"
run 0 "$Q" gen seed --rows 50 g.parquet --compression zstd
[ "$(head -c 4 g.parquet)" == "PAR1" ] || note "gen did not write Parquet"
run 2 "$Q" convert seed.arrows never.parquet --compression lz5
err_has "--compression wants snappy, zstd, gzip, brotli, lz4 or none for Parquet"
[ ! -e never.parquet ] || note "never.parquet was created"
end

begin "convert to Parquet refuses hostile content naming the column, leaves nothing"
for f in utf8-offsets-jump ree-unsorted-run-ends; do
  run 1 "$Q" convert "$HOSTILE/$f.arrows" hostile.parquet
  err_has "column 'c'"
  [ ! -e hostile.parquet ] || note "convert $f left hostile.parquet"
  ls hostile.parquet.qv-tmp-* >/dev/null 2>&1 && note "a temporary file was left"
done
end

# ---------------------------------------------------------------- validate, schema
begin "validate: stream, file, JSON; structural and --full"
for f in seed.arrows seed.arrow c.json c.json.gz c.zstd.arrows; do
  run 0 "$Q" validate $f
  out_has "$f: OK"
  out_has "structural validation"
  run 0 "$Q" validate --full $f
  out_has "full validation"
done
end

begin "schema prints fields"
run 0 "$Q" schema seed.arrows
out_is 'a: string
b: string'
end

# ---------------------------------------------------------------- bad data
begin "a truncated stream: exit 1 with the library's message"
head -c 20000 seed.arrows >cut.arrows
for c in validate stats cat; do
  run 1 "$Q" $c cut.arrows
  err_has "quiver $c: cut.arrows: "
  err_has "QV_ERR_TRUNCATED"
done
end

begin "a stream cut at a message boundary: a warning, an error with --strict"
len=$(($(stat -c %s seed.arrows) - 8))
head -c $len seed.arrows >noeos.arrows
run 0 "$Q" validate noeos.arrows
err_has "quiver validate: noeos.arrows: warning: the stream ends at byte $len, after 1000 rows in 1 batches, without its end-of-stream marker"
run 1 "$Q" validate --strict noeos.arrows
err_has "QV_ERR_TRUNCATED"
run 0 "$Q" stats noeos.arrows
out_has "rows:     1000"
end

begin "a truncated IPC file exits 1"
head -c 20000 seed.arrow >cut.arrow
run 1 "$Q" validate cut.arrow
err_has "quiver validate: cut.arrow: "
end

begin "not Arrow, empty, missing, directory: exit 1"
printf 'hello world\n' >text.txt
run 1 "$Q" cat --format arrow text.txt
err_has "not an Arrow IPC stream, IPC file, integration JSON or Parquet file"
: >empty.arrows
run 1 "$Q" validate empty.arrows
err_has "empty"
run 1 "$Q" stats does-not-exist.arrows
err_has "QV_ERR_NOT_FOUND"
run 1 "$Q" schema "$T"
err_has "is a directory"
printf '{"schema": ' >bad.json
run 1 "$Q" validate bad.json
err_has "quiver validate: bad.json: "
end

if true; then
  begin "gold crash files exit 1 with a message, never crash"
  n=0
  for f in "$IPC"/crash-* "$IPC"/clusterfuzz-*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    for c in validate stats; do
      run 1 "$Q" $c "$f"
      err_has "quiver $c: "
    done
  done
  [ $n -gt 0 ] || note "no crash files found"
  end
fi

# ---------------------------------------------------------------- pipes and stdin
begin "gen seed --rows 1000 - | stats -"
sh 0 "'$Q' gen seed --rows 1000 - | '$Q' stats -"
out_has "input:    <stdin>"
out_has "rows:     1000"
end

begin "the seed scenario: gen seed - | stats - (1,000,000 rows)"
sh 0 "'$Q' gen seed - | '$Q' stats -"
out_has "rows:     1000000"
end

begin "stdin: file format and JSON through a pipe, regular file redirect"
sh 0 "cat seed.arrow | '$Q' stats -"
out_has "format:   IPC file"
out_has "rows:     1000"
sh 0 "zcat c.json.gz | '$Q' cat --format arrow --head 3 -"
out_has '"ak2cp8sAM0"'
sh 0 "cat c.json.gz | '$Q' validate -"
out_has "<stdin>: OK (JSON (gzip)"
run 0 "$Q" stats - <seed.arrows
out_has "rows:     1000"
run 0 "$Q" stats - <seed.arrow
out_has "format:   IPC file"
sh 1 "head -c 20000 seed.arrows | '$Q' stats -"
err_has "quiver stats: <stdin>: "
end

begin "convert - - streams stdin to stdout"
sh 0 "cat seed.arrow | '$Q' convert - - --compression zstd | '$Q' convert - - --to file | '$Q' cat --format arrow --all -"
same ref.txt "$OUT"
sh 0 "cat seed.arrows | '$Q' convert - - --to json | '$Q' cat --format arrow --all -"
same ref.txt "$OUT"
end

begin "named pipes: read from and written to in place"
mkfifo in.fifo out.fifo
timeout 60 "$Q" gen seed --rows 1000 in.fifo &
bg=$!
run 0 "$Q" stats in.fifo
out_has "rows:     1000"
wait $bg || note "gen into the FIFO failed"
timeout 60 cat out.fifo >from_fifo.arrows &
bg=$!
run 0 "$Q" convert seed.arrows out.fifo
wait $bg || note "reading the FIFO failed"
same seed.arrows from_fifo.arrows
end

# ---------------------------------------------------------------- progress
begin "progress line: off when stderr is not a terminal, forced with QUIVER_PROGRESS=always"
run 0 "$Q" stats many.arrows
err_empty
run 0 env QUIVER_PROGRESS=always "$Q" stats many.arrows
err_has "quiver stats: "
err_has " rows, "
end

# ---------------------------------------------------------------- gold files
if true; then
  begin "gold primitive: cat, schema, stats min/max"
  run 0 "$Q" cat --format arrow "$GOLD/generated_primitive.arrow_file"
  out_has "quiver.Table"
  out_has "bool_nullable: bool"
  run 0 "$Q" schema "$GOLD/generated_primitive.arrow_file"
  out_has "int8_nonnullable: int8 not null"
  run 0 "$Q" stats "$GOLD/generated_primitive.arrow_file"
  out_has "rows:     37"
  out_has "batches:  2"
  grep -qE '^int8_nonnullable +int8 +[0-9]+ +37 +0 +33 +-128 +127 +-3\.48649 +81\.7153$' "$OUT" || note "int8 stats line missing: $(grep int8_non "$OUT")"
  grep -qE '^bool_nullable +bool +[0-9]+ +20 +17 +2 +false +true +- +-$' "$OUT" || note "bool stats line missing"
  end

  begin "gold metadata: schema shows field and schema metadata"
  run 0 "$Q" schema "$GOLD/generated_custom_metadata.arrow_file"
  out_has "-- field metadata --"
  out_has "-- schema metadata --"
  out_has "-- field metadata (list_with_odd_values.item) --"
  end

  begin "every cpp-21.0.0 gold file: file -> stream -> file (zstd) -> json, same table"
  n=0
  for f in "$GOLD"/*.arrow_file; do
    b=$(basename "$f" .arrow_file)
    n=$((n + 1))
    run 0 "$Q" cat --format arrow --all "$f"
    cp "$OUT" gold.txt
    run 0 "$Q" convert "$f" g.arrows
    run 0 "$Q" convert g.arrows g.arrow --compression zstd
    run 0 "$Q" convert g.arrow g.json
    for g in g.arrows g.arrow g.json; do
      run 0 "$Q" cat --format arrow --all $g
      cmp -s gold.txt "$OUT" || note "$b: $g prints differently from the gold file"
    done
    # The gold .stream holds the same rows (compared when both declare the
    # same schema: C++ wrote generated_map_non_canonical.stream with the
    # canonical map field names, its .arrow_file with the custom ones).
    if [ "$("$Q" schema "$GOLD/$b.stream")" == "$("$Q" schema "$f")" ]; then
      run 0 "$Q" cat --format arrow --all "$GOLD/$b.stream"
      cmp -s gold.txt "$OUT" || note "$b: the gold .stream prints differently from the .arrow_file"
    fi
  done
  [ $n -gt 10 ] || note "only $n gold files"
  end

  begin "gold compressed, legacy and big-endian files read"
  for f in "$IPC"/integration/2.0.0-compression/*.stream "$IPC"/integration/2.0.0-compression/*.arrow_file \
    "$IPC"/integration/0.14.1/generated_primitive.stream "$IPC"/integration/1.0.0-bigendian/generated_primitive.arrow_file; do
    [ -f "$f" ] || { note "missing $f"; continue; }
    run 0 "$Q" validate "$f"
    out_has "OK"
  done
  run 0 "$Q" validate "$IPC/integration/0.14.1/generated_primitive.stream"
  out_has "IPC stream (legacy framing)"
  end

  begin "validate --full finds what structural validation lets through"
  f=$IPC/integration/0.14.1/generated_decimal.stream
  run 0 "$Q" validate "$f"
  run 1 "$Q" validate --full "$f"
  err_has "more digits than precision"
  end
fi

# Streams written by another implementation that pass structural validation
# but break a content rule (docs/robustness.md, "The safety contract"):
# every command fails naming the column and leaves no output behind, where
# it used to leak heap bytes into the output or launder made-up values.
begin "hostile content: cat, convert and convert --batch-size 1 refuse it"
for f in utf8-offsets-jump utf8-offsets-jump-nulls ree-unsorted-run-ends; do
  run 0 "$Q" validate "$HOSTILE/$f.arrows"
  run 1 "$Q" validate --full "$HOSTILE/$f.arrows"
  run 1 "$Q" cat --format arrow "$HOSTILE/$f.arrows"
  err_has "column 'c'"
  for bs in "" "--batch-size 1"; do
    rm -f hostile-out.arrows
    # shellcheck disable=SC2086 # $bs is empty or two words
    run 1 "$Q" convert $bs "$HOSTILE/$f.arrows" hostile-out.arrows
    err_has "column 'c'"
    [ ! -e hostile-out.arrows ] || note "convert $bs $f left hostile-out.arrows"
  done
done
run 1 "$Q" convert --batch-size 1 "$HOSTILE/utf8-offsets-jump.arrows" hostile-out.arrows
err_has "offset 300 at row 0 goes backwards or outside [0, 9]"
run 1 "$Q" convert --batch-size 1 "$HOSTILE/ree-unsorted-run-ends.arrows" hostile-out.arrows
err_has "run end 1 is not above the one before it"
end

# CSV and TSV: read by name or --from, written by name or --to.
begin "csv: convert to and from CSV/TSV; cat, schema, validate, stats read .csv"
printf 'id,name,when\n1,"a, b",2020-01-01\n2,"say ""hi""",2021-05-06\n3,,\n' >t.csv
run 0 "$Q" convert t.csv t.arrow
run 0 "$Q" convert t.arrow back.csv
out_is ""
[ "$(cat back.csv)" == "$(cat t.csv | sed 's/^3,,$/3,"",/')" ] || note "back.csv is $(cat back.csv)"
run 0 "$Q" convert t.arrow - --to tsv
out_has $'1\ta, b\t2020-01-01'
run 0 "$Q" schema t.csv
out_has "when: date32[day]"
run 0 "$Q" validate --full t.csv
out_has "(CSV, 3 columns, 3 rows"
run 0 "$Q" stats t.csv
out_has "format:   CSV"
sh 0 "cat t.csv | '$Q' cat --format arrow - --from csv"
out_has "id: [[1,2,3]]"
sh 0 "tr ',' '\t' <t.csv >t.tsv && '$Q' schema t.tsv"
out_has "name: string"
run 2 "$Q" cat --format arrow t.csv --from parquet
err_has "--from wants csv, tsv or jsonl"
printf 'a,b\n1,2\n3\n' >ragged.csv
run 1 "$Q" cat --format arrow ragged.csv
err_has "CSV line 3: expected 2 fields (as in the header), found 1"
end

begin "csv: --delimiter, --no-header, --null-value, --column-type, --block-size"
printf 'a;b;c\n1;x;2020-01-01 00:00:01\n-;NA;2021-02-03 04:05:06\n300;y;\n' >opts.txt
run 0 "$Q" schema opts.txt --delimiter ';'
out_has "a: string"
out_has "c: timestamp[s]"
run 0 "$Q" schema opts.txt --delimiter ';' --null-value - --null-value NA --null-value ''
out_has "a: int64"
run 0 "$Q" cat --format arrow opts.txt --delimiter ';' --null-value - --null-value '' --column-type a=int16 \
  --column-type 'c=timestamp[ms]' --column-type b=large_string
out_has "a: [[1,null,300]]"
out_has "b: [[\"x\",\"NA\",\"y\"]]"
run 0 "$Q" schema opts.txt --delimiter ';' --null-value - --null-value '' --column-type a=int16 \
  --column-type 'c=timestamp[ms]'
out_has "a: int16"
out_has "c: timestamp[ms]"
run 1 "$Q" cat opts.txt --delimiter ';' --null-value - --column-type a=int8
err_has "CSV line 4, column 1 ('a'): the value '300' is not of type int8"
run 0 "$Q" schema opts.txt --delimiter ';' --no-header
out_has "f0: string"
out_has "f2: string"
awk 'BEGIN { print "n,s"; for (i = 0; i < 3000; i++) print i ",v" i }' >small.csv
run 0 "$Q" stats small.csv --block-size 4K
out_has "rows:     3000"
out_lacks "batches:  1"
run 0 "$Q" stats small.csv
out_has "batches:  1"
printf 'a\tb\n1\t2\n' >tab.txt
run 0 "$Q" schema tab.txt --delimiter tab
out_has "b: int64"
run 2 "$Q" schema opts.txt --column-type a=nonsense
err_has "--column-type wants NAME=TYPE"
run 2 "$Q" schema opts.txt --column-type =int64
err_has "--column-type wants NAME=TYPE"
run 2 "$Q" schema opts.txt --delimiter ';;'
err_has "--delimiter wants one character"
run 2 "$Q" schema opts.txt --block-size 0
err_has "--block-size wants a positive size"
run 0 "$Q" cat --help
out_has "--column-type NAME=TYPE"
out_has "--block-size SIZE"
out_has "--null-value TEXT"
run 0 "$Q" --help
out_has "--column-type NAME=TYPE"
out_has "--delimiter C"
end

begin "csv: a pipe is streamed in 1 MiB batches (types from the first blocks, later misfits named)"
awk 'BEGIN { print "n,s"; for (i = 0; i < 200000; i++) print i ",v" i }' >big.csv
sh 0 "cat big.csv | '$Q' convert - piped.arrows --from csv && '$Q' stats piped.arrows"
out_has "rows:     200000"
out_has "batches:  3"
sh 1 "{ cat big.csv; echo 'oops,z'; } | '$Q' convert - piped.arrows --from csv"
err_has "CSV line 200002, column 1 ('n'): the value 'oops' is not of type int64"
end

begin "csv: hostile arrays are refused naming the column, no output left"
for f in utf8-offsets-jump utf8-offsets-jump-nulls; do
  rm -f hostile-out.csv
  run 1 "$Q" convert "$HOSTILE/$f.arrows" hostile-out.csv
  err_has "column 'c'"
  [ ! -e hostile-out.csv ] || note "convert $f left hostile-out.csv"
done
end

# ---------------------------------------------------------------- JSON Lines and rows
begin "jsonl: read .jsonl/.ndjson and --from jsonl; convert --to jsonl; arrow-json keeps the integration JSON"
printf '{"id":1,"s":{"x":"a"},"l":[1,2]}\n{"id":2,"s":null,"l":[]}\n{"id":3,"s":{"x":"b\\"q"},"l":null}\n' >t.jsonl
run 0 "$Q" schema t.jsonl
out_has "s: struct<x: string>"
out_has "l: list<item: int64>"
cp t.jsonl t.ndjson
run 0 "$Q" stats t.ndjson
out_has "format:   JSON Lines"
sh 0 "cat t.jsonl | '$Q' convert - back.jsonl --from jsonl"
same t.jsonl back.jsonl
run 0 "$Q" convert t.jsonl t.arrow
run 0 "$Q" convert t.arrow - --to jsonl
same t.jsonl "$OUT"
run 0 "$Q" convert t.arrow j1.json --to arrow-json
run 0 "$Q" convert t.arrow j2.json --to json
same j1.json j2.json
run 0 "$Q" stats j1.json
out_has "format:   JSON"
printf '{"a":1}\n{"a":"x"}\n' >bad.jsonl
run 1 "$Q" cat bad.jsonl
err_has "JSONL line 2, column 6 (/a): the column changed from number to string"
end

begin "stats: counts, distinct, min/max, mean, stddev by the kernels, alike from CSV, IPC (batches), Parquet, JSON Lines"
printf 'i,f,s\n1,1.5,a\n2,,b\n3,2.5,a\n,4.0,c\n' >k.csv
run 0 "$Q" convert k.csv k.arrow
run 0 "$Q" convert k.csv k1.arrow --batch-size 1
run 0 "$Q" convert k.arrow k.parquet
run 0 "$Q" convert k.arrow k.jsonl
for f in k.csv k.arrow k1.arrow k.parquet k.jsonl; do
  run 0 "$Q" stats $f
  out_has "column  type"
  grep -qE '^i +[a-z0-9]+ +[0-9]+ +3 +1 +3 +1 +3 +2 +0\.816497$' "$OUT" || note "$f: i: $(grep '^i ' "$OUT")"
  grep -qE '^f +[a-z0-9]+ +[0-9]+ +3 +1 +3 +1\.5 +4 +2\.66667 +1\.0274$' "$OUT" || note "$f: f: $(grep '^f ' "$OUT")"
  grep -qE '^s +[a-z_]+ +[0-9]+ +4 +0 +3 +"a" +"c" +- +-$' "$OUT" || note "$f: s: $(grep '^s ' "$OUT")"
done
run 0 "$Q" stats k1.arrow
out_has "batches:  4"
# a struct column: no kernel orders it, so "-" (the counts still show)
run 0 "$Q" stats t.jsonl
grep -qE '^s +struct<x: string> +[0-9]+ +2 +1 +- +- +- +- +-$' "$OUT" || note "struct line: $(grep '^s ' "$OUT")"
end

begin "cat: rows as a table, CSV or JSON Lines; --head and --tail count rows"
run 0 "$Q" convert seed.arrows many.arrows --batch-size 100
run 0 "$Q" cat many.arrows --format table --head 2
out_is 'a           b
----------  ----------
ak2cp8sAM0  E9fk3OVdKM
5CWyK1NSAk  qhZWa1N9Gb
(2 rows)'
run 0 "$Q" cat many.arrows --format table
out_has '... 980 more rows ...'
out_has '(1000 rows)'
run 0 "$Q" cat many.arrows --head 2
out_is 'a,b
ak2cp8sAM0,E9fk3OVdKM
5CWyK1NSAk,qhZWa1N9Gb'
run 0 "$Q" cat many.arrows --tail 1 --format jsonl
out_is '{"a":"ZfGbP1kpj1","b":"3xrntsEUh6"}'
run 0 "$Q" cat many.arrows --tail 150
[ "$(wc -l <"$OUT")" -eq 151 ] || note "--tail 150 printed $(wc -l <"$OUT") lines"
run 0 "$Q" cat many.arrows --tail 1 --format arrow
out_has 'a: [["ZfGbP1kpj1"]]'
run 0 "$Q" cat t.jsonl
out_is "$(cat t.jsonl)"
run 0 "$Q" cat t.jsonl --format table
out_has ' 2  null        []'
run 2 "$Q" cat t.jsonl --format xml
err_has "--format wants table, csv, jsonl or arrow"
run 2 "$Q" cat t.jsonl --head 1 --tail 1
err_has "give --head or --tail, not both"
run 1 "$Q" cat t.jsonl --format csv
err_has "column 's': CSV has no text form"
# on a terminal (a pseudo-terminal from script(1)) the default is the table
if command -v script >/dev/null 2>&1; then
  printf 'a,b\n1,x\n2,y\n' >tty.csv
  sh 0 "script -qec \"'$Q' cat tty.csv\" /dev/null </dev/null | tr -d '\r'"
  out_is $'a  b\n-  -\n1  x\n2  y\n(2 rows)'
fi
end

begin "flight: usage errors of serve, get, put and flights"
run 2 "$Q" serve
err_has "missing the folder to serve"
run 2 "$Q" serve . --port 70000
err_has "--port takes a number from 0 to 65535"
run 2 "$Q" serve . --user u --password p
err_has "--user needs --token"
run 2 "$Q" serve . --tls-cert c.pem
err_has "--tls-cert and --tls-key go together"
run 1 "$Q" serve ./no-such-folder --port 0
err_has "not a folder"
run 2 "$Q" serve . --tls-client-roots ca.pem
err_has "--tls-client-roots needs --tls-cert"
run 2 "$Q" serve . --unix /tmp/x.sock --port 1
err_has "--unix listens on a socket file"
run 2 "$Q" serve . --unix relative.sock
err_has "--unix takes an absolute path"
run 2 "$Q" serve . --no-shm
err_has "--no-shm goes with --unix"
run 2 "$Q" get grpc://127.0.0.1:1 t.arrow
err_has "missing -o OUT"
run 2 "$Q" get grpc://127.0.0.1:1 t.arrow -o out.orc
err_has "cannot tell the output format"
run 2 "$Q" put grpc://127.0.0.1:1 t.arrow
err_has "expected URI, NAME and IN"
run 1 "$Q" flights http://127.0.0.1:1
err_has "expected grpc://"
run 2 "$Q" flights grpc://127.0.0.1:1 --user u
err_has "--user and --password go together"
run 2 "$Q" get grpc+tls://127.0.0.1:1 t.arrow -o x.arrow --tls-client-key k.pem
err_has "--tls-client-cert and --tls-client-key go together"
run 2 "$Q" flights grpc+tls://127.0.0.1:1 --tls-roots ca.pem --tls-root-certs ca.pem
err_has "give --tls-root-certs or --tls-roots, not both"
end

begin "flight: serve a folder, list, get and put through it, stop on SIGTERM"
mkdir -p served/sub
"$Q" gen seed --rows 1000 served/sub/seed.arrow
"$Q" serve served --port 0 >serve.out 2>serve.err &
SERVE_PID=$!
for _ in $(seq 100); do grep -q "listening on" serve.out 2>/dev/null && break; sleep 0.1; done
URI=$(sed -n 's/.*listening on //p' serve.out)
run 0 "$Q" flights "$URI"
out_has "sub/seed.arrow"
out_has "1000 rows"
run 0 "$Q" get "$URI" sub/seed.arrow -o got.arrow
same got.arrow served/sub/seed.arrow
run 0 "$Q" put "$URI" sub/copy.arrows got.arrow
[ -s served/sub/copy.arrows ] || note "the upload is missing"
run 1 "$Q" get "$URI" sub/../../etc/passwd -o x.arrow
err_has "INVALID_ARGUMENT"
run 1 "$Q" get "$URI" nothing.arrow -o x.arrow
err_has "NOT_FOUND: no flight named 'nothing.arrow'"
[ ! -e x.arrow ] || note "a failed get left x.arrow"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || note "serve exited $? on SIGTERM"
end

begin "flight: serve lists and sends CSV, TSV, JSON Lines and Parquet files as flights"
mkdir -p formats
printf 'a,b\n1,x\n2,y\n' >formats/t.csv
printf 'a\tb\n1\tx\n2\ty\n' >formats/t.tsv
"$Q" convert formats/t.csv formats/t.jsonl
"$Q" convert formats/t.csv formats/t.parquet
"$Q" convert formats/t.csv formats/parquet-data.bin --to parquet
"$Q" serve formats --port 0 >serve.out 2>serve.err &
SERVE_PID=$!
for _ in $(seq 100); do grep -q "listening on" serve.out 2>/dev/null && break; sleep 0.1; done
URI=$(sed -n 's/.*listening on //p' serve.out)
run 0 "$Q" flights "$URI"
for f in t.csv t.tsv t.jsonl t.parquet parquet-data.bin; do out_has "$f	2 rows	a: int64 b: string"; done
for f in t.csv t.tsv t.jsonl t.parquet parquet-data.bin; do
  run 0 "$Q" get "$URI" "$f" -o "got-$f.arrow"
  run 0 "$Q" cat "got-$f.arrow"
  out_is $'a,b\n1,x\n2,y'
done
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || note "serve exited $? on SIGTERM"
end

begin "flight: serve --unix, get and put over grpc+unix (shared memory), side socket removed on SIGTERM"
SOCK=$(mktemp -u /tmp/qvcli-XXXXXX).sock
"$Q" serve served --unix "$SOCK" >serve.out 2>serve.err &
SERVE_PID=$!
for _ in $(seq 100); do grep -q "listening on" serve.out 2>/dev/null && break; sleep 0.1; done
grep -qF "listening on grpc+unix://$SOCK" serve.out || note "serve.out lacks the grpc+unix URI"
[ -S "$SOCK.qvshm" ] || note "no side socket $SOCK.qvshm"
run 0 "$Q" get "grpc+unix://$SOCK" sub/seed.arrow -o got_unix.arrow
same got_unix.arrow served/sub/seed.arrow
run 0 "$Q" put "grpc+unix://$SOCK" sub/unix_copy.arrow got_unix.arrow
run 0 "$Q" get "grpc+unix://$SOCK" sub/unix_copy.arrow -o back_unix.arrow
same back_unix.arrow served/sub/seed.arrow
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || note "serve exited $? on SIGTERM"
[ ! -e "$SOCK.qvshm" ] || note "the side socket outlived the server"
rm -f "$SOCK"
end

# Parquet: read wherever IPC is read (detected by the "PAR1" magic), one
# batch per row group; data from $QV_PARQUET_TESTING (default
# ../shared/parquet-testing beside the repo).
if [ -d "$PQ_ROOT/data" ]; then
begin "parquet: cat, schema, stats and validate read .parquet (a file and a pipe)"
PQD=$PQ_ROOT/data
run 0 "$Q" schema "$PQD/nested_lists.snappy.parquet"
out_has "a: list<element: list<element: list<element: string>>>"
run 0 "$Q" cat --format arrow "$PQD/alltypes_plain.parquet"
out_has "id: [[4,5,6,7,2,3,0,1]]"
run 0 "$Q" stats "$PQD/alltypes_tiny_pages.parquet"
out_has "format:   Parquet"
out_has "rows:     7300"
run 0 "$Q" validate --full "$PQD/datapage_v2.snappy.parquet"
out_has "(Parquet, 5 columns, 5 rows"
sh 0 "cat '$PQD/alltypes_plain.parquet' | '$Q' schema -"
out_has "timestamp_col: timestamp[ns]"
run 0 "$Q" convert "$PQD/nullable.impala.parquet" pq.arrow
run 0 "$Q" validate --full pq.arrow
end

begin "parquet: corrupt and encrypted files are refused with the reason"
run 1 "$Q" validate "$PQD/datapage_v1-corrupt-checksum.parquet"
err_has "column 'a', page 0 at byte 4: CRC mismatch"
run 1 "$Q" cat "$PQD/uniform_encryption.parquet.encrypted"
err_has "encryption is not supported"
head -c 200 "$PQD/alltypes_plain.parquet" >cut.parquet
run 1 "$Q" cat cut.parquet
err_has "not a Parquet file"
end
fi

finish
