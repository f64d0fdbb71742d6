#!/bin/sh
# Runs python_api_test.py (beside this file) under Debian's Python, which has numpy and onnx,
# with the built module on PYTHONPATH: Bazel's sh_test runs this in the runfiles root, where
# //runtime/python:omc lies in runtime/python/omc/. Arguments: see BUILD.bazel.
PYTHONPATH="$PWD/runtime/python" exec /usr/bin/python3 -B "$(dirname "$0")/python_api_test.py" "$@"
