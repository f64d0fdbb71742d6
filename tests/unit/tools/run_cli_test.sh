#!/bin/sh
# The command-line contract of //tools:run, on the hand-written fixture model:
# outputs land in DIR/output_K.pb, --repeat prints one latency line, and every
# failure is exactly one "run: error: ..." line on stderr with exit status 1.
#
#   run_cli_test.sh RUN FIXTURE_MODEL NOT_A_MODEL
set -u
RUN=$1
MODEL=$2
NOT_A_MODEL=$3
WORK=$(mktemp -d "${TEST_TMPDIR:-/tmp}/run_cli_test.XXXXXX")
FAILED=0

fail() {
  echo "FAIL: $*"
  FAILED=1
}

# npy_f32 FILE SHAPE COUNT: a .npy of COUNT float32 ones with shape SHAPE, e.g. "(2, 4)".
npy_f32() {
  dict="{'descr': '<f4', 'fortran_order': False, 'shape': $2, }"
  while [ $(( (10 + ${#dict} + 1) % 64 )) -ne 0 ]; do dict="$dict "; done
  len=$(( ${#dict} + 1 ))
  {
    printf '\223NUMPY\001\000'
    printf "\\$(printf '%03o' $((len % 256)))\\$(printf '%03o' $((len / 256)))"
    printf '%s\n' "$dict"
    i=0
    while [ $i -lt "$3" ]; do printf '\000\000\200\077'; i=$((i + 1)); done
  } > "$1"
}

# expect_error NAME ARGS...: exit status 1 and one "run: error: " line on stderr.
expect_error() {
  name=$1
  shift
  "$RUN" "$@" > "$WORK/stdout" 2> "$WORK/stderr"
  status=$?
  [ $status -eq 1 ] || fail "$name: exit status $status, expected 1"
  [ "$(wc -l < "$WORK/stderr")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$WORK/stderr")"
  grep -q '^run: error: ' "$WORK/stderr" || fail "$name: stderr lacks 'run: error: ': $(cat "$WORK/stderr")"
  [ -s "$WORK/stdout" ] && fail "$name: printed on stdout"
  echo "ok $name: $(cat "$WORK/stderr")"
}

npy_f32 "$WORK/a.npy" "(2, 4)" 8
npy_f32 "$WORK/wide.npy" "(2, 5)" 10
npy_f32 "$WORK/short.npy" "(2, 4)" 7
npy_f32 "$WORK/one.npy" "(1,)" 1
printf 'hello, this is not a tensor\n' > "$WORK/garbage.pb"

# A correct run writes output_0.pb into a new folder.
if "$RUN" "$MODEL" --input "$WORK/a.npy" --input "$WORK/a.npy" --output-dir "$WORK/out/nested"; then
  [ -s "$WORK/out/nested/output_0.pb" ] || fail "no output_0.pb"
  # C = A + B = 2.0 everywhere: raw_data (field 9, 32 bytes) holds eight 0x40000000.
  hex=$(od -An -v -tx1 "$WORK/out/nested/output_0.pb" | tr -d ' \n')
  echo "$hex" | grep -q '4a20\(00000040\)\{8\}$' || fail "output_0.pb is $hex"
  echo "$hex" | grep -q '420143' || fail "output_0.pb is not named C: $hex"
  [ -e "$WORK/out/nested/output_1.pb" ] && fail "an output_1.pb for a single-output model"
else
  fail "a correct run failed"
fi

# --repeat prints exactly the latency line.
out=$("$RUN" "$MODEL" --input "$WORK/a.npy" --input "$WORK/a.npy" --output-dir "$WORK/out" \
      --repeat 3 --threads 2) || fail "--repeat run failed"
echo "$out" | grep -Eqx 'latency_ms median=[0-9]+\.[0-9]{3} min=[0-9]+\.[0-9]{3}' ||
  fail "--repeat printed '$out'"

"$RUN" --help > "$WORK/help" 2>&1 || fail "--help exited non-zero"
grep -q '^usage: run MODEL.so' "$WORK/help" || fail "--help printed no usage"

expect_error "no arguments"
expect_error "missing model" "$WORK/missing.so"
expect_error "not a model" "$NOT_A_MODEL"
expect_error "garbage model" "$WORK/garbage.pb"
expect_error "missing input" "$MODEL" --input "$WORK/missing.pb" --input "$WORK/a.npy"
expect_error "garbage input" "$MODEL" --input "$WORK/garbage.pb" --input "$WORK/a.npy"
expect_error "truncated input" "$MODEL" --input "$WORK/short.npy" --input "$WORK/a.npy"
expect_error "wrong shape" "$MODEL" --input "$WORK/a.npy" --input "$WORK/wide.npy"
expect_error "too few inputs" "$MODEL" --input "$WORK/a.npy"
expect_error "unknown entry" "$MODEL" --entry nope
expect_error "failing entry" "$MODEL" --entry always_fails --input "$WORK/one.npy"
expect_error "missing flag value" "$MODEL" --input
expect_error "bad repeat" "$MODEL" --repeat 0
expect_error "bad threads" "$MODEL" --threads x
expect_error "unknown flag" "$MODEL" --bogus
expect_error "two models" "$MODEL" "$MODEL"
expect_error "output dir is a file" "$MODEL" --input "$WORK/a.npy" --input "$WORK/a.npy" \
  --output-dir "$WORK/garbage.pb"

rm -rf "$WORK"
[ $FAILED -eq 0 ] && echo PASS
exit $FAILED
