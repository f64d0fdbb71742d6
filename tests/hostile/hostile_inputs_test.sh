#!/bin/sh
# Runs hostile_inputs_test.py (beside this file) under Debian's Python, which has numpy and onnx;
# a python3 earlier on PATH may not. Bazel's sh_test calls this with the arguments in BUILD.bazel.
exec /usr/bin/python3 -B "$(dirname "$0")/hostile_inputs_test.py" "$@"
