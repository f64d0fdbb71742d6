//===- Sequence.cpp - the Sequence* ops, SplitToSequence, ConcatFromSequence ---===//
//
// Lowerings over the buffers of buffers of Sequence.h. Each op builds a new sequence
// with copies of the elements it keeps (values are immutable and own their elements);
// the element loops are scf.for loops, the element data moves with memref.copy or a
// krnl nest. Positions out of the range ONNX allows are clamped into it, so that a bad
// position reads a wrong element rather than memory outside the sequence.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {
namespace {

constexpr const char *kUnknownRank =
    "the rank of the sequence's elements is unknown (no tensor of the graph gives it)";

// The position held by the scalar buffer `position`, counted from the back when
// negative and clamped into [0, limit].
Value positionOf(OpBuilder &builder, Location loc, Value position, Value count, Value limit) {
  auto type = cast<MemRefType>(position.getType());
  SmallVector<Value> zeros(type.getRank(), indexConstant(builder, loc, 0));
  Value raw = toIndex(builder, loc, krnl::LoadOp::create(builder, loc, position, zeros));
  Value wrapped = wrapNegativeIndex(builder, loc, raw, count);
  Value zero = indexConstant(builder, loc, 0);
  Value low = arith::MaxSIOp::create(builder, loc, wrapped, zero);
  return arith::MinSIOp::create(builder, loc, low, limit);
}

Value minusOne(OpBuilder &builder, Location loc, Value value) {
  return arith::SubIOp::create(builder, loc, value, indexConstant(builder, loc, 1));
}

Value plusOne(OpBuilder &builder, Location loc, Value value) {
  return arith::AddIOp::create(builder, loc, value, indexConstant(builder, loc, 1));
}

struct SequenceEmptyLowering : OpConversionPattern<onnx::SequenceEmptyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceEmptyOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    if (!type)
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    rewriter.replaceOp(op, allocSequence(rewriter, loc, type, indexConstant(rewriter, loc, 0)));
    return success();
  }
};

struct SequenceConstructLowering : OpConversionPattern<onnx::SequenceConstructOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceConstructOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    if (!type)
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    ValueRange inputs = adaptor.getInputs();
    Value sequence =
        allocSequence(rewriter, loc, type, indexConstant(rewriter, loc, inputs.size()));
    for (auto [i, input] : llvm::enumerate(inputs))
      storeElementCopy(rewriter, loc, sequence, indexConstant(rewriter, loc, i), input);
    rewriter.replaceOp(op, sequence);
    return success();
  }
};

struct SequenceInsertLowering : OpConversionPattern<onnx::SequenceInsertOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceInsertOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    if (!type)
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value input = adaptor.getInputSequence();
    Value count = elementCount(rewriter, loc, input);
    // ONNX accepts [-n, n]; no position appends.
    Value position = isa<NoneType>(op.getPosition().getType())
                         ? count
                         : positionOf(rewriter, loc, adaptor.getPosition(), count, count);
    Value sequence = allocSequence(rewriter, loc, type, plusOne(rewriter, loc, count));
    copyElements(rewriter, loc, input, sequence, indexConstant(rewriter, loc, 0), position, 0);
    copyElements(rewriter, loc, input, sequence, position, count, 1);
    storeElementCopy(rewriter, loc, sequence, position, adaptor.getTensor());
    rewriter.replaceOp(op, sequence);
    return success();
  }
};

struct SequenceEraseLowering : OpConversionPattern<onnx::SequenceEraseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceEraseOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    if (!type)
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value input = adaptor.getInputSequence();
    Value count = elementCount(rewriter, loc, input);
    // ONNX accepts [-n, n - 1]; no position erases the last. Erasing from an empty
    // sequence gives an empty one.
    Value zero = indexConstant(rewriter, loc, 0);
    Value last = minusOne(rewriter, loc, count);
    Value position = isa<NoneType>(op.getPosition().getType())
                         ? last
                         : positionOf(rewriter, loc, adaptor.getPosition(), count, last);
    position = arith::MaxSIOp::create(rewriter, loc, position, zero);
    Value remaining = arith::MaxSIOp::create(rewriter, loc, last, zero);
    Value sequence = allocSequence(rewriter, loc, type, remaining);
    copyElements(rewriter, loc, input, sequence, zero,
                 arith::MinSIOp::create(rewriter, loc, position, remaining), 0);
    copyElements(rewriter, loc, input, sequence, plusOne(rewriter, loc, position), count, -1);
    rewriter.replaceOp(op, sequence);
    return success();
  }
};

