//===- EvenLanes.h - every other float of a run, as one vector -------------===//
//
// Private to the conv lowerings. A stride-2 read of n lanes (a depthwise conv's outputs,
// a patch panel's columns) is the even elements of 2n consecutive floats: two plain
// vector loads and a shuffle, where AVX2 would otherwise gather.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_EVENLANES_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_EVENLANES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace omc {

// buffer[at], buffer[at + 2], ..., as a `type` (1-D) vector; reads buffer[at, at + 2n),
// so the caller keeps all of that inside the 1-D `buffer`.
inline mlir::Value loadEvenLanes(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::VectorType type, mlir::Value buffer, mlir::Value at) {
  int64_t lanes = type.getDimSize(0);
  llvm::SmallVector<int64_t> even;
  for (int64_t lane = 0; lane < lanes; ++lane)
    even.push_back(2 * lane);
  mlir::Value low = mlir::vector::LoadOp::create(b, loc, type, buffer, at);
  mlir::Value next = mlir::arith::AddIOp::create(
      b, loc, at, mlir::arith::ConstantIndexOp::create(b, loc, lanes));
  mlir::Value high = mlir::vector::LoadOp::create(b, loc, type, buffer, next);
  return mlir::vector::ShuffleOp::create(b, loc, low, high, even);
}

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_EVENLANES_H
