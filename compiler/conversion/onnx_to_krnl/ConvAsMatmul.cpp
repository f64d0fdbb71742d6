//===- ConvAsMatmul.cpp - f32 2-D convolution as one packed matrix product -===//
//
// See ConvAsMatmul.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ConvAsMatmul.h"

#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace omc {
namespace conv {
namespace {

bool covered(MemRefType type) {
  return type.getRank() == 4 && type.hasStaticShape() && type.getElementType().isF32() &&
         type.getLayout().isIdentity();
}

} // namespace

bool emitConvAsMatmul(OpBuilder &b, Location loc, Value x, Value w, Value bias, Value result,
                      const Geometry &g, int64_t group, bool relu) {
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType());
  auto yType = cast<MemRefType>(result.getType());
  if (group != 1 || !covered(xType) || !covered(wType) || !covered(yType) ||
      xType.getDimSize(0) != 1)
    return false;
  auto biasType = dyn_cast<MemRefType>(bias.getType());
  if (biasType && !biasType.getElementType().isF32())
    return false;
  int64_t channels = xType.getDimSize(1), height = xType.getDimSize(2);
  int64_t width = xType.getDimSize(3);
  int64_t m = wType.getDimSize(0), kh = g.kernel[0], kw = g.kernel[1];
  int64_t oh = yType.getDimSize(2), ow = yType.getDimSize(3);
  int64_t k = channels * kh * kw, n = oh * ow;
  auto c = [&](int64_t v) { return index(b, loc, v); };

  // Y starts as the bias (or 0); the product accumulates into it.
  buildLoopNest(b, loc, {c(1), c(m), c(oh), c(ow)},
                [&](OpBuilder &b, Location loc, ValueRange ivs) {
                  Value init =
                      biasType ? Value(krnl::LoadOp::create(b, loc, bias, ValueRange{ivs[1]}))
                               : constantOf(b, loc, b.getF32Type(), 0);
                  krnl::StoreOp::create(b, loc, init, result, ivs);
                });

  bool pointwise = kh == 1 && kw == 1 && g.strides[0] == 1 && g.strides[1] == 1 &&
                   g.padBegin[0] == 0 && g.padBegin[1] == 0 && oh == height && ow == width;
  Value patches;
  if (pointwise) {
    patches = matmul::rowMajorView(b, loc, x, {c(channels), c(n)});
  } else {
    // col[ci, i, j, y, z] = X[0, ci, input row, input column], 0 in the padding; the
    // matmul reads it as [(ci * KH + i) * KW + j, y * OW + z]. Stored at the loop
    // variables themselves, the copy is affine: its loops can run on threads.
    auto colType = MemRefType::get({channels, kh, kw, oh, ow}, b.getF32Type());
    Value col5d = allocBuffer(b, loc, colType, ValueRange{});
    buildLoopNest(
        b, loc, {c(channels), c(kh), c(kw), c(oh), c(ow)},
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          auto [row, rowOk] =
              inputPosition(b, loc, ivs[3], ivs[1], 0, g, c(height), height, oh, false);
          auto [col, colOk] =
              inputPosition(b, loc, ivs[4], ivs[2], 1, g, c(width), width, ow, false);
          Value value = krnl::LoadOp::create(b, loc, x, ValueRange{c(0), ivs[0], row, col});
          Value ok = rowOk && colOk ? Value(arith::AndIOp::create(b, loc, rowOk, colOk))
                                    : (rowOk ? rowOk : colOk);
          if (ok)
            value = arith::SelectOp::create(b, loc, ok, value,
                                            constantOf(b, loc, b.getF32Type(), 0));
          krnl::StoreOp::create(b, loc, value, col5d, ivs);
        });
    patches = matmul::rowMajorView(b, loc, col5d, {c(k), c(n)});
  }
  Value weights = matmul::rowMajorView(b, loc, w, {c(m), c(k)});
  Value output = matmul::rowMajorView(b, loc, result, {c(m), c(n)});
  auto product =
      linalg::MatmulOp::create(b, loc, ValueRange{weights, patches}, ValueRange{output});
  if (relu)
    product->setAttr(krnl::kMatmulEpilogueAttr, b.getStringAttr("relu"));
  return true;
}

} // namespace conv
} // namespace omc
