#!/usr/bin/env bash
# Determinism of onnx_model_library: two rule instances that compile the same model with the
# same options (:mlp and :mlp_again) must give byte-identical objects and headers.
# Usage: same_bytes_test.sh FILE_A FILE_B [FILE_A FILE_B]...
set -euo pipefail
if [ $# -eq 0 ] || [ $(( $# % 2 )) -ne 0 ]; then
  echo "usage: same_bytes_test.sh FILE_A FILE_B [FILE_A FILE_B]..." >&2
  exit 2
fi
status=0
while [ $# -gt 0 ]; do
  if cmp "$1" "$2"; then
    echo "same bytes: $1 $2 ($(wc -c < "$1") bytes)"
  else
    echo "FAIL: $1 and $2 differ" >&2
    status=1
  fi
  shift 2
done
exit $status
