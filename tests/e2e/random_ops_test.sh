#!/bin/sh
# Runs random_ops_test.py (beside this file) under Debian's Python, which has numpy and onnx.
exec /usr/bin/python3 -B "$(dirname "$0")/random_ops_test.py" "$@"
