//===- ControlFlow.cpp - If, Loop, Scan -> krnl -----------------------------===//
//
// Lowerings of the control-flow ops, whose subgraphs become loops and branches:
//   If   -> scf.if, the branches moved in as its regions;
//   Loop -> scf.while over (iteration, cond, carried values..., scan buffers...);
//   Scan -> scf.for over the scan axis, carrying the state variables.
// A subgraph body is moved into an scf.execute_region (Loop, Scan) or the scf.if
// regions, its inputs replaced by buffers, and its onnx.Yield becomes an scf.yield
// (YieldLowering), so the ops inside are lowered by the same conversion, using
// outer-scope values directly.
//
// Buffer ownership: every region yields buffers it owns (a buffer allocated in the
// region is yielded as is, anything else is copied) and frees the buffers it
// allocated and does not yield. A loop owns its carried values: it frees each
// iteration's inputs once the body has produced the next ones. The op's results are
// copied into buffers allocated next to it, so the pass's function-level clean-up
// (ConvertONNXToKrnlPass.cpp) sees them as the plain temporaries they are.
//
// Loop scan outputs: their count is only known when the loop ends, so each scan
// output is carried as a buffer of the rows so far, grown by one row per iteration
// (new buffer, old rows copied, old one freed): quadratic copying in the trip
// count, simple, and bounded memory. Scan outputs are gathered the same way, then
// laid out along scan_output_axes in scan_output_directions at the end.
//
// Sequence- and optional-typed values (If branches, loop-carried values) are buffers
// of buffers (Sequence.h): copied and freed with their elements (copyValue, freeValue).
// Scan's scan inputs and outputs are tensors only.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {
namespace {

// Marks the buffers a loop takes as its initial state: the loop frees them, so the
// clean-up of the block around it (the Yield below, the pass's freeTemporaries) must not.
constexpr const char *kLoopOwned = "omc.loop_owned";

// A copy of `value` handed to a loop as initial state (see kLoopOwned).
Value loopOwned(Value buffer) {
  buffer.getDefiningOp()->setAttr(kLoopOwned, UnitAttr::get(buffer.getContext()));
  return buffer;
}

constexpr const char *kUnsupportedValues =
    "a value in control flow that is not a ranked tensor, nor a sequence or optional of them";

// The type both `a` and `b` fit: the dims they agree on stay static. Null when
// they differ in rank or element type. A null `b` adds no constraint.
MemRefType joinTypes(MemRefType a, MemRefType b) {
  if (!a || !b)
    return a ? a : b;
  if (a.getRank() != b.getRank() || a.getElementType() != b.getElementType())
    return {};
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    shape.push_back(x == y ? x : ShapedType::kDynamic);
  return MemRefType::get(shape, a.getElementType());
}

// The buffer type of the onnx type `type`; null unless it is a ranked tensor, or a
// sequence or optional whose element rank is known.
MemRefType bufferType(const TypeConverter *converter, Type type) {
  if (!isa<RankedTensorType, onnx::SeqType, onnx::OptType>(type))
    return {};
  return dyn_cast_or_null<MemRefType>(converter->convertType(type));
}

// `value` seen as `type` (same rank and element type, compatible dims).
FailureOr<Value> castTo(OpBuilder &builder, Location loc, Value value, MemRefType type) {
  if (value.getType() == type)
    return value;
  if (!memref::CastOp::areCastCompatible(value.getType(), type))
    return failure();
  return Value(memref::CastOp::create(builder, loc, type, value));
}

// A fresh buffer of `type` holding a copy of `value` (compatible shapes).
Value copyToNew(OpBuilder &builder, Location loc, Value value, MemRefType type) {
  return copyValue(builder, loc, value, type);
}

// The first element of a scalar-like buffer (rank 0 or all dims 1).
Value loadFirst(OpBuilder &builder, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> zeros(type.getRank(), indexConstant(builder, loc, 0));
  return krnl::LoadOp::create(builder, loc, buffer, zeros);
}

// A new buffer of `type` (static, scalar-like) holding `scalar`.
Value storeScalar(OpBuilder &builder, Location loc, Value scalar, MemRefType type) {
  Value buffer = memref::AllocOp::create(builder, loc, type, ValueRange{},
                                         builder.getI64IntegerAttr(64));
  SmallVector<Value> zeros(type.getRank(), indexConstant(builder, loc, 0));
  krnl::StoreOp::create(builder, loc, scalar, buffer, zeros);
  return buffer;
}

// Replaces `op`'s results with copies of `values` in buffers of the result types
// allocated next to it, and frees `values` (owned by the control-flow op).
LogicalResult replaceWithOwnedCopies(ConversionPatternRewriter &rewriter, Operation *op,
                                     ValueRange values, const TypeConverter *converter) {
  Location loc = op->getLoc();
  SmallVector<Value> results;
  for (auto [result, value] : llvm::zip(op->getResults(), values)) {
    // An output of unknown rank (no user needs one) keeps the loop's type.
    MemRefType type = isa<UnrankedTensorType>(result.getType())
                          ? cast<MemRefType>(value.getType())
                          : bufferType(converter, result.getType());
    if (!type || !memref::CastOp::areCastCompatible(type, value.getType()))
      return failure();
    results.push_back(copyToNew(rewriter, loc, value, type));
    freeValue(rewriter, loc, value);
  }
  rewriter.replaceOp(op, results);
  return success();
}

// Moves the single block of `region` into a new scf.execute_region of `types`
// built at the rewriter's insertion point, its arguments replaced by `args`.
scf::ExecuteRegionOp inlineBody(ConversionPatternRewriter &rewriter, Location loc,
                                Region &region, TypeRange types, ValueRange args) {
  auto exec = scf::ExecuteRegionOp::create(rewriter, loc, types);
  OpBuilder::InsertionGuard guard(rewriter);
  Block *block = rewriter.createBlock(&exec.getRegion());
  rewriter.inlineBlockBefore(&region.front(), block, block->end(), args);
  return exec;
}

// onnx.Yield ending a region this file moved into scf.if or scf.execute_region:
// an scf.yield of owned buffers of the parent's result types (see the top).
struct YieldLowering : OpConversionPattern<onnx::YieldOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::YieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Operation *parent = op->getParentOp();
    if (!isa<scf::IfOp, scf::ExecuteRegionOp>(parent))
      return rewriter.notifyMatchFailure(op, "onnx.Yield outside a lowered If, Loop or Scan");
    if (parent->getNumResults() != adaptor.getValues().size())
      return rewriter.notifyMatchFailure(op, "subgraph yields the wrong number of values");
    Location loc = op.getLoc();
    Block *block = op->getBlock();
    llvm::SmallPtrSet<Value, 8> owned;
    SmallVector<Value> yielded;
    for (auto [value, type] : llvm::zip(adaptor.getValues(), parent->getResultTypes())) {
      auto bufType = dyn_cast<MemRefType>(type);
      if (!bufType || !isa<MemRefType>(value.getType()))
        return rewriter.notifyMatchFailure(op, kUnsupportedValues);
      if (!memref::CastOp::areCastCompatible(value.getType(), bufType))
        return rewriter.notifyMatchFailure(op, "subgraph output shape does not match the op's");
      auto alloc = value.getDefiningOp<memref::AllocOp>();
      if (alloc && alloc->getBlock() == block && !owned.contains(value)) {
        owned.insert(value);
        yielded.push_back(*castTo(rewriter, loc, value, bufType));
      } else {
        Value copy = copyToNew(rewriter, loc, value, bufType);
        owned.insert(copy);
        yielded.push_back(copy);
      }
    }
    // The region's other buffers die here: nothing outside can see them.
    for (auto alloc : llvm::to_vector(block->getOps<memref::AllocOp>()))
      if (!owned.contains(alloc.getResult()) && !alloc->hasAttr(kLoopOwned) &&
          !alloc->hasAttr(kOwnedBySequence))
        freeValue(rewriter, loc, alloc);
    rewriter.replaceOpWithNewOp<scf::YieldOp>(op, yielded);
    return success();
  }
};

