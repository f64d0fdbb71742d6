//===- ConvCommon.h - the conv loop nest shared by Conv.cpp and Quantization.cpp ===//
//
// Private to the conv-like lowerings (Conv, ConvTranspose, ConvInteger, QLinearConv):
// resolving the attributes to static per-dim numbers, the result dims, and the
// gather-style nest. Each op differs only in how elements are read and combined,
// which the NestHooks say.
//
// For output position o and kernel position k, the input position is
//   Conv:          o * stride + k * dilation - pad
//   ConvTranspose: (o + pad - k * dilation) / stride, when that divides exactly
// A position that falls in the padding (or between a transposed conv's strides) is
// clamped to 0 for the load, and the element replaced by 0.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVCOMMON_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVCOMMON_H

#include <algorithm>
#include <string>

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace omc {
namespace conv {

// Floor division, as ONNX's formulas (written in Python) mean it for negative totals.
inline int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// The attributes of a conv-like op (null arrays where absent).
struct Attributes {
  llvm::StringRef autoPad;
  mlir::ArrayAttr strides, dilations, pads, kernelShape, outputPadding, outputShape;
  int64_t group = 1;
};

template <typename OpTy>
Attributes attributesOf(OpTy op) {
  Attributes a;
  a.autoPad = op.getAutoPad();
  a.strides = op.getStridesAttr();
  a.dilations = op.getDilationsAttr();
  a.pads = op.getPadsAttr();
  a.kernelShape = op.getKernelShapeAttr();
  a.group = op.getGroup();
  return a;
}

// The per-spatial-dim numbers a lowering needs, all static.
struct Geometry {
  llvm::SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd, outputPadding;
};

// `attr`'s integers when present (checking there are `size`), else `size` copies of `fill`.
inline mlir::FailureOr<llvm::SmallVector<int64_t>> intsOr(mlir::ArrayAttr attr, size_t size,
                                                          int64_t fill) {
  if (!attr)
    return llvm::SmallVector<int64_t>(size, fill);
  if (attr.size() != size)
    return mlir::failure();
  llvm::SmallVector<int64_t> values;
  for (mlir::Attribute a : attr)
    values.push_back(mlir::cast<mlir::IntegerAttr>(a).getInt());
  return values;
}

inline mlir::Value index(mlir::OpBuilder &b, mlir::Location loc, int64_t value) {
  return mlir::arith::ConstantIndexOp::create(b, loc, value);
}

// Whether a 4-D buffer is one the matmul lowerings take as it is: static, f32, row-major.
inline bool isStaticRowMajorF32(mlir::MemRefType type) {
  return type.getRank() == 4 && type.hasStaticShape() && type.getElementType().isF32() &&
         type.getLayout().isIdentity();
}

// Conv's W is [M, C/group, k...]; ConvTranspose's is [C, M/group, k...].
inline mlir::LogicalResult checkChannels(mlir::MemRefType xType, mlir::MemRefType wType,
                                         int64_t group, bool transposed) {
  int64_t c = xType.getDimSize(1), w0 = wType.getDimSize(0), w1 = wType.getDimSize(1);
  auto known = [](int64_t d) { return !mlir::ShapedType::isDynamic(d); };
  if (known(c) && c % group != 0)
    return mlir::failure();
  if (transposed)
    return mlir::success(!known(c) || !known(w0) || c == w0);
  if (known(w0) && w0 % group != 0)
    return mlir::failure();
  return mlir::success(!known(c) || !known(w1) || c == w1 * group);
}

// Fills `g` from the attributes and the static shapes; returns why it cannot, or "".
inline std::string resolve(const Attributes &attrs, bool transposed, mlir::MemRefType xType,
                           mlir::MemRefType wType, Geometry &g) {
  using mlir::ShapedType;
  size_t spatial = xType.getRank() - 2;
  auto strides = intsOr(attrs.strides, spatial, 1);
  auto dilations = intsOr(attrs.dilations, spatial, 1);
  auto pads = intsOr(attrs.pads, 2 * spatial, 0);
  auto kernel = intsOr(attrs.kernelShape, spatial, ShapedType::kDynamic);
  auto outputPadding = intsOr(attrs.outputPadding, spatial, 0);
  mlir::ArrayAttr outputShapeAttr = attrs.outputShape;
  if (failed(strides) || failed(dilations) || failed(pads) || failed(kernel) ||
      failed(outputPadding))
    return "an attribute's length does not match the spatial rank";
  g.strides = *strides;
  g.dilations = *dilations;
  g.kernel = *kernel;
  g.outputPadding = *outputPadding;
  for (size_t i = 0; i < spatial; ++i) {
    int64_t fromW = wType.getDimSize(2 + i);
    if (ShapedType::isDynamic(g.kernel[i]))
      g.kernel[i] = fromW;
    else if (!ShapedType::isDynamic(fromW) && fromW != g.kernel[i])
      return "kernel_shape does not match W";
    if (ShapedType::isDynamic(g.kernel[i]))
      return "needs a static kernel shape (from kernel_shape or W)";
    if (g.strides[i] < 1 || g.dilations[i] < 1)
      return "strides and dilations must be positive";
  }

  llvm::StringRef autoPad = attrs.autoPad;
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return ("unknown auto_pad " + autoPad).str();
  if (!same && !outputShapeAttr) {
    g.padBegin.assign(pads->begin(), pads->begin() + spatial);
    g.padEnd.assign(pads->begin() + spatial, pads->end());
    if (autoPad == "VALID")
      g.padBegin.assign(spatial, 0), g.padEnd.assign(spatial, 0);
    return "";
  }

  // The pads come from a total padding, split between start and end.
  llvm::SmallVector<int64_t> outputShape;
  if (outputShapeAttr) {
    outputShape = *intsOr(outputShapeAttr, outputShapeAttr.size(), 0);
    if (outputShape.size() == spatial + 2) // the whole shape: keep the spatial dims
      outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
    if (outputShape.size() != spatial)
      return "output_shape does not match the spatial rank";
  }
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = xType.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return "auto_pad SAME_* and output_shape need static spatial input dims";
    int64_t s = g.strides[i], extent = (g.kernel[i] - 1) * g.dilations[i] + 1, total;
    if (transposed) {
      int64_t out = outputShape.empty() ? in * s : outputShape[i];
      total = s * (in - 1) + g.outputPadding[i] + extent - out;
    } else {
      int64_t out = (in + s - 1) / s;
      total = std::max<int64_t>(0, (out - 1) * s + extent - in);
    }
    // SAME_UPPER puts the larger half at the end; SAME_LOWER (and NOTSET with an
    // output_shape) at the start.
    int64_t half = floorDiv(total, 2);
    g.padBegin.push_back(autoPad == "SAME_UPPER" ? half : total - half);
    g.padEnd.push_back(total - g.padBegin.back());
  }
  return "";
}

// The result's dims: static ones as constants, dynamic ones by the output-size formula.
inline llvm::SmallVector<mlir::Value> resultDims(mlir::OpBuilder &b, mlir::Location loc,
                                                 mlir::MemRefType type,
                                                 llvm::ArrayRef<mlir::Value> xDims,
                                                 llvm::ArrayRef<mlir::Value> wDims,
                                                 const Geometry &g, int64_t group,
                                                 bool transposed) {
  using namespace mlir;
  SmallVector<Value> dims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      dims.push_back(index(b, loc, type.getDimSize(d)));
      continue;
    }
    if (d < 2) {
      Value channels = transposed
                           ? Value(arith::MulIOp::create(b, loc, wDims[1], index(b, loc, group)))
                           : wDims[0];
      dims.push_back(d == 0 ? xDims[0] : channels);
      continue;
    }
    size_t i = d - 2;
    int64_t s = g.strides[i], extent = (g.kernel[i] - 1) * g.dilations[i] + 1;
    int64_t pads = g.padBegin[i] + g.padEnd[i];
    Value in = xDims[d];
    if (transposed) { // s * in + (output_padding + extent - pads - s)
      Value scaled = arith::MulIOp::create(b, loc, in, index(b, loc, s));
      dims.push_back(arith::AddIOp::create(
          b, loc, scaled, index(b, loc, g.outputPadding[i] + extent - pads - s)));
    } else { // (in + pads - extent) / s + 1
      Value sum = arith::AddIOp::create(b, loc, in, index(b, loc, pads - extent + s));
      dims.push_back(s == 1 ? sum : Value(arith::DivSIOp::create(b, loc, sum, index(b, loc, s))));
    }
  }
  return dims;
}

