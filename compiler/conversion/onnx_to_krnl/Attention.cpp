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
// On a target with a matmul kernel (omc.target's matmul tiles), f32 attention goes by
// blocks of query rows instead: per block, its scores [rows, N] = Q[rows, :] * Kt by the
// kernel, the scaled, masked softmax over each row in place (its 1 / sum kept), and
// Y[rows, :] = P * V by the kernel again, each row scaled by its 1 / sum as it is written
// out. The per-row loops above read Kt and V once per query row, as vector loads and
// stores of one row of accumulators; the kernel keeps a register tile of them, and its
// packed panels serve a whole block (GPT-2 at 128 tokens: attention was a sixth of the
// time). The kernels run in place (krnl::kMatmulSerialAttr): the blocks, heads and
// batches are what the threads share.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {
namespace {

// Query rows per block: a block's scores ([64, N] floats) stay in L2 while the softmax and
// the second product read them, and GPT-2's 128 rows make 2 blocks per head.
constexpr int64_t kQueryRowBlock = 64;

// Whether attention goes by blocks through the target's matmul kernel: the target has
// one, and every operand and the result are f32 in plain row-major buffers.
bool byMatmulBlocks(Operation *op, ValueRange matrices, MemRefType resultType) {
  if (!krnl::targetPanelWidth(op))
    return false;
  SmallVector<Type> types{resultType};
  for (Value matrix : matrices)
    types.push_back(matrix.getType());
  return llvm::all_of(types, [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return memref && memref.getElementType().isF32() && memref.getLayout().isIdentity();
  });
}

// `operand`'s matrix rows [rowOffset, rowOffset + rows) and columns [0, cols) at the
// result's batch indices `batch` (its batch dims broadcast), as a 2-D view: a
// reinterpret_cast of its row-major buffer at the offset of that first element.
Value matrixView(OpBuilder &b, Location loc, Value operand, ValueRange batch, Value rowOffset,
                 Value rows, Value cols) {
  auto type = cast<MemRefType>(operand.getType());
  int64_t rank = type.getRank();
  Value zero = indexConstant(b, loc, 0);
  SmallVector<Value> resultIndices(batch.begin(), batch.end());
  resultIndices.append({zero, zero});
  SmallVector<Value> indices = broadcastIndices(b, loc, operand, resultIndices);
  indices[rank - 2] = rowOffset;
  SmallVector<Value> dims = getDims(b, loc, operand), strides(rank);
  Value stride = indexConstant(b, loc, 1), offset = zero;
  for (int64_t d = rank - 1; d >= 0; --d) {
    strides[d] = stride;
    offset = arith::AddIOp::create(b, loc, offset,
                                   arith::MulIOp::create(b, loc, indices[d], stride));
    stride = arith::MulIOp::create(b, loc, stride, dims[d]);
  }
  int64_t dynamic = ShapedType::kDynamic;
  auto viewType = MemRefType::get({dynamic, dynamic}, type.getElementType(),
                                  StridedLayoutAttr::get(b.getContext(), dynamic, {dynamic, 1}));
  return memref::ReinterpretCastOp::create(b, loc, viewType, operand, OpFoldResult(offset),
                                           ArrayRef<OpFoldResult>{rows, cols},
                                           ArrayRef<OpFoldResult>{strides[rank - 2],
                                                                  b.getIndexAttr(1)});
}

// One row of scores, in place, as softmax numerators: each score times `scale`, replaced
// by `masked` where the mask is false (no mask: a null `masked`), then exp(score - max);
// their sum is left in `sumBuf`. `scoreAt(n)` indexes score n in `scores`; the mask is
// read at the result's [batch..., mi, n], broadcast. maxBuf and sumBuf hold the running
// max and sum, of the scores' type.
void emitSoftmaxNumerators(OpBuilder &b, Location loc, Value scores,
                           llvm::function_ref<SmallVector<Value>(Value)> scoreAt, Value n,
                           Value scale, Value mask, Value masked, ValueRange batch, Value mi,
                           Value maxBuf, Value sumBuf) {
  Type type = scale.getType();
  auto load = [&](OpBuilder &b, Value buffer) {
    return krnl::LoadOp::create(b, loc, buffer, ValueRange{});
  };
  auto store = [&](OpBuilder &b, Value value, Value buffer) {
    krnl::StoreOp::create(b, loc, value, buffer, ValueRange{});
  };
  store(b, constantOf(b, loc, type, -INFINITY), maxBuf);
  buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
    SmallVector<Value> at = scoreAt(ni[0]);
    Value score = arith::MulFOp::create(b, loc, krnl::LoadOp::create(b, loc, scores, at), scale);
    if (masked) {
      Value keep;
      if (cast<MemRefType>(mask.getType()).getElementType().isInteger(1)) {
        SmallVector<Value> maskAt(batch.begin(), batch.end());
        maskAt.append({mi, ni[0]});
        keep = krnl::LoadOp::create(b, loc, mask, broadcastIndices(b, loc, mask, maskAt));
      } else { // maskBytes', [M, N] as they are
        Value byte = krnl::LoadOp::create(b, loc, mask, ValueRange{mi, ni[0]});
        keep = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, byte,
                                     arith::ConstantIntOp::create(b, loc, byte.getType(), 0));
      }
      score = arith::SelectOp::create(b, loc, keep, score, masked);
    }
    krnl::StoreOp::create(b, loc, score, scores, at);
    store(b, arith::MaximumFOp::create(b, loc, load(b, maxBuf), score), maxBuf);
  });
  // The sum of the exponentials may be added in any order: LLVM vectorizes it.
  auto reassoc = arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::reassoc);
  store(b, constantOf(b, loc, type, 0), sumBuf);
  buildLoopNest(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ni) {
    SmallVector<Value> at = scoreAt(ni[0]);
    Value e = math::ExpOp::create(
        b, loc,
        arith::SubFOp::create(b, loc, krnl::LoadOp::create(b, loc, scores, at), load(b, maxBuf)));
    krnl::StoreOp::create(b, loc, e, scores, at);
    store(b, arith::AddFOp::create(b, loc, load(b, sumBuf), e, reassoc), sumBuf);
  });
}

