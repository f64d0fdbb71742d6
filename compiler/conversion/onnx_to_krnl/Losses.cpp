//===- Losses.cpp - NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss, Det -> krnl ===//
//
// The losses gather one log-probability per sample: for sample (n, d1..dk) with class
// t = target[n, d1..dk], the weight is w = weight[t] (1 without weights), 0 where t is
// ignore_index, and the loss is -w * logp[n, t, d1..dk]. `none` stores those; `sum`
// adds them; `mean` divides that sum by the sum of the weights, which is the sample
// count when no sample is weighted or ignored (as the ONNX reference does).
// SoftmaxCrossEntropyLoss first writes log-softmax over axis 1 into its log_prob
// output (or a scratch buffer) and then is that NLL loss.
//
// Det factors a scratch copy of each matrix by Gaussian elimination with partial
// pivoting: the determinant is the product of the pivots, negated once per row swap.
// Loops whose bounds depend on the pivot step become scf.for below krnl; the pivot
// row is data dependent, so it is read through a rank-0 buffer.
//
// Half-precision inputs accumulate in f32.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

Value loadScalar(OpBuilder &b, Location loc, Value buffer) {
  return krnl::LoadOp::create(b, loc, buffer, ValueRange{});
}

void storeScalar(OpBuilder &b, Location loc, Value value, Value buffer) {
  krnl::StoreOp::create(b, loc, value, buffer, ValueRange{});
}

// One krnl loop from `lower` to `upper` (buildLoopNest starts at 0).
void buildLoop(OpBuilder &b, Location loc, Value lower, Value upper,
               function_ref<void(OpBuilder &, Location, Value)> body) {
  auto loops = krnl::DefineLoopsOp::create(b, loc, 1);
  krnl::IterateOp::create(b, loc, loops.getResults(), ValueRange{lower}, ValueRange{upper},
                          [&](OpBuilder &b, Location loc, ValueRange ivs) { body(b, loc, ivs[0]); });
}

// Whether NLL over `logp` [N, C, d1..dk] and `target` [N, d1..dk] with `weight`
// [C] (null when absent) fits; checked before any IR is built.
LogicalResult checkNLL(ConversionPatternRewriter &rewriter, Operation *op, MemRefType logpType,
                       Value target, Value weight, StringRef reduction, MemRefType resultType) {
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return rewriter.notifyMatchFailure(op, "reduction must be none, sum or mean");
  auto targetType = dyn_cast<MemRefType>(target.getType());
  int64_t lossRank = reduction == "none" ? logpType.getRank() - 1 : 0;
  if (logpType.getRank() < 2 || !targetType || targetType.getRank() != logpType.getRank() - 1 ||
      resultType.getRank() != lossRank)
    return rewriter.notifyMatchFailure(
        op, "needs input [N, C, d1..dk], target [N, d1..dk] and a loss of the target's shape "
            "(reduction none) or a scalar");
  auto weightType = weight ? dyn_cast<MemRefType>(weight.getType()) : MemRefType();
  if (weight && (!weightType || weightType.getRank() != 1))
    return rewriter.notifyMatchFailure(op, "weight must be a 1-D tensor [C]");
  return success();
}