struct IfLowering : OpConversionPattern<onnx::IfOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::IfOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Type> types;
    for (Value result : op.getResults()) {
      MemRefType type = bufferType(getTypeConverter(), result.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, kUnsupportedValues);
      types.push_back(type);
    }
    if (op.getThenBranch().front().getNumArguments() != 0 ||
        op.getElseBranch().front().getNumArguments() != 0)
      return rewriter.notifyMatchFailure(op, "If branches must not have inputs");
    if (!isa<MemRefType>(adaptor.getCond().getType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked bool condition");

    Value cond = loadFirst(rewriter, loc, adaptor.getCond());
    auto ifOp = scf::IfOp::create(rewriter, loc, types, cond, /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    rewriter.inlineRegionBefore(op.getThenBranch(), ifOp.getThenRegion(),
                                ifOp.getThenRegion().end());
    rewriter.inlineRegionBefore(op.getElseBranch(), ifOp.getElseRegion(),
                                ifOp.getElseRegion().end());
    rewriter.setInsertionPointAfter(ifOp);
    if (failed(replaceWithOwnedCopies(rewriter, op, ifOp.getResults(), getTypeConverter())))
      return rewriter.notifyMatchFailure(op, "branch output shape does not match the op's");
    return success();
  }
};

// Appends `row` to `rows` (a buffer of rows, dim 0 counting them) in a new buffer
// of the type of `rows`; frees both.
Value appendRow(OpBuilder &builder, Location loc, Value rows, Value row) {
  auto type = cast<MemRefType>(rows.getType());
  Value count = memref::DimOp::create(builder, loc, rows, 0);
  SmallVector<Value> dims{arith::AddIOp::create(builder, loc, count,
                                                indexConstant(builder, loc, 1))};
  llvm::append_range(dims, getDims(builder, loc, row));
  Value grown = allocBuffer(builder, loc, type, dims);
  buildLoopNest(builder, loc, getDims(builder, loc, rows),
                [&](OpBuilder &b, Location loc, ValueRange ivs) {
                  Value v = krnl::LoadOp::create(b, loc, rows, ivs);
                  krnl::StoreOp::create(b, loc, v, grown, ivs);
                });
  buildLoopNest(builder, loc, getDims(builder, loc, row),
                [&](OpBuilder &b, Location loc, ValueRange ivs) {
                  Value v = krnl::LoadOp::create(b, loc, row, ivs);
                  SmallVector<Value> at{count};
                  llvm::append_range(at, ivs);
                  krnl::StoreOp::create(b, loc, v, grown, at);
                });
  memref::DeallocOp::create(builder, loc, rows);
  memref::DeallocOp::create(builder, loc, row);
  return grown;
}

// An empty buffer of rows of `type` (dim 0 and every other dynamic dim 0).
Value emptyRows(OpBuilder &builder, Location loc, MemRefType type) {
  SmallVector<Value> dims(type.getRank(), indexConstant(builder, loc, 0));
  return allocBuffer(builder, loc, type, dims);
}

// The buffer type of rows of `row`: a dynamic dim 0 in front.
MemRefType rowsType(MemRefType row) {
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  llvm::append_range(shape, row.getShape());
  return MemRefType::get(shape, row.getElementType());
}

struct LoopLowering : OpConversionPattern<onnx::LoopOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::LoopOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const TypeConverter *converter = getTypeConverter();
    Block &body = op.getBody().front();
    auto yield = dyn_cast<onnx::YieldOp>(body.getTerminator());
    ValueRange inits = adaptor.getVInitial();
    size_t numCarried = inits.size();
    if (op.getNumResults() < numCarried || !yield)
      return rewriter.notifyMatchFailure(op, "Loop has fewer outputs than carried values");
    size_t numScan = op.getNumResults() - numCarried;
    if (body.getNumArguments() != numCarried + 2 ||
        yield.getNumOperands() != 1 + numCarried + numScan)
      return rewriter.notifyMatchFailure(
          op, "Loop body must take (iteration, cond, carried...) and return "
              "(cond, carried..., scan outputs...)");

    // Carried types: static where the initial value, body input and output and
    // the op's result agree; dims that change between iterations are dynamic.
    SmallVector<MemRefType> carried;
    for (size_t i = 0; i < numCarried; ++i) {
      auto type = dyn_cast<MemRefType>(inits[i].getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, kUnsupportedValues);
      for (Type other : {op.getResult(i).getType(), body.getArgument(i + 2).getType(),
                         yield.getOperand(i + 1).getType()}) {
        if (!isa<TensorType, onnx::SeqType, onnx::OptType>(other))
          return rewriter.notifyMatchFailure(op, kUnsupportedValues);
        type = joinTypes(type, bufferType(converter, other));
        if (!type)
          return rewriter.notifyMatchFailure(op, "loop-carried value changes rank or type");
      }
      carried.push_back(type);
    }
    SmallVector<MemRefType> scanRows;
    for (size_t j = 0; j < numScan; ++j) {
      Type result = op.getResult(numCarried + j).getType();
      Type row = yield.getOperand(1 + numCarried + j).getType();
      if (!isa<TensorType>(result) || !isa<TensorType>(row))
        return rewriter.notifyMatchFailure(op, kUnsupportedValues);
      MemRefType rowType = bufferType(converter, row);
      if (auto resultType = bufferType(converter, result)) {
        if (resultType.getRank() < 1)
          return rewriter.notifyMatchFailure(op, "scan output of rank 0");
        auto fromResult = MemRefType::get(resultType.getShape().drop_front(),
                                          resultType.getElementType());
        rowType = joinTypes(fromResult, rowType);
      }
      if (!rowType)
        return rewriter.notifyMatchFailure(op, "scan output of unknown rank");
      scanRows.push_back(rowType);
    }

    // The bounds: M and cond, each optional.
    Value maxTrip = isa<NoneType>(op.getM().getType())
                        ? Value(arith::ConstantIntOp::create(rewriter, loc,
                                                             rewriter.getI64Type(), INT64_MAX))
                        : loadFirst(rewriter, loc, adaptor.getM());
    Value cond = isa<NoneType>(op.getCond().getType())
                     ? Value(arith::ConstantIntOp::create(rewriter, loc, rewriter.getI1Type(), 1))
                     : loadFirst(rewriter, loc, adaptor.getCond());

    SmallVector<Value> state{arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(), 0),
                             cond};
    for (size_t i = 0; i < numCarried; ++i)
      state.push_back(loopOwned(copyToNew(rewriter, loc, inits[i], carried[i])));
    for (MemRefType row : scanRows)
      state.push_back(loopOwned(emptyRows(rewriter, loc, rowsType(row))));
    SmallVector<Type> types = llvm::to_vector(ValueRange(state).getTypes());
    SmallVector<Location> locs(types.size(), loc);

    auto whileOp = scf::WhileOp::create(rewriter, loc, types, state);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      Block *before = rewriter.createBlock(&whileOp.getBefore(), {}, types, locs);
      Value inRange = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                                            before->getArgument(0), maxTrip);
      Value go = arith::AndIOp::create(rewriter, loc, inRange, before->getArgument(1));
      scf::ConditionOp::create(rewriter, loc, go, before->getArguments());
    }
    OpBuilder::InsertionGuard guard(rewriter);
    Block *after = rewriter.createBlock(&whileOp.getAfter(), {}, types, locs);
    Value iter = after->getArgument(0);

    // The body's inputs: the iteration number and cond as the tensors it declares.
    auto scalarType = [&](Value arg, Type element) {
      MemRefType type = bufferType(converter, arg.getType());
      return type && type.hasStaticShape() && type.getNumElements() == 1
                 ? type
                 : MemRefType::get({}, element);
    };
    Value iterBuf = storeScalar(rewriter, loc, iter,
                                scalarType(body.getArgument(0), rewriter.getI64Type()));
    Value condBuf = storeScalar(rewriter, loc, after->getArgument(1),
                                scalarType(body.getArgument(1), rewriter.getI1Type()));
    SmallVector<Value> args{iterBuf, condBuf};
    for (size_t i = 0; i < numCarried; ++i) {
      Value value = after->getArgument(2 + i);
      if (auto type = bufferType(converter, body.getArgument(2 + i).getType()))
        value = *castTo(rewriter, loc, value, type);
      args.push_back(value);
    }
    SmallVector<Type> outTypes{scalarType(yield.getOperand(0), rewriter.getI1Type())};
    llvm::append_range(outTypes, ArrayRef<MemRefType>(carried));
    llvm::append_range(outTypes, ArrayRef<MemRefType>(scanRows));
    auto exec = inlineBody(rewriter, loc, op.getBody(), outTypes, args);

    // After the body: the next state; this iteration's inputs die.
    Value nextCond = loadFirst(rewriter, loc, exec.getResult(0));
    for (Value dead : {exec.getResult(0), iterBuf, condBuf})
      memref::DeallocOp::create(rewriter, loc, dead);
    for (size_t i = 0; i < numCarried; ++i)
      freeValue(rewriter, loc, after->getArgument(2 + i));
    SmallVector<Value> next{
        arith::AddIOp::create(rewriter, loc, iter,
                              arith::ConstantIntOp::create(rewriter, loc,
                                                           rewriter.getI64Type(), 1)),
        nextCond};
    for (size_t i = 0; i < numCarried; ++i)
      next.push_back(exec.getResult(1 + i));
    for (size_t j = 0; j < numScan; ++j)
      next.push_back(appendRow(rewriter, loc, after->getArgument(2 + numCarried + j),
                               exec.getResult(1 + numCarried + j)));
    scf::YieldOp::create(rewriter, loc, next);

    rewriter.setInsertionPointAfter(whileOp);
    if (failed(replaceWithOwnedCopies(rewriter, op, whileOp.getResults().drop_front(2),
                                      converter)))
      return rewriter.notifyMatchFailure(op, "loop output shape does not match the op's");
    return success();
  }
};