// The mask as bytes of [M, N], once, when it is the same for every batch position and
// head (GPT-2's causal [1, 1, M, N]): LLVM reads an i1 buffer's elements one at a time
// and gathers them into a vector's mask, and did that for every head, a quarter of
// GPT-2's attention; bytes it loads 16 (or 32) at a time. Null otherwise.
Value maskBytes(OpBuilder &b, Location loc, Value mask, Value m, Value n) {
  auto type = dyn_cast<MemRefType>(mask.getType());
  if (!type || !type.getElementType().isInteger(1) || type.getRank() < 2 ||
      llvm::any_of(type.getShape().drop_back(2), [](int64_t d) { return d != 1; }))
    return Value();
  auto bytesType = MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, b.getI8Type());
  Value bytes = allocBuffer(b, loc, bytesType, {m, n});
  Value zero = indexConstant(b, loc, 0);
  buildLoopNest(b, loc, {m, n}, [&](OpBuilder &b, Location loc, ValueRange ij) {
    SmallVector<Value> at(type.getRank() - 2, zero);
    at.append(ij.begin(), ij.end());
    Value keep = krnl::LoadOp::create(b, loc, mask, broadcastIndices(b, loc, mask, at));
    Value byte = arith::ExtUIOp::create(b, loc, b.getI8Type(), keep);
    krnl::StoreOp::create(b, loc, byte, bytes, ij);
  });
  return bytes;
}

// C += A * B by the target's kernel, in place on the calling thread.
void emitSerialMatmul(OpBuilder &b, Location loc, Value a, Value bm, Value c) {
  auto product = linalg::MatmulOp::create(b, loc, ValueRange{a, bm}, ValueRange{c});
  product->setAttr(krnl::kMatmulSerialAttr, b.getUnitAttr());
}