// The loss of `logp` (log-probabilities) against `target`, as checkNLL allows.
Value lowerNLL(ConversionPatternRewriter &rewriter, Location loc, Value logp, Value target,
               Value weight, std::optional<int64_t> ignoreIndex, StringRef reduction,
               MemRefType resultType) {
  bool reduce = reduction != "none";
  Type element = resultType.getElementType(), compute = floatComputeType(element);
  SmallVector<Value> sampleDims = getDims(rewriter, loc, target);
  Value lastClass = arith::SubIOp::create(rewriter, loc, getDims(rewriter, loc, logp)[1],
                                          arith::ConstantIndexOp::create(rewriter, loc, 1));
  Value result = reduce ? allocBuffer(rewriter, loc, resultType, {})
                        : allocBuffer(rewriter, loc, resultType, sampleDims);
  Value lossSum, weightSum;
  if (reduce) {
    auto scalar = MemRefType::get({}, compute);
    lossSum = memref::AllocaOp::create(rewriter, loc, scalar);
    weightSum = memref::AllocaOp::create(rewriter, loc, scalar);
    storeScalar(rewriter, loc, constantOf(rewriter, loc, compute, 0), lossSum);
    storeScalar(rewriter, loc, constantOf(rewriter, loc, compute, 0), weightSum);
  }

  buildLoopNest(rewriter, loc, sampleDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value t = krnl::LoadOp::create(b, loc, target, ivs);
    if (t.getType() != b.getI64Type())
      t = arith::ExtSIOp::create(b, loc, b.getI64Type(), t);
    Value ignored; // null without ignore_index
    if (ignoreIndex)
      ignored = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t,
                                      constantOf(b, loc, b.getI64Type(), *ignoreIndex));
    // Clamped, so that ignored (or invalid) classes never read out of bounds.
    Value c = arith::IndexCastOp::create(b, loc, b.getIndexType(), t);
    c = arith::MaxSIOp::create(b, loc, c, arith::ConstantIndexOp::create(b, loc, 0));
    c = arith::MinSIOp::create(b, loc, c, lastClass);

    Value zero = constantOf(b, loc, compute, 0);
    Value w = weight ? castFloat(b, loc, krnl::LoadOp::create(b, loc, weight, ValueRange{c}),
                                 compute)
                     : constantOf(b, loc, compute, 1);
    if (ignored)
      w = arith::SelectOp::create(b, loc, ignored, zero, w);
    SmallVector<Value> at(ivs);
    at.insert(at.begin() + 1, c);
    Value x = castFloat(b, loc, krnl::LoadOp::create(b, loc, logp, at), compute);
    Value loss = arith::NegFOp::create(b, loc, arith::MulFOp::create(b, loc, w, x));
    // An ignored sample contributes 0 even where its (clamped) read is infinite.
    if (ignored)
      loss = arith::SelectOp::create(b, loc, ignored, zero, loss);
    if (!reduce) {
      krnl::StoreOp::create(b, loc, castFloat(b, loc, loss, element), result, ivs);
      return;
    }
    storeScalar(b, loc, arith::AddFOp::create(b, loc, loadScalar(b, loc, lossSum), loss), lossSum);
    storeScalar(b, loc, arith::AddFOp::create(b, loc, loadScalar(b, loc, weightSum), w), weightSum);
  });

  if (reduce) {
    Value total = loadScalar(rewriter, loc, lossSum);
    if (reduction == "mean")
      total = arith::DivFOp::create(rewriter, loc, total, loadScalar(rewriter, loc, weightSum));
    storeScalar(rewriter, loc, castFloat(rewriter, loc, total, element), result);
  }
  return result;
}

// The converted type of an optional operand: null when it is absent.
Value present(Value operand) { return isa<NoneType>(operand.getType()) ? Value() : operand; }

struct NLLLossLowering : OpConversionPattern<onnx::NegativeLogLikelihoodLossOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::NegativeLogLikelihoodLossOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<MemRefType>(adaptor.getInput().getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getLoss());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked input and loss types");
    Value weight = present(adaptor.getWeight());
    if (failed(checkNLL(rewriter, op, inputType, adaptor.getTarget(), weight, op.getReduction(),
                        resultType)))
      return failure();
    rewriter.replaceOp(op, lowerNLL(rewriter, op.getLoc(), adaptor.getInput(), adaptor.getTarget(),
                                    weight, op.getIgnoreIndex(), op.getReduction(), resultType));
    return success();
  }
};

