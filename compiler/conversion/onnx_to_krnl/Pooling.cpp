//===- Pooling.cpp - MaxPool, AveragePool, LpPool and their Global forms -> krnl -===//
//
// One nest over the result (N, C, O1..Ok) and, inside it, one over the kernel window
// (K1..Kk). A window position maps to input index start + k * dilation, with
// start = o * stride - pad_begin; positions outside the input are skipped with a
// select on a clamped (always in-bounds) load. The running value, the element count
// (AveragePool) and the position of the maximum (MaxPool's Indices) live in rank-0
// scratch buffers. The Global forms are the same with the window the whole spatial
// extent. Output sizes come from the result type where static, else from ONNX's
// formulas (ONNX 1.12: auto_pad, ceil_mode, pads). MaxUnpool scatters X into a
// zero result at the positions I names.
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

enum class Kind { Max, Average, Lp };

// What one pool computes, per spatial dim where a vector.
struct PoolSpec {
  Kind kind;
  bool isUnsigned = false;       // Max over uint8 compares unsigned
  bool countIncludePad = false;  // Average
  int64_t p = 2;                 // Lp
  int64_t storageOrder = 0;      // Max's Indices: 0 row-major, 1 column-major spatial dims
  SmallVector<Value> kernel, padBegin, padEnd;
  SmallVector<int64_t> strides, dilations;
};

// The smallest value of the element type: where a maximum starts.
Value lowest(OpBuilder &b, Location loc, Type element, bool isUnsigned) {
  if (isa<FloatType>(element))
    return constantOf(b, loc, element, -INFINITY);
  unsigned width = element.getIntOrFloatBitWidth();
  APInt value = isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, value));
}

// Index arithmetic that folds to constants when the sizes are static. The divisions
// take numerators clamped at 0 and positive divisors, so divsi is the floor.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return b.createOrFold<arith::ConstantIndexOp>(loc, v); }
  Value add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.createOrFold<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
  Value max(Value x, Value y) { return b.createOrFold<arith::MaxSIOp>(loc, x, y); }
  Value floorDiv(Value x, Value y) { return b.createOrFold<arith::DivSIOp>(loc, max(x, c(0)), y); }
  Value ceilDiv(Value x, Value y) { return floorDiv(add(x, sub(y, c(1))), y); }
};

