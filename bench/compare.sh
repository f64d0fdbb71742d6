#!/bin/sh
# Runs bench/compare.py (beside this file) under Debian's Python, which has onnx, numpy and
# matplotlib. See compare.py for the options; --quick runs SGEMM only.
exec /usr/bin/python3 -B "$(dirname "$0")/compare.py" "$@"
