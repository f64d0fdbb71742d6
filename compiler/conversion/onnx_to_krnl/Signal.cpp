//===- Signal.cpp - DFT, STFT, window functions, MelWeightMatrix -> krnl ----===//
//
// DFT and STFT are direct sums (O(n^2) per transformed line): for every output bin k,
// X[k] = sum_j x[j] * e^(-+2 pi i j k / n). The twiddles come from a table of the n
// values e^(2 pi i m / n), built once per op, read at m = (j * k) mod n, so every angle
// is reduced exactly in integers before it is turned into a float. Samples, twiddles
// and sums are f64 whatever the element type: in f32 a sum of a few hundred terms
// whose exact value is 0 comes out around 1e-4, far from ONNX's atol of 1e-7, and the
// f64 cos and sin (libm's) are exact to the last bit or so.
//
// The windows and MelWeightMatrix are sized by scalar inputs read when the model runs
// (or by the result type where static) and computed in f64 too, then converted to the
// result's element type.
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

bool isNone(Value value) { return isa<NoneType>(value.getType()); }

// The first element of an integer or float buffer of any rank (a scalar input).
Value loadScalar(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> first(type.getRank(), indexConstant(b, loc, 0));
  return krnl::LoadOp::create(b, loc, buffer, first);
}

// A scalar integer input as a non-negative index.
Value loadCount(OpBuilder &b, Location loc, Value buffer) {
  return arith::MaxSIOp::create(b, loc, toIndex(b, loc, loadScalar(b, loc, buffer)),
                                indexConstant(b, loc, 0));
}

// A scalar input of one element: rank 0, or all dims 1 where static.
bool isScalarBuffer(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && llvm::all_of(type.getShape(), [](int64_t d) { return d == 1; });
}

Value indexToF64(OpBuilder &b, Location loc, Value index) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, b.getF64Type(), i64);
}

Value f64(OpBuilder &b, Location loc, double value) {
  return constantOf(b, loc, b.getF64Type(), value);
}

// `value` (f64) as an element of `type`; integers truncate toward zero, as a cast does.
Value fromF64(OpBuilder &b, Location loc, Value value, Type type, bool isUnsigned) {
  if (isa<IntegerType>(type))
    return isUnsigned ? Value(arith::FPToUIOp::create(b, loc, type, value))
                      : Value(arith::FPToSIOp::create(b, loc, type, value));
  // 16-bit floats through f32: the bf16 expansion starts from f32, and x86 converts
  // f16 to and from f32 only (f64 <-> f16 would call compiler-rt, which a model
  // library cannot link).
  if (type.getIntOrFloatBitWidth() < 32)
    value = arith::TruncFOp::create(b, loc, b.getF32Type(), value);
  return castFloat(b, loc, value, type);
}

Value toF64(OpBuilder &b, Location loc, Value value) {
  if (value.getType().getIntOrFloatBitWidth() < 32)
    value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  return castFloat(b, loc, value, b.getF64Type());
}

// The size of result dim `d`: the result type's where static, else `computed`.
Value resultDim(OpBuilder &b, Location loc, MemRefType type, int64_t d, Value computed) {
  return type.isDynamicDim(d) ? computed : indexConstant(b, loc, type.getDimSize(d));
}

//===----------------------------------------------------------------------===//
// DFT and STFT
//===----------------------------------------------------------------------===//

// cos and sin of 2 pi m / n for m in [0, n), in two f64 buffers.
std::pair<Value, Value> buildTwiddles(OpBuilder &rb, Location loc, Value n) {
  auto tableType = MemRefType::get({ShapedType::kDynamic}, rb.getF64Type());
  Value cosTable = allocBuffer(rb, loc, tableType, {n});
  Value sinTable = allocBuffer(rb, loc, tableType, {n});
  Value nF = indexToF64(rb, loc, n);
  buildLoopNest(rb, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange m) {
    Value angle = arith::DivFOp::create(
        b, loc, arith::MulFOp::create(b, loc, f64(b, loc, 2 * M_PI), indexToF64(b, loc, m[0])),
        nF);
    krnl::StoreOp::create(b, loc, math::CosOp::create(b, loc, angle), cosTable, m);
    krnl::StoreOp::create(b, loc, math::SinOp::create(b, loc, angle), sinTable, m);
  });
  return {cosTable, sinTable};
}

