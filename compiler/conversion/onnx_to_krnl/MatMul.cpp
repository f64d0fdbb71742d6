//===- MatMul.cpp - onnx.MatMul -> krnl ---------------------------------------===//
//
// numpy.matmul: batch dims broadcast, a 1-D A is a row vector and a 1-D B a
// column vector whose promoted dim is dropped from the result. Each result
// element is a reduction over K accumulated in place. MatMulInteger is the same
// nest over int32 values: each 8-bit element widened and its zero point subtracted.
// The nest lives in MatMulCommon.h, shared with QLinearMatMul (Quantization.cpp).
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

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
    FailureOr<matmul::Shape> shape = matmul::shapeOf(rewriter, loc, a, b, resultType);
    if (failed(shape))
      return rewriter.notifyMatchFailure(op, "the result's rank does not match A's and B's");

    Value result = allocBuffer(rewriter, loc, resultType, shape->dims);
    // The target tiles and vectorizes f32 matmuls (see matmul::emitLinalgMatmul).
    if (!isInteger && matmul::emitLinalgMatmul(rewriter, loc, a, b, result, *shape,
                                               /*zeroResult=*/true)) {
      rewriter.replaceOp(op, result);
      return success();
    }
    matmul::NestHooks hooks;
    hooks.accType = resultType.getElementType();
    // MatMulInteger widens each element and subtracts its zero point.
    Value aZeroPoint, bZeroPoint;
    if constexpr (isInteger) {
      aZeroPoint = adaptor.getAZeroPoint();
      bZeroPoint = adaptor.getBZeroPoint();
    }
    auto onnxElement = [](Value v) { return cast<ShapedType>(v.getType()).getElementType(); };
    auto aFactor = [&](OpBuilder &b, Location loc, Value element, Value row) {
      return integerOperand(b, loc, element, onnxElement(op.getA()), aZeroPoint, row);
    };
    auto bFactor = [&](OpBuilder &b, Location loc, Value element, Value col) {
      return integerOperand(b, loc, element, onnxElement(op.getB()), bZeroPoint, col);
    };
    if (isInteger) {
      hooks.aFactor = aFactor;
      hooks.bFactor = bFactor;
    }
    matmul::emitNest(rewriter, loc, a, b, result, *shape, hooks);
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
