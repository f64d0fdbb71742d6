//===- LayerNorm.cpp - LayerNormalization -> krnl -----------------------------===//
//
// For every position of the dims before `axis`: the mean and the variance over the
// dims from `axis` on (two passes, for accuracy), then
//   Y = (X - mean) / sqrt(variance + epsilon) * Scale + B
// with Scale and B broadcasting onto the normalized dims. Mean and InvStdDev, when the
// model asks for them, keep the normalized dims as 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

struct LayerNormLowering : OpConversionPattern<onnx::LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::LayerNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), scale = adaptor.getScale(), bias = adaptor.getB();
    auto type = dyn_cast<MemRefType>(x.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float input");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    Type element = type.getElementType();
    bool hasBias = !isa<NoneType>(bias.getType());

    auto statsBuffer = [&](Value original, SmallVector<Value> &dims) -> Value {
      if (isa<NoneType>(original.getType()))
        return {};
      auto statsType = dyn_cast_or_null<MemRefType>(getTypeConverter()->convertType(original.getType()));
      return statsType ? allocBuffer(rewriter, loc, statsType, dims) : Value();
    };

    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value result = allocBuffer(rewriter, loc, type, dims);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> statsDims(dims.begin(), dims.begin() + axis);
    statsDims.append(rank - axis, one);
    Value meanOut = statsBuffer(op.getMean(), statsDims);
    Value invStdOut = statsBuffer(op.getInvStdDev(), statsDims);
    if ((!isa<NoneType>(op.getMean().getType()) && !meanOut) ||
        (!isa<NoneType>(op.getInvStdDev().getType()) && !invStdOut))
      return rewriter.notifyMatchFailure(op, "statistics outputs need ranked types");

    SmallVector<Value> outer(dims.begin(), dims.begin() + axis);
    SmallVector<Value> inner(dims.begin() + axis, dims.end());
    // N, the count of normalized elements, as a float.
    Value count = one;
    for (Value dim : inner)
      count = arith::MulIOp::create(rewriter, loc, count, dim);
    Value n = arith::UIToFPOp::create(
        rewriter, loc, element, arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), count));
    Value epsilon = constantOf(rewriter, loc, element, op.getEpsilon().convertToDouble());
    auto scalar = MemRefType::get({}, element);
    Value acc = memref::AllocaOp::create(rewriter, loc, scalar);

    buildLoopNest(rewriter, loc, outer, [&](OpBuilder &b, Location loc, ValueRange o) {
      auto full = [&](ValueRange i) {
        SmallVector<Value> index(o);
        index.append(i.begin(), i.end());
        return index;
      };
      // The sums may be added in any order, so LLVM vectorizes them (GPT-2's 128 x 768,
      // one thread: 0.146 ms with one scalar add after another, 0.024 ms).
      auto reassoc = arith::FastMathFlags::reassoc;
      auto accumulate = [&](function_ref<Value(OpBuilder &, Location, Value)> term) {
        krnl::StoreOp::create(b, loc, constantOf(b, loc, element, 0), acc, ValueRange{});
        buildLoopNest(b, loc, inner, [&](OpBuilder &b, Location loc, ValueRange i) {
          Value v = krnl::LoadOp::create(b, loc, x, full(i));
          Value sum = arith::AddFOp::create(b, loc, krnl::LoadOp::create(b, loc, acc, ValueRange{}),
                                            term(b, loc, v), reassoc);
          krnl::StoreOp::create(b, loc, sum, acc, ValueRange{});
        });
        return arith::DivFOp::create(b, loc, krnl::LoadOp::create(b, loc, acc, ValueRange{}), n)
            .getResult();
      };
      Value mean = accumulate([](OpBuilder &, Location, Value v) { return v; });
      Value variance = accumulate([&](OpBuilder &b, Location loc, Value v) {
        Value d = arith::SubFOp::create(b, loc, v, mean);
        return arith::MulFOp::create(b, loc, d, d).getResult();
      });
      Value invStd = arith::DivFOp::create(
          b, loc, constantOf(b, loc, element, 1),
          math::SqrtOp::create(b, loc, arith::AddFOp::create(b, loc, variance, epsilon)));
      SmallVector<Value> statsIndex(o);
      statsIndex.append(rank - axis, arith::ConstantIndexOp::create(b, loc, 0));
      if (meanOut)
        krnl::StoreOp::create(b, loc, mean, meanOut, statsIndex);
      if (invStdOut)
        krnl::StoreOp::create(b, loc, invStd, invStdOut, statsIndex);
      buildLoopNest(b, loc, inner, [&](OpBuilder &b, Location loc, ValueRange i) {
        SmallVector<Value> index = full(i);
        Value v = krnl::LoadOp::create(b, loc, x, index);
        Value normalized =
            arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, v, mean), invStd);
        Value s = krnl::LoadOp::create(b, loc, scale, broadcastIndices(b, loc, scale, index));
        Value y = arith::MulFOp::create(b, loc, normalized, s);
        if (hasBias)
          y = arith::AddFOp::create(
              b, loc, y, krnl::LoadOp::create(b, loc, bias, broadcastIndices(b, loc, bias, index)));
        krnl::StoreOp::create(b, loc, y, result, index);
      });
    });

    auto none = [&] { return onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType()); };
    rewriter.replaceOp(op, {result, meanOut ? meanOut : Value(none()),
                            invStdOut ? invStdOut : Value(none())});
    return success();
  }
};

} // namespace

void populateLayerNormPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering>(converter, patterns.getContext());
}

} // namespace omc
