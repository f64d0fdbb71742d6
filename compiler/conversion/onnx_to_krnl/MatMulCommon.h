//===- MatMulCommon.h - the matmul nest shared by MatMul.cpp and Quantization.cpp ===//
//
// Private to the matmul-like lowerings (MatMul, MatMulInteger, QLinearMatMul).
// numpy.matmul: batch dims broadcast, a 1-D A is a row vector and a 1-D B a column
// vector whose promoted dim is dropped from the result. Each result element is a
// reduction over K; the ops differ only in how elements are read and combined, which
// the NestHooks say.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_MATMULCOMMON_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_MATMULCOMMON_H

#include <algorithm>

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace omc {
namespace matmul {

// The result's layout: batch dims, then M (when A is a matrix) and N (when B is).
struct Shape {
  int64_t aRank = 0, bRank = 0, batchRank = 0;
  bool hasM = false, hasN = false;
  llvm::SmallVector<mlir::Value> dims; // the result's
  mlir::Value k;                       // the reduction's size
};

// The result's dims: broadcast batch dims, then M from A and N from B. Fails when the
// result's rank does not match the operands'.
inline mlir::FailureOr<Shape> shapeOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                                      mlir::Value bm, mlir::MemRefType resultType) {
  using namespace mlir;
  Shape s;
  s.aRank = cast<MemRefType>(a.getType()).getRank();
  s.bRank = cast<MemRefType>(bm.getType()).getRank();
  if (s.aRank < 1 || s.bRank < 1)
    return failure();
  int64_t rank = resultType.getRank();
  s.hasM = s.aRank >= 2;
  s.hasN = s.bRank >= 2;
  s.batchRank = rank - s.hasM - s.hasN;
  if (s.batchRank != std::max<int64_t>({s.aRank - 2, s.bRank - 2, 0}))
    return failure();
  SmallVector<Value> aDims = getDims(b, loc, a), bDims = getDims(b, loc, bm);
  for (int64_t d = 0; d < s.batchRank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      s.dims.push_back(arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(d)));
      continue;
    }
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value dim = one;
    for (auto [dimsOf, operandRank] : {std::pair{&aDims, s.aRank}, std::pair{&bDims, s.bRank}}) {
      int64_t k = d - (s.batchRank - (operandRank - 2));
      if (operandRank < 3 || k < 0)
        continue;
      Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim, one);
      dim = arith::SelectOp::create(b, loc, isOne, (*dimsOf)[k], dim);
    }
    s.dims.push_back(dim);
  }
  if (s.hasM)
    s.dims.push_back(aDims[s.aRank - 2]);
  if (s.hasN)
    s.dims.push_back(bDims[s.bRank - 1]);
  s.k = aDims[s.aRank - 1];
  return s;
}

// What differs between the matmul-like ops. `row` is the result element's index in M
// and `col` in N (index 0 where A or B is a vector).
struct NestHooks {
  mlir::Type accType;
  // A loaded A element (of row `row`) as a factor; empty: as loaded.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value a,
                                 mlir::Value row)>
      aFactor;
  // A loaded B element (of column `col`) as a factor; empty: as loaded.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value b,
                                 mlir::Value col)>
      bFactor;
  // The result element made of the final accumulator; empty: the accumulator is the
  // result element itself, accumulated in place.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value acc,
                                 mlir::Value row, mlir::Value col)>
      finish;
};

// Each result element starts at 0 and accumulates A[.., i, k] * B[.., k, j] over k.
inline void emitNest(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value a, mlir::Value bm,
                     mlir::Value result, const Shape &s, const NestHooks &hooks) {
  using namespace mlir;
  Type accType = hooks.accType;
  // Accumulates in the result, or else in one scalar (the nests run one iteration at a time).
  Value accBuffer;
  if (hooks.finish)
    accBuffer = memref::AllocaOp::create(builder, loc, MemRefType::get({}, accType));
  buildLoopNest(builder, loc, s.dims, [&](OpBuilder &builder, Location loc, ValueRange ivs) {
    ValueRange batch = ivs.take_front(s.batchRank);
    ValueRange accIndices = accBuffer ? ValueRange{} : ivs;
    Value acc = accBuffer ? accBuffer : result;
    Value zero = constantOf(builder, loc, accType, 0);
    krnl::StoreOp::create(builder, loc, zero, acc, accIndices);
    Value row, col;
    auto rowCol = [&](OpBuilder &builder) {
      Value first = indexConstant(builder, loc, 0);
      row = s.hasM ? ivs[s.batchRank] : first;
      col = s.hasN ? ivs.back() : first;
    };
    buildLoopNest(builder, loc, {s.k}, [&](OpBuilder &builder, Location loc, ValueRange kv) {
      // Indices of an operand: its own batch dims, right-aligned, then its matrix ones.
      auto operandIndices = [&](Value operand, int64_t operandRank,
                                ArrayRef<Value> matrixIndices) {
        SmallVector<Value> indices;
        if (operandRank > 2) {
          SmallVector<Value> resultBatch(batch.begin(), batch.end());
          resultBatch.append(matrixIndices.begin(), matrixIndices.end());
          return broadcastIndices(builder, loc, operand, resultBatch);
        }
        indices.append(matrixIndices.begin(), matrixIndices.end());
        return indices;
      };
      SmallVector<Value> aMatrix, bMatrix;
      if (s.hasM)
        aMatrix.push_back(ivs[s.batchRank]);
      aMatrix.push_back(kv[0]);
      bMatrix.push_back(kv[0]);
      if (s.hasN)
        bMatrix.push_back(ivs.back());
      Value lhs = krnl::LoadOp::create(builder, loc, a, operandIndices(a, s.aRank, aMatrix));
      Value rhs = krnl::LoadOp::create(builder, loc, bm, operandIndices(bm, s.bRank, bMatrix));
      if (hooks.aFactor || hooks.bFactor)
        rowCol(builder);
      if (hooks.aFactor)
        lhs = hooks.aFactor(builder, loc, lhs, row);
      if (hooks.bFactor)
        rhs = hooks.bFactor(builder, loc, rhs, col);
      Value sum = krnl::LoadOp::create(builder, loc, acc, accIndices);
      if (isa<FloatType>(accType)) {
        Value product = arith::MulFOp::create(builder, loc, lhs, rhs);
        sum = arith::AddFOp::create(builder, loc, sum, product);
      } else {
        Value product = arith::MulIOp::create(builder, loc, lhs, rhs);
        sum = arith::AddIOp::create(builder, loc, sum, product);
      }
      krnl::StoreOp::create(builder, loc, sum, acc, accIndices);
    });
    if (hooks.finish) {
      rowCol(builder);
      Value total = krnl::LoadOp::create(builder, loc, accBuffer, ValueRange{});
      krnl::StoreOp::create(builder, loc, hooks.finish(builder, loc, total, row, col), result, ivs);
    }
  });
}

} // namespace matmul
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_MATMULCOMMON_H