struct SoftmaxCrossEntropyLossLowering : OpConversionPattern<onnx::SoftmaxCrossEntropyLossOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SoftmaxCrossEntropyLossOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value scores = adaptor.getScores();
    auto scoresType = dyn_cast<MemRefType>(scores.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!scoresType || !resultType || scoresType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs ranked scores [N, C, ...] and loss types");
    bool wantLogProb = !isa<NoneType>(op.getLogProb().getType());
    auto logProbType = scoresType;
    if (wantLogProb) {
      logProbType = convertedResult(getTypeConverter(), op.getLogProb());
      if (!logProbType || logProbType.getRank() != scoresType.getRank())
        return rewriter.notifyMatchFailure(op, "log_prob needs the scores' shape");
    }
    Value weights = present(adaptor.getWeights());
    if (failed(checkNLL(rewriter, op, scoresType, adaptor.getLabels(), weights, op.getReduction(),
                        resultType)))
      return failure();

    // log_prob = x - max - log(sum(exp(x - max))) along the classes.
    Type element = scoresType.getElementType(), compute = floatComputeType(element);
    SmallVector<Value> dims = getDims(rewriter, loc, scores);
    Value logProb = allocBuffer(rewriter, loc, logProbType, dims);
    auto scalar = MemRefType::get({}, compute);
    Value maxBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    Value sumBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    SmallVector<Value> outerDims(dims);
    outerDims.erase(outerDims.begin() + 1);
    buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
      auto at = [&](Value c) {
        SmallVector<Value> index(outer);
        index.insert(index.begin() + 1, c);
        return index;
      };
      auto score = [&](OpBuilder &b, Location loc, Value c) {
        return castFloat(b, loc, krnl::LoadOp::create(b, loc, scores, at(c)), compute);
      };
      storeScalar(b, loc, constantOf(b, loc, compute, -INFINITY), maxBuf);
      storeScalar(b, loc, constantOf(b, loc, compute, 0), sumBuf);
      buildLoopNest(b, loc, {dims[1]}, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value max = arith::MaximumFOp::create(b, loc, loadScalar(b, loc, maxBuf), score(b, loc, c[0]));
        storeScalar(b, loc, max, maxBuf);
      });
      buildLoopNest(b, loc, {dims[1]}, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value shifted = arith::SubFOp::create(b, loc, score(b, loc, c[0]), loadScalar(b, loc, maxBuf));
        Value sum = arith::AddFOp::create(b, loc, loadScalar(b, loc, sumBuf),
                                          math::ExpOp::create(b, loc, shifted));
        storeScalar(b, loc, sum, sumBuf);
      });
      buildLoopNest(b, loc, {dims[1]}, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value shifted = arith::SubFOp::create(b, loc, score(b, loc, c[0]), loadScalar(b, loc, maxBuf));
        Value value = arith::SubFOp::create(b, loc, shifted,
                                            math::LogOp::create(b, loc, loadScalar(b, loc, sumBuf)));
        krnl::StoreOp::create(b, loc, castFloat(b, loc, value, element), logProb, at(c[0]));
      });
    });

    Value loss = lowerNLL(rewriter, loc, logProb, adaptor.getLabels(), weights, op.getIgnoreIndex(),
                          op.getReduction(), resultType);
    Value second = wantLogProb ? logProb
                               : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType()));
    rewriter.replaceOp(op, {loss, second});
    return success();
  }
};