// Writes the pool of `x` into `y` (and the flattened position of each maximum into
// `indices`, when given), iterating over the result dims `outDims`.
void emitPool(OpBuilder &rb, Location loc, const PoolSpec &spec, Value x, ArrayRef<Value> outDims,
              Value y, Value indices) {
  auto xType = cast<MemRefType>(x.getType());
  Type element = xType.getElementType();
  Type accType = spec.kind == Kind::Max ? element : floatComputeType(element);
  int64_t spatial = xType.getRank() - 2;
  SmallVector<Value> inDims = getDims(rb, loc, x);
  Value accBuf = memref::AllocaOp::create(rb, loc, MemRefType::get({}, accType));
  auto indexScalar = MemRefType::get({}, rb.getIndexType());
  Value countBuf = memref::AllocaOp::create(rb, loc, indexScalar);
  Value argBuf = memref::AllocaOp::create(rb, loc, indexScalar);

  buildLoopNest(rb, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange o) {
    auto load = [&](Value buf) { return krnl::LoadOp::create(b, loc, buf, ValueRange{}); };
    auto store = [&](Value v, Value buf) { krnl::StoreOp::create(b, loc, v, buf, ValueRange{}); };
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    store(spec.kind == Kind::Max ? lowest(b, loc, element, spec.isUnsigned)
                                 : constantOf(b, loc, accType, 0),
          accBuf);
    store(zero, countBuf);
    store(zero, argBuf);
    SmallVector<Value> starts;
    for (int64_t i = 0; i < spatial; ++i) {
      Value stride = arith::ConstantIndexOp::create(b, loc, spec.strides[i]);
      starts.push_back(arith::SubIOp::create(
          b, loc, arith::MulIOp::create(b, loc, o[2 + i], stride), spec.padBegin[i]));
    }

    buildLoopNest(b, loc, spec.kernel, [&](OpBuilder &b, Location loc, ValueRange k) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value valid = arith::ConstantIntOp::create(b, loc, 1, 1);
      Value counted = valid;
      SmallVector<Value> at{o[0], o[1]};
      for (int64_t i = 0; i < spatial; ++i) {
        Value dilation = arith::ConstantIndexOp::create(b, loc, spec.dilations[i]);
        Value pos = arith::AddIOp::create(b, loc, starts[i],
                                          arith::MulIOp::create(b, loc, k[i], dilation));
        Value size = inDims[2 + i];
        Value inside = arith::AndIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, pos, zero),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos, size));
        valid = arith::AndIOp::create(b, loc, valid, inside);
        // count_include_pad counts the padding, not what ceil_mode reaches beyond it.
        Value paddedEnd = arith::AddIOp::create(b, loc, size, spec.padEnd[i]);
        counted = arith::AndIOp::create(
            b, loc, counted, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos, paddedEnd));
        Value last = arith::SubIOp::create(b, loc, size, one);
        at.push_back(arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, pos, zero), last));
      }
      if (!spec.countIncludePad)
        counted = valid;
      Value v = krnl::LoadOp::create(b, loc, x, at);
      Value acc = load(accBuf);

      if (spec.kind == Kind::Max) {
        Value greater;
        if (isa<FloatType>(element))
          greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, acc);
        else
          greater = arith::CmpIOp::create(
              b, loc, spec.isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt, v, acc);
        Value better = arith::AndIOp::create(b, loc, valid, greater);
        store(arith::SelectOp::create(b, loc, better, v, acc), accBuf);
        if (indices) {
          // The flattened position over (N, C, spatial), spatial row- or column-major.
          Value flat = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, o[0], inDims[1]), o[1]);
          if (spec.storageOrder == 0) {
            for (int64_t i = 0; i < spatial; ++i)
              flat = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, flat, inDims[2 + i]),
                                           at[2 + i]);
          } else {
            Value inner = zero;
            for (int64_t i = spatial - 1; i >= 0; --i) {
              inner = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, inner, inDims[2 + i]),
                                            at[2 + i]);
              flat = arith::MulIOp::create(b, loc, flat, inDims[2 + i]);
            }
            flat = arith::AddIOp::create(b, loc, flat, inner);
          }
          store(arith::SelectOp::create(b, loc, better, flat, load(argBuf)), argBuf);
        }
        return;
      }

      Value term = castFloat(b, loc, v, accType);
      if (spec.kind == Kind::Lp) {
        term = math::AbsFOp::create(b, loc, term);
        if (spec.p == 2)
          term = arith::MulFOp::create(b, loc, term, term);
        else if (spec.p != 1)
          term = math::PowFOp::create(b, loc, term, constantOf(b, loc, accType, spec.p));
      }
      Value sum = arith::AddFOp::create(b, loc, acc, term);
      store(arith::SelectOp::create(b, loc, valid, sum, acc), accBuf);
      Value count = arith::AddIOp::create(b, loc, load(countBuf), one);
      store(arith::SelectOp::create(b, loc, counted, count, load(countBuf)), countBuf);
    });

    Value acc = load(accBuf);
    if (spec.kind == Kind::Average) {
      Value count = arith::IndexCastOp::create(b, loc, b.getI64Type(), load(countBuf));
      acc = arith::DivFOp::create(b, loc, acc, arith::SIToFPOp::create(b, loc, accType, count));
    } else if (spec.kind == Kind::Lp && spec.p == 2) {
      acc = math::SqrtOp::create(b, loc, acc);
    } else if (spec.kind == Kind::Lp && spec.p != 1) {
      acc = math::PowFOp::create(b, loc, acc, constantOf(b, loc, accType, 1.0 / spec.p));
    }
    krnl::StoreOp::create(b, loc, castFloat(b, loc, acc, element), y, o);
    if (indices) {
      Value arg = arith::IndexCastOp::create(b, loc, b.getI64Type(), load(argBuf));
      krnl::StoreOp::create(b, loc, arg, indices, o);
    }
  });
}

