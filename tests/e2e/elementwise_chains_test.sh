#!/bin/sh
# Runs elementwise_chains_test.py (beside this file) under Debian's Python, which has onnx and numpy.
exec /usr/bin/python3 -B "$(dirname "$0")/elementwise_chains_test.py" "$@"
