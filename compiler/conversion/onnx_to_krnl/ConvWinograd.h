//===- ConvWinograd.h - 3x3 convolutions by Winograd's F(2x2, 3x3) --------===//
//
// Private to Conv.cpp. A 3x3 convolution of stride 1 and padding 1 computes each 2x2 block
// of output positions (a tile) from the 4x4 block of input around it. Winograd's minimal
// filtering algorithm F(2x2, 3x3) does that with 16 products per (input channel, output
// channel) pair where the direct product needs 36:
//
//   Y_tile = A^T [ sum_ci U[co, ci] .* V[ci] ] A,  U = G g G^T,  V = B^T d B
//
// with g the 3x3 filter, d the 4x4 input block and .* elementwise. For each of the 16
// positions xi of the 4x4 transformed block, the sum over ci is a matrix product
// M_xi[co, tile] = U_xi[co, :] * V_xi[:, tile]: 16 products of K = C instead of one of
// K = 9 C over four times as many columns, 2.25 times fewer multiplications in all.
//
// U is computed at compile time from the constant filters (16 constants of [M, C], which
// the matmul packs into row groups like any filter). The tiles go by whole tile rows, a
// chunk of them at a time, so that a chunk's V and M stay in L2:
//   1. X is copied once, padded and split by row and column parity ("planes", below), so
//      that each of the 16 values of d is one contiguous vector load across tiles;
//   2. per chunk: V for the chunk's tiles, written straight into the kernel's column panels;
//      16 krnl.matmul_panels; the output transform, which adds the bias and the residual,
//      applies the activation and writes two output rows per tile row.
// Chunks run on threads; a single chunk runs its stages on threads instead.
//
// Used where it does fewer multiplications, transforms included, than the packed matrix
// product of ConvAsMatmul.h over the same positions: ResNet's 56 x 56, 28 x 28 and 14 x 14
// convs, not its 7 x 7 ones, whose 49 positions fill two panels either way.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVWINOGRAD_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVWINOGRAD_H

#include "compiler/conversion/onnx_to_krnl/ConvCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace omc {
namespace conv {

// Emits Y = conv(X, W) + bias + residual into `result` (allocated, [1, M, H, W]) as above
// and returns true; returns false, emitting nothing, where it does not apply or would not
// pay. `filters` are W's values ([M, C, 3, 3]); `bias` is a [M] buffer or not a memref;
// `residual`, of the result's type, or null. The activation applies to the whole sum.
bool emitConvWinograd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::DenseElementsAttr filters, mlir::Value bias, mlir::Value result,
                      const Geometry &g, int64_t group, krnl::MatmulEpilogue activation,
                      mlir::Value residual = {});

} // namespace conv
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVWINOGRAD_H
