//===- MatMul.cpp - onnx.MatMul -> krnl ---------------------------------------===//
//
// numpy.matmul: batch dims broadcast, a 1-D A is a row vector and a 1-D B a
// column vector whose promoted dim is dropped from the result. Each result
// element is a reduction over K accumulated in place. MatMulInteger is the same
// nest over int32 values: each 8-bit element widened and its zero point subtracted.
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

// MatMulInteger's operand element as int32: widened by its ONNX signedness, minus its
// zero point, which is a scalar or one per row of A / column of B (`line`).
Value integerOperand(OpBuilder &b, Location loc, Value element, Type onnxType, Value zeroPoint,
                     Value line) {
  Type i32 = b.getI32Type();
  auto widen = [&](Value v) -> Value {
    if (onnxType.isUnsignedInteger())
      return arith::ExtUIOp::create(b, loc, i32, v);
    return arith::ExtSIOp::create(b, loc, i32, v);
  };
  Value value = widen(element);
  auto zeroType = dyn_cast<MemRefType>(zeroPoint.getType());
  if (!zeroType)
    return value; // absent: 0
  SmallVector<Value> at;
  if (zeroType.getRank() == 1) {
    Value zero = indexConstant(b, loc, 0);
    Value size = getDims(b, loc, zeroPoint)[0];
    Value single = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size,
                                         indexConstant(b, loc, 1));
    at.push_back(arith::SelectOp::create(b, loc, single, zero, line));
  }
  Value point = widen(krnl::LoadOp::create(b, loc, zeroPoint, at));
  return arith::SubIOp::create(b, loc, value, point);
}

template <typename OpTy>
struct MatMulLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isInteger = std::is_same_v<OpTy, onnx::MatMulIntegerOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<MemRefType>(a.getType());
    auto bType = dyn_cast<MemRefType>(b.getType());
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op->getResult(0).getType()));
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
        if constexpr (isInteger) {
          auto onnxElement = [](Value v) {
            return cast<ShapedType>(v.getType()).getElementType();
          };
          Value zero = indexConstant(builder, loc, 0);
          lhs = integerOperand(builder, loc, lhs, onnxElement(op.getA()), adaptor.getAZeroPoint(),
                               hasM ? ivs[batchRank] : zero);
          rhs = integerOperand(builder, loc, rhs, onnxElement(op.getB()), adaptor.getBZeroPoint(),
                               hasN ? ivs.back() : zero);
        }
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
  patterns.add<MatMulLowering<onnx::MatMulOp>, MatMulLowering<onnx::MatMulIntegerOp>>(
      converter, patterns.getContext());
}

} // namespace omc
