#!/usr/bin/env bash
# Tests of `quiver cat --where/--sort/--limit` (tools/cli/query.c): the
# expression language (comparisons, and/or/not with SQL nulls, is [not]
# null, arithmetic, strings, quoted names), sorting and limits, parse
# errors naming the character offset, the nesting and length bounds, and
# hostile inputs (offsets that pass structure only).
#
# Usage: tests/cli/run_cli_query_tests.sh PATH/TO/quiver (ctest:
# cli_test_query). The table is integration JSON written here, so the case
# needs no gold files.
HOSTILE=$(cd "$(dirname "$0")" && pwd)/hostile
. "$(dirname "$0")/cli_test_lib.sh" "$@"

# x int32 [3, 1, null, 7, 5 | 10, -2], y double [0.5, 2.5, 1, -1, null | 4, 3],
# "na me" utf8 ["a", "bb", "ccc", null, "dd" | "e", "f"]: two batches.
cat > t.json <<'EOF'
{"schema":{"fields":[
 {"name":"x","type":{"name":"int","isSigned":true,"bitWidth":32},"nullable":true,"children":[]},
 {"name":"y","type":{"name":"floatingpoint","precision":"DOUBLE"},"nullable":true,"children":[]},
 {"name":"na me","type":{"name":"utf8"},"nullable":true,"children":[]}]},
 "batches":[{"count":5,"columns":[
  {"name":"x","count":5,"VALIDITY":[1,1,0,1,1],"DATA":[3,1,0,7,5]},
  {"name":"y","count":5,"VALIDITY":[1,1,1,1,0],"DATA":[0.5,2.5,1.0,-1.0,0.0]},
  {"name":"na me","count":5,"VALIDITY":[1,1,1,0,1],"OFFSET":[0,1,3,6,6,8],"DATA":["a","bb","ccc","","dd"]}]},
  {"count":2,"columns":[
  {"name":"x","count":2,"VALIDITY":[1,1],"DATA":[10,-2]},
  {"name":"y","count":2,"VALIDITY":[1,1],"DATA":[4.0,3.0]},
  {"name":"na me","count":2,"VALIDITY":[1,1],"OFFSET":[0,1,2],"DATA":["e","f"]}]}]}
EOF

begin "cat --where: a comparison with a number (kernel path), per batch"
run 0 "$Q" cat t.json --format arrow --where "x > 2" --columns x
out_is 'quiver.Table
x: int32
----
x: [[3,7,5],[10]]'
err_empty
end

begin "cat --where: and/or with SQL nulls, strings, quoted column names"
run 0 "$Q" cat t.json --format arrow --where "x > 2 and \"na me\" != 'dd' or y is null" --columns x
out_is 'quiver.Table
x: int32
----
x: [[3,5],[10]]'
run 0 "$Q" cat t.json --format arrow --where "not (\`na me\` = 'a') and \`na me\` >= 'dd'" --columns "na me"
out_has '[["dd"],["e","f"]]'
run 0 "$Q" cat t.json --format arrow --where "x is not null and \"na me\" is null" --columns x
out_has 'x: [[7],[]]'
end

begin "cat --where: arithmetic, mixed int and float, division"
run 0 "$Q" cat t.json --format arrow --where "x * 2 + 1 >= y / 0.5 and not (\"na me\" = 'a')" --columns x
out_has 'x: [[],[10]]'
run 0 "$Q" cat t.json --format arrow --where "-x < -4" --columns x
out_has 'x: [[7,5],[10]]'
run 0 "$Q" cat t.json --format arrow --where "x = 3.0 or y = 3" --columns x
out_has 'x: [[3],[-2]]'
run 0 "$Q" cat t.json --format arrow --where "1 + 1 = 2 AND TRUE" --columns x
out_has 'x: [[3,1,null,7,5],[10,-2]]'
run 0 "$Q" cat t.json --format arrow --where "null = 1" --columns x
out_has 'x: [[],[]]'
end