struct SequenceAtLowering : OpConversionPattern<onnx::SequenceAtOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceAtOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = convertedResult(getTypeConverter(), op.getResult());
    if (!type || !isNestedBuffer(adaptor.getInputSequence().getType()))
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value input = adaptor.getInputSequence();
    Value count = elementCount(rewriter, loc, input);
    Value position =
        positionOf(rewriter, loc, adaptor.getPosition(), count, minusOne(rewriter, loc, count));
    Value element = memref::LoadOp::create(rewriter, loc, input, ValueRange{position});
    rewriter.replaceOp(op, copyValue(rewriter, loc, element, type));
    return success();
  }
};

struct SequenceLengthLowering : OpConversionPattern<onnx::SequenceLengthOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceLengthOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = scalarResultType(getTypeConverter(), op.getResult());
    if (!type || !isNestedBuffer(adaptor.getInputSequence().getType()))
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value count = elementCount(rewriter, loc, adaptor.getInputSequence());
    Value length = arith::IndexCastOp::create(rewriter, loc, type.getElementType(), count);
    rewriter.replaceOp(op, scalarBuffer(rewriter, loc, type, length));
    return success();
  }
};

// SplitToSequence: parts of `input` along `axis`, each a new element buffer. Without
// `split` every part is one slice (squeezed unless keepdims); a scalar split cuts parts
// of that size (the last one smaller); a 1-D split gives each part's size.
struct SplitToSequenceLowering : OpConversionPattern<onnx::SplitToSequenceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SplitToSequenceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    if (!type || !inputType)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    bool hasSplit = !isa<NoneType>(op.getSplit().getType());
    bool squeeze = !hasSplit && op.getKeepdims() == 0;
    auto elementType = cast<MemRefType>(type.getElementType());
    if (elementType.getRank() != rank - (squeeze ? 1 : 0))
      return rewriter.notifyMatchFailure(op, "result elements have the wrong rank");

    Location loc = op.getLoc();
    SmallVector<Value> inputDims = getDims(rewriter, loc, input);
    Value length = inputDims[axis];
    Value one = indexConstant(rewriter, loc, 1), zero = indexConstant(rewriter, loc, 0);
    Value split = adaptor.getSplit();
    auto splitType = hasSplit ? dyn_cast<MemRefType>(split.getType()) : MemRefType();
    if (hasSplit && (!splitType || splitType.getRank() > 1))
      return rewriter.notifyMatchFailure(op, "split must be a scalar or a 1-D tensor");
    bool sizes = splitType && splitType.getRank() == 1;
    Value chunk, count;
    if (!hasSplit) {
      count = length;
    } else if (sizes) {
      count = memref::DimOp::create(rewriter, loc, split, 0);
    } else {
      // Parts of `chunk` (at least 1), rounded up.
      Value raw = toIndex(rewriter, loc, krnl::LoadOp::create(rewriter, loc, split,
                                                              ValueRange{}));
      chunk = arith::MaxSIOp::create(rewriter, loc, raw, one);
      count = arith::CeilDivSIOp::create(rewriter, loc, length, chunk);
    }

    Value sequence = allocSequence(rewriter, loc, type, count);
    auto buildPart = [&](OpBuilder &rewriter, Location loc, Value i, ValueRange args) {
      Value start = args[0];
      Value size = one;
      if (sizes)
        size = toIndex(rewriter, loc, krnl::LoadOp::create(rewriter, loc, split, ValueRange{i}));
      else if (hasSplit)
        size = arith::MinSIOp::create(rewriter, loc, chunk,
                                      arith::SubIOp::create(rewriter, loc, length, start));
      // Sizes past the input's end are cut (a bad split must not read outside it).
      Value room = arith::SubIOp::create(rewriter, loc, length, start);
      size = arith::MaxSIOp::create(rewriter, loc,
                                    arith::MinSIOp::create(rewriter, loc, size, room), zero);
      SmallVector<Value> dims(inputDims);
      if (squeeze)
        dims.erase(dims.begin() + axis);
      else
        dims[axis] = size;
      Value part = allocBuffer(rewriter, loc, elementType, dims);
      buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> at(ivs);
        if (squeeze)
          at.insert(at.begin() + axis, start);
        else
          at[axis] = arith::AddIOp::create(b, loc, at[axis], start);
        Value v = krnl::LoadOp::create(b, loc, input, at);
        krnl::StoreOp::create(b, loc, v, part, ivs);
      });
      memref::StoreOp::create(rewriter, loc, part, sequence, ValueRange{i});
      scf::YieldOp::create(rewriter, loc,
                           ValueRange{arith::AddIOp::create(rewriter, loc, start, size)});
    };
    scf::ForOp::create(rewriter, loc, zero, count, one, ValueRange{zero}, buildPart);
    rewriter.replaceOp(op, sequence);
    return success();
  }
};

