//===- Selection.cpp - TopK, NonZero, Compress and Unique -> krnl -------------===//
//
// TopK keeps, for every position of the other dims, a sorted list of the best K
// elements in the result buffers: each element along the axis, in index order, is
// inserted after every kept element at least as good (so ties stay in index order,
// as onnxruntime has them) and the elements after it move one place back.
//
// NonZero and Compress have results whose size is known only when the model runs:
// a first pass counts, the result is allocated with that count, and a second pass
// fills it, storing at a running column. The stores are unconditional: an element
// that is not selected stores back what its column holds (the column is clamped to
// the last one, and the pass runs only when there is one) so no branch is needed.
// Unique counts its unique values the same way, after an O(n^2) scan for duplicates.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

// A rank-0 index buffer for a running count, set to 0.
Value counter(OpBuilder &b, Location loc) {
  Value buffer = memref::AllocaOp::create(b, loc, MemRefType::get({}, b.getIndexType()));
  krnl::StoreOp::create(b, loc, indexConstant(b, loc, 0), buffer, ValueRange{});
  return buffer;
}

// Adds 1 to `buffer` where `condition` holds; returns the count before.
Value countIf(OpBuilder &b, Location loc, Value buffer, Value condition) {
  Value count = krnl::LoadOp::create(b, loc, buffer, ValueRange{});
  Value step = arith::SelectOp::create(b, loc, condition, indexConstant(b, loc, 1),
                                       indexConstant(b, loc, 0));
  krnl::StoreOp::create(b, loc, arith::AddIOp::create(b, loc, count, step), buffer,
                        ValueRange{});
  return count;
}

Value isNonZero(OpBuilder &b, Location loc, Value x) {
  if (isa<FloatType>(x.getType())) // NaN counts as nonzero, as in numpy
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                 constantOf(b, loc, x.getType(), 0));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                               constantOf(b, loc, x.getType(), 0));
}

// `a` ranks before or with `b` for TopK: a >= b for the largest, a <= b for the smallest.
Value ranksFirst(OpBuilder &b, Location loc, Type onnxType, bool largest, Value lhs, Value rhs) {
  if (isa<FloatType>(onnxType))
    return arith::CmpFOp::create(b, loc, largest ? arith::CmpFPredicate::OGE
                                                 : arith::CmpFPredicate::OLE, lhs, rhs);
  arith::CmpIPredicate predicate;
  if (onnxType.isUnsignedInteger())
    predicate = largest ? arith::CmpIPredicate::uge : arith::CmpIPredicate::ule;
  else
    predicate = largest ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle;
  return arith::CmpIOp::create(b, loc, predicate, lhs, rhs);
}