SmallVector<int64_t> intsOr(std::optional<ArrayAttr> attr, size_t count, int64_t fallback) {
  SmallVector<int64_t> values;
  if (!attr)
    return SmallVector<int64_t>(count, fallback);
  for (Attribute a : *attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

template <typename OpTy>
constexpr bool isGlobal = std::is_same_v<OpTy, onnx::GlobalMaxPoolOp> ||
                          std::is_same_v<OpTy, onnx::GlobalAveragePoolOp> ||
                          std::is_same_v<OpTy, onnx::GlobalLpPoolOp>;

template <typename OpTy, Kind kind>
struct PoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = dyn_cast<MemRefType>(x.getType());
    MemRefType yType = convertedResult(this->getTypeConverter(), op.getY());
    if (!xType || !yType || xType.getRank() < 2 || yType.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked (N, C, spatial...) types");
    Type onnxElement = cast<ShapedType>(op.getX().getType()).getElementType();
    if (!isa<FloatType>(onnxElement) && !(kind == Kind::Max && isa<IntegerType>(onnxElement)))
      return rewriter.notifyMatchFailure(op, "element type not supported");
    int64_t rank = xType.getRank(), spatial = rank - 2;

    PoolSpec spec{kind};
    spec.isUnsigned = onnxElement.isUnsignedInteger();
    SmallVector<Value> inDims = getDims(rewriter, loc, x);
    IndexMath m{rewriter, loc};
    SmallVector<Value> outDims{inDims[0], inDims[1]};
    if constexpr (isGlobal<OpTy>) {
      for (int64_t i = 0; i < spatial; ++i) {
        spec.kernel.push_back(inDims[2 + i]);
        spec.padBegin.push_back(m.c(0));
        spec.padEnd.push_back(m.c(0));
        outDims.push_back(m.c(1));
      }
      spec.strides.assign(spatial, 1);
      spec.dilations.assign(spatial, 1);
    } else {
      if (spatial < 1)
        return rewriter.notifyMatchFailure(op, "needs at least one spatial dim");
      SmallVector<int64_t> kernel = intsOr(op.getKernelShape(), 0, 0);
      spec.strides = intsOr(op.getStrides(), spatial, 1);
      spec.dilations.assign(spatial, 1);
      if constexpr (std::is_same_v<OpTy, onnx::MaxPoolOp>)
        spec.dilations = intsOr(op.getDilations(), spatial, 1);
      SmallVector<int64_t> pads = intsOr(op.getPads(), 2 * spatial, 0);
      if ((int64_t)kernel.size() != spatial || (int64_t)spec.strides.size() != spatial ||
          (int64_t)spec.dilations.size() != spatial || (int64_t)pads.size() != 2 * spatial)
        return rewriter.notifyMatchFailure(
            op, "kernel_shape, strides, dilations and pads must match the spatial rank");
      if (llvm::any_of(kernel, [](int64_t v) { return v < 1; }) ||
          llvm::any_of(spec.strides, [](int64_t v) { return v < 1; }) ||
          llvm::any_of(spec.dilations, [](int64_t v) { return v < 1; }) ||
          llvm::any_of(pads, [](int64_t v) { return v < 0; }))
        return rewriter.notifyMatchFailure(op, "kernel, strides, dilations, pads out of range");
      StringRef autoPad = op.getAutoPad();
      if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
          autoPad != "SAME_LOWER")
        return rewriter.notifyMatchFailure(op, "unknown auto_pad");
      bool ceilMode = false;
      if constexpr (!std::is_same_v<OpTy, onnx::LpPoolOp>)
        ceilMode = op.getCeilMode() != 0;

      for (int64_t i = 0; i < spatial; ++i) {
        Value size = inDims[2 + i], stride = m.c(spec.strides[i]);
        int64_t effectiveKernel = (kernel[i] - 1) * spec.dilations[i] + 1;
        Value out;
        if (!yType.isDynamicDim(2 + i))
          out = m.c(yType.getDimSize(2 + i));
        else if (autoPad == "VALID")
          out = m.ceilDiv(m.sub(size, m.c(effectiveKernel - 1)), stride);
        else if (autoPad != "NOTSET")
          out = m.ceilDiv(size, stride);
        Value begin = m.c(0), end = m.c(0);
        if (autoPad == "NOTSET") {
          begin = m.c(pads[i]);
          end = m.c(pads[spatial + i]);
          if (!out) {
            Value room = m.sub(m.add(size, m.c(pads[i] + pads[spatial + i])), m.c(effectiveKernel));
            out = m.add(ceilMode ? m.ceilDiv(room, stride) : m.floorDiv(room, stride), m.c(1));
          }
        } else if (autoPad != "VALID") {
          // SAME: pad so that ceil(size / stride) windows fit; the odd one at the end
          // (SAME_UPPER) or the beginning (SAME_LOWER).
          Value total = m.max(m.c(0), m.sub(m.add(m.mul(m.sub(out, m.c(1)), stride),
                                                  m.c(effectiveKernel)),
                                            size));
          Value half = m.floorDiv(total, m.c(2));
          begin = autoPad == "SAME_UPPER" ? half : m.sub(total, half);
          end = m.sub(total, begin);
        }
        spec.kernel.push_back(m.c(kernel[i]));
        spec.padBegin.push_back(begin);
        spec.padEnd.push_back(end);
        outDims.push_back(out);
      }
    }
    if constexpr (std::is_same_v<OpTy, onnx::AveragePoolOp>)
      spec.countIncludePad = op.getCountIncludePad() != 0;
    if constexpr (std::is_same_v<OpTy, onnx::LpPoolOp> || std::is_same_v<OpTy, onnx::GlobalLpPoolOp>) {
      spec.p = op.getP();
      if (spec.p < 1)
        return rewriter.notifyMatchFailure(op, "p must be at least 1");
    }

    Value y = allocBuffer(rewriter, loc, yType, outDims);
    if constexpr (std::is_same_v<OpTy, onnx::MaxPoolOp>) {
      spec.storageOrder = op.getStorageOrder();
      Value indices;
      if (!isa<NoneType>(op.getIndices().getType())) {
        MemRefType indicesType = convertedResult(this->getTypeConverter(), op.getIndices());
        if (!indicesType || indicesType.getRank() != rank)
          return rewriter.notifyMatchFailure(op, "Indices needs a ranked type");
        indices = allocBuffer(rewriter, loc, indicesType, outDims);
      }
      emitPool(rewriter, loc, spec, x, outDims, y, indices);
      Value second = indices ? indices
                             : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType()));
      rewriter.replaceOp(op, {y, second});
    } else {
      emitPool(rewriter, loc, spec, x, outDims, y, Value());
      rewriter.replaceOp(op, y);
    }
    return success();
  }
};