// ConcatFromSequence: the elements joined along `axis` (new_axis 0) or stacked along
// a new one (new_axis 1). The elements agree in every other dim (ONNX requires it);
// an empty sequence gives an empty result.
struct ConcatFromSequenceLowering : OpConversionPattern<onnx::ConcatFromSequenceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ConcatFromSequenceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = convertedResult(getTypeConverter(), op.getResult());
    Value input = adaptor.getInputSequence();
    if (!type || !isNestedBuffer(input.getType()))
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    MemRefType elementType = elementBufferTypeOf(input);
    bool stack = op.getNewAxis() != 0;
    int64_t rank = elementType.getRank();
    int64_t outRank = rank + (stack ? 1 : 0);
    if (type.getRank() != outRank)
      return rewriter.notifyMatchFailure(op, "result rank does not match the elements'");
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + outRank : op.getAxis();
    if (axis < 0 || axis >= outRank)
      return rewriter.notifyMatchFailure(op, "axis out of range");

    Location loc = op.getLoc();
    Value zero = indexConstant(rewriter, loc, 0), one = indexConstant(rewriter, loc, 1);
    Value count = elementCount(rewriter, loc, input);
    // The first element's dims, or zeros for an empty sequence.
    Value nonEmpty = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, count,
                                           zero);
    SmallVector<Type> indexTypes(rank, rewriter.getIndexType());
    auto firstDims = scf::IfOp::create(rewriter, loc, indexTypes, nonEmpty,
                                       /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(firstDims.thenBlock());
      Value first = memref::LoadOp::create(rewriter, loc, input, ValueRange{zero});
      scf::YieldOp::create(rewriter, loc, getDims(rewriter, loc, first));
      rewriter.setInsertionPointToStart(firstDims.elseBlock());
      scf::YieldOp::create(rewriter, loc, SmallVector<Value>(rank, zero));
    }
    SmallVector<Value> dims(firstDims.getResults());
    if (stack) {
      dims.insert(dims.begin() + axis, count);
    } else {
      // The joined dim: the sum over the elements.
      auto sum = scf::ForOp::create(
          rewriter, loc, zero, count, one, ValueRange{zero},
          [&](OpBuilder &b, Location loc, Value i, ValueRange args) {
            Value element = memref::LoadOp::create(b, loc, input, ValueRange{i});
            Value dim = memref::DimOp::create(b, loc, element, axis);
            scf::YieldOp::create(b, loc, ValueRange{arith::AddIOp::create(b, loc, args[0], dim)});
          });
      dims[axis] = sum.getResult(0);
    }
    Value result = allocBuffer(rewriter, loc, type, dims);

    auto copyElement = [&](OpBuilder &rewriter, Location loc, Value i, ValueRange args) {
      Value offset = args[0];
      Value element = memref::LoadOp::create(rewriter, loc, input, ValueRange{i});
      SmallVector<Value> elementDims = getDims(rewriter, loc, element);
      buildLoopNest(rewriter, loc, elementDims,
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      SmallVector<Value> at(ivs);
                      if (stack)
                        at.insert(at.begin() + axis, i);
                      else
                        at[axis] = arith::AddIOp::create(b, loc, at[axis], offset);
                      Value v = krnl::LoadOp::create(b, loc, element, ivs);
                      krnl::StoreOp::create(b, loc, v, result, at);
                    });
      Value next = stack ? offset
                         : Value(arith::AddIOp::create(rewriter, loc, offset,
                                                       elementDims[axis]));
      scf::YieldOp::create(rewriter, loc, ValueRange{next});
    };
    scf::ForOp::create(rewriter, loc, zero, count, one, ValueRange{zero}, copyElement);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSequencePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<SequenceEmptyLowering, SequenceConstructLowering, SequenceInsertLowering,
               SequenceEraseLowering, SequenceAtLowering, SequenceLengthLowering,
               SplitToSequenceLowering, ConcatFromSequenceLowering>(converter,
                                                                     patterns.getContext());
}

} // namespace omc
