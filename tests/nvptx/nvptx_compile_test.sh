#!/bin/sh
# Runs nvptx_compile_test.py (beside this file) under Debian's Python (torch for GPT-2's export).
exec /usr/bin/python3 -B "$(dirname "$0")/nvptx_compile_test.py" "$@"