// The input position that output position `o` reads through kernel position `k` along
// spatial dim `i`, clamped in range, and the condition that it is real (null when it
// always is, as far as the static sizes tell).
inline std::pair<mlir::Value, mlir::Value> inputPosition(mlir::OpBuilder &b, mlir::Location loc,
                                                         mlir::Value o, mlir::Value k, size_t i,
                                                         const Geometry &g, mlir::Value inDim,
                                                         int64_t in, int64_t out,
                                                         bool transposed) {
  using namespace mlir;
  int64_t s = g.strides[i], d = g.dilations[i], pad = g.padBegin[i];
  int64_t maxKernel = (g.kernel[i] - 1) * d;
  bool sizesKnown = !ShapedType::isDynamic(in) && !ShapedType::isDynamic(out);
  auto scale = [&](Value v, int64_t factor) -> Value {
    return factor == 1 ? v : arith::MulIOp::create(b, loc, v, index(b, loc, factor));
  };
  auto both = [&](Value a, Value c) -> Value {
    return a ? Value(arith::AndIOp::create(b, loc, a, c)) : c;
  };
  auto cmp = [&](arith::CmpIPredicate predicate, Value lhs, Value rhs) -> Value {
    return arith::CmpIOp::create(b, loc, predicate, lhs, rhs);
  };
  Value zero = index(b, loc, 0), ok;
  Value pos;
  if (!transposed) { // o * s + k * d - pad
    pos = arith::AddIOp::create(b, loc, scale(o, s), scale(k, d));
    if (pad != 0)
      pos = arith::SubIOp::create(b, loc, pos, index(b, loc, pad));
    if (pad > 0)
      ok = cmp(arith::CmpIPredicate::sge, pos, zero);
    if (!sizesKnown || (out - 1) * s + maxKernel - pad > in - 1)
      ok = both(ok, cmp(arith::CmpIPredicate::slt, pos, inDim));
    return {ok ? Value(arith::SelectOp::create(b, loc, ok, pos, zero)) : pos, ok};
  }
  // (o + pad - k * d) / s, real when it is in [0, in * s) and a multiple of s.
  pos = arith::SubIOp::create(b, loc, o, scale(k, d));
  if (pad != 0)
    pos = arith::AddIOp::create(b, loc, pos, index(b, loc, pad));
  if (pad < maxKernel)
    ok = cmp(arith::CmpIPredicate::sge, pos, zero);
  if (!sizesKnown || out - 1 + pad >= in * s)
    ok = both(ok, cmp(arith::CmpIPredicate::slt, pos, scale(inDim, s)));
  if (s != 1) {
    Value rest = arith::RemSIOp::create(b, loc, pos, index(b, loc, s));
    ok = both(ok, cmp(arith::CmpIPredicate::eq, rest, zero));
  }
  if (ok)
    pos = arith::SelectOp::create(b, loc, ok, pos, zero);
  if (s != 1)
    pos = arith::DivUIOp::create(b, loc, pos, index(b, loc, s));
  return {pos, ok};
}