// What one transform needs besides its samples.
struct Transform {
  Value n;                  // the DFT length
  Value cosTable, sinTable; // from buildTwiddles
  Value re, im;             // rank-0 f64 accumulators
  bool inverse;
};

// Bin `k` of the DFT of the `count` (<= n) first samples, the rest being zeros:
// `sample(j)` gives sample j as (re, im) in f64. Returns (re, im), scaled by 1/n
// for the inverse.
std::pair<Value, Value>
transformBin(OpBuilder &b, Location loc, const Transform &t, Value k, Value count,
             function_ref<std::pair<Value, Value>(OpBuilder &, Location, Value)> sample) {
  Value zero = f64(b, loc, 0);
  krnl::StoreOp::create(b, loc, zero, t.re, ValueRange{});
  krnl::StoreOp::create(b, loc, zero, t.im, ValueRange{});
  buildLoopNest(b, loc, {count}, [&](OpBuilder &b, Location loc, ValueRange j) {
    // The angle's multiple reduced in integers: j * k < n^2 fits an index.
    Value m = arith::RemUIOp::create(b, loc, arith::MulIOp::create(b, loc, j[0], k), t.n);
    Value c = krnl::LoadOp::create(b, loc, t.cosTable, m);
    Value s = krnl::LoadOp::create(b, loc, t.sinTable, m);
    auto [xr, xi] = sample(b, loc, j[0]);
    // Forward: (xr + i xi)(c - i s); inverse: (xr + i xi)(c + i s).
    Value rr = arith::MulFOp::create(b, loc, xr, c), ii = arith::MulFOp::create(b, loc, xi, s);
    Value ri = arith::MulFOp::create(b, loc, xr, s), ir = arith::MulFOp::create(b, loc, xi, c);
    Value re = t.inverse ? arith::SubFOp::create(b, loc, rr, ii).getResult()
                         : arith::AddFOp::create(b, loc, rr, ii).getResult();
    Value im = t.inverse ? arith::AddFOp::create(b, loc, ir, ri).getResult()
                         : arith::SubFOp::create(b, loc, ir, ri).getResult();
    Value accRe = krnl::LoadOp::create(b, loc, t.re, ValueRange{});
    Value accIm = krnl::LoadOp::create(b, loc, t.im, ValueRange{});
    krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, accRe, re), t.re, ValueRange{});
    krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, accIm, im), t.im, ValueRange{});
  });
  Value re = krnl::LoadOp::create(b, loc, t.re, ValueRange{});
  Value im = krnl::LoadOp::create(b, loc, t.im, ValueRange{});
  if (t.inverse) {
    Value nF = indexToF64(b, loc, t.n);
    re = arith::DivFOp::create(b, loc, re, nF);
    im = arith::DivFOp::create(b, loc, im, nF);
  }
  return {re, im};
}

Transform makeTransform(OpBuilder &b, Location loc, Value n, bool inverse) {
  auto [cosTable, sinTable] = buildTwiddles(b, loc, n);
  auto scalar = MemRefType::get({}, b.getF64Type());
  return {n, cosTable, sinTable, memref::AllocaOp::create(b, loc, scalar),
          memref::AllocaOp::create(b, loc, scalar), inverse};
}

// Sample (re, im) of a signal whose last dim holds 1 (real) or 2 (complex) values,
// at `at` without that last dim; `channels` is that dim's size.
std::pair<Value, Value> loadComplex(OpBuilder &b, Location loc, Value signal,
                                    SmallVector<Value> at, Value channels,
                                    std::optional<int64_t> staticChannels) {
  SmallVector<Value> reAt(at), imAt(at);
  reAt.push_back(indexConstant(b, loc, 0));
  Value re = toF64(b, loc, krnl::LoadOp::create(b, loc, signal, reAt));
  if (staticChannels && *staticChannels == 1)
    return {re, f64(b, loc, 0)};
  if (staticChannels) {
    imAt.push_back(indexConstant(b, loc, 1));
    return {re, toF64(b, loc, krnl::LoadOp::create(b, loc, signal, imAt))};
  }
  // Channels known only when the model runs: read the last one, keep it if there are 2.
  Value one = indexConstant(b, loc, 1);
  imAt.push_back(arith::MinSIOp::create(b, loc, arith::SubIOp::create(b, loc, channels, one), one));
  Value im = toF64(b, loc, krnl::LoadOp::create(b, loc, signal, imAt));
  Value complex = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, channels, one);
  return {re, arith::SelectOp::create(b, loc, complex, im, f64(b, loc, 0))};
}

