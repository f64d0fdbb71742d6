//===- Training.cpp - Adagrad, Adam, Momentum -> krnl -----------------------===//
//
// Lowerings of the training-preview optimizer ops (ai.onnx.preview.training). Each takes
// the scalars R (learning rate) and T (update count) and then n groups of tensors laid out
// by kind: X1..Xn, G1..Gn, then each accumulator kind (Adagrad: H; Adam: V, H; Momentum:
// V), and returns the updated tensors grouped the same way (X1_new..Xn_new, then the new
// accumulators). Every update is elementwise over a group's shape, so each group becomes
// one krnl nest over the dims of its X that reads one element of each input and writes
// one element of each output. The per-run factors that depend only on R and T (Adagrad's
// decayed rate, Adam's bias correction, Momentum's first-step gradient weight) are
// computed once, before the nests.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace omc {
namespace {

// The one element of the scalar-like buffer `buffer` (rank 0, or every dim 1).
Value loadScalar(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> zeros;
  if (type.getRank() > 0)
    zeros.assign(type.getRank(), indexConstant(b, loc, 0));
  return krnl::LoadOp::create(b, loc, buffer, zeros);
}

bool isScalarLike(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && llvm::all_of(type.getShape(), [](int64_t d) { return d == 1; });
}

// Computes, for one element, the outputs of a group from its inputs (all in the
// compute type, ordered as the op orders the kinds).
using ElementUpdate =
    llvm::function_ref<void(OpBuilder &, Location, ArrayRef<Value>, SmallVectorImpl<Value> &)>;

// What the three optimizers share: checks the operand layout, reads R and T, and runs
// one nest per group calling `update` per element. `prologue` computes the per-run
// values from R (in the compute type) and T (i64) before the nests.
LogicalResult lowerOptimizer(
    Operation *op, ValueRange operands, const TypeConverter *converter,
    ConversionPatternRewriter &rewriter, int64_t inputKinds, int64_t outputKinds,
    llvm::function_ref<void(OpBuilder &, Location, Value r, Value t)> prologue,
    ElementUpdate update) {
  Location loc = op->getLoc();
  Value rBuffer = operands[0], tBuffer = operands[1];
  ValueRange inputs = operands.drop_front(2);
  if (!isScalarLike(rBuffer) || !isScalarLike(tBuffer))
    return rewriter.notifyMatchFailure(op, "R and T must be scalars (one element)");
  if (inputs.empty() || inputs.size() % inputKinds != 0)
    return rewriter.notifyMatchFailure(
        op, "the optimized inputs must be " + std::to_string(inputKinds) +
                " equally long groups (X..., G..., and the accumulators)");
  int64_t groups = inputs.size() / inputKinds;
  if (static_cast<int64_t>(op->getNumResults()) != groups * outputKinds)
    return rewriter.notifyMatchFailure(
        op, "expects " + std::to_string(outputKinds) + " outputs per optimized tensor");

  // Every tensor of a group must have its X's shape: the update is elementwise.
  SmallVector<MemRefType> resultTypes;
  for (int64_t g = 0; g < groups; ++g) {
    auto xType = dyn_cast<MemRefType>(inputs[g].getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "the optimized tensors must be ranked");
    auto sameShape = [&](Type type) {
      auto other = dyn_cast<MemRefType>(type);
      if (!other || other.getRank() != xType.getRank())
        return false;
      for (auto [a, b] : llvm::zip(other.getShape(), xType.getShape()))
        if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
          return false;
      return true;
    };
    for (int64_t k = 1; k < inputKinds; ++k)
      if (!sameShape(inputs[k * groups + g].getType()))
        return rewriter.notifyMatchFailure(
            op, "each gradient and accumulator must have the shape of its X");
    for (int64_t k = 0; k < outputKinds; ++k) {
      MemRefType type = convertedResult(converter, op->getResult(k * groups + g));
      if (!type || !sameShape(type))
        return rewriter.notifyMatchFailure(
            op, "each output must be ranked with the shape of its X");
      resultTypes.push_back(type);
    }
  }

  Type computeType = floatComputeType(cast<MemRefType>(inputs[0].getType()).getElementType());
  Value r = castFloat(rewriter, loc, loadScalar(rewriter, loc, rBuffer), computeType);
  Value t = loadScalar(rewriter, loc, tBuffer);
  prologue(rewriter, loc, r, t);

  SmallVector<Value> results(op->getNumResults());
  for (int64_t g = 0; g < groups; ++g) {
    SmallVector<Value> dims = getDims(rewriter, loc, inputs[g]);
    SmallVector<Value> outs;
    for (int64_t k = 0; k < outputKinds; ++k) {
      Value buffer = allocBuffer(rewriter, loc, resultTypes[g * outputKinds + k], dims);
      results[k * groups + g] = buffer;
      outs.push_back(buffer);
    }
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> values;
      for (int64_t k = 0; k < inputKinds; ++k)
        values.push_back(castFloat(
            b, loc, krnl::LoadOp::create(b, loc, inputs[k * groups + g], ivs), computeType));
      SmallVector<Value> updated;
      update(b, loc, values, updated);
      for (int64_t k = 0; k < outputKinds; ++k) {
        Type element = cast<MemRefType>(outs[k].getType()).getElementType();
        krnl::StoreOp::create(b, loc, castFloat(b, loc, updated[k], element), outs[k], ivs);
      }
    });
  }
  rewriter.replaceOp(op, results);
  return success();
}