// `attr` as one int per value (defaults 0), or failure when its size is wrong.
FailureOr<SmallVector<int64_t>> intList(std::optional<ArrayAttr> attr, size_t count) {
  SmallVector<int64_t> values(count, 0);
  if (!attr)
    return values;
  if (attr->size() != count)
    return failure();
  for (auto [i, element] : llvm::enumerate(*attr))
    values[i] = cast<IntegerAttr>(element).getInt();
  return values;
}

struct ScanLowering : OpConversionPattern<onnx::ScanOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ScanOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const TypeConverter *converter = getTypeConverter();
    ValueRange operands = adaptor.getInitialStateAndScanInputs();
    for (Value operand : op.getInitialStateAndScanInputs())
      if (isa<NoneType>(operand.getType()))
        return rewriter.notifyMatchFailure(
            op, "Scan of opset 8 (batched, with sequence_lens) is not supported; use opset 9+");
    int64_t numScanIn = op.getNumScanInputs();
    int64_t numState = static_cast<int64_t>(operands.size()) - numScanIn;
    int64_t numScanOut = static_cast<int64_t>(op.getNumResults()) - numState;
    Block &body = op.getBody().front();
    auto yield = dyn_cast<onnx::YieldOp>(body.getTerminator());
    if (numScanIn < 1 || numState < 0 || numScanOut < 0 || !yield ||
        body.getNumArguments() != static_cast<size_t>(numState + numScanIn) ||
        yield.getNumOperands() != op.getNumResults())
      return rewriter.notifyMatchFailure(
          op, "Scan body must take (state..., scan input elements...) and return "
              "(state..., scan output elements...), with num_scan_inputs >= 1 (opset 9+)");
    auto inAxes = intList(op.getScanInputAxes(), numScanIn);
    auto inDirs = intList(op.getScanInputDirections(), numScanIn);
    auto outAxes = intList(op.getScanOutputAxes(), numScanOut);
    auto outDirs = intList(op.getScanOutputDirections(), numScanOut);
    if (failed(inAxes) || failed(inDirs) || failed(outAxes) || failed(outDirs))
      return rewriter.notifyMatchFailure(
          op, "scan_input_axes/directions need one value per scan input, "
              "scan_output_axes/directions one per scan output");

    SmallVector<MemRefType> carried;
    for (int64_t i = 0; i < numState; ++i) {
      auto type = dyn_cast<MemRefType>(operands[i].getType());
      for (Type other : {op.getResult(i).getType(), body.getArgument(i).getType(),
                         yield.getOperand(i).getType()})
        type = joinTypes(type, bufferType(converter, other));
      if (!type)
        return rewriter.notifyMatchFailure(op, "state variable changes rank or type");
      carried.push_back(type);
    }
    // Scan inputs: the element type drops the scan axis.
    SmallVector<MemRefType> inRows;
    SmallVector<int64_t> inAxis;
    for (int64_t k = 0; k < numScanIn; ++k) {
      auto type = dyn_cast<MemRefType>(operands[numState + k].getType());
      if (!type || type.getRank() < 1)
        return rewriter.notifyMatchFailure(op, "scan inputs must be ranked tensors of rank >= 1");
      int64_t axis = (*inAxes)[k] < 0 ? (*inAxes)[k] + type.getRank() : (*inAxes)[k];
      if (axis < 0 || axis >= type.getRank() || ((*inDirs)[k] != 0 && (*inDirs)[k] != 1))
        return rewriter.notifyMatchFailure(op, "scan input axis or direction out of range");
      SmallVector<int64_t> shape(type.getShape());
      shape.erase(shape.begin() + axis);
      auto row = joinTypes(MemRefType::get(shape, type.getElementType()),
                           bufferType(converter, body.getArgument(numState + k).getType()));
      if (!row)
        return rewriter.notifyMatchFailure(op, "scan input element does not match the body input");
      inRows.push_back(row);
      inAxis.push_back(axis);
    }
    SmallVector<MemRefType> outRows;
    SmallVector<int64_t> outAxis;
    for (int64_t j = 0; j < numScanOut; ++j) {
      MemRefType row = bufferType(converter, yield.getOperand(numState + j).getType());
      MemRefType result = bufferType(converter, op.getResult(numState + j).getType());
      if (!row || !result || result.getRank() != row.getRank() + 1)
        return rewriter.notifyMatchFailure(op, "scan outputs must be ranked tensors");
      int64_t axis = (*outAxes)[j] < 0 ? (*outAxes)[j] + result.getRank() : (*outAxes)[j];
      if (axis < 0 || axis >= result.getRank() || ((*outDirs)[j] != 0 && (*outDirs)[j] != 1))
        return rewriter.notifyMatchFailure(op, "scan output axis or direction out of range");
      outRows.push_back(row);
      outAxis.push_back(axis);
    }

    Value length = memref::DimOp::create(rewriter, loc, operands[numState], inAxis[0]);
    Value one = indexConstant(rewriter, loc, 1);
    SmallVector<Value> state;
    for (int64_t i = 0; i < numState; ++i)
      state.push_back(loopOwned(copyToNew(rewriter, loc, operands[i], carried[i])));
    for (MemRefType row : outRows)
      state.push_back(loopOwned(emptyRows(rewriter, loc, rowsType(row))));

    auto forOp = scf::ForOp::create(rewriter, loc, indexConstant(rewriter, loc, 0), length,
                                    one, state);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      Block *loop = forOp.getBody();
      if (!loop->empty() && loop->back().hasTrait<OpTrait::IsTerminator>())
        rewriter.eraseOp(&loop->back());
      rewriter.setInsertionPointToEnd(loop);
      Value t = forOp.getInductionVar();
      Value last = arith::SubIOp::create(rewriter, loc, length, one);
      Value reversed = arith::SubIOp::create(rewriter, loc, last, t);
      SmallVector<Value> args;
      for (int64_t i = 0; i < numState; ++i) {
        Value value = forOp.getRegionIterArgs()[i];
        if (auto type = bufferType(converter, body.getArgument(i).getType()))
          value = *castTo(rewriter, loc, value, type);
        args.push_back(value);
      }
      // This iteration's element of each scan input.
      SmallVector<Value> slices;
      for (int64_t k = 0; k < numScanIn; ++k) {
        Value input = operands[numState + k];
        SmallVector<Value> dims = getDims(rewriter, loc, input);
        dims.erase(dims.begin() + inAxis[k]);
        Value slice = allocBuffer(rewriter, loc, inRows[k], dims);
        Value pos = (*inDirs)[k] ? reversed : t;
        buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
          SmallVector<Value> at(ivs);
          at.insert(at.begin() + inAxis[k], pos);
          Value v = krnl::LoadOp::create(b, loc, input, at);
          krnl::StoreOp::create(b, loc, v, slice, ivs);
        });
        slices.push_back(slice);
        args.push_back(slice);
      }
      SmallVector<Type> outTypes(carried.begin(), carried.end());
      llvm::append_range(outTypes, ArrayRef<MemRefType>(outRows));
      auto exec = inlineBody(rewriter, loc, op.getBody(), outTypes, args);
      for (int64_t i = 0; i < numState; ++i)
        memref::DeallocOp::create(rewriter, loc, forOp.getRegionIterArgs()[i]);
      for (Value slice : slices)
        memref::DeallocOp::create(rewriter, loc, slice);
      SmallVector<Value> next(exec.getResults().take_front(numState));
      for (int64_t j = 0; j < numScanOut; ++j)
        next.push_back(appendRow(rewriter, loc, forOp.getRegionIterArgs()[numState + j],
                                 exec.getResult(numState + j)));
      scf::YieldOp::create(rewriter, loc, next);
    }

    rewriter.setInsertionPointAfter(forOp);
    SmallVector<Value> results;
    for (int64_t i = 0; i < numState; ++i) {
      MemRefType type = bufferType(converter, op.getResult(i).getType());
      Value value = forOp.getResult(i);
      if (!type || !memref::CastOp::areCastCompatible(type, value.getType()))
        return rewriter.notifyMatchFailure(op, "state output shape does not match the op's");
      results.push_back(copyToNew(rewriter, loc, value, type));
      memref::DeallocOp::create(rewriter, loc, value);
    }
    // Scan outputs: the rows, in iteration order, laid along the output axis.
    for (int64_t j = 0; j < numScanOut; ++j) {
      Value rows = forOp.getResult(numState + j);
      MemRefType type = bufferType(converter, op.getResult(numState + j).getType());
      SmallVector<Value> dims = getDims(rewriter, loc, rows);
      Value count = dims.front();
      dims.erase(dims.begin());
      dims.insert(dims.begin() + outAxis[j], count);
      Value output = allocBuffer(rewriter, loc, type, dims);
      bool reverse = (*outDirs)[j] != 0;
      int64_t axis = outAxis[j];
      buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> at(ivs);
        Value t = at[axis];
        at.erase(at.begin() + axis);
        if (reverse)
          t = arith::SubIOp::create(
              b, loc, arith::SubIOp::create(b, loc, count, indexConstant(b, loc, 1)), t);
        at.insert(at.begin(), t);
        Value v = krnl::LoadOp::create(b, loc, rows, at);
        krnl::StoreOp::create(b, loc, v, output, ivs);
      });
      memref::DeallocOp::create(rewriter, loc, rows);
      results.push_back(output);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateControlFlowPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<YieldLowering, IfLowering, LoopLowering, ScanLowering>(converter,
                                                                      patterns.getContext());
}

} // namespace omc
