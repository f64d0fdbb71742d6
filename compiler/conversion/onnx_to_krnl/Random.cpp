//===- Random.cpp - RandomUniform, RandomNormal, Bernoulli, Multinomial -> krnl ===//
//
// Random tensors, element by element: each element's number comes from a key made of
// the op's salt and the element's position (Random.h), so the values are the same
// whatever order the loops run in. Normal numbers come from two uniform ones by the
// Box-Muller transform; Multinomial draws a class by walking the cumulative
// probabilities of its row.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Random.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>

using namespace mlir;

namespace omc {

namespace {
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL; // 2^64 / phi: spreads small integers

Value i64Constant(OpBuilder &b, Location loc, uint64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(static_cast<int64_t>(value)));
}
} // namespace

Value randomSalt(OpBuilder &builder, Operation *op, std::optional<uint64_t> seed) {
  Location loc = op->getLoc();
  if (seed)
    return i64Constant(builder, loc, (*seed + 1) * kGolden);
  // A private mutable global per op, created detached and then placed and renamed by the
  // module's symbol table so that several random ops get distinct counters.
  auto module = op->getParentOfType<ModuleOp>();
  Type i64 = builder.getI64Type();
  auto type = MemRefType::get({}, i64);
  OpBuilder detached(builder.getContext());
  auto counter = memref::GlobalOp::create(
      detached, loc, "omc_random_calls", detached.getStringAttr("private"), type,
      DenseElementsAttr::get(RankedTensorType::get({}, i64), static_cast<int64_t>(0)),
      /*constant=*/false, /*alignment=*/IntegerAttr());
  SymbolTable(module).insert(counter, module.getBody()->begin());
  Value state = memref::GetGlobalOp::create(builder, loc, type, counter.getSymName());
  Value calls = memref::AtomicRMWOp::create(builder, loc, arith::AtomicRMWKind::addi,
                                            i64Constant(builder, loc, 1), state, ValueRange{});
  // The counter tells the runs of one loaded model apart; the counter's address, which
  // address-space randomization moves in every process, tells processes apart.
  Value address = arith::IndexCastOp::create(
      builder, loc, i64, memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, builder.getIndexType(), state));
  Value mixed = arith::MulIOp::create(builder, loc, calls, i64Constant(builder, loc, kGolden));
  address = arith::MulIOp::create(builder, loc, address,
                                  i64Constant(builder, loc, 0xD1B54A32D192ED03ULL));
  return arith::XOrIOp::create(builder, loc, mixed, address);
}

Value linearIndex(OpBuilder &b, Location loc, ValueRange ivs, ValueRange dims) {
  Value linear = indexConstant(b, loc, 0);
  for (auto [iv, dim] : llvm::zip(ivs, dims))
    linear = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, linear, dim), iv);
  return linear;
}

Value randomKey(OpBuilder &b, Location loc, Value salt, Value linear, int64_t stream,
                int64_t streams) {
  Value key = arith::IndexCastOp::create(b, loc, b.getI64Type(), linear);
  if (streams > 1)
    key = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, key, i64Constant(b, loc, streams)),
        i64Constant(b, loc, stream));
  return arith::AddIOp::create(b, loc, key, salt);
}

Value uniformOf(OpBuilder &b, Location loc, Value key) {
  auto mix = [&](Value z, int64_t shift, uint64_t factor) {
    Value shifted = arith::ShRUIOp::create(b, loc, z, i64Constant(b, loc, shift));
    return arith::MulIOp::create(b, loc, arith::XOrIOp::create(b, loc, z, shifted),
                                 i64Constant(b, loc, factor));
  };
  Value z = mix(key, 30, 0xBF58476D1CE4E5B9ULL);
  z = mix(z, 27, 0x94D049BB133111EBULL);
  z = arith::XOrIOp::create(b, loc, z, arith::ShRUIOp::create(b, loc, z, i64Constant(b, loc, 31)));
  Value top = arith::ShRUIOp::create(b, loc, z, i64Constant(b, loc, 40));
  Value u = arith::UIToFPOp::create(b, loc, b.getF32Type(), top);
  return arith::MulFOp::create(b, loc, u, constantOf(b, loc, b.getF32Type(), 0x1p-24));
}

namespace {

std::optional<uint64_t> seedBits(std::optional<APFloat> seed) {
  if (!seed)
    return std::nullopt;
  return llvm::bit_cast<uint32_t>(seed->convertToFloat());
}

// The value of one element of a random float tensor, in f32, from its key maker.
using Draw = llvm::function_ref<Value(OpBuilder &, Location, llvm::function_ref<Value(int64_t)>)>;

// A new buffer of `type` and `dims` whose every element is `draw`n, converted to the
// element type. `streams` keys are made per element.
Value randomTensor(OpBuilder &b, Location loc, MemRefType type, ValueRange dims, Value salt,
                   int64_t streams, Draw draw) {
  Value result = allocBuffer(b, loc, type, dims);
  buildLoopNest(b, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value linear = linearIndex(b, loc, ivs, dims);
    Value value = draw(b, loc, [&](int64_t stream) {
      return randomKey(b, loc, salt, linear, stream, streams);
    });
    krnl::StoreOp::create(b, loc, castFloat(b, loc, value, type.getElementType()), result, ivs);
  });
  return result;
}

