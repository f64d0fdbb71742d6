#!/usr/bin/env bash
# Bad input to the command-line tools gives a clear error, not a crash:
#
#   cli_errors_test.sh --compile PATH --run PATH --data-dir DIR
#
# DIR is the ONNX backend test data's node folder (/usr/share/libonnx-testdata/data/node);
# relative paths are taken from the working directory (Bazel runs tests in the runfiles root).
# Each check runs one bad command and passes when it exits with status exactly 1, prints exactly
# one line on stderr, and that line matches every given pattern (extended regular expressions,
# case-insensitive). A status of 128 or more means a signal (a crash or an abort) and fails.
# Prints PASS/FAIL per check and `N passed, N failed` last; exits 1 on any failure.
set -euo pipefail

usage() {
  echo "usage: $0 --compile PATH --run PATH --data-dir DIR" >&2
  exit 2
}

COMPILE='' RUN='' DATA_DIR=''
while (($#)); do
  case $1 in
    --compile) COMPILE=${2:-}; shift 2 || usage ;;
    --compile=*) COMPILE=${1#*=}; shift ;;
    --run) RUN=${2:-}; shift 2 || usage ;;
    --run=*) RUN=${1#*=}; shift ;;
    --data-dir) DATA_DIR=${2:-}; shift 2 || usage ;;
    --data-dir=*) DATA_DIR=${1#*=}; shift ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -n $COMPILE && -n $RUN && -n $DATA_DIR ]] || usage

absolute() { [[ $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }
COMPILE=$(absolute "$COMPILE")
RUN=$(absolute "$RUN")
DATA_DIR=$(absolute "$DATA_DIR")
PYTHON=/usr/bin/python3 # Debian's, with numpy and onnx
TIMEOUT_S=120

ADD=$DATA_DIR/test_add
for f in "$COMPILE" "$RUN"; do
  [[ -x $f ]] || { echo "$0: $f is not an executable file" >&2; exit 2; }
done
[[ -f $ADD/model.onnx ]] || { echo "$0: $ADD/model.onnx not found (is --data-dir the node folder?)" >&2; exit 2; }

TMP=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/omc-cli-errors.XXXXXX")
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0

# expect_error NAME PATTERN... -- COMMAND...
expect_error() {
  local name=$1 patterns=() status lines reason='' pattern
  shift
  while [[ $1 != -- ]]; do patterns+=("$1"); shift; done
  shift
  status=0
  timeout -k 5 "$TIMEOUT_S" "$@" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null || status=$?
  lines=$(awk 'END { print NR }' "$TMP/stderr")
  if ((status == 124)); then
    reason="timed out after ${TIMEOUT_S}s"
  elif ((status >= 128)); then
    reason="crashed: status $status (signal $((status - 128)))"
  elif ((status != 1)); then
    reason="exit status $status, expected 1"
  elif ((lines != 1)); then
    reason="$lines lines on stderr, expected exactly 1"
  else
    for pattern in "${patterns[@]}"; do
      if ! grep -qiE -- "$pattern" "$TMP/stderr"; then
        reason="stderr does not match /$pattern/"
        break
      fi
    done
  fi
  if [[ -z $reason ]]; then
    passed=$((passed + 1))
    echo "PASS $name: $(head -n 1 "$TMP/stderr")"
  else
    failed=$((failed + 1))
    echo "FAIL $name: $reason"
    if [[ -s $TMP/stderr ]]; then
      head -n 5 "$TMP/stderr" | sed 's/^/    stderr: /'
    else
      echo "    stderr: (empty)"
    fi
  fi
}

# --- Inputs, made here. ------------------------------------------------------------------------
"$PYTHON" - "$TMP" <<'EOF'
import os, random, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

tmp = sys.argv[1]
# Bytes from a fixed seed, so every run sees the same garbage.
garbage = random.Random(20240601).randbytes(4096)
for name in ("garbage.onnx", "garbage.so"):
    with open(os.path.join(tmp, name), "wb") as f:
        f.write(garbage)

# A well-formed model whose only node is an operator that does not exist.
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
node = helper.make_node("NoSuchOp", ["x"], ["y"], name="bogus")
graph = helper.make_graph([node], "unknown_op", [x], [y])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, os.path.join(tmp, "unknown_op.onnx"))

def save(array, name):
    with open(os.path.join(tmp, name), "wb") as f:
        f.write(numpy_helper.from_array(array, "x").SerializeToString())

# test_add takes x and y, both float32 [3, 4, 5].
save(np.arange(60, dtype=np.int64).reshape(3, 4, 5), "x_int64.pb")
save(np.ones((2, 2), dtype=np.float32), "x_2x2.pb")
save(np.ones((3, 4, 6), dtype=np.float32), "x_3x4x6.pb")
with open(os.path.join(tmp, "not_a_tensor.pb"), "wb") as f:
    f.write(b"hello, this is not a TensorProto\n")
EOF
model_bytes=$(stat -c %s "$ADD/model.onnx")
head -c "$((model_bytes / 2))" "$ADD/model.onnx" >"$TMP/truncated.onnx"
mkdir -p "$TMP/out"

# --- compile -----------------------------------------------------------------------------------
expect_error "compile: missing model file" 'no such file' 'missing\.onnx' -- \
  "$COMPILE" -o "$TMP/out.so" "$TMP/missing.onnx"
expect_error "compile: random bytes" 'onnx' 'valid|pars|protobuf' 'garbage\.onnx' -- \
  "$COMPILE" -o "$TMP/out.so" "$TMP/garbage.onnx"
expect_error "compile: truncated model" 'onnx' 'valid|pars|protobuf|truncat' 'truncated\.onnx' -- \
  "$COMPILE" -o "$TMP/out.so" "$TMP/truncated.onnx"
expect_error "compile: unknown operator" 'NoSuchOp' -- \
  "$COMPILE" -o "$TMP/out.so" "$TMP/unknown_op.onnx"
expect_error "compile: unknown target" 'nope' -- \
  "$COMPILE" --target=nope -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles with three numbers" 'matmul-tiles' 'five numbers' "'8,32,1'" -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=8,32,1 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles with a word" 'matmul-tiles' "'x' is not a number" -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=4,x,64,8,16 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles with a zero" "'0' is not a number from 1" -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=4,16,0,8,16 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles of part vectors" 'register columns 12' 'whole vectors of 8' -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=4,12,64,8,16 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles past the registers" 'register tile 8 x 16 needs 18' 'has 16' -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=8,16,64,8,16 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: --matmul-tiles block_m under the rows" 'block_m 2 is smaller than the 4' -- \
  "$COMPILE" --target=x86-avx2 --matmul-tiles=4,16,64,2,16 -o "$TMP/out.so" "$ADD/model.onnx"
expect_error "compile: unknown flag" '--no-such-flag' -- \
  "$COMPILE" --no-such-flag -o "$TMP/out.so" "$ADD/model.onnx"
# A write that fails, as on a full disk: here past a 1 KiB file-size limit, with SIGXFSZ
# ignored so that the write returns EFBIG instead of killing the compiler. The error names
# the file (the object, for a library) and no partial file is left.
LIMITED=(bash -c 'ulimit -f 1; trap "" XFSZ; exec "$@"' limited)
expect_error "compile: the object past the file-size limit" 'cannot write .*\.o' 'too large' -- \
  "${LIMITED[@]}" "$COMPILE" -o "$TMP/limited.so" "$ADD/model.onnx"
expect_error "compile: LLVM IR past the file-size limit" 'cannot write .*limited\.ll' 'too large' -- \
  "${LIMITED[@]}" "$COMPILE" --emit=llvm-ir -o "$TMP/limited.ll" "$ADD/model.onnx"
for partial in limited.so limited.ll; do
  if [[ -e $TMP/$partial ]]; then
    failed=$((failed + 1))
    echo "FAIL compile: a partial $partial was left behind"
  fi
done

# --- run ---------------------------------------------------------------------------------------
# The wrong-input checks need a good model: test_add, for the host's default target.
if ! "$COMPILE" -o "$TMP/add.so" "$ADD/model.onnx" 2>"$TMP/compile.stderr"; then
  failed=$((failed + 1))
  echo "FAIL compile test_add (needed by the run checks): $(head -n 1 "$TMP/compile.stderr")"
fi
IN0=$ADD/test_data_set_0/input_0.pb
IN1=$ADD/test_data_set_0/input_1.pb

expect_error "run: missing model file" 'no such file|not found|does not exist' 'missing\.so' -- \
  "$RUN" "$TMP/missing.so" --input "$IN0" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: not a model library" 'garbage\.so' -- \
  "$RUN" "$TMP/garbage.so" --input "$IN0" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: wrong input count" 'input' '2' -- \
  "$RUN" "$TMP/add.so" --input "$IN0" --output-dir "$TMP/out"
expect_error "run: wrong element type" 'int64|i64' 'float|f32' -- \
  "$RUN" "$TMP/add.so" --input "$TMP/x_int64.pb" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: wrong rank" 'rank' '3' -- \
  "$RUN" "$TMP/add.so" --input "$TMP/x_2x2.pb" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: wrong dim" 'dim 2' '6' '5' -- \
  "$RUN" "$TMP/add.so" --input "$TMP/x_3x4x6.pb" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: input not a tensor" 'not_a_tensor\.pb' -- \
  "$RUN" "$TMP/add.so" --input "$TMP/not_a_tensor.pb" --input "$IN1" --output-dir "$TMP/out"
expect_error "run: missing input file" 'missing\.pb' -- \
  "$RUN" "$TMP/add.so" --input "$TMP/missing.pb" --input "$IN1" --output-dir "$TMP/out"

echo "$passed passed, $failed failed"
((failed == 0))