// What both lowerings of one attention op share.
struct AttentionOperands {
  Value q, kt, v, mask, result;
  Value m, depth, n, dv; // Q is [.., M, depth], Kt [.., depth, N], V [.., N, dv]
  Value scale, masked;   // masked: null without a mask
  int64_t batchRank;
  SmallVector<Value> batchDims;
};

// The block lowering (see the file comment), for f32.
void emitByRowBlocks(OpBuilder &rewriter, Location loc, const AttentionOperands &x) {
  Type f32 = rewriter.getF32Type();
  Value blockRows = indexConstant(rewriter, loc, kQueryRowBlock);
  SmallVector<Value> outerDims(x.batchDims);
  outerDims.push_back(arith::CeilDivSIOp::create(rewriter, loc, x.m, blockRows));
  buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
    ValueRange batch = outer.take_front(x.batchRank);
    Value first = arith::MulIOp::create(b, loc, outer.back(), blockRows);
    Value rows = arith::MinSIOp::create(b, loc, blockRows,
                                        arith::SubIOp::create(b, loc, x.m, first));
    Value zero = indexConstant(b, loc, 0);
    auto fill = [&](Value buffer, ValueRange dims) {
      buildLoopNest(b, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ij) {
        krnl::StoreOp::create(b, loc, constantOf(b, loc, f32, 0), buffer, ij);
      });
    };
    auto view = [&](Value buffer, Value cols) {
      return matrixView(b, loc, buffer, {}, zero, rows, cols);
    };
    Value scores = allocBuffer(
        b, loc, MemRefType::get({kQueryRowBlock, ShapedType::kDynamic}, f32), {blockRows, x.n});
    Value out = allocBuffer(b, loc, MemRefType::get({kQueryRowBlock, ShapedType::kDynamic}, f32),
                            {blockRows, x.dv});
    Value inverses = allocBuffer(b, loc, MemRefType::get({kQueryRowBlock}, f32), {blockRows});
    // The running max and sum, the block's own: its rows loop is no affine loop that
    // omc-privatize-scalar-buffers would give them to.
    auto scalarType = MemRefType::get({}, f32);
    Value maxBuf = memref::AllocaOp::create(b, loc, scalarType);
    Value sumBuf = memref::AllocaOp::create(b, loc, scalarType);

    // scores = Q[first : first + rows, :] * Kt.
    Value blockScores = view(scores, x.n);
    fill(blockScores, {rows, x.n});
    Value queries = matrixView(b, loc, x.q, batch, first, rows, x.depth);
    Value keys = matrixView(b, loc, x.kt, batch, zero, x.depth, x.n);
    emitSerialMatmul(b, loc, queries, keys, blockScores);

    // Each row scaled and masked, then exp(score - max), its sum's inverse kept.
    buildLoopNest(b, loc, {rows}, [&](OpBuilder &b, Location loc, ValueRange ri) {
      Value mi = arith::AddIOp::create(b, loc, first, ri[0]);
      emitSoftmaxNumerators(
          b, loc, scores, [&](Value ni) { return SmallVector<Value>{ri[0], ni}; }, x.n,
          x.scale, x.mask, x.masked, batch, mi, maxBuf, sumBuf);
      Value sum = krnl::LoadOp::create(b, loc, sumBuf, ValueRange{});
      Value inverse = arith::DivFOp::create(b, loc, constantOf(b, loc, f32, 1), sum);
      krnl::StoreOp::create(b, loc, inverse, inverses, ri);
    });

    // out = P * V; Y's rows are out's, each times its 1 / sum. The rows loop runs over
    // the whole block, guarded, so that Y's indices stay affine in the block's: its
    // blocks are seen to write apart and run on threads.
    Value blockOut = view(out, x.dv);
    fill(blockOut, {rows, x.dv});
    Value values = matrixView(b, loc, x.v, batch, zero, x.n, x.dv);
    emitSerialMatmul(b, loc, blockScores, values, blockOut);
    buildLoopNest(b, loc, {blockRows, x.dv}, [&](OpBuilder &b, Location loc, ValueRange ij) {
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, ij[0], rows);
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &b, Location loc) {
        AffineExpr block = b.getAffineDimExpr(0), row = b.getAffineDimExpr(1);
        Value mi = affine::AffineApplyOp::create(
            b, loc, AffineMap::get(2, 0, block * kQueryRowBlock + row),
            ValueRange{outer.back(), ij[0]});
        Value value = arith::MulFOp::create(b, loc, krnl::LoadOp::create(b, loc, out, ij),
                                            krnl::LoadOp::create(b, loc, inverses, ij[0]));
        SmallVector<Value> y(batch.begin(), batch.end());
        y.append({mi, ij[1]});
        krnl::StoreOp::create(b, loc, value, x.result, y);
        scf::YieldOp::create(b, loc);
      });
    });
    for (Value buffer : {scores, out, inverses})
      memref::DeallocOp::create(b, loc, buffer);
  });
}

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

    Value scale = constantOf(rewriter, loc, compute, op.getScale().convertToDouble());
    Value masked;
    if (hasMask) {
      auto valueType = cast<MemRefType>(maskedValue.getType());
      SmallVector<Value> zeros(valueType.getRank(), indexConstant(rewriter, loc, 0));
      masked = loadAs(rewriter, loc, maskedValue, zeros);
    }
    Value bytes = hasMask ? maskBytes(rewriter, loc, mask, m, n) : Value();
    if (bytes)
      mask = bytes;
    // freeTemporaries frees the function body's own buffers at its end; one in a nested
    // region (a Loop's body) goes here.
    auto freeBytes = [&] {
      Block *block = rewriter.getInsertionBlock();
      if (bytes && !(isa<func::FuncOp>(block->getParentOp()) && block->isEntryBlock()))
        memref::DeallocOp::create(rewriter, loc, bytes);
    };
    if (byMatmulBlocks(op, {q, kt, v}, resultType)) {
      AttentionOperands operands{q, kt, v, mask, result, m, depth, n, dv, scale, masked,
                                 batchRank, SmallVector<Value>(dims.begin(),
                                                               dims.begin() + batchRank)};
      emitByRowBlocks(rewriter, loc, operands);
      freeBytes();
      rewriter.replaceOp(op, result);
      return success();
    }

    // The running scalars (omc-privatize-scalar-buffers gives each row its own).
    auto rowType = MemRefType::get({ShapedType::kDynamic}, compute);
    auto scalarType = MemRefType::get({}, compute);
    Value maxBuf = memref::AllocaOp::create(rewriter, loc, scalarType);
    Value sumBuf = memref::AllocaOp::create(rewriter, loc, scalarType);

    buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
      ValueRange batch = outer.take_front(batchRank);
      Value mi = outer.back();
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

      // Scaled and masked, their max, then exp(score - max) and its sum.
      emitSoftmaxNumerators(
          b, loc, row, [](Value ni) { return SmallVector<Value>{ni}; }, n, scale, mask, masked,
          batch, mi, maxBuf, sumBuf);

      // Y[m, :] = sum_n p[n] * V[n, :], accumulated row by row of V (contiguous reads)
      // in the compute type, then written out.
      buildLoopNest(b, loc, {dv}, [&](OpBuilder &b, Location loc, ValueRange ji) {
        krnl::StoreOp::create(b, loc, constantOf(b, loc, compute, 0), outRow, ji);
      });
      Value sum = krnl::LoadOp::create(b, loc, sumBuf, ValueRange{});
      Value inverse = arith::DivFOp::create(b, loc, constantOf(b, loc, compute, 1), sum);
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
    freeBytes();
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateAttentionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ScaledDotProductAttentionLowering>(converter, patterns.getContext());
}

} // namespace omc