// Checks the channel dims of a DFT or STFT: the input's is 1 or 2 (or dynamic), the
// result's 2; returns the input's where static.
FailureOr<std::optional<int64_t>> checkChannels(MemRefType input, MemRefType result) {
  int64_t in = input.getShape().back(), out = result.getShape().back();
  if (out != 2 && out != ShapedType::kDynamic)
    return failure();
  if (in == ShapedType::kDynamic)
    return std::optional<int64_t>();
  if (in != 1 && in != 2)
    return failure();
  return std::optional<int64_t>(in);
}

void storeComplex(OpBuilder &b, Location loc, std::pair<Value, Value> value, Value result,
                  ValueRange at) {
  Type element = cast<MemRefType>(result.getType()).getElementType();
  SmallVector<Value> reAt(at), imAt(at);
  reAt.push_back(indexConstant(b, loc, 0));
  imAt.push_back(indexConstant(b, loc, 1));
  krnl::StoreOp::create(b, loc, fromF64(b, loc, value.first, element, false), result, reAt);
  krnl::StoreOp::create(b, loc, fromF64(b, loc, value.second, element, false), result, imAt);
}

// Output bins of a transform of length n: n, or n/2 + 1 when onesided.
Value binCount(OpBuilder &b, Location loc, Value n, bool onesided) {
  if (!onesided)
    return n;
  Value half = arith::DivUIOp::create(b, loc, n, indexConstant(b, loc, 2));
  return arith::AddIOp::create(b, loc, half, indexConstant(b, loc, 1));
}

