# Helpers shared by the CLI test scripts (sourced, with the scripts'
# arguments: PATH/TO/quiver). Sets Q (the binary), AT/IPC/GOLD (the gold
# files), T (a scratch folder removed at exit, and the working directory),
# OUT/ERR (the captured output of the last run) and the case helpers.
set -u
Q=${1:?usage: $0 PATH/TO/quiver}
case $Q in /*) ;; *) Q=$PWD/$Q ;; esac
[ -x "$Q" ] || { echo "not executable: $Q"; exit 2; }
AT=${QV_ARROW_TESTING-$PWD/../shared/arrow-testing}
IPC=$AT/data/arrow-ipc-stream
GOLD=$IPC/integration/cpp-21.0.0

T=$(mktemp -d "${TMPDIR:-/tmp}/quiver-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
OUT=$T/stdout
ERR=$T/stderr
export QUIVER_PROGRESS=never # no progress lines unless a case asks for them

pass=0
fail=0
skip=0
CASE=""
WHY=""

begin() { CASE=$1; WHY=""; STARTED=$(date +%s.%N); }
elapsed() { awk -v a="$STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
note() { WHY+="$1"$'\n'; }
# run WANT_RC CMD...: runs CMD with stdout/stderr captured.
run() {
  local want=$1; shift
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
  [ "$RC" -eq "$want" ] || note "exit $RC, expected $want: $* ; stderr: $(head -c 600 "$ERR")"
}
# sh WANT_RC 'pipeline': the same for a shell pipeline (pipefail).
sh() { local want=$1; run "$want" bash -o pipefail -c "$2"; }
out_has() { grep -qF -- "$1" "$OUT" || note "stdout lacks '$1' (got: $(head -c 300 "$OUT"))"; }
out_lacks() { ! grep -qF -- "$1" "$OUT" || note "stdout has '$1'"; }
err_has() { grep -qF -- "$1" "$ERR" || note "stderr lacks '$1' (got: $(head -c 300 "$ERR"))"; }
err_empty() { [ ! -s "$ERR" ] || note "stderr not empty: $(head -c 300 "$ERR")"; }
out_is() { local want=$1; [ "$(cat "$OUT")" == "$want" ] || note "stdout is $(cat "$OUT" | head -c 600), expected $want"; }
same() { cmp -s "$1" "$2" || note "$1 and $2 differ"; }
end() {
  if [ -z "$WHY" ]; then
    pass=$((pass + 1)); echo "ok   $CASE ($(elapsed))"
  else
    fail=$((fail + 1)); echo "FAIL $CASE"; printf '%s' "$WHY" | sed 's/^/       /'
  fi
}
skipped() { skip=$((skip + 1)); echo "skip $1"; }
# The gold files must be there: QV_ARROW_TESTING set to a missing folder,
# or unset with the default folder missing, fails the run at once.
require_gold() {
  if [ ! -d "$GOLD" ]; then
    if [ -n "${QV_ARROW_TESTING+set}" ]; then
      echo "FAIL: QV_ARROW_TESTING=$QV_ARROW_TESTING, but $GOLD does not exist (the gold cases cannot run)"
    else
      echo "FAIL: QV_ARROW_TESTING is unset and the default $GOLD does not exist (clone arrow-testing there or set QV_ARROW_TESTING)"
    fi
    exit 1
  fi
}
finish() {
  [ "$skip" -eq 0 ] || echo "($skip cases skipped)"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

cd "$T" || exit 2