Value cst(OpBuilder &b, Location loc, Value like, double value) {
  return constantOf(b, loc, like.getType(), value);
}

// norm_coefficient * x + g: the gradient with the L2 regularization term's added.
Value regularized(OpBuilder &b, Location loc, Value x, Value g, double norm) {
  if (norm == 0)
    return g;
  return arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, cst(b, loc, x, norm), x),
                               g);
}

// Adagrad: r' = R / (1 + T * decay_factor); g' = norm * x + g; h' = h + g'^2;
// x' = x - r' * g' / (sqrt(h') + epsilon).
struct AdagradLowering : OpConversionPattern<onnx::TrainingAdagradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TrainingAdagradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    double decay = op.getDecayFactor().convertToDouble();
    double epsilon = op.getEpsilon().convertToDouble();
    double norm = op.getNormCoefficient().convertToDouble();
    Value rate;
    return lowerOptimizer(
        op, adaptor.getOperands(), getTypeConverter(), rewriter, /*inputKinds=*/3,
        /*outputKinds=*/2,
        [&](OpBuilder &b, Location loc, Value r, Value t) {
          Value tf = arith::SIToFPOp::create(b, loc, r.getType(), t);
          Value denom = arith::AddFOp::create(
              b, loc, cst(b, loc, r, 1), arith::MulFOp::create(b, loc, tf, cst(b, loc, r, decay)));
          rate = arith::DivFOp::create(b, loc, r, denom);
        },
        [&](OpBuilder &b, Location loc, ArrayRef<Value> in, SmallVectorImpl<Value> &out) {
          Value x = in[0], g = regularized(b, loc, in[0], in[1], norm), h = in[2];
          Value hNew = arith::AddFOp::create(b, loc, h, arith::MulFOp::create(b, loc, g, g));
          Value scale = arith::AddFOp::create(b, loc, math::SqrtOp::create(b, loc, hNew),
                                              cst(b, loc, x, epsilon));
          Value step = arith::DivFOp::create(b, loc, arith::MulFOp::create(b, loc, rate, g), scale);
          out.push_back(arith::SubFOp::create(b, loc, x, step));
          out.push_back(hNew);
        });
  }
};

