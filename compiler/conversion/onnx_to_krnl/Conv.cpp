//===- Conv.cpp - onnx.Conv, onnx.ConvAdd and onnx.ConvTranspose -> krnl ------===//
//
// f32 2-D convolutions of batch 1 become a packed matrix product (ConvAsMatmul.h), which
// also adds ConvAdd's Z (a residual connection) as it writes the result; the other
// lowerings add Z in a pass of their own, before the activation.
// The rest, and ConvTranspose, are lowered gather-style, as a direct loop nest: an outer
// nest over the result (n, m, output spatial...) stores the bias (or 0), and an inner
// nest over the input channels of m's group and the kernel positions accumulates x * w
// into it.
//
// The attributes are first resolved to static per-dim numbers (kernel, strides,
// dilations, the padding at the start of each dim; auto_pad and ConvTranspose's
// output_shape turned into pads by the ONNX formulas). For output position o and
// kernel position k, the input position is
//   Conv:          o * stride + k * dilation - pad
//   ConvTranspose: (o + pad - k * dilation) / stride, when that divides exactly
// A position that falls in the padding (or between a transposed conv's strides) is
// clamped to 0 for the load, and the loaded value replaced by 0.
//
// The resolution and the nest live in ConvCommon.h, shared with ConvInteger and
// QLinearConv (Quantization.cpp).
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <string>

#include "compiler/conversion/onnx_to_krnl/ConvAsMatmul.h"
#include "compiler/conversion/onnx_to_krnl/DepthwiseConv.h"
#include "compiler/conversion/onnx_to_krnl/ConvCommon.h"
#include "compiler/conversion/onnx_to_krnl/ConvWinograd.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

using conv::Geometry;

template <typename OpTy>
struct ConvLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool transposed = std::is_same_v<OpTy, onnx::ConvTransposeOp>;
  static constexpr bool withResidual = std::is_same_v<OpTy, onnx::ConvAddOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), w = adaptor.getW(), bias = adaptor.getB();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto wType = dyn_cast<MemRefType>(w.getType());
    auto resultType =
        dyn_cast_or_null<MemRefType>(this->getTypeConverter()->convertType(op.getY().getType()));
    if (!xType || !wType || !resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs ranked float types");
    int64_t rank = xType.getRank();
    if (rank < 3 || wType.getRank() != rank || resultType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "X, W and Y need the same rank, at least 3");
    int64_t group = op.getGroup();
    if (group < 1)
      return rewriter.notifyMatchFailure(op, "group must be positive");
    if (failed(conv::checkChannels(xType, wType, group, transposed)))
      return rewriter.notifyMatchFailure(op, "channels of X and W do not agree with group");
    conv::Attributes attrs = conv::attributesOf(op);
    if constexpr (transposed) {
      attrs.outputPadding = op.getOutputPaddingAttr();
      attrs.outputShape = op.getOutputShapeAttr();
    }
    Geometry g;
    std::string error = conv::resolve(attrs, transposed, xType, wType, g);
    if (!error.empty())
      return rewriter.notifyMatchFailure(op, error);

    SmallVector<Value> xDims = getDims(rewriter, loc, x), wDims = getDims(rewriter, loc, w);
    SmallVector<Value> dims =
        conv::resultDims(rewriter, loc, resultType, xDims, wDims, g, group, transposed);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Type elementType = resultType.getElementType();
    bool hasBias = isa<MemRefType>(bias.getType());
    FailureOr<krnl::MatmulEpilogue> folded = foldedConvActivation(op);
    if (failed(folded))
      return rewriter.notifyMatchFailure(op, "unknown omc.activation");
    krnl::MatmulEpilogue activation = *folded;
    Value residual;
    if constexpr (withResidual)
      residual = adaptor.getZ();
    if (!transposed &&
        (conv::emitConvWinograd(rewriter, loc, x, constantFilters(op), bias, result, g, group,
                                activation, residual) ||
         conv::emitConvAsMatmul(rewriter, loc, x, w, bias, result, g, group, activation,
                                residual))) {
      rewriter.replaceOp(op, result);
      return success();
    }
    // The activation applies to the sum: with a residual, after the pass that adds it.
    krnl::MatmulEpilogue inside = residual ? krnl::MatmulEpilogue::None : activation;
    auto finish = [&] {
      if (residual)
        addResidual(rewriter, loc, result, residual, dims, activation);
      rewriter.replaceOp(op, result);
      return success();
    };
    if (!transposed &&
        conv::emitDepthwiseConv(rewriter, loc, x, w, bias, result, g, group, inside))
      return finish();
    // Accumulates in the result, from the bias (or 0).
    conv::NestHooks hooks;
    hooks.accType = elementType;
    auto init = [&](OpBuilder &b, Location loc, Value m) -> Value {
      return hasBias ? Value(krnl::LoadOp::create(b, loc, bias, ValueRange{m}))
                     : constantOf(b, loc, elementType, 0);
    };
    hooks.init = init;
    // Named: the hook only refers to it.
    auto activate = [&](OpBuilder &b, Location loc, Value total, Value) -> Value {
      return krnl::applyMatmulEpilogue(b, loc, total, inside);
    };
    if (inside != krnl::MatmulEpilogue::None)
      hooks.finish = activate;
    conv::emitNest(rewriter, loc, x, w, result, xType, resultType, xDims, wDims, dims, g, group,
                   transposed, hooks);
    return finish();
  }

  // W's values, when W is a constant f32 tensor (the model's weights): for transforms
  // done at compile time.
  static DenseElementsAttr constantFilters(OpTy op) {
    auto constant = op.getW().template getDefiningOp<onnx::ConstantOp>();
    auto values = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
    return values && values.getElementType().isF32() ? values : nullptr;
  }

  // result += residual, then the activation.
  static void addResidual(OpBuilder &b, Location loc, Value result, Value residual,
                          ValueRange dims, krnl::MatmulEpilogue activation) {
    buildLoopNest(b, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value sum = arith::AddFOp::create(b, loc, krnl::LoadOp::create(b, loc, result, ivs),
                                        krnl::LoadOp::create(b, loc, residual, ivs));
      if (activation != krnl::MatmulEpilogue::None)
        sum = krnl::applyMatmulEpilogue(b, loc, sum, activation);
      krnl::StoreOp::create(b, loc, sum, result, ivs);
    });
  }
};

} // namespace

void populateConvPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConvLowering<onnx::ConvOp>, ConvLowering<onnx::ConvAddOp>,
               ConvLowering<onnx::ConvTransposeOp>>(converter, patterns.getContext());
}

} // namespace omc