struct TopKLowering : OpConversionPattern<onnx::TopKOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), kIn = adaptor.getK();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto kType = dyn_cast<MemRefType>(kIn.getType());
    MemRefType valuesType = convertedResult(getTypeConverter(), op.getValues());
    MemRefType indicesType = convertedResult(getTypeConverter(), op.getIndices());
    Type onnxType = cast<ShapedType>(op.getX().getType()).getElementType();
    if (!xType || !kType || !valuesType || !indicesType || xType.getRank() < 1 ||
        valuesType.getRank() != xType.getRank() || indicesType.getRank() != xType.getRank() ||
        !(isa<FloatType>(onnxType) || isa<IntegerType>(onnxType)))
      return rewriter.notifyMatchFailure(op, "needs a ranked int or float input");
    int64_t rank = xType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    bool largest = op.getLargest() != 0;
    // A sorted result is also a valid one for sorted = 0 (any order is).

    SmallVector<Value> xDims = getDims(rewriter, loc, x);
    Value n = xDims[axis], k;
    if (!valuesType.isDynamicDim(axis)) {
      int64_t staticK = valuesType.getDimSize(axis);
      if (!xType.isDynamicDim(axis) && staticK > xType.getDimSize(axis))
        return rewriter.notifyMatchFailure(op, "K is larger than the axis");
      k = indexConstant(rewriter, loc, staticK);
    } else {
      SmallVector<Value> first(kType.getRank(), indexConstant(rewriter, loc, 0));
      k = toIndex(rewriter, loc, krnl::LoadOp::create(rewriter, loc, kIn, first));
    }
    SmallVector<Value> dims(xDims);
    dims[axis] = k;
    Value values = allocBuffer(rewriter, loc, valuesType, dims);
    Value indices = allocBuffer(rewriter, loc, indicesType, dims);
    Value posBuffer = memref::AllocaOp::create(
        rewriter, loc, MemRefType::get({}, rewriter.getIndexType()));

    Value one = indexConstant(rewriter, loc, 1);
    Value kMinusOne = arith::SubIOp::create(rewriter, loc, k, one);
    // With K = 0 there is nothing to keep (and no last slot to clamp to).
    Value kPositive = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, k,
                                            indexConstant(rewriter, loc, 0));
    Value steps = arith::SelectOp::create(rewriter, loc, kPositive, n,
                                          indexConstant(rewriter, loc, 0));
    SmallVector<Value> outerDims(xDims);
    outerDims.erase(outerDims.begin() + axis);
    buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
      auto at = [&](Value j) {
        SmallVector<Value> index(outer);
        index.insert(index.begin() + axis, j);
        return index;
      };
      buildLoopNest(b, loc, {steps}, [&](OpBuilder &b, Location loc, ValueRange i) {
        Value element = krnl::LoadOp::create(b, loc, x, at(i[0]));
        Value kept = arith::MinSIOp::create(b, loc, i[0], k); // list length so far
        // Where the element goes: after every kept element that ranks with or before it.
        krnl::StoreOp::create(b, loc, indexConstant(b, loc, 0), posBuffer, ValueRange{});
        buildLoopNest(b, loc, {k}, [&](OpBuilder &b, Location loc, ValueRange j) {
          Value inList = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j[0], kept);
          Value before = ranksFirst(b, loc, onnxType, largest,
                                    krnl::LoadOp::create(b, loc, values, at(j[0])), element);
          countIf(b, loc, posBuffer, arith::AndIOp::create(b, loc, inList, before));
        });
        Value pos = krnl::LoadOp::create(b, loc, posBuffer, ValueRange{});
        // Move the kept elements from pos on one place back, last first; the K-th
        // falls off the end.
        buildLoopNest(b, loc, {kMinusOne}, [&](OpBuilder &b, Location loc, ValueRange t) {
          Value j = arith::SubIOp::create(b, loc, kMinusOne, t[0]);
          Value from = arith::SubIOp::create(b, loc, j, indexConstant(b, loc, 1));
          Value move = arith::AndIOp::create(
              b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, j, pos),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, from, kept));
          for (Value buffer : {values, indices}) {
            Value moved = krnl::LoadOp::create(b, loc, buffer, at(from));
            Value stays = krnl::LoadOp::create(b, loc, buffer, at(j));
            krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, move, moved, stays),
                                  buffer, at(j));
          }
        });
        // Store the element at pos unless it ranks after all K kept ones.
        Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos, k);
        Value slot = arith::MinSIOp::create(b, loc, pos, kMinusOne);
        Value index = arith::IndexCastOp::create(b, loc, b.getI64Type(), i[0]);
        for (auto [buffer, value] : {std::pair(values, element), std::pair(indices, index)}) {
          Value old = krnl::LoadOp::create(b, loc, buffer, at(slot));
          krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, fits, value, old),
                                buffer, at(slot));
        }
      });
    });
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

