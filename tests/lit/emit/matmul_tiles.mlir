// RUN: omc-compile --target=x86-avx512 --emit=krnl -o - %testdata/node/test_matmul_2d/model.onnx | FileCheck %s --check-prefix=TABLE
// RUN: omc-compile --target=x86-avx2 --emit=krnl -o - %testdata/node/test_matmul_2d/model.onnx | FileCheck %s --check-prefix=AVX2
// RUN: omc-compile --target=x86-avx512 --matmul-tiles=4,16,64,8,32 --emit=krnl -o - %testdata/node/test_matmul_2d/model.onnx | FileCheck %s --check-prefix=GIVEN
// RUN: not omc-compile --target=x86-avx512 --matmul-tiles=16,32,64,16,32 -o - %testdata/node/test_matmul_2d/model.onnx 2>&1 | FileCheck %s --check-prefix=REGISTERS
// RUN: not omc-compile --target=nvptx --matmul-tiles=4,16,64,8,32 -o - %testdata/node/test_matmul_2d/model.onnx 2>&1 | FileCheck %s --check-prefix=NONE

// `--matmul-tiles=R,C,K,M,N` replaces the target's own tiles in the omc.target every codegen
// decision reads; without it, the target's table (8 x 32 for AVX-512, 6 x 16 for AVX2).
// TABLE: matmul_tiles = array<i64: 8, 32, 1024, 128, 1024>
// AVX2: matmul_tiles = array<i64: 6, 16, 1024, 72, 512>
// GIVEN: matmul_tiles = array<i64: 4, 16, 64, 8, 32>

// Tiles the target cannot hold are refused, naming why.
// REGISTERS: compile: error: --matmul-tiles: register tile 16 x 32 needs 34 vector registers; target 'x86-avx512' has 32
// NONE: compile: error: --matmul-tiles: target 'nvptx' has no fp32 matmul tiles to replace