// MaxUnpool: a zero result, each element of X stored where its index in I says. As ONNX's
// reference has it, an index is a row-major position in the inferred shape (N, C,
// (D - 1) * stride + kernel - pads), with the pads ignored when output_shape is given;
// a larger output_shape adds zeros at the end of each dim. Indices outside it are
// dropped; where two elements name one position, the later one stays.
struct MaxUnpoolLowering : OpConversionPattern<onnx::MaxUnpoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MaxUnpoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), indices = adaptor.getI(), shape = adaptor.getOutputShape();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto indicesType = dyn_cast<MemRefType>(indices.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    bool hasShape = !isa<NoneType>(shape.getType());
    if (!xType || !indicesType || !resultType || xType.getRank() < 3 ||
        indicesType.getRank() != xType.getRank() || resultType.getRank() != xType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked (N, C, spatial...) X, I and result");
    auto shapeType = hasShape ? dyn_cast<MemRefType>(shape.getType()) : MemRefType();
    if (hasShape && (!shapeType || shapeType.getRank() != 1))
      return rewriter.notifyMatchFailure(op, "output_shape must be a 1-d tensor");
    int64_t rank = xType.getRank(), spatial = rank - 2;
    SmallVector<int64_t> kernel = intsOr(op.getKernelShape(), 0, 0);
    SmallVector<int64_t> strides = intsOr(op.getStrides(), spatial, 1);
    SmallVector<int64_t> pads = intsOr(op.getPads(), 2 * spatial, 0);
    if ((int64_t)kernel.size() != spatial || (int64_t)strides.size() != spatial ||
        (int64_t)pads.size() != 2 * spatial)
      return rewriter.notifyMatchFailure(
          op, "kernel_shape, strides and pads must match the spatial rank");
    if (llvm::any_of(kernel, [](int64_t v) { return v < 1; }) ||
        llvm::any_of(strides, [](int64_t v) { return v < 1; }) ||
        llvm::any_of(pads, [](int64_t v) { return v < 0; }))
      return rewriter.notifyMatchFailure(op, "kernel_shape, strides, pads out of range");

    IndexMath m{rewriter, loc};
    SmallVector<Value> inDims = getDims(rewriter, loc, x);
    SmallVector<Value> inferred = {inDims[0], inDims[1]};
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t padding = hasShape ? 0 : pads[i] + pads[spatial + i];
      Value size = m.add(m.mul(m.sub(inDims[2 + i], m.c(1)), m.c(strides[i])),
                         m.c(kernel[i] - padding));
      inferred.push_back(m.max(size, m.c(0)));
    }
    SmallVector<Value> outDims;
    for (int64_t d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d)) {
        outDims.push_back(m.c(resultType.getDimSize(d)));
      } else if (hasShape) {
        Value dim = krnl::LoadOp::create(rewriter, loc, shape, ValueRange{m.c(d)});
        outDims.push_back(m.max(toIndex(rewriter, loc, dim), m.c(0)));
      } else {
        outDims.push_back(inferred[d]);
      }
    }
    Value y = allocBuffer(rewriter, loc, resultType, outDims);
    Type element = resultType.getElementType();
    buildLoopNest(rewriter, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, constantOf(b, loc, element, 0), y, ivs);
    });
    Value total = m.c(1);
    for (Value dim : inferred)
      total = m.mul(total, dim);

    buildLoopNest(rewriter, loc, inDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value flat = toIndex(b, loc, krnl::LoadOp::create(b, loc, indices, ivs));
      Value valid = arith::AndIOp::create(
          b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, flat, zero),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, flat, total));
      flat = arith::SelectOp::create(b, loc, valid, flat, zero);
      // The position in the inferred shape, then clamped into the result's.
      SmallVector<Value> at(rank);
      for (int64_t d = rank - 1; d >= 0; --d) {
        at[d] = arith::RemUIOp::create(b, loc, flat, inferred[d]);
        flat = arith::DivUIOp::create(b, loc, flat, inferred[d]);
        valid = arith::AndIOp::create(
            b, loc, valid, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, at[d], outDims[d]));
        Value last = arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, outDims[d], one),
                                            zero);
        at[d] = arith::MinSIOp::create(b, loc, at[d], last);
      }
      Value value = krnl::LoadOp::create(b, loc, x, ivs);
      Value old = krnl::LoadOp::create(b, loc, y, at);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, valid, value, old), y, at);
    });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populatePoolingPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<PoolLowering<onnx::MaxPoolOp, Kind::Max>,
               PoolLowering<onnx::AveragePoolOp, Kind::Average>,
               PoolLowering<onnx::LpPoolOp, Kind::Lp>,
               PoolLowering<onnx::GlobalMaxPoolOp, Kind::Max>,
               PoolLowering<onnx::GlobalAveragePoolOp, Kind::Average>,
               PoolLowering<onnx::GlobalLpPoolOp, Kind::Lp>, MaxUnpoolLowering>(
      converter, patterns.getContext());
}

} // namespace omc
