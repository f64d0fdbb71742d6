//===- Indexing.cpp - GatherElements, GatherND and OneHot -> krnl -------------===//
//
// One nest over the result. Each element reads the index (or, for GatherND, the
// tuple of indices) that addresses it, counts a negative index from the end of its
// dim, checks it against that dim (IndexChecks.h) and loads the data element there. OneHot compares the index read with the
// position along the new axis and picks the on or off value.
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

bool hasUnsignedElements(Value tensor) {
  return cast<ShapedType>(tensor.getType()).getElementType().isUnsignedInteger();
}

struct GatherElementsLowering : OpConversionPattern<onnx::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!dataType || !indexType || !resultType || dataType.getRank() != indexType.getRank() ||
        resultType.getRank() != indexType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked data, indices and result of one rank");
    int64_t rank = dataType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");

    // The result has the indices' shape.
    SmallVector<Value> dims = getDims(rewriter, loc, indices);
    Value axisDim = getDims(rewriter, loc, data)[axis];
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    RunTimeErrorSite site = addRunTimeErrorSite(
        rewriter, op,
        describeNode(op) + ": an index is out of range for data axis " + std::to_string(axis));
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      CheckedIndex index =
          checkIndex(b, loc, toIndex(b, loc, krnl::LoadOp::create(b, loc, indices, ivs)), axisDim);
      SmallVector<Value> from(ivs);
      from[axis] = index.index;
      krnl::StoreOp::create(b, loc, loadIfInRange(b, loc, index.inRange, data, from, site),
                            result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// With batch_dims b and k = the indices' last dim, result[i..., j...] (i over the
// indices' leading dims, j over the data dims after b + k) is
// data[i[0..b), indices[i..., 0..k), j...].
struct GatherNDLowering : OpConversionPattern<onnx::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!dataType || !indexType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t r = dataType.getRank(), q = indexType.getRank(), batch = op.getBatchDims();
    if (q < 1 || indexType.isDynamicDim(q - 1))
      return rewriter.notifyMatchFailure(op, "the last dim of indices must be static");
    int64_t k = indexType.getDimSize(q - 1);
    if (batch < 0 || batch >= std::min(q, r) || batch + k > r ||
        resultType.getRank() != q - 1 + r - batch - k)
      return rewriter.notifyMatchFailure(op, "batch_dims or the indices' last dim out of range");

    SmallVector<Value> dataDims = getDims(rewriter, loc, data);
    SmallVector<Value> dims = getDims(rewriter, loc, indices);
    dims.pop_back();
    dims.append(dataDims.begin() + batch + k, dataDims.end());
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    RunTimeErrorSite site = addRunTimeErrorSite(
        rewriter, op,
        describeNode(op) + ": an index tuple is out of range for data dims " +
            std::to_string(batch) + " to " + std::to_string(batch + k - 1));
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from(ivs.take_front(batch));
      SmallVector<Value> at(ivs.take_front(q - 1));
      SmallVector<CheckedIndex> checks;
      at.push_back(Value());
      for (int64_t c = 0; c < k; ++c) {
        at.back() = arith::ConstantIndexOp::create(b, loc, c);
        Value index = toIndex(b, loc, krnl::LoadOp::create(b, loc, indices, at));
        checks.push_back(checkIndex(b, loc, index, dataDims[batch + c]));
        from.push_back(checks.back().index);
      }
      llvm::append_range(from, ivs.drop_front(q - 1));
      Value value = loadIfInRange(b, loc, allInRange(b, loc, checks), data, from, site);
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// The result is the indices' shape with a dim of size depth inserted at axis.
// Indices of any numeric type; out of [-depth, depth) they match no position.
struct OneHotLowering : OpConversionPattern<onnx::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices(), depthIn = adaptor.getDepth();
    Value values = adaptor.getValues();
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    auto depthType = dyn_cast<MemRefType>(depthIn.getType());
    auto valuesType = dyn_cast<MemRefType>(values.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!indexType || !depthType || !valuesType || !resultType ||
        resultType.getRank() != indexType.getRank() + 1 || valuesType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs ranked types, values of rank 1");
    if (depthType.hasStaticShape() && depthType.getNumElements() != 1)
      return rewriter.notifyMatchFailure(op, "depth must hold one element");
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value depth;
    if (!resultType.isDynamicDim(axis)) {
      depth = arith::ConstantIndexOp::create(rewriter, loc, resultType.getDimSize(axis));
    } else {
      SmallVector<Value> first(depthType.getRank(), zero);
      depth = toIndex(rewriter, loc, krnl::LoadOp::create(rewriter, loc, depthIn, first),
                      hasUnsignedElements(op.getDepth()));
    }
    Value off = krnl::LoadOp::create(rewriter, loc, values, ValueRange{zero});
    Value on = krnl::LoadOp::create(rewriter, loc, values,
                                    ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});

    SmallVector<Value> dims = getDims(rewriter, loc, indices);
    dims.insert(dims.begin() + axis, depth);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    bool isUnsigned = hasUnsignedElements(op.getIndices());
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> at(ivs);
      at.erase(at.begin() + axis);
      Value raw = krnl::LoadOp::create(b, loc, indices, at);
      Value index = wrapNegativeIndex(b, loc, toIndex(b, loc, raw, isUnsigned), depth);
      Value hot = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index, ivs[axis]);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, hot, on, off), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateIndexingPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<GatherElementsLowering, GatherNDLowering, OneHotLowering>(converter,
                                                                         patterns.getContext());
}

} // namespace omc
