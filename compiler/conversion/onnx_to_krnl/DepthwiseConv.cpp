//===- DepthwiseConv.cpp - f32 2-D depthwise convolution, rows at a time ---===//
//
// See DepthwiseConv.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/DepthwiseConv.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace omc {
namespace conv {
namespace {

bool covered(MemRefType type) {
  return type.getRank() == 4 && type.hasStaticShape() && type.getElementType().isF32() &&
         type.getLayout().isIdentity();
}

// The output positions [first, last) along a dim whose input position
// o * stride + tap - pad lies in [0, size): tap is the kernel position times the dilation.
std::pair<int64_t, int64_t> validPositions(int64_t outSize, int64_t size, int64_t stride,
                                           int64_t tap, int64_t pad) {
  int64_t first = pad - tap > 0 ? (pad - tap + stride - 1) / stride : 0;
  int64_t last = size - 1 + pad - tap < 0 ? 0 : (size - 1 + pad - tap) / stride + 1;
  return {first, std::min(outSize, std::max(first, last))};
}

} // namespace

bool emitDepthwiseConv(OpBuilder &b, Location loc, Value x, Value w, Value bias, Value result,
                       const Geometry &g, int64_t group, krnl::MatmulEpilogue activation) {
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType());
  auto yType = cast<MemRefType>(result.getType());
  if (!covered(xType) || !covered(wType) || !covered(yType) || g.kernel.size() != 2)
    return false;
  int64_t channels = xType.getDimSize(1);
  if (group != channels || wType.getDimSize(0) != channels || wType.getDimSize(1) != 1)
    return false;
  auto biasType = dyn_cast<MemRefType>(bias.getType());
  if (biasType && !biasType.getElementType().isF32())
    return false;
  if (emitPaddedDepthwiseConv(b, loc, x, w, bias, result, g, activation))
    return true;
  int64_t height = xType.getDimSize(2), width = xType.getDimSize(3);
  int64_t oh = yType.getDimSize(2), ow = yType.getDimSize(3);
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Type f32 = b.getF32Type();

  AffineExpr d0 = b.getAffineDimExpr(0);
  // X's row or column that output position d0 reads through a tap (j * dilation).
  auto inputAt = [&](OpBuilder &b, Value position, int64_t stride, int64_t tap, int64_t pad) {
    return affine::AffineApplyOp::create(b, loc, AffineMap::get(1, 0, d0 * stride + (tap - pad)),
                                         ValueRange{position});
  };
  buildLoopNest(b, loc, {c(yType.getDimSize(0)), c(channels)}, [&](OpBuilder &b, Location loc,
                                                                   ValueRange nc) {
    Value n = nc[0], ch = nc[1];
    auto at = [&](Value row, Value col) { return SmallVector<Value>{n, ch, row, col}; };
    // The plane starts as the bias (or 0).
    Value start = biasType ? Value(krnl::LoadOp::create(b, loc, bias, ValueRange{ch}))
                           : constantOf(b, loc, f32, 0);
    buildLoopNest(b, loc, {c(oh), c(ow)}, [&](OpBuilder &b, Location loc, ValueRange yx) {
      krnl::StoreOp::create(b, loc, start, result, at(yx[0], yx[1]));
    });
    // Per kernel row i, the output rows whose input row lies in X; per tap (i, j), the
    // output columns likewise: every bound is known here, every index affine.
    for (int64_t i = 0; i < g.kernel[0]; ++i) {
      int64_t rowTap = i * g.dilations[0];
      auto [firstRow, lastRow] = validPositions(oh, height, g.strides[0], rowTap, g.padBegin[0]);
      if (firstRow >= lastRow)
        continue;
      SmallVector<Value> weights;
      for (int64_t j = 0; j < g.kernel[1]; ++j)
        weights.push_back(krnl::LoadOp::create(b, loc, w, ValueRange{ch, c(0), c(i), c(j)}));
      auto rows = krnl::DefineLoopsOp::create(b, loc, 1);
      krnl::IterateOp::create(
          b, loc, rows.getResults(), ValueRange{c(firstRow)}, ValueRange{c(lastRow)},
          [&](OpBuilder &b, Location loc, ValueRange ys) {
            Value y = ys[0];
            Value row = inputAt(b, y, g.strides[0], rowTap, g.padBegin[0]);
            // result[y, o] += w[i, j] * X[row, column of o through tap j], for the taps
            // `taps` together, over output columns [first, last).
            auto accumulate = [&](int64_t first, int64_t last, ArrayRef<int64_t> taps) {
              if (first >= last)
                return;
              auto cols = krnl::DefineLoopsOp::create(b, loc, 1);
              krnl::IterateOp::create(
                  b, loc, cols.getResults(), ValueRange{c(first)}, ValueRange{c(last)},
                  [&](OpBuilder &b, Location loc, ValueRange xs) {
                    Value sum = krnl::LoadOp::create(b, loc, result, at(y, xs[0]));
                    for (int64_t j : taps) {
                      Value col = inputAt(b, xs[0], g.strides[1], j * g.dilations[1],
                                          g.padBegin[1]);
                      sum = math::FmaOp::create(
                          b, loc, weights[j], krnl::LoadOp::create(b, loc, x, at(row, col)),
                          sum);
                    }
                    krnl::StoreOp::create(b, loc, sum, result, at(y, xs[0]));
                  });
            };
            // Each tap's output columns; where they all overlap, one pass takes every tap
            // (one load and store of the result instead of one per tap), and each tap
            // alone covers its columns outside the overlap.
            SmallVector<int64_t> taps;
            SmallVector<std::pair<int64_t, int64_t>> ranges;
            int64_t overlapFirst = 0, overlapLast = ow;
            for (int64_t j = 0; j < g.kernel[1]; ++j) {
              auto range = validPositions(ow, width, g.strides[1], j * g.dilations[1],
                                          g.padBegin[1]);
              ranges.push_back(range);
              if (range.first >= range.second)
                continue;
              taps.push_back(j);
              overlapFirst = std::max(overlapFirst, range.first);
              overlapLast = std::min(overlapLast, range.second);
            }
            if (overlapFirst >= overlapLast) {
              for (int64_t j : taps)
                accumulate(ranges[j].first, ranges[j].second, {j});
              return;
            }
            for (int64_t j : taps) {
              accumulate(ranges[j].first, overlapFirst, {j});
              accumulate(overlapLast, ranges[j].second, {j});
            }
            accumulate(overlapFirst, overlapLast, taps);
          });
    }
    if (activation != krnl::MatmulEpilogue::None)
      buildLoopNest(b, loc, {c(oh), c(ow)}, [&](OpBuilder &b, Location loc, ValueRange yx) {
        Value value = krnl::LoadOp::create(b, loc, result, at(yx[0], yx[1]));
        krnl::StoreOp::create(b, loc, krnl::applyMatmulEpilogue(b, loc, value, activation),
                              result, at(yx[0], yx[1]));
      });
  });
  return true;
}

} // namespace conv
} // namespace omc
