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
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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

// A row-major view of the contiguous buffer `buffer` (identity layout) with dims `dims`:
// of the strided type those dims give (static where they are constants), or of
// `viewType` when given, whose static dims the view takes (a reshape's identity type).
inline mlir::Value rowMajorView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buffer,
                                llvm::ArrayRef<mlir::Value> dims,
                                mlir::MemRefType viewType = {}) {
  using namespace mlir;
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> shape, strides(dims.size(), 1);
  SmallVector<OpFoldResult> sizes, strideValues(dims.size());
  for (auto [d, dim] : llvm::enumerate(dims)) {
    std::optional<int64_t> known =
        !viewType ? getConstantIntValue(dim)
        : viewType.isDynamicDim(d) ? std::nullopt
                                   : std::optional<int64_t>(viewType.getDimSize(d));
    shape.push_back(known ? *known : ShapedType::kDynamic);
    sizes.push_back(known ? OpFoldResult(b.getIndexAttr(*known)) : OpFoldResult(dim));
  }
  Value stride = arith::ConstantIndexOp::create(b, loc, 1);
  int64_t staticStride = 1;
  for (int64_t d = dims.size() - 1; d >= 0; --d) {
    strides[d] = staticStride;
    strideValues[d] = staticStride != ShapedType::kDynamic ? OpFoldResult(b.getIndexAttr(staticStride))
                                                           : OpFoldResult(stride);
    stride = b.createOrFold<arith::MulIOp>(loc, stride, dims[d]);
    staticStride = staticStride == ShapedType::kDynamic || shape[d] == ShapedType::kDynamic
                       ? ShapedType::kDynamic
                       : staticStride * shape[d];
  }
  if (!viewType)
    viewType = MemRefType::get(shape, type.getElementType(),
                               StridedLayoutAttr::get(b.getContext(), 0, strides));
  return memref::ReinterpretCastOp::create(b, loc, viewType, buffer, b.getIndexAttr(0), sizes,
                                           strideValues);
}

inline mlir::Value product(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Value> dims) {
  mlir::Value result = mlir::arith::ConstantIndexOp::create(b, loc, 1);
  for (mlir::Value dim : dims)
    result = b.createOrFold<mlir::arith::MulIOp>(loc, result, dim);
  return result;
}

// f32 matrices, or equal stacks of them, as linalg.matmul / linalg.batch_matmul on row-major
// views of the operands: an op the target's code generation tiles and vectorizes (its
// semantics are C += A * B: `zeroResult` fills `result` with 0 first, else the caller has
// initialized it). A's leading dims fold into M when B is a matrix. Returns false, emitting nothing, for what it does not cover (other element
// types, vectors, broadcast stacks, non-contiguous operands).
inline bool emitLinalgMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                             mlir::Value bm, mlir::Value result, const Shape &s,
                             bool zeroResult) {
  using namespace mlir;
  auto aType = cast<MemRefType>(a.getType()), bType = cast<MemRefType>(bm.getType());
  auto cType = cast<MemRefType>(result.getType());
  for (MemRefType type : {aType, bType, cType})
    if (!type.getElementType().isF32() || !type.getLayout().isIdentity())
      return false;
  if (s.aRank < 2 || s.bRank < 2)
    return false;
  ArrayRef<int64_t> aBatch = aType.getShape().drop_back(2), bBatch = bType.getShape().drop_back(2);
  if (s.bRank != 2 &&
      (s.aRank != s.bRank || aBatch != bBatch || ShapedType::isDynamicShape(aBatch)))
    return false;
  // The zero fill goes right before the product, on the view it writes: omc-lower-matmul
  // then has the kernel start from 0 instead (see there).
  auto zeroFill = [&](Value cView) {
    if (zeroResult)
      linalg::FillOp::create(b, loc, ValueRange{constantOf(b, loc, cType.getElementType(), 0)},
                             ValueRange{cView});
  };
  SmallVector<Value> aDims = getDims(b, loc, a), bDims = getDims(b, loc, bm);
  if (s.bRank == 2) {
    // [..., M, K] x [K, N]: one matrix of prod(...) * M rows.
    Value aView = a, cView = result;
    if (s.aRank > 2) {
      Value rows = product(b, loc, ArrayRef<Value>(aDims).drop_back());
      aView = rowMajorView(b, loc, a, {rows, s.k});
      cView = rowMajorView(b, loc, result, {rows, bDims[1]});
    }
    zeroFill(cView);
    linalg::MatmulOp::create(b, loc, ValueRange{aView, bm}, ValueRange{cView});
    return true;
  }
  // Equal, static batch dims: one stack.
  Value batch = product(b, loc, ArrayRef<Value>(aDims).drop_back(2));
  Value m = aDims[s.aRank - 2], n = bDims[s.bRank - 1];
  Value aView = rowMajorView(b, loc, a, {batch, m, s.k});
  Value bView = rowMajorView(b, loc, bm, {batch, s.k, n});
  Value cView = rowMajorView(b, loc, result, {batch, m, n});
  zeroFill(cView);
  linalg::BatchMatmulOp::create(b, loc, ValueRange{aView, bView}, ValueRange{cView});
  return true;
}

} // namespace matmul
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_MATMULCOMMON_H
