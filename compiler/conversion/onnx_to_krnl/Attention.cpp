//===- Attention.cpp - ScaledDotProductAttention -> krnl --------------------===//
//
// The attention composite that onnx-recognize-composites builds, fused per query row:
// for every batch position and row m of Q,
//   row[n]   = sum_d Q[m, d] * Kt[d, n]               (d outer: Kt's rows stream along n)
//   row[n]   = where(mask, scale * row[n], masked_value)              (and its max)
//   row[n]   = exp(row[n] - max), summed
//   Y[m, :]  = sum_n row[n] / sum * V[n, :]
// so the [M, N] score matrix never exists: one row of N scores lives in a scratch
// buffer. The scratch is allocated per query row, so that no two rows share memory and
// the rows (and heads) may run on different threads; the inner loops walk contiguous
// memory and the sum is reassociable, so LLVM vectorizes them. M, N and the batch dims
// may all be dynamic; batch dims broadcast as in MatMul, the mask broadcasts onto
// [..., M, N]. f16 and bf16 compute in f32.
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

struct ScaledDotProductAttentionLowering
    : OpConversionPattern<onnx::ScaledDotProductAttentionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ScaledDotProductAttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value q = adaptor.getQ(), kt = adaptor.getKt(), v = adaptor.getV();
    Value mask = adaptor.getMask(), maskedValue = adaptor.getMaskedValue();
    bool hasMask = !isa<NoneType>(mask.getType());
    auto resultType = convertedResult(getTypeConverter(), op.getY());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    for (Value operand : {q, kt, v}) {
      auto type = dyn_cast<MemRefType>(operand.getType());
      if (!type || type.getRank() < 2)
        return rewriter.notifyMatchFailure(op, "Q, Kt and V must be ranked, of rank 2 or more");
    }
    if (hasMask && (!isa<MemRefType>(mask.getType()) || !isa<MemRefType>(maskedValue.getType())))
      return rewriter.notifyMatchFailure(op, "mask and masked_value must be ranked");
    int64_t rank = resultType.getRank();
    int64_t batchRank = rank - 2;
    if (batchRank < 0)
      return rewriter.notifyMatchFailure(op, "the result must have rank 2 or more");

    Type element = resultType.getElementType();
    Type compute = floatComputeType(element);
    auto loadAs = [&](OpBuilder &b, Location loc, Value buffer, ValueRange at) {
      return castFloat(b, loc, krnl::LoadOp::create(b, loc, buffer, at), compute);
    };

    // Result dims: batch dims broadcast over Q, Kt and V (right-aligned), then M and Dv.
    SmallVector<Value> qDims = getDims(rewriter, loc, q), ktDims = getDims(rewriter, loc, kt),
                       vDims = getDims(rewriter, loc, v);
    Value one = indexConstant(rewriter, loc, 1);
    SmallVector<Value> dims;
    for (int64_t d = 0; d < batchRank; ++d) {
      if (!resultType.isDynamicDim(d)) {
        dims.push_back(indexConstant(rewriter, loc, resultType.getDimSize(d)));
        continue;
      }
      Value dim = one;
      for (SmallVector<Value> *operandDims : {&qDims, &ktDims, &vDims}) {
        int64_t k = d - (batchRank - (int64_t(operandDims->size()) - 2));
        if (k < 0)
          continue;
        Value isOne = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, dim, one);
        dim = arith::SelectOp::create(rewriter, loc, isOne, (*operandDims)[k], dim);
      }
      dims.push_back(dim);
    }
    Value m = qDims[qDims.size() - 2], depth = qDims.back();
    Value n = ktDims.back(), dv = vDims.back();
    SmallVector<Value> outerDims(dims);
    outerDims.push_back(m);
    dims.push_back(m);
    dims.push_back(dv);
    Value result = allocBuffer(rewriter, loc, resultType, dims);

    // The running scalars (omc-privatize-scalar-buffers gives each row its own).
    auto rowType = MemRefType::get({ShapedType::kDynamic}, compute);
    auto scalarType = MemRefType::get({}, compute);
    Value maxBuf = memref::AllocaOp::create(rewriter, loc, scalarType);
    Value sumBuf = memref::AllocaOp::create(rewriter, loc, scalarType);
    // The sum of the exponentials may be added in any order: LLVM vectorizes it.
    auto reassoc = arith::FastMathFlagsAttr::get(rewriter.getContext(),
                                                 arith::FastMathFlags::reassoc);
    Value scale = constantOf(rewriter, loc, compute, op.getScale().convertToDouble());
    Value masked;
    if (hasMask) {
      auto valueType = cast<MemRefType>(maskedValue.getType());
      SmallVector<Value> zeros(valueType.getRank(), indexConstant(rewriter, loc, 0));
      masked = loadAs(rewriter, loc, maskedValue, zeros);
    }

    buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
      ValueRange batch = outer.take_front(batchRank);
      Value mi = outer.back();
      auto load = [&](Value buffer) { return krnl::LoadOp::create(b, loc, buffer, ValueRange{}); };
      auto store = [&](Value value, Value buffer) {
        krnl::StoreOp::create(b, loc, value, buffer, ValueRange{});
      };
      // The indices into `operand` of [batch..., i, j] (batch dims broadcast).
      auto at = [&](OpBuilder &b, Location loc, Value operand, Value i, Value j) {
        SmallVector<Value> full(batch.begin(), batch.end());
        full.push_back(i);
        full.push_back(j);
        return broadcastIndices(b, loc, operand, full);
      };
      // The same for Q, Kt and V, whose matrix dims never broadcast: i and j index them
      // as they are, which keeps the inner loops' accesses contiguous.
      auto matrixAt = [&](OpBuilder &b, Location loc, Value operand, Value i, Value j) {
        SmallVector<Value> indices = at(b, loc, operand, i, j);
        indices[indices.size() - 2] = i;
        indices.back() = j;
        return indices;
      };
      Value row = allocBuffer(b, loc, rowType, {n});
      Value outRow = allocBuffer(b, loc, rowType, {dv});

      // Dot products of row m of Q with every column of Kt, a row of Kt at a time.
      buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
        krnl::StoreOp::create(b, loc, constantOf(b, loc, compute, 0), row, ni);
      });
      buildLoopNest(b, loc, {depth}, [&](OpBuilder &b, Location loc, ValueRange di) {
        Value qv = loadAs(b, loc, q, matrixAt(b, loc, q, mi, di[0]));
        buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
          Value kv = loadAs(b, loc, kt, matrixAt(b, loc, kt, di[0], ni[0]));
          Value product = arith::MulFOp::create(b, loc, qv, kv);
          Value acc = krnl::LoadOp::create(b, loc, row, ni);
          krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, acc, product), row, ni);
        });
      });

      // Scaled and masked, and their maximum.
      store(constantOf(b, loc, compute, -INFINITY), maxBuf);
      buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
        Value score =
            arith::MulFOp::create(b, loc, krnl::LoadOp::create(b, loc, row, ni), scale);
        if (hasMask) {
          Value keep = krnl::LoadOp::create(b, loc, mask, at(b, loc, mask, mi, ni[0]));
          score = arith::SelectOp::create(b, loc, keep, score, masked);
        }
        krnl::StoreOp::create(b, loc, score, row, ni);
        store(arith::MaximumFOp::create(b, loc, load(maxBuf), score), maxBuf);
      });

      // exp(score - max) and its sum.
      store(constantOf(b, loc, compute, 0), sumBuf);
      buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
        Value score = krnl::LoadOp::create(b, loc, row, ni);
        Value e = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, score, load(maxBuf)));
        krnl::StoreOp::create(b, loc, e, row, ni);
        store(arith::AddFOp::create(b, loc, load(sumBuf), e, reassoc), sumBuf);
      });

      // Y[m, :] = sum_n p[n] * V[n, :], accumulated row by row of V (contiguous reads)
      // in the compute type, then written out.
      buildLoopNest(b, loc, {dv}, [&](OpBuilder &b, Location loc, ValueRange ji) {
        krnl::StoreOp::create(b, loc, constantOf(b, loc, compute, 0), outRow, ji);
      });
      Value inverse = arith::DivFOp::create(b, loc, constantOf(b, loc, compute, 1), load(sumBuf));
      buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
        Value p = arith::MulFOp::create(b, loc, krnl::LoadOp::create(b, loc, row, ni), inverse);
        buildLoopNest(b, loc, {dv}, [&](OpBuilder &b, Location loc, ValueRange ji) {
          Value vv = loadAs(b, loc, v, matrixAt(b, loc, v, ni[0], ji[0]));
          Value acc = krnl::LoadOp::create(b, loc, outRow, ji);
          Value sum = arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, p, vv));
          krnl::StoreOp::create(b, loc, sum, outRow, ji);
        });
      });
      buildLoopNest(b, loc, {dv}, [&](OpBuilder &b, Location loc, ValueRange ji) {
        SmallVector<Value> y(outer.begin(), outer.end());
        y.push_back(ji[0]);
        Value value = krnl::LoadOp::create(b, loc, outRow, ji);
        krnl::StoreOp::create(b, loc, castFloat(b, loc, value, element), result, y);
      });
      memref::DeallocOp::create(b, loc, row);
      memref::DeallocOp::create(b, loc, outRow);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateAttentionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ScaledDotProductAttentionLowering>(converter, patterns.getContext());
}

} // namespace omc
