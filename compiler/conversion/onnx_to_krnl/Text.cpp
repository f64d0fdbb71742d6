//===- Text.cpp - TfIdfVectorizer -> krnl -----------------------------------===//
//
// Lowerings of the text ops over token ids (n-gram counting).
//
// TfIdfVectorizer counts, per row, the n-grams of its pool (an attribute) that occur in the
// row: an n-gram of size n >= 2 starting at position i with skip s is the tokens at i, i + d,
// ..., i + (n - 1) d with d = s + 1, for every s in 0..max_skip_count, and each such
// (start, skip) occurrence counts once. Unigrams do not depend on the skip and count once per
// position. The count lands at the output column ngram_indexes[k] of pool n-gram k; the mode
// then turns counts into TF (the count), IDF (weight where the count is > 0) or TFIDF
// (count * weight), with the weight of the column's pool n-gram (1 when absent).
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

SmallVector<int64_t> intsOf(ArrayAttr array) {
  SmallVector<int64_t> values;
  for (Attribute a : array)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

struct TfIdfVectorizerLowering : OpConversionPattern<onnx::TfIdfVectorizerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TfIdfVectorizerOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputTensor = dyn_cast<RankedTensorType>(op.getX().getType());
    if (!inputTensor || !isa<IntegerType>(inputTensor.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "only int32/int64 token inputs are supported: string inputs need string "
              "tensors at the entry point, which omc does not have yet");
    Value input = adaptor.getX();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    if (!inputType || (inputType.getRank() != 1 && inputType.getRank() != 2))
      return rewriter.notifyMatchFailure(op, "input must be a 1-D [C] or 2-D [N, C] tensor");
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!resultType || resultType.getRank() != inputType.getRank() ||
        !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "output must be f32 with the input's rank");

    // The attributes, checked against each other.
    if (!op.getPoolInt64s())
      return rewriter.notifyMatchFailure(
          op, "needs pool_int64s: pool_strings (string n-grams) is not supported");
    StringRef mode = op.getMode();
    if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
      return rewriter.notifyMatchFailure(op, "mode must be TF, IDF or TFIDF");
    int64_t minGram = op.getMinGramLength();
    int64_t maxGram = op.getMaxGramLength();
    int64_t maxSkip = op.getMaxSkipCount();
    if (minGram < 1 || maxGram < minGram || maxSkip < 0)
      return rewriter.notifyMatchFailure(
          op, "needs 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0");
    SmallVector<int64_t> pool = intsOf(*op.getPoolInt64s());
    SmallVector<int64_t> counts = intsOf(op.getNgramCounts());
    SmallVector<int64_t> indexes = intsOf(op.getNgramIndexes());
    if ((int64_t)counts.size() < maxGram)
      return rewriter.notifyMatchFailure(
          op, "ngram_counts needs a start offset for every n-gram size up to max_gram_length");
    // The n-grams of size n are pool[counts[n-1] .. next start); their ids number them across
    // all sizes in pool order, and ngram_indexes maps an id to its output column.
    int64_t numIds = 0;
    SmallVector<int64_t> firstId, numOfSize;
    for (size_t n = 1; n <= counts.size(); ++n) {
      int64_t begin = counts[n - 1];
      int64_t end = n < counts.size() ? counts[n] : (int64_t)pool.size();
      if (begin < 0 || end < begin || end > (int64_t)pool.size() || (end - begin) % n != 0)
        return rewriter.notifyMatchFailure(
            op, "ngram_counts must be ascending offsets into pool_int64s, each level a "
                "whole number of n-grams");
      firstId.push_back(numIds);
      numOfSize.push_back((end - begin) / n);
      numIds += (end - begin) / n;
    }
    if ((int64_t)indexes.size() != numIds)
      return rewriter.notifyMatchFailure(
          op, "ngram_indexes must have one output column per n-gram of the pool");
    int64_t columns = 0;
    for (int64_t index : indexes) {
      if (index < 0)
        return rewriter.notifyMatchFailure(op, "ngram_indexes must not be negative");
      columns = std::max(columns, index + 1);
    }
    if (!ShapedType::isDynamic(resultType.getShape().back()) &&
        resultType.getShape().back() != columns)
      return rewriter.notifyMatchFailure(
          op, "the output's last dim must be max(ngram_indexes) + 1");
    // weights[k] belongs to pool n-gram k (as the ONNX spec and onnxruntime have it), so
    // it weighs that n-gram's output column.
    SmallVector<float> weights(columns, 1.0f);
    if (auto w = op.getWeights()) {
      if (w->size() != indexes.size())
        return rewriter.notifyMatchFailure(
            op, "weights must have one entry per n-gram of the pool");
      for (auto [k, column] : llvm::enumerate(indexes))
        weights[column] = (float)cast<FloatAttr>((*w)[k]).getValueAsDouble();
    }

    // The output, zeroed: counts accumulate into it.
    bool batched = inputType.getRank() == 2;
    SmallVector<Value> inDims = getDims(rewriter, loc, input);
    Value length = inDims.back();
    SmallVector<Value> outDims;
    if (batched)
      outDims.push_back(inDims[0]);
    outDims.push_back(indexConstant(rewriter, loc, columns));
    Value result = allocBuffer(rewriter, loc, resultType, outDims);
    Type f32 = rewriter.getF32Type();
    Value zeroF = constantOf(rewriter, loc, f32, 0);
    Value oneF = constantOf(rewriter, loc, f32, 1);
    buildLoopNest(rewriter, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, zeroF, result, ivs);
    });
    if (columns == 0 || numIds == 0) {
      rewriter.replaceOp(op, result);
      return success();
    }

    // The pool and the id -> column map as constant buffers.
    Type i64 = rewriter.getI64Type();
    auto poolType = MemRefType::get({(int64_t)pool.size()}, i64);
    Value poolBuf = krnl::GlobalOp::create(
        rewriter, loc, poolType, "tfidf_pool",
        DenseElementsAttr::get(RankedTensorType::get(poolType.getShape(), i64),
                               ArrayRef<int64_t>(pool)));
    auto indexType = MemRefType::get({numIds}, i64);
    Value indexBuf = krnl::GlobalOp::create(
        rewriter, loc, indexType, "tfidf_ngram_indexes",
        DenseElementsAttr::get(RankedTensorType::get(indexType.getShape(), i64),
                               ArrayRef<int64_t>(indexes)));
    bool wideInput = inputType.getElementType().getIntOrFloatBitWidth() == 64;

    // One nest per n-gram size: rows x skips x start positions x pool n-grams of that size.
    for (int64_t n = minGram; n <= maxGram; ++n) {
      int64_t numN = numOfSize[n - 1];
      if (numN == 0)
        continue;
      SmallVector<Value> bounds;
      if (batched)
        bounds.push_back(inDims[0]);
      bounds.push_back(indexConstant(rewriter, loc, n == 1 ? 1 : maxSkip + 1));
      bounds.push_back(length);
      bounds.push_back(indexConstant(rewriter, loc, numN));
      buildLoopNest(rewriter, loc, bounds, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value row = batched ? ivs[0] : Value();
        Value skip = ivs[batched ? 1 : 0];
        Value start = ivs[batched ? 2 : 1];
        Value k = ivs[batched ? 3 : 2];
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        Value one = arith::ConstantIndexOp::create(b, loc, 1);
        Value distance = arith::AddIOp::create(b, loc, skip, one);
        // Token j of pool n-gram k is pool[counts[n-1] + k * n + j].
        Value base = arith::AddIOp::create(
            b, loc, indexConstant(b, loc, counts[n - 1]),
            arith::MulIOp::create(b, loc, k, indexConstant(b, loc, n)));
        Value match = arith::ConstantIntOp::create(b, loc, 1, 1);
        for (int64_t j = 0; j < n; ++j) {
          Value pos = arith::AddIOp::create(
              b, loc, start,
              arith::MulIOp::create(b, loc, distance, indexConstant(b, loc, j)));
          // Positions past the row end do not match; read position 0 in their place.
          Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, pos, length);
          Value safe = arith::SelectOp::create(b, loc, inside, pos, zero);
          SmallVector<Value> at;
          if (batched)
            at.push_back(row);
          at.push_back(safe);
          Value token = krnl::LoadOp::create(b, loc, input, at);
          if (!wideInput)
            token = arith::ExtSIOp::create(b, loc, i64, token);
          Value poolPos = arith::AddIOp::create(b, loc, base, indexConstant(b, loc, j));
          Value expected = krnl::LoadOp::create(b, loc, poolBuf, ValueRange{poolPos});
          Value same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, token, expected);
          match = arith::AndIOp::create(b, loc, match,
                                        arith::AndIOp::create(b, loc, inside, same));
        }
        Value id = arith::AddIOp::create(b, loc, k, indexConstant(b, loc, firstId[n - 1]));
        Value column = arith::IndexCastOp::create(
            b, loc, b.getIndexType(), krnl::LoadOp::create(b, loc, indexBuf, ValueRange{id}));
        SmallVector<Value> out;
        if (batched)
          out.push_back(row);
        out.push_back(column);
        Value count = krnl::LoadOp::create(b, loc, result, out);
        Value add = arith::SelectOp::create(b, loc, match, oneF, zeroF);
        krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, count, add), result, out);
      });
    }

    // IDF and TFIDF weigh the counts per output column.
    bool allOnes = llvm::all_of(weights, [](float w) { return w == 1.0f; });
    if (mode == "IDF" || (mode == "TFIDF" && !allOnes)) {
      auto weightType = MemRefType::get({columns}, f32);
      Value weightBuf = krnl::GlobalOp::create(
          rewriter, loc, weightType, "tfidf_weights",
          DenseElementsAttr::get(RankedTensorType::get(weightType.getShape(), f32),
                                 ArrayRef<float>(weights)));
      bool idf = mode == "IDF";
      buildLoopNest(rewriter, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value count = krnl::LoadOp::create(b, loc, result, ivs);
        Value weight = krnl::LoadOp::create(b, loc, weightBuf, ValueRange{ivs.back()});
        Value value;
        if (idf) {
          Value seen = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, count, zeroF);
          value = arith::SelectOp::create(b, loc, seen, weight, zeroF);
        } else {
          value = arith::MulFOp::create(b, loc, count, weight);
        }
        krnl::StoreOp::create(b, loc, value, result, ivs);
      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateTextPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<TfIdfVectorizerLowering>(converter, patterns.getContext());
}

} // namespace omc
