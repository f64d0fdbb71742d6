//===- PackedWeights.h - weights packed at compile time -------------------------===//
//
// A matmul whose B is a weight (a krnl.global, possibly seen through memref.transpose)
// need not pack B's panels on every run: the compiler packs them once, into a constant of
// its own, in exactly the layout omc-lower-matmul's kernel reads. The kernel then streams
// one contiguous run of memory per panel, which matters most where the matmul is a
// matrix-vector product bound by memory (GPT-2 generating one token).
//
// A weight as A (a convolution's filters, seen as rows through a row-major
// memref.reinterpret_cast) is packed likewise into groups of the kernel's register rows,
// k-major, so that no thread packs A's blocks on each run, and a product of few columns
// (a late ResNet stage) reads A as one stream rather than `rows` strided ones.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CODEGEN_PACKEDWEIGHTS_H
#define OMC_COMPILER_CODEGEN_PACKEDWEIGHTS_H

#include <cstdint>
#include <utility>

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir {
class MemRefType;
class OpBuilder;
} // namespace mlir

namespace omc {

// Whether `type` lays its elements out row-major without gaps, at any offset.
bool isContiguousRowMajor(mlir::MemRefType type);

// The panels already made, per (B, panel width): a weight two matmuls share is packed once.
using PackedWeightCache = llvm::DenseMap<std::pair<mlir::Value, int64_t>, mlir::Value>;

// When `b`, a static K x N f32 matrix, is a weight with its values at hand: a new
// krnl.global beside it holding B in panels of `width` columns,
//   panels[p * K * width + k * width + j] = B[k, p * width + j], 0 for columns past N,
// as a 1-D memref of ceil(N / width) * K * width floats. Otherwise a null Value.
mlir::Value packWeightPanels(mlir::Value b, int64_t width, PackedWeightCache &cache);

// When `a`, a static M x K f32 matrix, is a weight with its values at hand: a new
// krnl.global holding A in groups of `rows` rows,
//   groups[g * K * rows + k * rows + r] = A[g * rows + r, k], 0 for rows past M,
// as a 1-D memref of ceil(M / rows) * K * rows floats. Otherwise a null Value.
mlir::Value packWeightRowGroups(mlir::Value a, int64_t rows, PackedWeightCache &cache);

// When `a` is a block of a weight's rows: a memref.reinterpret_cast of a static row-major
// [R, K] f32 krnl.global, sizes [M, K], strides [K, 1], at an offset that is whole groups
// of `rows` rows (a constant, or a product with a constant, that is a multiple of
// rows * K), with R whole groups too (Winograd's transformed filters, one block per
// position of the transformed tile, each padded to whole groups). The weight packs into
// row groups as a whole, as above, and the block is a 1-D view of ceil(M / rows) groups
// at the same offset into the packed constant, built at `builder`'s insertion point.
// Otherwise a null Value.
mlir::Value packWeightRowBlock(mlir::OpBuilder &builder, mlir::Value a, int64_t rows,
                               PackedWeightCache &cache);

} // namespace omc

#endif // OMC_COMPILER_CODEGEN_PACKEDWEIGHTS_H
