//===- Elementwise.cpp - elementwise onnx ops -> krnl -------------------------===//
//
// One loop nest over the (broadcast) result; the body loads each operand at its
// broadcast index, computes the scalar and stores it.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

// The scalar computation of each op. `elementType` is the ONNX element type (it
// says whether an integer is unsigned); the values are signless.
template <typename OpTy>
Value emitScalar(OpBuilder &b, Location loc, Type elementType, ValueRange args);

template <typename FloatOp, typename SignedOp, typename UnsignedOp>
Value emitArith(OpBuilder &b, Location loc, Type elementType, ValueRange args) {
  if (isa<FloatType>(elementType))
    return FloatOp::create(b, loc, args[0], args[1]);
  if (elementType.isUnsignedInteger())
    return UnsignedOp::create(b, loc, args[0], args[1]);
  return SignedOp::create(b, loc, args[0], args[1]);
}

template <>
Value emitScalar<onnx::AddOp>(OpBuilder &b, Location loc, Type t, ValueRange args) {
  return emitArith<arith::AddFOp, arith::AddIOp, arith::AddIOp>(b, loc, t, args);
}
template <>
Value emitScalar<onnx::SubOp>(OpBuilder &b, Location loc, Type t, ValueRange args) {
  return emitArith<arith::SubFOp, arith::SubIOp, arith::SubIOp>(b, loc, t, args);
}
template <>
Value emitScalar<onnx::MulOp>(OpBuilder &b, Location loc, Type t, ValueRange args) {
  return emitArith<arith::MulFOp, arith::MulIOp, arith::MulIOp>(b, loc, t, args);
}
template <>
Value emitScalar<onnx::DivOp>(OpBuilder &b, Location loc, Type t, ValueRange args) {
  return emitArith<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(b, loc, t, args);
}
template <>
Value emitScalar<onnx::ReluOp>(OpBuilder &b, Location loc, Type t, ValueRange args) {
  Value zero = constantOf(b, loc, args[0].getType(), 0);
  if (isa<FloatType>(t)) // maximumf keeps NaN, as ONNX's Relu does.
    return arith::MaximumFOp::create(b, loc, args[0], zero);
  if (t.isUnsignedInteger())
    return args[0];
  return arith::MaxSIOp::create(b, loc, args[0], zero);
}

template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op->getResult(0).getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result has no ranked type");
    Type elementType = cast<ShapedType>(op->getOperand(0).getType()).getElementType();
    ValueRange operands = adaptor.getOperands();

    SmallVector<Value> dims = broadcastDims(rewriter, loc, operands, resultType);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> args;
      for (Value operand : operands)
        args.push_back(krnl::LoadOp::create(b, loc, operand,
                                            broadcastIndices(b, loc, operand, ivs)));
      Value value = emitScalar<OpTy>(b, loc, elementType, args);
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<onnx::AddOp>, ElementwiseLowering<onnx::SubOp>,
               ElementwiseLowering<onnx::MulOp>, ElementwiseLowering<onnx::DivOp>,
               ElementwiseLowering<onnx::ReluOp>>(converter, patterns.getContext());
}

} // namespace omc
