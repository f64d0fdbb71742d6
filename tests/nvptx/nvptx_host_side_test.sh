#!/bin/sh
# Runs nvptx_host_side_test.py (beside this file) under Debian's Python.
exec /usr/bin/python3 -B "$(dirname "$0")/nvptx_host_side_test.py" "$@"
