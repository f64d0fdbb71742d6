#!/bin/sh
# The benchmark script runs end to end on a tiny SGEMM (one round, one thread): a check that
# it works, not a timing (bench/ is never a timed test).
set -e
exec /usr/bin/python3 -B "$(dirname "$0")/compare.py" --quick --sizes 48 --runs 1 --threads 1 \
    --work-dir "$TEST_TMPDIR/bench" "$@"