// Y[d, c] is the index along dim d of the c-th nonzero element, row-major.
struct NonZeroLowering : OpConversionPattern<onnx::NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::NonZeroOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = dyn_cast<MemRefType>(x.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!xType || !resultType || resultType.getRank() != 2 ||
        !(isa<FloatType>(xType.getElementType()) || isa<IntegerType>(xType.getElementType())))
      return rewriter.notifyMatchFailure(op, "needs a ranked int, bool or float input");
    int64_t rank = xType.getRank();
    if (!resultType.isDynamicDim(0) && resultType.getDimSize(0) != rank)
      return rewriter.notifyMatchFailure(op, "the result must have one row per input dim");

    SmallVector<Value> xDims = getDims(rewriter, loc, x);
    Value countBuffer = counter(rewriter, loc);
    buildLoopNest(rewriter, loc, xDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      countIf(b, loc, countBuffer, isNonZero(b, loc, krnl::LoadOp::create(b, loc, x, ivs)));
    });
    Value count = krnl::LoadOp::create(rewriter, loc, countBuffer, ValueRange{});
    Value result = allocBuffer(rewriter, loc, resultType,
                               {indexConstant(rewriter, loc, rank), count});

    // A static result type is trusted, but never written past.
    Value columns = arith::MinSIOp::create(rewriter, loc, count, getDims(rewriter, loc, result)[1]);
    Value columnBuffer = counter(rewriter, loc);
    Value one = indexConstant(rewriter, loc, 1);
    Value last = arith::SubIOp::create(rewriter, loc, columns, one);
    // An outer loop of one step when there is a column to fill, none otherwise.
    SmallVector<Value> dims = {arith::MinSIOp::create(rewriter, loc, columns, one)};
    dims.append(xDims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value nonZero = isNonZero(b, loc, krnl::LoadOp::create(b, loc, x, ivs.drop_front()));
      Value column = arith::MinSIOp::create(b, loc, countIf(b, loc, columnBuffer, nonZero), last);
      for (int64_t d = 0; d < rank; ++d) {
        SmallVector<Value> at = {indexConstant(b, loc, d), column};
        Value index = arith::IndexCastOp::create(b, loc, b.getI64Type(), ivs[1 + d]);
        Value old = krnl::LoadOp::create(b, loc, result, at);
        krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, nonZero, index, old),
                              result, at);
      }
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// The row-major indices into a buffer of `dims` of its element number `flat`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value flat, ArrayRef<Value> dims) {
  SmallVector<Value> indices(dims.size());
  for (int64_t d = dims.size() - 1; d >= 0; --d) {
    indices[d] = arith::RemUIOp::create(b, loc, flat, dims[d]);
    flat = arith::DivUIOp::create(b, loc, flat, dims[d]);
  }
  return indices;
}

// Keeps the slices along axis (or, without one, the elements of the flattened
// input) whose condition is true; positions past the condition's end are dropped.
struct CompressLowering : OpConversionPattern<onnx::CompressOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::CompressOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), condition = adaptor.getCondition();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    auto conditionType = dyn_cast<MemRefType>(condition.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!inputType || !conditionType || !resultType || conditionType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs ranked types and a condition of rank 1");
    int64_t rank = inputType.getRank();
    std::optional<int64_t> axis = op.getAxis();
    if (axis) {
      if (*axis < 0)
        *axis += rank;
      if (*axis < 0 || *axis >= rank || resultType.getRank() != rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
    } else if (resultType.getRank() != 1) {
      return rewriter.notifyMatchFailure(op, "without an axis the result has rank 1");
    }

    SmallVector<Value> inputDims = getDims(rewriter, loc, input);
    Value limit = indexConstant(rewriter, loc, 1);
    if (axis)
      limit = inputDims[*axis];
    else
      for (Value dim : inputDims)
        limit = arith::MulIOp::create(rewriter, loc, limit, dim);
    Value length = arith::MinSIOp::create(rewriter, loc, getDims(rewriter, loc, condition)[0],
                                          limit);

    // The positions kept, in order: a count, then the positions themselves.
    Value countBuffer = counter(rewriter, loc);
    buildLoopNest(rewriter, loc, {length}, [&](OpBuilder &b, Location loc, ValueRange j) {
      countIf(b, loc, countBuffer, krnl::LoadOp::create(b, loc, condition, j));
    });
    Value count = krnl::LoadOp::create(rewriter, loc, countBuffer, ValueRange{});
    Value kept = allocBuffer(rewriter, loc,
                             MemRefType::get({ShapedType::kDynamic}, rewriter.getIndexType()),
                             {count});
    Value columnBuffer = counter(rewriter, loc);
    Value one = indexConstant(rewriter, loc, 1);
    Value last = arith::SubIOp::create(rewriter, loc, count, one);
    Value once = arith::MinSIOp::create(rewriter, loc, count, one); // no step when none kept
    buildLoopNest(rewriter, loc, {once, length}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value keep = krnl::LoadOp::create(b, loc, condition, ivs[1]);
      Value column = arith::MinSIOp::create(b, loc, countIf(b, loc, columnBuffer, keep), last);
      Value old = krnl::LoadOp::create(b, loc, kept, column);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, keep, ivs[1], old), kept,
                            column);
    });

    SmallVector<Value> dims = {count};
    if (axis) {
      dims = inputDims;
      dims[*axis] = count;
    }
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    // A static result type is trusted, but never read or written past.
    int64_t keptDim = axis ? *axis : 0;
    dims[keptDim] =
        arith::MinSIOp::create(rewriter, loc, count, getDims(rewriter, loc, result)[keptDim]);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from;
      if (axis) {
        from.assign(ivs.begin(), ivs.end());
        from[*axis] = krnl::LoadOp::create(b, loc, kept, ivs[*axis]);
      } else {
        from = delinearize(b, loc, krnl::LoadOp::create(b, loc, kept, ivs[0]), inputDims);
      }
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, from), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};


