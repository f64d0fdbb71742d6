//===- Gemm.cpp - onnx.Gemm -> krnl -------------------------------------------===//
//
// Y = alpha * A' * B' + beta * C, with A' and B' optionally transposed and C
// (optional) broadcast to [M, N].
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

// C as a 1-D buffer of N elements when it is one bias per column of the [M, N] result
// (shape [N] or [1, N], N static and the result's); null otherwise.
Value columnBias(OpBuilder &b, Location loc, Value c, MemRefType resultType) {
  auto type = cast<MemRefType>(c.getType());
  int64_t n = resultType.getDimSize(1);
  if (ShapedType::isDynamic(n) || n == 1 || !type.hasStaticShape() ||
      !type.getLayout().isIdentity() || type.getNumElements() != n ||
      type.getShape().back() != n || type.getRank() > 2)
    return Value();
  if (type.getRank() == 1)
    return c;
  return memref::ReinterpretCastOp::create(
      b, loc, MemRefType::get({n}, type.getElementType()), c, b.getIndexAttr(0),
      ArrayRef<OpFoldResult>{b.getIndexAttr(n)}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

struct GemmLowering : OpConversionPattern<onnx::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB(), c = adaptor.getC();
    bool hasC = isa<MemRefType>(c.getType());
    auto resultType =
        dyn_cast_or_null<MemRefType>(getTypeConverter()->convertType(op.getType()));
    if (!resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float result");
    bool transA = op.getTransA() != 0, transB = op.getTransB() != 0;

    SmallVector<Value> aDims = getDims(rewriter, loc, a), bDims = getDims(rewriter, loc, b);
    SmallVector<Value> dims = {aDims[transA ? 1 : 0], bDims[transB ? 0 : 1]};
    Value k = aDims[transA ? 0 : 1];
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Type elementType = resultType.getElementType();
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble();

    // f32 with alpha 1: the result starts as beta * C (the bias), then linalg.matmul adds
    // A' * B' (A', B' as transposed views), which the target tiles and vectorizes.
    auto aType = cast<MemRefType>(a.getType()), bType = cast<MemRefType>(b.getType());
    if (alpha == 1.0 && elementType.isF32() && aType.getLayout().isIdentity() &&
        bType.getLayout().isIdentity() && aType.getElementType().isF32() &&
        bType.getElementType().isF32()) {
      // The views first, so that what sets the result comes right before the product.
      auto transposed = [&](Value matrix) -> Value {
        AffineMap swap = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, getContext());
        return memref::TransposeOp::create(rewriter, loc, matrix, AffineMapAttr::get(swap));
      };
      Value aView = transA ? transposed(a) : a, bView = transB ? transposed(b) : b;
      if (Value bias = hasC && beta == 1.0 ? columnBias(rewriter, loc, c, resultType)
                                           : Value()) {
        // One bias per column: broadcast down the rows, as a linalg op that
        // omc-lower-matmul folds into the kernel's first tiles.
        linalg::BroadcastOp::create(rewriter, loc, bias, result, ArrayRef<int64_t>{0});
      } else if (hasC && beta != 0.0) {
        buildLoopNest(rewriter, loc, dims, [&](OpBuilder &builder, Location loc, ValueRange ij) {
          Value cValue =
              krnl::LoadOp::create(builder, loc, c, broadcastIndices(builder, loc, c, ij));
          if (beta != 1.0)
            cValue = arith::MulFOp::create(builder, loc, cValue,
                                           constantOf(builder, loc, elementType, beta));
          krnl::StoreOp::create(builder, loc, cValue, result, ij);
        });
      } else {
        linalg::FillOp::create(rewriter, loc, ValueRange{constantOf(rewriter, loc, elementType, 0)},
                               ValueRange{result});
      }
      linalg::MatmulOp::create(rewriter, loc, ValueRange{aView, bView}, ValueRange{result});
      rewriter.replaceOp(op, result);
      return success();
    }

    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &builder, Location loc, ValueRange ij) {
      Value i = ij[0], j = ij[1];
      krnl::StoreOp::create(builder, loc, constantOf(builder, loc, elementType, 0), result, ij);
      buildLoopNest(builder, loc, {k}, [&](OpBuilder &builder, Location loc, ValueRange kv) {
        Value lhs = krnl::LoadOp::create(builder, loc, a,
                                         transA ? ValueRange{kv[0], i} : ValueRange{i, kv[0]});
        Value rhs = krnl::LoadOp::create(builder, loc, b,
                                         transB ? ValueRange{j, kv[0]} : ValueRange{kv[0], j});
        Value acc = krnl::LoadOp::create(builder, loc, result, ij);
        Value sum = arith::AddFOp::create(builder, loc, acc,
                                          arith::MulFOp::create(builder, loc, lhs, rhs));
        krnl::StoreOp::create(builder, loc, sum, result, ij);
      });
      Value value = krnl::LoadOp::create(builder, loc, result, ij);
      if (alpha != 1.0)
        value = arith::MulFOp::create(builder, loc, value,
                                      constantOf(builder, loc, elementType, alpha));
      if (hasC && beta != 0.0) {
        Value cValue =
            krnl::LoadOp::create(builder, loc, c, broadcastIndices(builder, loc, c, ij));
        if (beta != 1.0)
          cValue = arith::MulFOp::create(builder, loc, cValue,
                                         constantOf(builder, loc, elementType, beta));
        value = arith::AddFOp::create(builder, loc, value, cValue);
      }
      krnl::StoreOp::create(builder, loc, value, result, ij);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateGemmPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<GemmLowering>(converter, patterns.getContext());
}

} // namespace omc
