#!/bin/sh
# Runs gpt2_bpe_test.py (beside this file) under Debian's Python.
exec /usr/bin/python3 -B "$(dirname "$0")/gpt2_bpe_test.py" "$@"
