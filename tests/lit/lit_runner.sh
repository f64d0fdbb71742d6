#!/usr/bin/env bash
# Runs the `// RUN:` lines of one FileCheck test, the way LLVM's lit does for the
# subset omc uses: %s is the test file, and `omc-opt`, `FileCheck` and `not` are on
# PATH; given COMPILE, `omc-compile` is too and %testdata is the ONNX backend test data.
# Usage: lit_runner.sh OPT FILECHECK NOT TEST_FILE [COMPILE]
set -euo pipefail
opt=$(realpath "$1"); filecheck=$(realpath "$2"); not=$(realpath "$3"); test_file=$4

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$opt" "$bin/omc-opt"
ln -s "$filecheck" "$bin/FileCheck"
ln -s "$not" "$bin/not"
if [ $# -ge 5 ]; then
  ln -s "$(realpath "$5")" "$bin/omc-compile"
fi
testdata=$PWD/external/onnx_testdata
export PATH="$bin:$PATH"

# A RUN line that ends in a backslash goes on in the next one, as in lit.
mapfile -t runs < <(sed -n 's|^// RUN: *||p' "$test_file" | sed -e ':join' -e '/\\$/{N;s/\\\n/ /;b join' -e '}')
if [ ${#runs[@]} -eq 0 ]; then
  echo "error: $test_file has no RUN line" >&2
  exit 1
fi
for run in "${runs[@]}"; do
  command=${run//%s/$test_file}
  command=${command//%testdata/$testdata}
  echo "RUN: $command"
  bash -o pipefail -c "$command"
done