Value uniformDraw(OpBuilder &b, Location loc, llvm::function_ref<Value(int64_t)> key, double low,
                  double high) {
  Type f32 = b.getF32Type();
  Value u = uniformOf(b, loc, key(0));
  return arith::AddFOp::create(
      b, loc, constantOf(b, loc, f32, low),
      arith::MulFOp::create(b, loc, u, constantOf(b, loc, f32, high - low)));
}

// Box-Muller: sqrt(-2 ln(1 - u1)) cos(2 pi u2) is standard normal (1 - u1 is in (0, 1]).
Value normalDraw(OpBuilder &b, Location loc, llvm::function_ref<Value(int64_t)> key, double mean,
                 double scale) {
  Type f32 = b.getF32Type();
  Value one = constantOf(b, loc, f32, 1);
  Value u1 = arith::SubFOp::create(b, loc, one, uniformOf(b, loc, key(0)));
  Value u2 = uniformOf(b, loc, key(1));
  Value radius = math::SqrtOp::create(
      b, loc, arith::MulFOp::create(b, loc, constantOf(b, loc, f32, -2),
                                    math::LogOp::create(b, loc, u1)));
  Value angle = arith::MulFOp::create(b, loc, constantOf(b, loc, f32, 2 * M_PI), u2);
  Value z = arith::MulFOp::create(b, loc, radius, math::CosOp::create(b, loc, angle));
  return arith::AddFOp::create(b, loc, constantOf(b, loc, f32, mean),
                               arith::MulFOp::create(b, loc, z, constantOf(b, loc, f32, scale)));
}

// The dims of a result whose shape is the `shape` attribute (all static).
SmallVector<Value> staticDims(OpBuilder &b, Location loc, MemRefType type) {
  SmallVector<Value> dims;
  for (int64_t size : type.getShape())
    dims.push_back(indexConstant(b, loc, size));
  return dims;
}

