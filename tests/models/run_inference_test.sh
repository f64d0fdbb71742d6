#!/bin/sh
# Runs run_inference_test.py (beside this file) under Debian's Python, which has torch and onnx.
exec /usr/bin/python3 -B "$(dirname "$0")/run_inference_test.py" "$@"
