#!/bin/sh
# Runs import_all_test.py (beside this file) under Debian's Python, like the e2e tests; it needs
# only the standard library. Bazel's sh_test calls this with the arguments in BUILD.bazel.
exec /usr/bin/python3 -B "$(dirname "$0")/import_all_test.py" "$@"
