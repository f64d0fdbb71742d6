//===- Elementwise.cpp - elementwise onnx ops -> krnl -------------------------===//
//
// One loop nest over the (broadcast) result; the body loads each operand at its
// broadcast index, computes the scalar (ElementwiseScalars.cpp) and stores it. Without
// broadcasting, over static shapes, the nest is one loop over all the elements.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ElementwiseScalars.h"
#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"

using namespace mlir;

namespace omc {
namespace {

Type onnxElementType(Value value) {
  auto shaped = dyn_cast<ShapedType>(value.getType());
  return shaped ? shaped.getElementType() : Type();
}

// Whether every operand has the result's static shape, of rank 2 or more, in row-major
// order: nothing broadcasts, and the elements line up as one flat range.
bool sameStaticShapes(MemRefType resultType, ArrayRef<Value> operands) {
  auto plain = [&](MemRefType type) {
    return type.hasStaticShape() && type.getLayout().isIdentity() &&
           type.getShape() == resultType.getShape();
  };
  return resultType.getRank() >= 2 && plain(resultType) &&
         llvm::all_of(operands,
                      [&](Value operand) { return plain(cast<MemRefType>(operand.getType())); });
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
    ScalarTypes types;
    types.result = onnxElementType(op->getResult(0));
    SmallVector<Value> buffers; // the operands that are there (not `none`)
    for (auto [original, converted] : llvm::zip(op->getOperands(), adaptor.getOperands())) {
      types.operands.push_back(onnxElementType(original));
      if (isa<NoneType>(converted.getType()))
        continue;
      if (!isa<MemRefType>(converted.getType()))
        return rewriter.notifyMatchFailure(op, "an operand has no ranked type");
      buffers.push_back(converted);
    }

    FailureOr<bool> relu = foldedRelu(op);
    if (failed(relu) || (*relu && !isa<FloatType>(resultType.getElementType())))
      return rewriter.notifyMatchFailure(op, "unknown omc.activation");

    SmallVector<Value> dims = broadcastDims(rewriter, loc, buffers, resultType);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    SmallVector<Value> operands(adaptor.getOperands());
    Value target = result;
    if (sameStaticShapes(resultType, buffers)) {
      // One loop over all the elements, through row-major views: the loop vectorizer
      // then sees a long loop whatever the innermost dim (a 7 x 7 feature map).
      Value count = arith::ConstantIndexOp::create(rewriter, loc, resultType.getNumElements());
      for (Value &operand : operands)
        if (isa<MemRefType>(operand.getType()))
          operand = matmul::rowMajorView(rewriter, loc, operand, {count});
      target = matmul::rowMajorView(rewriter, loc, result, {count});
      dims = {count};
    }
    bool supported = true;
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> args;
      for (Value operand : operands)
        args.push_back(isa<NoneType>(operand.getType())
                           ? Value()
                           : Value(krnl::LoadOp::create(
                                 b, loc, operand, broadcastIndices(b, loc, operand, ivs))));
      Value value = emitScalar(op, types, b, loc, args);
      if (!value) {
        supported = false;
        value = constantOf(b, loc, resultType.getElementType(), 0);
      }
      // A folded Relu (onnx-fuse-activation); maximumf keeps NaN, as ONNX's Relu does.
      if (*relu)
        value = arith::MaximumFOp::create(b, loc, value,
                                          constantOf(b, loc, resultType.getElementType(), 0));
      krnl::StoreOp::create(b, loc, value, target, ivs);
    });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "element types not supported");
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
#define OMC_ADD_PATTERN(Name) patterns.add<ElementwiseLowering<onnx::Name##Op>>(converter, patterns.getContext());
  OMC_ELEMENTWISE_OPS(OMC_ADD_PATTERN)
#undef OMC_ADD_PATTERN
}

} // namespace omc
