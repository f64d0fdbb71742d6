#!/bin/sh
# Runs skeleton_test.py (beside this file) under Debian's Python.
exec /usr/bin/python3 -B "$(dirname "$0")/skeleton_test.py" "$@"
