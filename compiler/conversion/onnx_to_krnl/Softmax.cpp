//===- Softmax.cpp - Softmax, LogSoftmax and Hardmax -> krnl ------------------===//
//
// Along one axis (opset 13's meaning), for every position of the other dims: a pass
// for the maximum (and, for Hardmax, where it first occurs), a pass for the sum of
// exp(x - max), and a pass that writes the result. The running values live in
// rank-0 scratch buffers allocated once outside the loops.
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

enum class Kind { Softmax, LogSoftmax, Hardmax };

template <typename OpTy, Kind kind>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = dyn_cast<MemRefType>(input.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float input");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    // No other pattern lowers the op, so this is the model's error, not a mismatch.
    if (axis < 0 || axis >= rank)
      return op.emitOpError() << "axis " << op.getAxis() << " is out of range for an input of rank "
                              << rank;
    Type element = type.getElementType();

    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value result = allocBuffer(rewriter, loc, type, dims);
    auto scalar = MemRefType::get({}, element);
    Value maxBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    Value sumBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    // Only Hardmax needs where the maximum is.
    Value argBuf = kind == Kind::Hardmax
                       ? memref::AllocaOp::create(rewriter, loc,
                                                  MemRefType::get({}, rewriter.getIndexType()))
                       : Value();

    SmallVector<Value> outerDims(dims);
    outerDims.erase(outerDims.begin() + axis);
    Value axisDim = dims[axis];
    buildLoopNest(rewriter, loc, outerDims, [&](OpBuilder &b, Location loc, ValueRange outer) {
      auto at = [&](Value k) {
        SmallVector<Value> index(outer);
        index.insert(index.begin() + axis, k);
        return index;
      };
      auto load = [&](Value buffer) { return krnl::LoadOp::create(b, loc, buffer, ValueRange{}); };
      auto store = [&](Value value, Value buffer) {
        krnl::StoreOp::create(b, loc, value, buffer, ValueRange{});
      };

      store(constantOf(b, loc, element, -INFINITY), maxBuf);
      if (argBuf)
        store(arith::ConstantIndexOp::create(b, loc, 0), argBuf);
      buildLoopNest(b, loc, {axisDim}, [&](OpBuilder &b, Location loc, ValueRange k) {
        Value x = krnl::LoadOp::create(b, loc, input, at(k[0]));
        Value max = load(maxBuf);
        if (argBuf) {
          // The first position of the maximum (strictly greater moves it).
          Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, max);
          store(arith::SelectOp::create(b, loc, greater, k[0], load(argBuf)), argBuf);
        }
        store(arith::MaximumFOp::create(b, loc, max, x), maxBuf);
      });

      if (kind == Kind::Hardmax) {
        buildLoopNest(b, loc, {axisDim}, [&](OpBuilder &b, Location loc, ValueRange k) {
          Value isArg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k[0], load(argBuf));
          Value value = arith::SelectOp::create(b, loc, isArg, constantOf(b, loc, element, 1),
                                                constantOf(b, loc, element, 0));
          krnl::StoreOp::create(b, loc, value, result, at(k[0]));
        });
        return;
      }

      store(constantOf(b, loc, element, 0), sumBuf);
      buildLoopNest(b, loc, {axisDim}, [&](OpBuilder &b, Location loc, ValueRange k) {
        Value x = krnl::LoadOp::create(b, loc, input, at(k[0]));
        Value e = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, x, load(maxBuf)));
        // In any order: LLVM vectorizes the sum.
        store(arith::AddFOp::create(b, loc, load(sumBuf), e, arith::FastMathFlags::reassoc),
              sumBuf);
        if (kind == Kind::Softmax)
          krnl::StoreOp::create(b, loc, e, result, at(k[0]));
      });
      buildLoopNest(b, loc, {axisDim}, [&](OpBuilder &b, Location loc, ValueRange k) {
        Value value;
        if (kind == Kind::Softmax) {
          value = arith::DivFOp::create(b, loc, krnl::LoadOp::create(b, loc, result, at(k[0])),
                                        load(sumBuf));
        } else {
          Value x = krnl::LoadOp::create(b, loc, input, at(k[0]));
          Value shifted = arith::SubFOp::create(b, loc, x, load(maxBuf));
          value = arith::SubFOp::create(b, loc, shifted, math::LogOp::create(b, loc, load(sumBuf)));
        }
        krnl::StoreOp::create(b, loc, value, result, at(k[0]));
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSoftmaxPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering<onnx::SoftmaxOp, Kind::Softmax>,
               SoftmaxLowering<onnx::LogSoftmaxOp, Kind::LogSoftmax>,
               SoftmaxLowering<onnx::HardmaxOp, Kind::Hardmax>>(converter,
                                                                patterns.getContext());
}

} // namespace omc
