#!/bin/sh
# Runs model_test.py (beside this file) under Debian's Python, which has torch and onnx.
exec /usr/bin/python3 -B "$(dirname "$0")/model_test.py" "$@"