// RandomUniform / RandomNormal (shape from the attribute) and their Like forms (shape
// from the input). Only float results: ONNX allows nothing else.
template <typename Op, bool IsNormal, bool IsLike>
struct RandomLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;

  LogicalResult matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType type = convertedResult(this->getTypeConverter(), op.getOutput());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float result");
    SmallVector<Value> dims;
    if constexpr (IsLike) {
      if (!isa<MemRefType>(adaptor.getInput().getType()))
        return rewriter.notifyMatchFailure(op, "needs a ranked input");
      dims = getDims(rewriter, loc, adaptor.getInput());
    } else {
      if (!type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "needs the shape attribute's static shape");
      dims = staticDims(rewriter, loc, type);
    }
    Value salt = randomSalt(rewriter, op, seedBits(op.getSeed()));
    Value result;
    if constexpr (IsNormal) {
      double mean = op.getMean().convertToDouble(), scale = op.getScale().convertToDouble();
      result = randomTensor(rewriter, loc, type, dims, salt, 2,
                            [&](OpBuilder &b, Location loc, auto key) {
                              return normalDraw(b, loc, key, mean, scale);
                            });
    } else {
      double low = op.getLow().convertToDouble(), high = op.getHigh().convertToDouble();
      result = randomTensor(rewriter, loc, type, dims, salt, 1,
                            [&](OpBuilder &b, Location loc, auto key) {
                              return uniformDraw(b, loc, key, low, high);
                            });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// output = 1 with probability input, else 0, in the result's element type.
struct BernoulliLowering : OpConversionPattern<onnx::BernoulliOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::BernoulliOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    MemRefType type = convertedResult(getTypeConverter(), op.getOutput());
    auto inputType = dyn_cast<MemRefType>(input.getType());
    if (!type || !inputType)
      return rewriter.notifyMatchFailure(op, "needs a ranked input and result");
    Type element = type.getElementType();
    if (!element.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "needs a numeric or bool result");
    // Compare in the probabilities' precision (f16 widened to f32).
    Type compute = floatComputeType(inputType.getElementType());
    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value salt = randomSalt(rewriter, op, seedBits(op.getSeed()));
    Value result = allocBuffer(rewriter, loc, type, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value p = castFloat(b, loc, krnl::LoadOp::create(b, loc, input, ivs), compute);
      Value key = randomKey(b, loc, salt, linearIndex(b, loc, ivs, dims));
      Value u = castFloat(b, loc, uniformOf(b, loc, key), compute);
      Value hit = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, u, p);
      Value value = hit;
      if (isa<FloatType>(element))
        value = arith::UIToFPOp::create(b, loc, element, hit);
      else if (element.getIntOrFloatBitWidth() > 1)
        value = arith::ExtUIOp::create(b, loc, element, hit);
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// input [batch, classes] holds unnormalized log-probabilities; output [batch, samples]
// the drawn classes: the first class whose cumulative exp(x - max) exceeds u * total.
struct MultinomialLowering : OpConversionPattern<onnx::MultinomialOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MultinomialOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    MemRefType type = convertedResult(getTypeConverter(), op.getOutput());
    auto inputType = dyn_cast<MemRefType>(input.getType());
    if (!type || !inputType || inputType.getRank() != 2 || type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs a [batch, classes] input");
    Type compute = floatComputeType(inputType.getElementType());
    Type element = type.getElementType();
    SmallVector<Value> inDims = getDims(rewriter, loc, input);
    Value batch = inDims[0], classes = inDims[1];
    Value samples = indexConstant(rewriter, loc, op.getSampleSize());
    Value salt = randomSalt(rewriter, op, seedBits(op.getSeed()));
    Value result = allocBuffer(rewriter, loc, type, {batch, samples});
    // Per-row scratch scalars: the running maximum, total, cumulative sum and choice.
    auto scalar = [&](Type t) {
      return memref::AllocaOp::create(rewriter, loc, MemRefType::get({}, t)).getResult();
    };
    Value maxBuf = scalar(compute), totalBuf = scalar(compute), sumBuf = scalar(compute);
    Value choiceBuf = scalar(rewriter.getIndexType());
    Value lowest = constantOf(rewriter, loc, compute, -INFINITY);
    Value zero = constantOf(rewriter, loc, compute, 0);
    auto read = [&](OpBuilder &b, Location loc, Value row, Value c) {
      return castFloat(b, loc, krnl::LoadOp::create(b, loc, input, ValueRange{row, c}), compute);
    };
    buildLoopNest(rewriter, loc, {batch, samples}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value row = ivs[0];
      krnl::StoreOp::create(b, loc, lowest, maxBuf, ValueRange{});
      buildLoopNest(b, loc, classes, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value m = krnl::LoadOp::create(b, loc, maxBuf, ValueRange{});
        krnl::StoreOp::create(b, loc, arith::MaximumFOp::create(b, loc, m, read(b, loc, row, c[0])),
                              maxBuf, ValueRange{});
      });
      Value max = krnl::LoadOp::create(b, loc, maxBuf, ValueRange{});
      auto weight = [&](OpBuilder &b, Location loc, Value c) {
        return math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, read(b, loc, row, c), max));
      };
      krnl::StoreOp::create(b, loc, zero, totalBuf, ValueRange{});
      buildLoopNest(b, loc, classes, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value t = krnl::LoadOp::create(b, loc, totalBuf, ValueRange{});
        krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, t, weight(b, loc, c[0])),
                              totalBuf, ValueRange{});
      });
      Value key = randomKey(b, loc, salt, linearIndex(b, loc, ivs, {batch, samples}));
      Value u = castFloat(b, loc, uniformOf(b, loc, key), compute);
      Value target = arith::MulFOp::create(b, loc, u,
                                           krnl::LoadOp::create(b, loc, totalBuf, ValueRange{}));
      // The last class unless an earlier one's cumulative sum passes the target first
      // (rounding can leave the final sum just below u * total).
      Value last = arith::SubIOp::create(b, loc, classes, indexConstant(b, loc, 1));
      krnl::StoreOp::create(b, loc, last, choiceBuf, ValueRange{});
      krnl::StoreOp::create(b, loc, zero, sumBuf, ValueRange{});
      buildLoopNest(b, loc, classes, [&](OpBuilder &b, Location loc, ValueRange c) {
        Value before = krnl::LoadOp::create(b, loc, sumBuf, ValueRange{});
        Value after = arith::AddFOp::create(b, loc, before, weight(b, loc, c[0]));
        krnl::StoreOp::create(b, loc, after, sumBuf, ValueRange{});
        Value first = arith::AndIOp::create(
            b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, before, target),
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, after, target));
        Value chosen = krnl::LoadOp::create(b, loc, choiceBuf, ValueRange{});
        krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, first, c[0], chosen),
                              choiceBuf, ValueRange{});
      });
      Value choice = krnl::LoadOp::create(b, loc, choiceBuf, ValueRange{});
      krnl::StoreOp::create(b, loc, arith::IndexCastOp::create(b, loc, element, choice), result,
                            ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateRandomPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<RandomLowering<onnx::RandomUniformOp, false, false>,
               RandomLowering<onnx::RandomUniformLikeOp, false, true>,
               RandomLowering<onnx::RandomNormalOp, true, false>,
               RandomLowering<onnx::RandomNormalLikeOp, true, true>, BernoulliLowering,
               MultinomialLowering>(converter, patterns.getContext());
}

} // namespace omc
