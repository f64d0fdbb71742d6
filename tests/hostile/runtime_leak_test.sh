#!/usr/bin/env bash
# The runtime and a compiled model leak nothing: GPT-2 tiny (exported with random weights by
# tools/models/export_gpt2.py, compiled by omc for x86-avx2, which valgrind can decode) run by
# //tools:run three times (--repeat 2) under valgrind's memcheck. Definite and indirect leaks
# and invalid reads or writes fail the test; memory still reachable at exit (the C++ library's
# pools) does not. Reports SKIPPED, not passed, where valgrind is missing.
#
#   runtime_leak_test.sh --compile PATH --run PATH --export PATH
set -euo pipefail

COMPILE='' RUN='' EXPORT=''
while (($#)); do
  case $1 in
    --compile) COMPILE=$2; shift 2 ;;
    --run) RUN=$2; shift 2 ;;
    --export) EXPORT=$2; shift 2 ;;
    *) echo "$0: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -n $COMPILE && -n $RUN && -n $EXPORT ]] || { echo "usage: $0 --compile PATH --run PATH --export PATH" >&2; exit 2; }
if ! command -v valgrind >/dev/null; then
  echo "SKIPPED: valgrind is not installed"
  exit 0
fi

TMP=$(mktemp -d "${TEST_TMPDIR:-/tmp}/omc-leak.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 "$EXPORT" --config tiny -o "$TMP/gpt2-tiny.onnx" >/dev/null
"$COMPILE" --target=x86-avx2 -o "$TMP/gpt2-tiny.so" "$TMP/gpt2-tiny.onnx"
/usr/bin/python3 -c "
import numpy as np, sys
np.save(sys.argv[1], np.array([[5, 17, 200, 3, 99, 42, 7]], dtype=np.int64))" "$TMP/ids.npy"

status=0
valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --error-exitcode=3 --log-file="$TMP/valgrind.log" \
  "$RUN" "$TMP/gpt2-tiny.so" --input "$TMP/ids.npy" --output-dir "$TMP/out" --repeat 2 \
  >/dev/null || status=$?
grep -E "definitely lost|indirectly lost|ERROR SUMMARY|Invalid (read|write)" "$TMP/valgrind.log" || true
if ((status != 0)); then
  echo "FAIL: valgrind reported errors or leaks (status $status):"
  sed -n '1,80p' "$TMP/valgrind.log"
  exit 1
fi
[[ -s $TMP/out/output_0.pb ]] || { echo "FAIL: the run wrote no output"; exit 1; }
echo "PASS: no leaks and no invalid accesses in 3 runs of GPT-2 tiny"
