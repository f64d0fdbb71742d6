#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang-22 (libFuzzer comes from Debian's
# libclang-rt-22-dev, pinned in tools/setup.sh), with AddressSanitizer and UBSan:
#
#   tests/fuzz/build_fuzzers.sh [OUT_DIR]     # default OUT_DIR: bazel-fuzz/
#   OUT_DIR/importer_fuzzer -max_total_time=600 -rss_limit_mb=4096 CORPUS /usr/share/libonnx-testdata/data/node/*/
#   OUT_DIR/input_check_fuzzer -max_total_time=600 CORPUS tests/fuzz/regressions/input_check
#
# Bazel builds the project with the host g++, which has no libFuzzer instrumentation, so the
# code under test is compiled here with clang and coverage instrumentation: the runtime's checks,
# and the importer (protobuf parsing is libprotobuf's, shape inference libonnx's: both run,
# uninstrumented). The onnx dialect, which the importer builds ops of, is linked from Bazel's
# objects (built first by this script) without instrumentation.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/bazel-fuzz}
CXX=${CXX:-clang++-22}
LLVM=/usr/lib/llvm-22
mkdir -p "$OUT"
cd "$ROOT"

command -v "$CXX" >/dev/null || { echo "$0: $CXX not found (tools/setup.sh installs clang-22)" >&2; exit 2; }
[[ -n $(ls "$LLVM"/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null) ]] ||
  { echo "$0: libFuzzer missing: apt-get install libclang-rt-22-dev (see tools/setup.sh)" >&2; exit 2; }

FLAGS=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=undefined)

# The runtime's input checks: small and self-contained.
RUNTIME_SRCS=(runtime/src/input_check.cc runtime/src/signature.cc runtime/src/json.cc
  runtime/src/elem_type.cc runtime/src/tensor_layout.cc)
echo "building $OUT/input_check_fuzzer"
"$CXX" "${FLAGS[@]}" -Iruntime/include -I. tests/fuzz/input_check_fuzzer.cc "${RUNTIME_SRCS[@]}" \
  -o "$OUT/input_check_fuzzer"

# The importer, over the onnx dialect's objects from Bazel.
echo "building the onnx dialect with bazel"
bazel build //compiler/dialect/onnx >/dev/null
BIN=$(bazel info bazel-bin 2>/dev/null)
DIALECT_OBJS=("$BIN"/compiler/dialect/onnx/_objs/onnx/*.o)
IMPORTER_SRCS=(compiler/importer/ModelLoader.cpp compiler/importer/GraphValidation.cpp
  compiler/importer/GraphImporter.cpp compiler/importer/TypeConversion.cpp)
echo "building $OUT/importer_fuzzer"
"$CXX" "${FLAGS[@]}" -Wno-deprecated-declarations -DONNX_ML=1 -DONNX_NAMESPACE=onnx \
  -I. -I"$BIN" -I"$LLVM/include" tests/fuzz/importer_fuzzer.cc "${IMPORTER_SRCS[@]}" \
  "${DIALECT_OBJS[@]}" -L"$LLVM/lib" -Wl,-rpath,"$LLVM/lib" -lMLIR -lLLVM -lonnx -lonnx_proto \
  -lprotobuf -lpthread -o "$OUT/importer_fuzzer"
echo "built $OUT/input_check_fuzzer $OUT/importer_fuzzer"
