//===- MatMul.cpp - onnx.MatMul -> krnl ---------------------------------------===//
//
// numpy.matmul: batch dims broadcast, a 1-D A is a row vector and a 1-D B a
// column vector whose promoted dim is dropped from the result. Each result
// element is a reduction over K accumulated in place.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

// acc + a * b in the element type.
Value multiplyAdd(OpBuilder &b, Location loc, Value acc, Value lhs, Value rhs) {
  if (isa<FloatType>(acc.getType()))
    return arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, lhs, rhs));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, lhs, rhs));
}

struct MatMulLowering : OpConversionPattern<onnx::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<MemRefType>(a.getType());
    auto bType = dyn_cast<MemRefType>(b.getType());
    auto resultType =
        dyn_cast_or_null<MemRefType>(getTypeConverter()->convertType(op.getType()));
    if (!aType || !bType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked operands and result");
    int64_t aRank = aType.getRank(), bRank = bType.getRank();
    int64_t rank = resultType.getRank();
    bool hasM = aRank >= 2, hasN = bRank >= 2;
    int64_t batchRank = rank - hasM - hasN;

    // Result dims: broadcast batch dims, then M from A and N from B.
    SmallVector<Value> aDims = getDims(rewriter, loc, a), bDims = getDims(rewriter, loc, b);
    SmallVector<Value> dims;
    for (int64_t d = 0; d < batchRank; ++d) {
      if (!resultType.isDynamicDim(d)) {
        dims.push_back(arith::ConstantIndexOp::create(rewriter, loc, resultType.getDimSize(d)));
        continue;
      }
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value dim = one;
      for (auto [dimsOf, operandRank] : {std::pair{&aDims, aRank}, std::pair{&bDims, bRank}}) {
        int64_t k = d - (batchRank - (operandRank - 2));
        if (operandRank < 3 || k < 0)
          continue;
        Value isOne = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, dim, one);
        dim = arith::SelectOp::create(rewriter, loc, isOne, (*dimsOf)[k], dim);
      }
      dims.push_back(dim);
    }
    if (hasM)
      dims.push_back(aDims[aRank - 2]);
    if (hasN)
      dims.push_back(bDims[bRank - 1]);
    Value k = aDims[aRank - 1];

    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Type elementType = resultType.getElementType();
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &builder, Location loc, ValueRange ivs) {
      ValueRange batch = ivs.take_front(batchRank);
      Value zero = constantOf(builder, loc, elementType, 0);
      krnl::StoreOp::create(builder, loc, zero, result, ivs);
      buildLoopNest(builder, loc, {k}, [&](OpBuilder &builder, Location loc, ValueRange kv) {
        // Batch indices of an operand: its own batch dims, right-aligned.
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
        if (hasM)
          aMatrix.push_back(ivs[batchRank]);
        aMatrix.push_back(kv[0]);
        bMatrix.push_back(kv[0]);
        if (hasN)
          bMatrix.push_back(ivs.back());
        Value lhs = krnl::LoadOp::create(builder, loc, a, operandIndices(a, aRank, aMatrix));
        Value rhs = krnl::LoadOp::create(builder, loc, b, operandIndices(b, bRank, bMatrix));
        Value acc = krnl::LoadOp::create(builder, loc, result, ivs);
        krnl::StoreOp::create(builder, loc, multiplyAdd(builder, loc, acc, lhs, rhs), result,
                              ivs);
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateMatMulPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<MatMulLowering>(converter, patterns.getContext());
}

} // namespace omc