// Unique's items are the elements of the flattened X, or (with an axis) its slices
// along the axis. A first O(M^2) scan finds each item's first occurrence; a second its
// unique value's place: the number of unique values before it, in order of first
// occurrence or, sorted, ascending (slices compared element by element in row-major
// order, NaN after every number and equal to NaN, as numpy orders them). The results
// are sized by the count of unique values and filled item by item: every item writes
// its unique value's slot, all with the same values.
struct UniqueLowering : OpConversionPattern<onnx::UniqueOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::UniqueOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = dyn_cast<MemRefType>(x.getType());
    Type onnxType = cast<ShapedType>(op.getX().getType()).getElementType();
    MemRefType yType = convertedResult(getTypeConverter(), op.getY());
    if (!xType || !yType || !(isa<FloatType>(onnxType) || isa<IntegerType>(onnxType)))
      return rewriter.notifyMatchFailure(op, "needs a ranked int, bool or float input");
    int64_t rank = xType.getRank();
    std::optional<int64_t> axis = op.getAxis();
    if (axis) {
      if (*axis < 0)
        *axis += rank;
      if (*axis < 0 || *axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
    }
    if (yType.getRank() != (axis ? rank : 1))
      return rewriter.notifyMatchFailure(op, "Y must have X's rank with an axis, else rank 1");
    // The optional outputs: 1-d i64 buffers, or absent.
    SmallVector<MemRefType> extraTypes;
    for (Value result : {op.getIndices(), op.getInverseIndices(), op.getCounts()}) {
      if (isa<NoneType>(result.getType())) {
        extraTypes.push_back(MemRefType());
        continue;
      }
      MemRefType type = convertedResult(getTypeConverter(), result);
      if (!type || type.getRank() != 1)
        return rewriter.notifyMatchFailure(op, "indices, inverse_indices, counts must be 1-d");
      extraTypes.push_back(type);
    }
    bool isUnsigned = onnxType.isUnsignedInteger() || onnxType.isInteger(1);
    bool sorted = op.getSorted() != 0;

    SmallVector<Value> xDims = getDims(rewriter, loc, x), sliceDims;
    Value items = indexConstant(rewriter, loc, 1);
    if (axis) {
      items = xDims[*axis];
      sliceDims = xDims;
      sliceDims.erase(sliceDims.begin() + *axis);
    } else {
      for (Value dim : xDims)
        items = arith::MulIOp::create(rewriter, loc, items, dim);
    }
    // Element `at` (of the slice) of item `item`.
    auto element = [&](OpBuilder &b, Location loc, Value item, ValueRange at) -> Value {
      SmallVector<Value> index;
      if (axis) {
        index.assign(at.begin(), at.end());
        index.insert(index.begin() + *axis, item);
      } else {
        index = delinearize(b, loc, item, xDims);
      }
      return krnl::LoadOp::create(b, loc, x, index);
    };
    // a < b in numpy's sort order.
    auto less = [&](OpBuilder &b, Location loc, Value lhs, Value rhs) -> Value {
      if (isa<IntegerType>(onnxType))
        return arith::CmpIOp::create(b, loc, isUnsigned ? arith::CmpIPredicate::ult
                                                         : arith::CmpIPredicate::slt, lhs, rhs);
      Value lhsNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, lhs, lhs);
      Value rhsNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, rhs, rhs);
      Value before = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, lhs, rhs);
      Value notNaN = arith::XOrIOp::create(b, loc, lhsNaN, arith::ConstantIntOp::create(b, loc, 1, 1));
      return arith::OrIOp::create(b, loc, before, arith::AndIOp::create(b, loc, rhsNaN, notNaN));
    };
    // The order of items i and j: -1, 0 or 1 (index values), the first difference's.
    Value orderBuffer = memref::AllocaOp::create(rewriter, loc,
                                                 MemRefType::get({}, rewriter.getIndexType()));
    auto compare = [&](OpBuilder &b, Location loc, Value i, Value j) -> Value {
      krnl::StoreOp::create(b, loc, indexConstant(b, loc, 0), orderBuffer, ValueRange{});
      buildLoopNest(b, loc, sliceDims, [&](OpBuilder &b, Location loc, ValueRange at) {
        Value lhs = element(b, loc, i, at), rhs = element(b, loc, j, at);
        Value zero = indexConstant(b, loc, 0);
        Value order = arith::SelectOp::create(
            b, loc, less(b, loc, lhs, rhs), indexConstant(b, loc, -1),
            arith::SelectOp::create(b, loc, less(b, loc, rhs, lhs), indexConstant(b, loc, 1), zero));
        Value sofar = krnl::LoadOp::create(b, loc, orderBuffer, ValueRange{});
        Value undecided = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, sofar, zero);
        krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, undecided, order, sofar),
                              orderBuffer, ValueRange{});
      });
      return krnl::LoadOp::create(b, loc, orderBuffer, ValueRange{});
    };
    auto indexBuffer = MemRefType::get({ShapedType::kDynamic}, rewriter.getIndexType());

    // first[i]: the first item equal to item i.
    Value first = allocBuffer(rewriter, loc, indexBuffer, {items});
    Value foundBuffer = memref::AllocaOp::create(rewriter, loc,
                                                 MemRefType::get({}, rewriter.getIndexType()));
    buildLoopNest(rewriter, loc, {items}, [&](OpBuilder &b, Location loc, ValueRange i) {
      krnl::StoreOp::create(b, loc, i[0], foundBuffer, ValueRange{});
      buildLoopNest(b, loc, {i[0]}, [&](OpBuilder &b, Location loc, ValueRange j) {
        Value found = krnl::LoadOp::create(b, loc, foundBuffer, ValueRange{});
        Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            compare(b, loc, j[0], i[0]), indexConstant(b, loc, 0));
        Value none = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, found, i[0]);
        krnl::StoreOp::create(b, loc,
                              arith::SelectOp::create(b, loc, arith::AndIOp::create(b, loc, equal, none),
                                                      j[0], found),
                              foundBuffer, ValueRange{});
      });
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, foundBuffer, ValueRange{}),
                            first, i);
    });
    auto isFirst = [&](OpBuilder &b, Location loc, Value j) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                   krnl::LoadOp::create(b, loc, first, j), j);
    };
    Value countBuffer = counter(rewriter, loc);
    buildLoopNest(rewriter, loc, {items}, [&](OpBuilder &b, Location loc, ValueRange i) {
      countIf(b, loc, countBuffer, isFirst(b, loc, i[0]));
    });
    Value unique = krnl::LoadOp::create(rewriter, loc, countBuffer, ValueRange{});

    // slot[i]: the place of item i's unique value among them.
    Value slot = allocBuffer(rewriter, loc, indexBuffer, {items});
    Value placeBuffer = counter(rewriter, loc);
    buildLoopNest(rewriter, loc, {items}, [&](OpBuilder &b, Location loc, ValueRange i) {
      krnl::StoreOp::create(b, loc, indexConstant(b, loc, 0), placeBuffer, ValueRange{});
      Value firstOfI = krnl::LoadOp::create(b, loc, first, i);
      buildLoopNest(b, loc, {items}, [&](OpBuilder &b, Location loc, ValueRange j) {
        Value before =
            sorted ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           compare(b, loc, j[0], i[0]), indexConstant(b, loc, 0))
                   : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j[0], firstOfI);
        countIf(b, loc, placeBuffer, arith::AndIOp::create(b, loc, isFirst(b, loc, j[0]), before));
      });
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, placeBuffer, ValueRange{}), slot,
                            i);
    });

    SmallVector<Value> yDims = {unique};
    if (axis) {
      yDims = xDims;
      yDims[*axis] = unique;
    }
    Value y = allocBuffer(rewriter, loc, yType, yDims);
    SmallVector<Value> extras;
    for (auto [k, type] : llvm::enumerate(extraTypes))
      extras.push_back(type ? allocBuffer(rewriter, loc, type, {k == 1 ? items : unique})
                            : Value());
    Value indices = extras[0], inverse = extras[1], counts = extras[2];
    // A static result type is trusted, but never written past.
    auto lastOf = [&](Value buffer, int64_t d) {
      Value last = arith::SubIOp::create(rewriter, loc, getDims(rewriter, loc, buffer)[d],
                                         indexConstant(rewriter, loc, 1));
      return arith::MaxSIOp::create(rewriter, loc, last, indexConstant(rewriter, loc, 0))
          .getResult();
    };
    Value yLast = lastOf(y, axis ? *axis : 0);
    if (counts) {
      Value zero = constantOf(rewriter, loc, rewriter.getI64Type(), 0);
      buildLoopNest(rewriter, loc, getDims(rewriter, loc, counts),
                    [&](OpBuilder &b, Location loc, ValueRange u) {
                      krnl::StoreOp::create(b, loc, zero, counts, u);
                    });
    }
    Value indicesLast = indices ? lastOf(indices, 0) : Value();
    Value inverseLast = inverse ? lastOf(inverse, 0) : Value();
    Value countsLast = counts ? lastOf(counts, 0) : Value();
    buildLoopNest(rewriter, loc, {items}, [&](OpBuilder &b, Location loc, ValueRange i) {
      Value place = krnl::LoadOp::create(b, loc, slot, i);
      Value from = krnl::LoadOp::create(b, loc, first, i);
      auto asI64 = [&](Value index) {
        return arith::IndexCastOp::create(b, loc, b.getI64Type(), index).getResult();
      };
      if (indices)
        krnl::StoreOp::create(b, loc, asI64(from), indices,
                              ValueRange{arith::MinSIOp::create(b, loc, place, indicesLast)});
      if (inverse)
        krnl::StoreOp::create(b, loc, asI64(place), inverse,
                              ValueRange{arith::MinSIOp::create(b, loc, i[0], inverseLast)});
      if (counts) {
        Value at = arith::MinSIOp::create(b, loc, place, countsLast);
        Value count = krnl::LoadOp::create(b, loc, counts, at);
        krnl::StoreOp::create(b, loc,
                              arith::AddIOp::create(b, loc, count,
                                                    constantOf(b, loc, b.getI64Type(), 1)),
                              counts, at);
      }
      Value to = arith::MinSIOp::create(b, loc, place, yLast);
      buildLoopNest(b, loc, sliceDims, [&](OpBuilder &b, Location loc, ValueRange at) {
        SmallVector<Value> yAt(at.begin(), at.end());
        yAt.insert(yAt.begin() + (axis ? *axis : 0), to);
        krnl::StoreOp::create(b, loc, element(b, loc, from, at), y, yAt);
      });
    });

    SmallVector<Value> results = {y};
    for (Value extra : extras)
      results.push_back(extra ? extra
                              : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType())));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateSelectionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<TopKLowering, NonZeroLowering, CompressLowering, UniqueLowering>(
      converter, patterns.getContext());
}

} // namespace omc