// DFT along `axis` of [batch, signal dims..., 1 or 2]; dft_length zero-pads or truncates.
struct DFTLowering : OpConversionPattern<onnx::DFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::DFTOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<MemRefType>(x.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!xType || !resultType || xType.getRank() < 2 || resultType.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked [batch, signal..., 1 or 2] types");
    auto channels = checkChannels(xType, resultType);
    if (failed(channels))
      return rewriter.notifyMatchFailure(
          op, "the input's last dim must be 1 (real) or 2 (complex), the result's 2");
    int64_t rank = xType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank - 1)
      return rewriter.notifyMatchFailure(op, "axis must name a signal dim, not the last one");
    bool onesided = op.getOnesided() != 0;
    if (onesided && *channels && **channels == 2)
      return rewriter.notifyMatchFailure(op, "onesided needs a real input ([..., 1])");
    Value lengthIn = adaptor.getDftLength();
    if (!isNone(lengthIn) && !isScalarBuffer(lengthIn))
      return rewriter.notifyMatchFailure(op, "dft_length must be a scalar");

    SmallVector<Value> xDims = getDims(rewriter, loc, x);
    Value n = isNone(lengthIn) ? xDims[axis] : loadCount(rewriter, loc, lengthIn);
    SmallVector<Value> dims(xDims);
    dims[axis] = resultDim(rewriter, loc, resultType, axis, binCount(rewriter, loc, n, onesided));
    dims.back() = indexConstant(rewriter, loc, 2);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Transform t = makeTransform(rewriter, loc, n, op.getInverse() != 0);
    Value count = arith::MinSIOp::create(rewriter, loc, n, xDims[axis]); // then zeros

    SmallVector<Value> outer(dims.begin(), dims.end() - 1);
    buildLoopNest(rewriter, loc, outer, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      auto value = transformBin(b, loc, t, ivs[axis], count,
                                [&](OpBuilder &b, Location loc, Value j) {
                                  SmallVector<Value> at(ivs);
                                  at[axis] = j;
                                  return loadComplex(b, loc, x, at, xDims.back(), *channels);
                                });
      storeComplex(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// STFT of [batch, length, 1 or 2]: frames of frame_length (or the window's length)
// samples, frame_step apart, each multiplied by the window, then transformed.
struct STFTLowering : OpConversionPattern<onnx::STFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::STFTOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value signal = adaptor.getSignal(), window = adaptor.getWindow();
    Value stepIn = adaptor.getFrameStep(), lengthIn = adaptor.getFrameLength();
    auto signalType = dyn_cast<MemRefType>(signal.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!signalType || !resultType || signalType.getRank() != 3 || resultType.getRank() != 4)
      return rewriter.notifyMatchFailure(
          op, "needs a [batch, length, 1 or 2] signal and a [batch, frames, bins, 2] result");
    auto channels = checkChannels(signalType, resultType);
    if (failed(channels))
      return rewriter.notifyMatchFailure(
          op, "the signal's last dim must be 1 (real) or 2 (complex), the result's 2");
    bool onesided = op.getOnesided() != 0;
    if (onesided && *channels && **channels == 2)
      return rewriter.notifyMatchFailure(op, "onesided needs a real signal ([..., 1])");
    if (!isScalarBuffer(stepIn) || (!isNone(lengthIn) && !isScalarBuffer(lengthIn)))
      return rewriter.notifyMatchFailure(op, "frame_step and frame_length must be scalars");
    auto windowType = isNone(window) ? MemRefType() : dyn_cast<MemRefType>(window.getType());
    if (!isNone(window) && (!windowType || windowType.getRank() != 1))
      return rewriter.notifyMatchFailure(op, "the window must have rank 1");
    if (isNone(window) && isNone(lengthIn))
      return rewriter.notifyMatchFailure(op, "needs a window or a frame_length");

    SmallVector<Value> signalDims = getDims(rewriter, loc, signal);
    Value windowLength = windowType ? getDims(rewriter, loc, window)[0] : Value();
    Value n = isNone(lengthIn) ? windowLength : loadCount(rewriter, loc, lengthIn);
    Value one = indexConstant(rewriter, loc, 1), zero = indexConstant(rewriter, loc, 0);
    Value step = arith::MaxSIOp::create(rewriter, loc, loadCount(rewriter, loc, stepIn), one);
    // (length - n) / step + 1 frames, none when the signal is shorter than one.
    Value length = signalDims[1];
    Value fits = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, length, n);
    Value room = arith::SelectOp::create(rewriter, loc, fits,
                                         arith::SubIOp::create(rewriter, loc, length, n), zero);
    Value frames = arith::SelectOp::create(
        rewriter, loc, fits,
        arith::AddIOp::create(rewriter, loc, arith::DivUIOp::create(rewriter, loc, room, step), one),
        zero);
    SmallVector<Value> dims = {resultDim(rewriter, loc, resultType, 0, signalDims[0]),
                               resultDim(rewriter, loc, resultType, 1, frames),
                               resultDim(rewriter, loc, resultType, 2,
                                         binCount(rewriter, loc, n, onesided)),
                               indexConstant(rewriter, loc, 2)};
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Transform t = makeTransform(rewriter, loc, n, false);
    Value lastSample = arith::SubIOp::create(rewriter, loc, length, one);
    Value lastWindow =
        windowType ? arith::SubIOp::create(rewriter, loc, windowLength, one).getResult() : Value();

    buildLoopNest(rewriter, loc, ArrayRef<Value>(dims).drop_back(),
                  [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value start = arith::MulIOp::create(b, loc, ivs[1], step);
      auto value = transformBin(b, loc, t, ivs[2], n, [&](OpBuilder &b, Location loc, Value j) {
        // Clamped: a static result type is trusted, but never read past.
        Value pos = arith::MinSIOp::create(b, loc, arith::AddIOp::create(b, loc, start, j),
                                           lastSample);
        auto [re, im] = loadComplex(b, loc, signal, {ivs[0], pos}, signalDims[2], *channels);
        if (!windowType)
          return std::pair(re, im);
        // Past a window shorter than the frame, the window is 0.
        Value w = toF64(b, loc, krnl::LoadOp::create(b, loc, window,
                                                     ValueRange{arith::MinSIOp::create(
                                                         b, loc, j, lastWindow)}));
        Value inWindow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j, windowLength);
        w = arith::SelectOp::create(b, loc, inWindow, w, f64(b, loc, 0));
        return std::pair(Value(arith::MulFOp::create(b, loc, re, w)),
                         Value(arith::MulFOp::create(b, loc, im, w)));
      });
      storeComplex(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

enum class Window { Hann, Hamming, Blackman };

// w[k] = a0 - a1 cos(2 pi k / d) + a2 cos(4 pi k / d), d = size (periodic) or
// size - 1 (symmetric).
template <typename OpTy, Window kind>
struct WindowLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(this->getTypeConverter(), op.getOutput());
    if (!resultType || resultType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs a ranked result of rank 1");
    if (!isScalarBuffer(adaptor.getSize()))
      return rewriter.notifyMatchFailure(op, "size must be a scalar");
    Type onnxElement = cast<ShapedType>(op.getOutput().getType()).getElementType();
    double a0, a1, a2 = 0;
    switch (kind) {
    case Window::Hann:
      a0 = 0.5, a1 = 0.5;
      break;
    case Window::Hamming:
      a0 = 25.0 / 46, a1 = 21.0 / 46;
      break;
    case Window::Blackman:
      a0 = 0.42, a1 = 0.5, a2 = 0.08;
      break;
    }

    Value size = resultDim(rewriter, loc, resultType, 0,
                           loadCount(rewriter, loc, adaptor.getSize()));
    Value result = allocBuffer(rewriter, loc, resultType, {size});
    Value one = indexConstant(rewriter, loc, 1);
    Value denominator = size;
    if (op.getPeriodic() == 0)
      denominator = arith::SubIOp::create(rewriter, loc, size, one);
    // A symmetric window of one point has no period: take d = 1 (its point is w[0]).
    Value d = indexToF64(rewriter, loc, arith::MaxSIOp::create(rewriter, loc, denominator, one));
    buildLoopNest(rewriter, loc, {size}, [&](OpBuilder &b, Location loc, ValueRange k) {
      Value angle = arith::DivFOp::create(
          b, loc, arith::MulFOp::create(b, loc, f64(b, loc, 2 * M_PI), indexToF64(b, loc, k[0])),
          d);
      Value w = arith::SubFOp::create(
          b, loc, f64(b, loc, a0),
          arith::MulFOp::create(b, loc, f64(b, loc, a1), math::CosOp::create(b, loc, angle)));
      if (a2 != 0) {
        Value twice = arith::MulFOp::create(b, loc, f64(b, loc, 2), angle);
        w = arith::AddFOp::create(
            b, loc, w,
            arith::MulFOp::create(b, loc, f64(b, loc, a2), math::CosOp::create(b, loc, twice)));
      }
      krnl::StoreOp::create(
          b, loc, fromF64(b, loc, w, resultType.getElementType(), onnxElement.isUnsignedInteger()),
          result, k);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// MelWeightMatrix
//===----------------------------------------------------------------------===//

// [dft_length / 2 + 1, num_mel_bins]: column i is a triangle over the spectrogram bins
// from edge i to edge i + 2, peaking (1) at edge i + 1. The num_mel_bins + 2 edges are
// spaced evenly on the mel scale, mel(f) = 2595 log10(1 + f / 700), from mel(lower) by
// (mel(upper) - mel(lower)) / (num_mel_bins + 2), and turned into the bin
// floor((dft_length + 1) * f / sample_rate), as ONNX's reference computes them.
struct MelWeightMatrixLowering : OpConversionPattern<onnx::MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MelWeightMatrixOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!resultType || resultType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs a ranked result of rank 2");
    for (Value input : adaptor.getOperands())
      if (!isScalarBuffer(input))
        return rewriter.notifyMatchFailure(op, "every input must be a scalar");
    Type onnxElement = cast<ShapedType>(op.getOutput().getType()).getElementType();

    Value bins = loadCount(rewriter, loc, adaptor.getNumMelBins());
    Value dftLength = loadCount(rewriter, loc, adaptor.getDftLength());
    Value sampleRate = indexToF64(rewriter, loc, loadCount(rewriter, loc, adaptor.getSampleRate()));
    Value one = indexConstant(rewriter, loc, 1), two = indexConstant(rewriter, loc, 2);
    SmallVector<Value> dims = {
        resultDim(rewriter, loc, resultType, 0,
                  arith::AddIOp::create(rewriter, loc,
                                        arith::DivUIOp::create(rewriter, loc, dftLength, two),
                                        one)),
        resultDim(rewriter, loc, resultType, 1, bins)};
    Value result = allocBuffer(rewriter, loc, resultType, dims);

    auto mel = [&](OpBuilder &b, Value hertz) {
      Value ratio = arith::AddFOp::create(
          b, loc, f64(b, loc, 1), arith::DivFOp::create(b, loc, hertz, f64(b, loc, 700)));
      return arith::MulFOp::create(b, loc, f64(b, loc, 2595), math::Log10Op::create(b, loc, ratio));
    };
    Value lowMel = mel(rewriter, toF64(rewriter, loc, loadScalar(rewriter, loc,
                                                                 adaptor.getLowerEdgeHertz())));
    Value highMel = mel(rewriter, toF64(rewriter, loc, loadScalar(rewriter, loc,
                                                                  adaptor.getUpperEdgeHertz())));
    Value edgeCount = arith::AddIOp::create(rewriter, loc, bins, two);
    Value melStep = arith::DivFOp::create(rewriter, loc,
                                          arith::SubFOp::create(rewriter, loc, highMel, lowMel),
                                          indexToF64(rewriter, loc, edgeCount));
    Value scale = indexToF64(rewriter, loc, arith::AddIOp::create(rewriter, loc, dftLength, one));

    // The edges, as (signed) spectrogram bins.
    Value edges = allocBuffer(rewriter, loc,
                              MemRefType::get({ShapedType::kDynamic}, rewriter.getIndexType()),
                              {edgeCount});
    buildLoopNest(rewriter, loc, {edgeCount}, [&](OpBuilder &b, Location loc, ValueRange e) {
      Value m = arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, indexToF64(b, loc, e[0]), melStep), lowMel);
      // 700 (10^(m / 2595) - 1) = 700 (e^(m ln 10 / 2595) - 1)
      Value power = math::ExpOp::create(
          b, loc, arith::MulFOp::create(b, loc, m, f64(b, loc, std::log(10.0) / 2595)));
      Value hertz = arith::MulFOp::create(
          b, loc, f64(b, loc, 700), arith::SubFOp::create(b, loc, power, f64(b, loc, 1)));
      Value bin = math::FloorOp::create(
          b, loc, arith::DivFOp::create(b, loc, arith::MulFOp::create(b, loc, scale, hertz),
                                        sampleRate));
      Value asInt = arith::FPToSIOp::create(b, loc, b.getI64Type(), bin);
      krnl::StoreOp::create(b, loc, arith::IndexCastOp::create(b, loc, b.getIndexType(), asInt),
                            edges, e);
    });

    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value j = ivs[0], i = ivs[1];
      Value one = indexConstant(b, loc, 1), two = indexConstant(b, loc, 2);
      Value left = krnl::LoadOp::create(b, loc, edges, i);
      Value center = krnl::LoadOp::create(b, loc, edges, ValueRange{arith::AddIOp::create(b, loc, i, one)});
      Value right = krnl::LoadOp::create(b, loc, edges, ValueRange{arith::AddIOp::create(b, loc, i, two)});
      auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
        return arith::CmpIOp::create(b, loc, p, x, y).getResult();
      };
      auto ratio = [&](Value num, Value den) { // num / den in f64, den > 0 where used
        Value safe = arith::MaxSIOp::create(b, loc, den, one);
        return arith::DivFOp::create(b, loc, indexToF64(b, loc, num), indexToF64(b, loc, safe))
            .getResult();
      };
      // Falling side [center, right), then a point peak (left == center), then the
      // rising side [left, center]; elsewhere 0. (The reference writes the rising
      // side first; the two meet at center, where both are 1.)
      Value falling = arith::AndIOp::create(
          b, loc, cmp(arith::CmpIPredicate::sge, j, center), cmp(arith::CmpIPredicate::slt, j, right));
      Value fallValue = ratio(arith::SubIOp::create(b, loc, right, j),
                              arith::SubIOp::create(b, loc, right, center));
      Value point = cmp(arith::CmpIPredicate::eq, left, center);
      Value pointValue = arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::eq, j, center),
                                                 f64(b, loc, 1), f64(b, loc, 0));
      Value rising = arith::AndIOp::create(
          b, loc, cmp(arith::CmpIPredicate::sge, j, left), cmp(arith::CmpIPredicate::sle, j, center));
      Value riseValue = arith::SelectOp::create(
          b, loc, rising,
          ratio(arith::SubIOp::create(b, loc, j, left), arith::SubIOp::create(b, loc, center, left)),
          f64(b, loc, 0));
      Value w = arith::SelectOp::create(
          b, loc, falling, fallValue, arith::SelectOp::create(b, loc, point, pointValue, riseValue));
      krnl::StoreOp::create(
          b, loc, fromF64(b, loc, w, resultType.getElementType(), onnxElement.isUnsignedInteger()),
          result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSignalPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<DFTLowering, STFTLowering,
               WindowLowering<onnx::HannWindowOp, Window::Hann>,
               WindowLowering<onnx::HammingWindowOp, Window::Hamming>,
               WindowLowering<onnx::BlackmanWindowOp, Window::Blackman>,
               MelWeightMatrixLowering>(converter, patterns.getContext());
}

} // namespace omc
