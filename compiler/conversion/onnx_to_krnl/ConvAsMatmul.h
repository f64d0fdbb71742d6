//===- ConvAsMatmul.h - f32 2-D convolution as one packed matrix product ---===//
//
// Private to Conv.cpp. For batch 1, group 1, static shapes, a 2-D Conv is
//   Y[m, oh * OW + ow] = B[m] + sum_k W[m, k] * col[k, oh * OW + ow]
// with k = (c * KH + kh) * KW + kw and col the input patches (im2col). A 1x1 kernel with
// unit strides and no padding needs no col: X itself is the [C, H * W] matrix. Where the
// target's matmul kernel reads column panels, col is written straight into them and the
// product is a krnl.matmul_panels, all panels at once or, when they would not stay in L2,
// a chunk of them at a time on threads; elsewhere it is a linalg.matmul. Either way the
// target's code generation tiles and vectorizes it (compiler/codegen/), instead of the
// scalar gather nest of ConvCommon.h.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVASMATMUL_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVASMATMUL_H

#include "compiler/conversion/onnx_to_krnl/ConvCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"

namespace omc {
namespace conv {

// Emits Y = conv(X, W) + bias + residual into `result` (allocated, [1, M, OH, OW]) as above
// and returns true; returns false, emitting nothing, for what it does not cover. `bias` is a
// [M] buffer or not a memref (no bias); `residual`, of the result's type, or null. The
// activation (relu, relu6 or none) applies to the whole sum, as the matmul's epilogue.
bool emitConvAsMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value w,
                      mlir::Value bias, mlir::Value result, const Geometry &g, int64_t group,
                      krnl::MatmulEpilogue activation, mlir::Value residual = {});

} // namespace conv
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVASMATMUL_H
