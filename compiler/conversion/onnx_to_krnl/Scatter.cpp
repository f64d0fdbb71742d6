//===- Scatter.cpp - ScatterElements, Scatter and ScatterND -> krnl -----------===//
//
// The result starts as a copy of the data; one nest over the updates then reads
// where each update goes (a negative index counts from the end of its dim) and
// stores it there, or combines it with what is there (reduction add or mul); an
// index out of range stores nothing and fails the run (IndexChecks.h). The
// nest runs in order, so with duplicate indices the last update wins, as in the
// reference implementation.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/conversion/onnx_to_krnl/IndexChecks.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

enum class Reduction { None, Add, Mul };

std::optional<Reduction> parseReduction(StringRef name) {
  if (name == "none")
    return Reduction::None;
  if (name == "add")
    return Reduction::Add;
  if (name == "mul")
    return Reduction::Mul;
  return std::nullopt;
}

// The value stored where an update goes.
Value combine(OpBuilder &b, Location loc, Reduction reduction, Value result,
              ValueRange at, Value update) {
  if (reduction == Reduction::None)
    return update;
  Value old = krnl::LoadOp::create(b, loc, result, at);
  bool isFloat = isa<FloatType>(update.getType());
  if (reduction == Reduction::Add)
    return isFloat ? Value(arith::AddFOp::create(b, loc, old, update))
                   : Value(arith::AddIOp::create(b, loc, old, update));
  return isFloat ? Value(arith::MulFOp::create(b, loc, old, update))
                 : Value(arith::MulIOp::create(b, loc, old, update));
}

// A fresh buffer of `type` holding a copy of `data`; `dims` are data's dims.
Value copyOf(OpBuilder &builder, Location loc, Value data, MemRefType type,
             ValueRange dims) {
  Value result = allocBuffer(builder, loc, type, dims);
  buildLoopNest(builder, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, data, ivs), result, ivs);
  });
  return result;
}

// A reduction needs numbers to add or multiply.
template <typename OpTy>
LogicalResult checkScatter(OpTy op, Reduction reduction, MemRefType resultType,
                                  ConversionPatternRewriter &rewriter) {
  Type element = resultType.getElementType();
  if (reduction != Reduction::None && !isa<FloatType>(element) &&
      !(isa<IntegerType>(element) && element.getIntOrFloatBitWidth() > 1))
    return rewriter.notifyMatchFailure(op, "reduction needs a numeric element type");
  return success();
}

// ScatterElements (and the deprecated Scatter, the same without reduction):
// result[i with i[axis] = indices[i]] = updates[i] for every position i of indices.
template <typename OpTy>
struct ScatterElementsLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    Value updates = adaptor.getUpdates();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getOutput().getType()));
    if (!dataType || !indexType || !resultType || dataType.getRank() != indexType.getRank() ||
        resultType.getRank() != dataType.getRank() ||
        !isa<MemRefType>(updates.getType()) ||
        cast<MemRefType>(updates.getType()).getRank() != indexType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked operands and result of one rank");
    int64_t rank = dataType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Reduction reduction = Reduction::None;
    if constexpr (std::is_same_v<OpTy, onnx::ScatterElementsOp>) {
      auto parsed = parseReduction(op.getReduction());
      if (!parsed)
        return rewriter.notifyMatchFailure(op, "reduction must be none, add or mul");
      reduction = *parsed;
    }
    if (failed(checkScatter(op, reduction, resultType, rewriter)))
      return failure();

    SmallVector<Value> dataDims = getDims(rewriter, loc, data);
    Value result = copyOf(rewriter, loc, data, resultType, dataDims);
    SmallVector<Value> dims = getDims(rewriter, loc, indices);
    RunTimeErrorSite site = addRunTimeErrorSite(
        rewriter, op,
        describeNode(op) + ": an index is out of range for data axis " + std::to_string(axis));
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value raw = toIndex(b, loc, krnl::LoadOp::create(b, loc, indices, ivs));
      CheckedIndex index = checkIndex(b, loc, raw, dataDims[axis]);
      SmallVector<Value> to(ivs);
      to[axis] = index.index;
      ifInRange(b, loc, index.inRange, site, [&](OpBuilder &b, Location loc) {
        Value update = krnl::LoadOp::create(b, loc, updates, ivs);
        krnl::StoreOp::create(b, loc, combine(b, loc, reduction, result, to, update), result,
                              to);
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// ScatterND: with k = the indices' last dim, the update at [i..., j...] goes to
// result[indices[i..., 0..k), j...].
struct ScatterNDLowering : OpConversionPattern<onnx::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    Value updates = adaptor.getUpdates();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    auto updatesType = dyn_cast<MemRefType>(updates.getType());
    MemRefType resultType =
        dyn_cast_or_null<MemRefType>(getTypeConverter()->convertType(op.getOutput().getType()));
    if (!dataType || !indexType || !updatesType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t r = dataType.getRank(), q = indexType.getRank();
    if (q < 1 || indexType.isDynamicDim(q - 1))
      return rewriter.notifyMatchFailure(op, "the last dim of indices must be static");
    int64_t k = indexType.getDimSize(q - 1);
    if (k > r || updatesType.getRank() != q - 1 + r - k || resultType.getRank() != r)
      return rewriter.notifyMatchFailure(op, "indices and updates do not fit the data");
    auto reduction = parseReduction(op.getReduction());
    if (!reduction)
      return rewriter.notifyMatchFailure(op, "reduction must be none, add or mul");
    if (failed(checkScatter(op, *reduction, resultType, rewriter)))
      return failure();

    SmallVector<Value> dataDims = getDims(rewriter, loc, data);
    Value result = copyOf(rewriter, loc, data, resultType, dataDims);
    SmallVector<Value> dims = getDims(rewriter, loc, updates);
    RunTimeErrorSite site = addRunTimeErrorSite(
        rewriter, op,
        describeNode(op) + ": an index tuple is out of range for data dims 0 to " +
            std::to_string(k - 1));
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> at(ivs.take_front(q - 1)), to;
      SmallVector<CheckedIndex> checks;
      at.push_back(Value());
      for (int64_t c = 0; c < k; ++c) {
        at.back() = arith::ConstantIndexOp::create(b, loc, c);
        Value index = toIndex(b, loc, krnl::LoadOp::create(b, loc, indices, at));
        checks.push_back(checkIndex(b, loc, index, dataDims[c]));
        to.push_back(checks.back().index);
      }
      llvm::append_range(to, ivs.drop_front(q - 1));
      ifInRange(b, loc, allInRange(b, loc, checks), site, [&](OpBuilder &b, Location loc) {
        Value update = krnl::LoadOp::create(b, loc, updates, ivs);
        krnl::StoreOp::create(b, loc, combine(b, loc, *reduction, result, to, update), result,
                              to);
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateScatterPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ScatterElementsLowering<onnx::ScatterElementsOp>,
               ScatterElementsLowering<onnx::ScatterOp>, ScatterNDLowering>(
      converter, patterns.getContext());
}

} // namespace omc