// What differs between the conv-like ops: the accumulator's type and start, how a
// loaded element becomes an accumulator-typed factor, and what is stored at the end.
struct NestHooks {
  mlir::Type accType;
  // The accumulator's start for result channel `m` (the bias, or 0).
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value m)> init;
  // A loaded X element as a factor; empty: as loaded.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value x)> xFactor;
  // A loaded W element of result channel `m` as a factor; empty: as loaded.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value w, mlir::Value m)>
      wFactor;
  // The result element made of the final accumulator; empty: the accumulator is the
  // result element itself, accumulated in place.
  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value acc,
                                 mlir::Value m)>
      finish;
};

// The gather-style nest: an outer nest over the result (n, m, output spatial...) starts
// an accumulator, and an inner nest over the input channels of m's group and the kernel
// positions adds x * w to it. Elements of X in the padding are a 0 factor.
inline void emitNest(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value x, mlir::Value w,
                     mlir::Value result, mlir::MemRefType xType, mlir::MemRefType resultType,
                     llvm::ArrayRef<mlir::Value> xDims, llvm::ArrayRef<mlir::Value> wDims,
                     llvm::ArrayRef<mlir::Value> dims, const Geometry &g, int64_t group,
                     bool transposed, const NestHooks &hooks) {
  using namespace mlir;
  size_t spatial = xType.getRank() - 2;
  Type accType = hooks.accType;
  // Accumulates in the result, or else in one scalar (the nests run one iteration at a time).
  Value accBuffer;
  if (hooks.finish)
    accBuffer = memref::AllocaOp::create(builder, loc, MemRefType::get({}, accType));
  // Channels per group, of the result and of the input.
  Value groups = index(builder, loc, group);
  Value mPerGroup = transposed ? wDims[1] : arith::DivUIOp::create(builder, loc, dims[1], groups);
  Value cPerGroup = transposed ? arith::DivUIOp::create(builder, loc, xDims[1], groups) : wDims[1];
  SmallVector<Value> reductionBounds = {cPerGroup};
  for (size_t i = 0; i < spatial; ++i)
    reductionBounds.push_back(index(builder, loc, g.kernel[i]));

  buildLoopNest(builder, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value n = ivs[0], m = ivs[1];
    ValueRange accIndices = accBuffer ? ValueRange{} : ivs;
    Value acc = accBuffer ? accBuffer : result;
    // m's group starts at input channel firstChannel; m is mInGroup within it.
    Value firstChannel, mInGroup = m;
    if (group != 1) {
      Value groupIndex = arith::DivUIOp::create(b, loc, m, mPerGroup);
      firstChannel = arith::MulIOp::create(b, loc, groupIndex, cPerGroup);
      mInGroup = arith::RemUIOp::create(b, loc, m, mPerGroup);
    }
    krnl::StoreOp::create(b, loc, hooks.init(b, loc, m), acc, accIndices);
    buildLoopNest(b, loc, reductionBounds, [&](OpBuilder &b, Location loc, ValueRange rs) {
      Value channel =
          group == 1 ? rs[0] : Value(arith::AddIOp::create(b, loc, firstChannel, rs[0]));
      SmallVector<Value> xIndex = {n, channel}, wIndex;
      if (transposed)
        wIndex = {channel, mInGroup};
      else
        wIndex = {m, rs[0]};
      Value valid;
      for (size_t i = 0; i < spatial; ++i) {
        wIndex.push_back(rs[1 + i]);
        auto [pos, ok] =
            inputPosition(b, loc, ivs[2 + i], rs[1 + i], i, g, xDims[2 + i],
                          xType.getDimSize(2 + i), resultType.getDimSize(2 + i), transposed);
        xIndex.push_back(pos);
        if (ok)
          valid = valid ? Value(arith::AndIOp::create(b, loc, valid, ok)) : ok;
      }
      Value xValue = krnl::LoadOp::create(b, loc, x, xIndex);
      if (hooks.xFactor)
        xValue = hooks.xFactor(b, loc, xValue);
      if (valid)
        xValue = arith::SelectOp::create(b, loc, valid, xValue, constantOf(b, loc, accType, 0));
      Value wValue = krnl::LoadOp::create(b, loc, w, wIndex);
      if (hooks.wFactor)
        wValue = hooks.wFactor(b, loc, wValue, m);
      Value sum = krnl::LoadOp::create(b, loc, acc, accIndices);
      if (isa<FloatType>(accType))
        sum = arith::AddFOp::create(b, loc, sum, arith::MulFOp::create(b, loc, xValue, wValue));
      else
        sum = arith::AddIOp::create(b, loc, sum, arith::MulIOp::create(b, loc, xValue, wValue));
      krnl::StoreOp::create(b, loc, sum, acc, accIndices);
    });
    if (hooks.finish) {
      Value total = krnl::LoadOp::create(b, loc, accBuffer, ValueRange{});
      krnl::StoreOp::create(b, loc, hooks.finish(b, loc, total, m), result, ivs);
    }
  });
}

} // namespace conv
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_CONVCOMMON_H
