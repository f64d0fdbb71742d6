//===- Constant.cpp - onnx.Constant and onnx.Identity -> krnl -------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"

using namespace mlir;

namespace omc {
namespace {

// Constants become read-only global buffers (the model's weights).
struct ConstantLowering : OpConversionPattern<onnx::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ConstantOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = convertedResult(getTypeConverter(), op.getResult());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "constant needs a static shape");
    // Values are kept as they are; only an unsigned element type becomes signless.
    auto value = cast<DenseElementsAttr>(op.getValue());
    if (value.getElementType() != type.getElementType())
      value = value.bitcast(type.getElementType());
    std::string name = "constant_" + std::to_string(counter++);
    rewriter.replaceOpWithNewOp<krnl::GlobalOp>(op, type, name, value);
    return success();
  }

  mutable unsigned counter = 0;
};

struct IdentityLowering : OpConversionPattern<onnx::IdentityOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::IdentityOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void populateConstantPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, IdentityLowering>(converter, patterns.getContext());
}

} // namespace omc