// Adam: g' = norm * x + g; v' = alpha * v + (1 - alpha) * g'; h' = beta * h + (1 - beta) * g'^2;
// r' = R * sqrt(1 - beta^T) / (1 - alpha^T) when T > 0, else R;
// x' = (1 - norm_post) * (x - r' * v' / (sqrt(h') + epsilon)).
struct AdamLowering : OpConversionPattern<onnx::TrainingAdamOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TrainingAdamOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    double epsilon = op.getEpsilon().convertToDouble();
    double norm = op.getNormCoefficient().convertToDouble();
    double normPost = op.getNormCoefficientPost().convertToDouble();
    Value rate;
    return lowerOptimizer(
        op, adaptor.getOperands(), getTypeConverter(), rewriter, /*inputKinds=*/4,
        /*outputKinds=*/3,
        [&](OpBuilder &b, Location loc, Value r, Value t) {
          // Bias correction of both moments, folded into the rate; none before the first step.
          Value tf = arith::SIToFPOp::create(b, loc, r.getType(), t);
          Value one = cst(b, loc, r, 1);
          Value alphaT = math::PowFOp::create(b, loc, cst(b, loc, r, alpha), tf);
          Value betaT = math::PowFOp::create(b, loc, cst(b, loc, r, beta), tf);
          Value corrected = arith::DivFOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, r, math::SqrtOp::create(b, loc, arith::SubFOp::create(b, loc, one, betaT))),
              arith::SubFOp::create(b, loc, one, alphaT));
          Value positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, t,
                                                 constantOf(b, loc, t.getType(), 0));
          rate = arith::SelectOp::create(b, loc, positive, corrected, r);
        },
        [&](OpBuilder &b, Location loc, ArrayRef<Value> in, SmallVectorImpl<Value> &out) {
          Value x = in[0], g = regularized(b, loc, in[0], in[1], norm), v = in[2], h = in[3];
          Value vNew = arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, cst(b, loc, x, alpha), v),
              arith::MulFOp::create(b, loc, cst(b, loc, x, 1 - alpha), g));
          Value hNew = arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, cst(b, loc, x, beta), h),
              arith::MulFOp::create(b, loc, cst(b, loc, x, 1 - beta),
                                    arith::MulFOp::create(b, loc, g, g)));
          Value scale = arith::AddFOp::create(b, loc, math::SqrtOp::create(b, loc, hNew),
                                              cst(b, loc, x, epsilon));
          Value step =
              arith::MulFOp::create(b, loc, rate, arith::DivFOp::create(b, loc, vNew, scale));
          Value xNew = arith::SubFOp::create(b, loc, x, step);
          if (normPost != 0)
            xNew = arith::MulFOp::create(b, loc, cst(b, loc, x, 1 - normPost), xNew);
          out.push_back(xNew);
          out.push_back(vNew);
          out.push_back(hNew);
        });
  }
};

// Momentum: g' = norm * x + g; v' = alpha * v + beta' * g' with beta' = beta when T > 0,
// else 1; standard: x' = x - R * v'; nesterov: x' = x - R * (g' + alpha * v').
struct MomentumLowering : OpConversionPattern<onnx::TrainingMomentumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TrainingMomentumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    StringRef mode = op.getMode();
    if (mode != "standard" && mode != "nesterov")
      return rewriter.notifyMatchFailure(
          op, "mode must be \"standard\" or \"nesterov\", not \"" + mode.str() + "\"");
    bool nesterov = mode == "nesterov";
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    double norm = op.getNormCoefficient().convertToDouble();
    Value rate, gradWeight;
    return lowerOptimizer(
        op, adaptor.getOperands(), getTypeConverter(), rewriter, /*inputKinds=*/3,
        /*outputKinds=*/2,
        [&](OpBuilder &b, Location loc, Value r, Value t) {
          rate = r;
          // The first step (T == 0) takes the gradient whole.
          Value positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, t,
                                                 constantOf(b, loc, t.getType(), 0));
          gradWeight =
              arith::SelectOp::create(b, loc, positive, cst(b, loc, r, beta), cst(b, loc, r, 1));
        },
        [&](OpBuilder &b, Location loc, ArrayRef<Value> in, SmallVectorImpl<Value> &out) {
          Value x = in[0], g = regularized(b, loc, in[0], in[1], norm), v = in[2];
          Value vNew = arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, cst(b, loc, x, alpha), v),
              arith::MulFOp::create(b, loc, gradWeight, g));
          Value direction = vNew;
          if (nesterov)
            direction = arith::AddFOp::create(
                b, loc, g, arith::MulFOp::create(b, loc, cst(b, loc, x, alpha), vNew));
          out.push_back(
              arith::SubFOp::create(b, loc, x, arith::MulFOp::create(b, loc, rate, direction)));
          out.push_back(vNew);
        });
  }
};

} // namespace

void populateTrainingPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<AdagradLowering, AdamLowering, MomentumLowering>(converter,
                                                                patterns.getContext());
}

} // namespace omc
