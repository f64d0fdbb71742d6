//===- ConvWinograd.h - 3x3 convolutions by Winograd's F(m x m, 3 x 3) ----===//
//
// Private to Conv.cpp. A 3x3 convolution of stride 1 and padding 1 computes each m x m
// block of output positions (a tile) from the n x n block of input around it, n = m + 2.
// Winograd's minimal filtering algorithm F(m x m, 3 x 3) does that with n^2 products per
// (input channel, output channel) pair where the direct product needs 9 m^2:
//
//   Y_tile = A^T [ sum_ci U[co, ci] .* V[ci] ] A,  U = G g G^T,  V = B^T d B
//
// with g the 3x3 filter, d the n x n input block and .* elementwise. For each of the n^2
// positions xi of the transformed block, the sum over ci is a matrix product
// M_xi[co, tile] = U_xi[co, :] * V_xi[:, tile]. F(2x2) does 2.25 times fewer
// multiplications than the direct product, F(4x4) 4 times fewer but rounds more (its
// transforms scale by up to 8 and 1/24): it is used where it saves a fifth over F(2x2).
//
// U is computed at compile time from the constant filters: one constant of n^2 blocks of
// M rows (rounded up to whole register-row groups), which the matmul packs into row groups
// like any filter and reads block by block. The tiles go by whole tile rows, a chunk of
// them at a time, so that a chunk's V and M stay in L2:
//   1. X is copied once, padded and split by row and column phase modulo m ("planes"),
//      so that each value of d is one contiguous vector load across tiles;
//   2. per chunk: V for the chunk's tiles, written straight into the kernel's column panels;
//      one krnl.matmul_panels in a loop over the n^2 positions, its operands views of the
//      position's blocks (one kernel's code per conv, not n^2: ResNet-50's code had tripled
//      and its compile time with it); the output transform, which adds the bias and the
//      residual, applies the activation and writes m output rows per tile row.
// Chunks run on threads; a single chunk runs its stages on threads instead.
//
// Used where it does fewer multiplications, transforms included, than the packed matrix
// product of ConvAsMatmul.h over the same positions: ResNet-50's 56 x 56 and 28 x 28 convs
// by F(4x4), its 14 x 14 ones by F(2x2), not its 7 x 7 ones, whose 49 positions fill two
// panels either way.
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
