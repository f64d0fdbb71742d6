//===- FuseElementwiseLoops.h - elementwise chains into one loop nest -----===//
//
// Private to the convert-onnx-to-krnl pass. Each elementwise op lowers to its own loop
// nest over a fresh buffer (Elementwise.cpp); a chain of them (x * sigmoid(x) + b) then
// writes and reads back a buffer per link. fuseElementwiseLoops folds a nest that only
// computes a buffer (its producer) into the one nest that reads it (its consumer): the
// consumer computes each element where it loaded it, and the producer and its buffer go.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_FUSEELEMENTWISELOOPS_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_FUSEELEMENTWISELOOPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace omc {

// Folds producers into consumers through the function's entry block, where:
//  - the producer is a krnl.iterate from 0 that stores one value, computed without side
//    effects from loads, into each element of a static, row-major buffer (directly, or
//    through its flat row-major view) at exactly its induction variables;
//  - the buffer has no other use than that store and loads directly in the consumer's
//    body, each of one element at the consumer's own position in the same shape (not
//    broadcast, nor in an inner loop, either of which would compute an element more
//    than once);
//  - nothing between the two nests writes memory, so the producer's loads read the
//    same values inside the consumer.
// Runs before the buffers are freed (freeTemporaries then sees the moved loads).
void fuseElementwiseLoops(mlir::func::FuncOp func);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_FUSEELEMENTWISELOOPS_H