begin "cat --sort and --limit"
run 0 "$Q" cat t.json --format arrow --sort x:desc --limit 3 --columns "na me"
out_is 'quiver.Table
na me: string
----
na me: [["e",null,"dd"]]'
run 0 "$Q" cat t.json --format arrow --sort y --columns y
out_has 'y: [[-1,0.5,1,2.5,3,4,null]]'
run 0 "$Q" cat t.json --format arrow --where "x > 0" --limit 2 --columns x
out_has 'x: [[3,1]]'
run 0 "$Q" cat t.json --format arrow --where "x > 0" --sort x --limit 0 --columns x
out_has 'x: []'
end

begin "cat --where/--sort in the row formats (CSV, JSON Lines, table)"
run 0 "$Q" cat t.json --format csv --where "x > 2" --columns x
out_is 'x
3
7
5
10'
run 0 "$Q" cat t.json --format csv --sort x:desc --limit 2 --columns x
out_is 'x
10
7'
run 0 "$Q" cat t.json --format jsonl --sort x --tail 2 --columns x
out_is '{"x":10}
{"x":null}'
run 0 "$Q" cat t.json --format table --where "x > 6" --columns x
out_has '10'
err_empty
end

begin "cat --where: parse errors name the character offset (exit 2)"
run 2 "$Q" cat t.json --format arrow --where "x > "
err_has "expected a value, found the end at character 4"
run 2 "$Q" cat t.json --format arrow --where "x > 1 )"
err_has "unexpected text after the expression at character 6"
run 2 "$Q" cat t.json --format arrow --where "zz > 1"
err_has "unknown column 'zz' at character 0"
run 2 "$Q" cat t.json --format arrow --where "x = 'open"
err_has "unterminated quote at character 4"
run 2 "$Q" cat t.json --format arrow --where "x ~ 1"
err_has "unexpected text after the expression at character 2"
run 2 "$Q" cat t.json --format arrow --where "x is 1"
err_has "expected 'null' after 'is'"
run 2 "$Q" cat t.json --format arrow --where "x = 1e"
err_has "malformed number at character 4"
run 2 "$Q" cat t.json --format arrow --sort zz
err_has "unknown column 'zz'"
run 2 "$Q" cat t.json --format arrow --sort x:up
err_has "neither asc nor desc"
run 2 "$Q" cat t.json --format arrow --limit -1
err_has "--limit wants a non-negative integer"
end

begin "cat --where: type errors are data errors naming where (exit 1)"
run 1 "$Q" cat t.json --format arrow --where "x + 'a' > 1"
err_has "arithmetic needs numbers (character 2, row 0)"
run 1 "$Q" cat t.json --format arrow --where "x"
err_has "the condition is not true/false"
run 1 "$Q" cat t.json --format arrow --where "x > 1 and 3"
err_has "'and' needs true/false operands"
run 1 "$Q" cat t.json --format arrow --where "x = 'a'"
err_has "cannot compare these values"
end

begin "cat --where: bounded nesting and length"
run 2 "$Q" cat t.json --format arrow --where "$(printf '(%.0s' $(seq 200))x"
err_has "nests too deeply"
run 2 "$Q" cat t.json --format arrow --where "$(printf 'not %.0s' $(seq 200))x > 1"
err_has "nests too deeply"
run 2 "$Q" cat t.json --format arrow --where "x$(printf ' + 1%.0s' $(seq 700)) > 1"
err_has "too long"
run 2 "$Q" cat t.json --format arrow --where "x > $(printf '1%.0s' $(seq 5000))"
err_has "longer than 4096 characters"
end

begin "cat --where/--sort on hostile offsets: an error naming the row, never a crash"
run 1 "$Q" cat "$HOSTILE/utf8-offsets-jump.arrows" --where "c = 'abc'"
err_has "QV_ERR_INVALID_DATA"
run 1 "$Q" cat "$HOSTILE/utf8-offsets-jump.arrows" --sort c
err_has "row 0: its offsets or view point outside the data"
run 1 "$Q" cat "$HOSTILE/ree-unsorted-run-ends.arrows" --where "c = 2"
err_has "run ends are not increasing"
run 1 "$Q" cat "$HOSTILE/ree-unsorted-run-ends.arrows" --where "c is not null"
err_has "QV_ERR_INVALID_DATA"
end

finish
