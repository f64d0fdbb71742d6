#!/usr/bin/env bash
# The example's expected output (torch's, examples/mlp/export_mlp.py) against onnxruntime-node:
# the reference //examples:mlp_test compares omc with is the one onnxruntime gives too.
# Usage: mlp_reference_test.sh CHECKER.js MODEL.onnx TEST_DATA_DIR ONNXRUNTIME_REPOSITORY
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: mlp_reference_test.sh CHECKER.js MODEL.onnx TEST_DATA_DIR ONNXRUNTIME_REPOSITORY" >&2
  exit 2
fi
checker=$1 model=$2 data=$3 onnxruntime=$4
if [ -f "$onnxruntime/MISSING" ]; then
  cat "$onnxruntime/MISSING" >&2
  exit 1
fi
NODE_PATH=$PWD/$onnxruntime/node_modules exec node "$checker" "$model" --test-data "$data" \
  --rtol 1e-4 --atol 1e-6
