#!/bin/sh
# Runs nvptx_run_test.py (beside this file) under Debian's Python.
exec /usr/bin/python3 -B "$(dirname "$0")/nvptx_run_test.py" "$@"
