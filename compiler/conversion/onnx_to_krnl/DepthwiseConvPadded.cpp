//===- DepthwiseConvPadded.cpp - depthwise convolution over a padded plane -===//
//
// See DepthwiseConv.h. Per channel, the input plane is copied once into a buffer with
// zeros around it, wide enough that every tap of every vector of outputs reads inside it;
// then each output vector is the bias plus one fused multiply-add per tap of a plain
// vector load (stride 1) or of the even lanes of two (stride 2), through the activation,
// stored once. Letting LLVM vectorize the scalar rows (emitDepthwiseConv's other form)
// left the small planes of MobileNetV2's late layers (14 x 14, 7 x 7) scalar, and
// stored each output once per kernel row.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/DepthwiseConv.h"

#include "compiler/conversion/onnx_to_krnl/EvenLanes.h"
#include "compiler/parallel/ParallelLoopAttr.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace omc {
namespace conv {
namespace {

// Outputs per vector: AVX2's width; LLVM splits it for narrower targets.
constexpr int64_t kLanes = 8;

// A loop from `lower` to `upper` by `step` whose body gets the builder and the index.
void forRange(OpBuilder &b, Location loc, Value lower, Value upper, Value step,
              llvm::function_ref<void(OpBuilder &, Value)> body) {
  scf::ForOp::create(b, loc, lower, upper, step, ValueRange{},
                     [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                       body(nested, iv);
                       scf::YieldOp::create(nested, loc);
                     });
}

} // namespace

bool emitPaddedDepthwiseConv(OpBuilder &b, Location loc, Value x, Value w, Value bias,
                             Value result, const Geometry &g,
                             krnl::MatmulEpilogue activation) {
  auto xType = cast<MemRefType>(x.getType());
  auto yType = cast<MemRefType>(result.getType());
  int64_t sh = g.strides[0], sw = g.strides[1];
  if (g.dilations[0] != 1 || g.dilations[1] != 1 || sh < 1 || sh > 2 || sw < 1 || sw > 2)
    return false;
  int64_t batches = xType.getDimSize(0), channels = xType.getDimSize(1);
  int64_t height = xType.getDimSize(2), width = xType.getDimSize(3);
  int64_t oh = yType.getDimSize(2), ow = yType.getDimSize(3);
  int64_t kh = g.kernel[0], kw = g.kernel[1], ph = g.padBegin[0], pw = g.padBegin[1];
  if (oh < 1 || ow < 1)
    return false;
  // The padded plane: input (r, c) at (r + ph, c + pw). Output (y, x) reads rows y * sh + i
  // and columns x * sw + j; a vector of outputs reads kLanes columns per tap at stride 1,
  // 2 * kLanes at stride 2, and the last vector may reach past OW.
  int64_t fullVectors = ow / kLanes, vectors = (ow + kLanes - 1) / kLanes;
  // An input row is copied in vectors, the last one masked, its lanes past the row zero.
  int64_t copyVectors = width / kLanes, copyTail = width % kLanes;
  int64_t copied = pw + (copyVectors + (copyTail ? 1 : 0)) * kLanes;
  int64_t rows = std::max(height + ph, (oh - 1) * sh + kh);
  int64_t columns = std::max({copied, width + pw, sw * vectors * kLanes + kw - 1});
  columns = (columns + kLanes - 1) / kLanes * kLanes;
  // Positions in the buffer are index arithmetic; keep them far from overflow.
  if (rows * columns >= (int64_t(1) << 31))
    return false;

  Type f32 = b.getF32Type();
  auto vectorType = VectorType::get({kLanes}, f32);
  auto maskType = VectorType::get({kLanes}, b.getI1Type());
  auto c = [&](int64_t v) { return index(b, loc, v); };
  auto add = [&](OpBuilder &b, Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](OpBuilder &b, Value x, int64_t y) -> Value {
    return arith::MulIOp::create(b, loc, x, index(b, loc, y));
  };
  auto biasType = dyn_cast<MemRefType>(bias.getType());

  // One iteration per (batch, channel): the planes are independent, on threads.
  auto planes = scf::ForOp::create(
      b, loc, c(0), c(batches * channels), c(1), ValueRange{},
      [&](OpBuilder &b, Location, Value plane, ValueRange) {
        Value n = arith::DivUIOp::create(b, loc, plane, c(channels));
        Value ch = arith::RemUIOp::create(b, loc, plane, c(channels));
        // Whole vectors everywhere: the zeros past a row's end run up to kLanes - 1
        // floats into the next row, which is written after it (or into the spare lanes
        // past the last row).
        Value padded = memref::AllocOp::create(
            b, loc, MemRefType::get({rows * columns + kLanes}, f32));
        Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
        auto zeroColumns = [&](OpBuilder &b, Value rowStart, int64_t from, int64_t to) {
          if (from < to)
            forRange(b, loc, c(from), c(to), c(kLanes), [&](OpBuilder &b, Value col) {
              vector::StoreOp::create(b, loc, zeros, padded, ValueRange{add(b, rowStart, col)});
            });
        };
        auto zeroRows = [&](int64_t first, int64_t last) {
          if (first < last)
            forRange(b, loc, c(first), c(last), c(1), [&](OpBuilder &b, Value row) {
              zeroColumns(b, mul(b, row, columns), 0, columns);
            });
        };
        zeroRows(0, ph);
        forRange(b, loc, c(0), c(height), c(1), [&](OpBuilder &b, Value r) {
          Value rowStart = mul(b, add(b, r, c(ph)), columns);
          if (pw)
            vector::StoreOp::create(b, loc, zeros, padded, ValueRange{rowStart});
          Value copyStart = add(b, rowStart, c(pw));
          forRange(b, loc, c(0), c(copyVectors * kLanes), c(kLanes),
                   [&](OpBuilder &b, Value col) {
                     Value values = vector::LoadOp::create(b, loc, vectorType, x,
                                                           ValueRange{n, ch, r, col});
                     vector::StoreOp::create(b, loc, values, padded,
                                             ValueRange{add(b, copyStart, col)});
                   });
          if (copyTail) {
            Value col = c(copyVectors * kLanes);
            Value mask = vector::CreateMaskOp::create(b, loc, maskType, ValueRange{c(copyTail)});
            Value values = vector::MaskedLoadOp::create(b, loc, vectorType, x,
                                                        ValueRange{n, ch, r, col}, mask, zeros);
            vector::StoreOp::create(b, loc, values, padded, ValueRange{add(b, copyStart, col)});
          }
          zeroColumns(b, rowStart, copied, columns);
        });
        zeroRows(ph + height, rows);
        // The taps' weights, each in every lane, and the bias (or 0).
        SmallVector<Value> weights;
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            weights.push_back(vector::BroadcastOp::create(
                b, loc, vectorType,
                memref::LoadOp::create(b, loc, w, ValueRange{ch, c(0), c(i), c(j)})));
        Value start = vector::BroadcastOp::create(
            b, loc, vectorType,
            biasType ? Value(memref::LoadOp::create(b, loc, bias, ValueRange{ch}))
                     : constantOf(b, loc, f32, 0));
        forRange(b, loc, c(0), c(oh), c(1), [&](OpBuilder &b, Value y) {
          // Outputs (y, x0 .. x0 + kLanes): every tap, then the activation; stored whole
          // or, for the last vector past OW, its first `lanes`.
          auto emitVector = [&](OpBuilder &b, Value x0, int64_t lanes) {
            Value sum = start;
            for (int64_t i = 0; i < kh; ++i) {
              Value rowStart = mul(b, add(b, mul(b, y, sh), c(i)), columns);
              Value first = add(b, rowStart, mul(b, x0, sw));
              for (int64_t j = 0; j < kw; ++j) {
                Value at = add(b, first, c(j));
                Value inputs = sw == 2 ? loadEvenLanes(b, loc, vectorType, padded, at)
                                       : vector::LoadOp::create(b, loc, vectorType, padded, at);
                sum = vector::FMAOp::create(b, loc, weights[i * kw + j], inputs, sum);
              }
            }
            if (activation != krnl::MatmulEpilogue::None)
              sum = krnl::applyMatmulEpilogue(b, loc, sum, activation);
            SmallVector<Value> to{n, ch, y, x0};
            if (lanes == kLanes) {
              vector::StoreOp::create(b, loc, sum, result, to);
              return;
            }
            Value mask = vector::CreateMaskOp::create(b, loc, maskType, ValueRange{c(lanes)});
            vector::MaskedStoreOp::create(b, loc, result, to, mask, sum);
          };
          forRange(b, loc, c(0), c(fullVectors * kLanes), c(kLanes),
                   [&](OpBuilder &b, Value x0) { emitVector(b, x0, kLanes); });
          if (ow % kLanes)
            emitVector(b, c(fullVectors * kLanes), ow % kLanes);
        });
        memref::DeallocOp::create(b, loc, padded);
        scf::YieldOp::create(b, loc);
      });
  planes->setAttr(kParallelLoopAttr, b.getUnitAttr());
  return true;
}

} // namespace conv
} // namespace omc