struct DetLowering : OpConversionPattern<onnx::DetOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::DetOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto type = dyn_cast<MemRefType>(x.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!type || !resultType || type.getRank() < 2 || resultType.getRank() != type.getRank() - 2)
      return rewriter.notifyMatchFailure(op, "needs X [*, M, M] and Y [*]");
    int64_t rank = type.getRank();
    int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
    if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(cols) && rows != cols)
      return rewriter.notifyMatchFailure(op, "the matrices must be square");

    Type element = type.getElementType(), compute = floatComputeType(element);
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value m = dims[rank - 1];
    SmallVector<Value> batchDims(dims.begin(), dims.end() - 2);
    Value result = allocBuffer(rewriter, loc, resultType, batchDims);
    // The scratch matrix, reused by every batch element.
    Value a = allocBuffer(rewriter, loc, MemRefType::get({cols, cols}, compute), {m, m});
    Value detBuf = memref::AllocaOp::create(rewriter, loc, MemRefType::get({}, compute));
    Value bestBuf = memref::AllocaOp::create(rewriter, loc, MemRefType::get({}, compute));
    Value pivotBuf =
        memref::AllocaOp::create(rewriter, loc, MemRefType::get({}, rewriter.getIndexType()));

    buildLoopNest(rewriter, loc, batchDims, [&](OpBuilder &b, Location loc, ValueRange batch) {
      buildLoopNest(b, loc, {m, m}, [&](OpBuilder &b, Location loc, ValueRange ij) {
        SmallVector<Value> from(batch);
        from.append(ij.begin(), ij.end());
        krnl::StoreOp::create(b, loc, castFloat(b, loc, krnl::LoadOp::create(b, loc, x, from), compute),
                              a, ij);
      });
      storeScalar(b, loc, constantOf(b, loc, compute, 1), detBuf);
      buildLoopNest(b, loc, {m}, [&](OpBuilder &b, Location loc, ValueRange kk) {
        Value k = kk[0];
        Value next = arith::AddIOp::create(b, loc, k, arith::ConstantIndexOp::create(b, loc, 1));
        auto absAt = [&](OpBuilder &b, Location loc, Value i) {
          return math::AbsFOp::create(b, loc, krnl::LoadOp::create(b, loc, a, ValueRange{i, k}));
        };
        // Partial pivoting: the row at or below k with the largest |a[i, k]|.
        storeScalar(b, loc, absAt(b, loc, k), bestBuf);
        storeScalar(b, loc, k, pivotBuf);
        buildLoop(b, loc, next, m, [&](OpBuilder &b, Location loc, Value i) {
          Value v = absAt(b, loc, i), best = loadScalar(b, loc, bestBuf);
          Value better = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, best);
          storeScalar(b, loc, arith::SelectOp::create(b, loc, better, v, best), bestBuf);
          storeScalar(b, loc, arith::SelectOp::create(b, loc, better, i, loadScalar(b, loc, pivotBuf)),
                      pivotBuf);
        });
        Value p = loadScalar(b, loc, pivotBuf);
        // Swap rows k and p (a no-op when p == k); columns before k are done with.
        buildLoop(b, loc, k, m, [&](OpBuilder &b, Location loc, Value j) {
          Value rowK = krnl::LoadOp::create(b, loc, a, ValueRange{k, j});
          Value rowP = krnl::LoadOp::create(b, loc, a, ValueRange{p, j});
          krnl::StoreOp::create(b, loc, rowP, a, ValueRange{k, j});
          krnl::StoreOp::create(b, loc, rowK, a, ValueRange{p, j});
        });
        Value pivot = krnl::LoadOp::create(b, loc, a, ValueRange{k, k});
        Value swapped = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, p, k);
        Value signedPivot =
            arith::SelectOp::create(b, loc, swapped, arith::NegFOp::create(b, loc, pivot), pivot);
        storeScalar(b, loc, arith::MulFOp::create(b, loc, loadScalar(b, loc, detBuf), signedPivot),
                    detBuf);
        // A zero pivot means a zero column: the determinant is 0 already, and the
        // factors are forced to 0 rather than divided by it.
        Value zero = constantOf(b, loc, compute, 0);
        Value singular = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, pivot, zero);
        buildLoop(b, loc, next, m, [&](OpBuilder &b, Location loc, Value i) {
          Value ratio =
              arith::DivFOp::create(b, loc, krnl::LoadOp::create(b, loc, a, ValueRange{i, k}), pivot);
          Value factor = arith::SelectOp::create(b, loc, singular, zero, ratio);
          buildLoop(b, loc, next, m, [&](OpBuilder &b, Location loc, Value j) {
            Value aij = krnl::LoadOp::create(b, loc, a, ValueRange{i, j});
            Value akj = krnl::LoadOp::create(b, loc, a, ValueRange{k, j});
            Value updated =
                arith::SubFOp::create(b, loc, aij, arith::MulFOp::create(b, loc, factor, akj));
            krnl::StoreOp::create(b, loc, updated, a, ValueRange{i, j});
          });
        });
      });
      krnl::StoreOp::create(b, loc, castFloat(b, loc, loadScalar(b, loc, detBuf), element), result,
                            batch);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateLossPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<NLLLossLowering, SoftmaxCrossEntropyLossLowering, DetLowering>(
      converter, patterns.getContext());
}

} // namespace omc
