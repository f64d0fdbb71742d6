//===- ConvAsMatmul.cpp - f32 2-D convolution as one packed matrix product -===//
//
// See ConvAsMatmul.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ConvAsMatmul.h"

#include "compiler/conversion/onnx_to_krnl/EvenLanes.h"
#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/parallel/ParallelLoopAttr.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace omc {
namespace conv {
namespace {

// Patch panels go to the matmul a chunk of them at a time, each chunk multiplied right
// after its fill while it is in L2, when all of them at once would not stay there (ResNet's 56 x 56
// 3x3 convs: 7 MiB): they went out to L3 and came back, a round trip that the fill
// waited on for a third of the conv's time. A pointwise conv's panels, a copy of X, go by
// chunks whenever they make enough: its matmul would otherwise first fill Y with the bias
// and pack X itself.
constexpr int64_t kChunkedPanelBytes = int64_t(1) << 20;
// Chunks enough for the threads to share evenly.
constexpr int64_t kMinChunks = 16;
// At most this many bytes of panels per chunk: with the filters' block, they stay in L2.
constexpr int64_t kChunkBytes = int64_t(256) << 10;
// Up to this many panels, a pointwise conv too writes all its panels at once (a late
// ResNet stage, whose few columns would make every thread pack all of X on its own).
constexpr int64_t kPointwisePanels = 8;

// The panels per chunk, or nullopt to fill all of them at once (see kChunkedPanelBytes).
std::optional<int64_t> panelsPerChunk(bool pointwise, int64_t count, int64_t panelBytes) {
  if (count < kMinChunks || (!pointwise && count * panelBytes <= kChunkedPanelBytes))
    return std::nullopt;
  return std::max<int64_t>(1, std::min(kChunkBytes / panelBytes, count / kMinChunks));
}

// The activation as the matmul's epilogue.
void setActivation(Operation *product, krnl::MatmulEpilogue activation) {
  if (activation != krnl::MatmulEpilogue::None)
    product->setAttr(krnl::kMatmulEpilogueAttr,
                     StringAttr::get(product->getContext(), krnl::matmulEpilogueName(activation)));
}


// The width of the panels to write the patches in, when the target's matmul kernel reads
// panels. The gathers index X with 32-bit lanes: an X of 2^31 elements or more keeps
// the copy.
std::optional<int64_t> panelWidthFor(OpBuilder &b, int64_t n, int64_t inputElements) {
  std::optional<int64_t> width = krnl::targetPanelWidth(b.getInsertionBlock()->getParentOp());
  if (!width || inputElements >= (int64_t(1) << 31) || n + *width >= (int64_t(1) << 31))
    return std::nullopt;
  return width;
}

// panels[p, (ci * KH + i) * KW + j, :] = the patch elements of X at output positions
// n = p * W + lane, 0 past N = OH * OW: one gather of W lanes from X and one vector store per
// panel row. The store's indices are affine, so that the nest stays affine and its panels
// run on threads (krnl-to-affine makes the vector.store affine).
//
// With stride 1 and OW = the input's width (ResNet's 3x3 and 1x1 convs), output position n
// reads X at n plus a constant per (ci, i, j), across row ends too: the gather is then a
// masked load of W consecutive floats, the same lanes masked. A load whose lanes would
// start before X or end past it (a first or last row's outer taps) keeps the gather, so
// that no address leaves X.
//
// With `firstPanel`, `panels` holds the panels from that one on: panel p of the buffer is
// panel firstPanel + p of the whole product, zero past N.
void fillPatchPanels(OpBuilder &b, Location loc, Value x, Value panels, const Geometry &g,
                     int64_t oh, int64_t ow, Value firstPanel = {}) {
  auto xType = cast<MemRefType>(x.getType());
  auto panelsType = cast<MemRefType>(panels.getType());
  int64_t channels = xType.getDimSize(1), height = xType.getDimSize(2);
  int64_t width = xType.getDimSize(3), kh = g.kernel[0], kw = g.kernel[1];
  int64_t count = panelsType.getDimSize(0), wd = panelsType.getDimSize(2), n = oh * ow;
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Type i32 = b.getI32Type();
  auto lanesOf = [&](Type type) { return VectorType::get({wd}, type); };
  auto splat = [&](OpBuilder &b, Location loc, int64_t value) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(lanesOf(i32), b.getI32IntegerAttr(value)));
  };
  auto broadcast = [&](OpBuilder &b, Location loc, Value index) -> Value {
    Value scalar = arith::IndexCastOp::create(b, loc, i32, index);
    return vector::BroadcastOp::create(b, loc, lanesOf(i32), scalar);
  };
  // X as one row-major run, for the masked loads.
  bool consecutive = g.strides[0] == 1 && g.strides[1] == 1 && ow == width;
  // With column stride 2 and panels that each lie in one output row, a panel's lanes are
  // the even elements of 2 * W consecutive floats of X's row.
  bool evenColumns = !consecutive && g.strides[1] == 2 && g.dilations[1] == 1 && ow % wd == 0;
  Value flatX = consecutive || evenColumns
                    ? matmul::rowMajorView(b, loc, x, {c(xType.getNumElements())})
                    : Value();
  SmallVector<int32_t> laneNumbers(wd);
  for (int64_t lane = 0; lane < wd; ++lane)
    laneNumbers[lane] = lane;
  buildLoopNest(
      b, loc, {c(count), c(channels), c(kh), c(kw)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        using P = arith::CmpIPredicate;
        auto cmp = [&](P predicate, Value x, Value y) -> Value {
          return arith::CmpIOp::create(b, loc, predicate, x, y);
        };
        auto both = [&](Value x, Value y) -> Value { return arith::AndIOp::create(b, loc, x, y); };
        auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
        auto mul = [&](Value x, int64_t y) -> Value {
          return arith::MulIOp::create(b, loc, x, splat(b, loc, y));
        };
        auto times = [&](Value v, int64_t f) -> Value {
          return arith::MulIOp::create(b, loc, v, c(f));
        };
        Value panel = firstPanel ? add(firstPanel, ivs[0]) : ivs[0];
        Value lanes = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(lanesOf(i32), ArrayRef<int32_t>(laneNumbers)));
        Value columns = add(broadcast(b, loc, arith::MulIOp::create(b, loc, panel, c(wd))),
                            lanes);
        Value y = arith::DivUIOp::create(b, loc, columns, splat(b, loc, ow));
        Value z = arith::RemUIOp::create(b, loc, columns, splat(b, loc, ow));
        // Input row y * stride + i * dilation - pad, and column likewise.
        auto position = [&](Value out, Value tap, size_t axis) {
          Value offset = arith::SubIOp::create(
              b, loc, arith::MulIOp::create(b, loc, tap, c(g.dilations[axis])),
              c(g.padBegin[axis]));
          return add(mul(out, g.strides[axis]), broadcast(b, loc, offset));
        };
        Value row = position(y, ivs[2], 0), col = position(z, ivs[3], 1);
        Value zero = splat(b, loc, 0);
        Value ok = both(both(cmp(P::slt, columns, splat(b, loc, n)), cmp(P::sge, row, zero)),
                        both(both(cmp(P::slt, row, splat(b, loc, height)),
                                  cmp(P::sge, col, zero)),
                             cmp(P::slt, col, splat(b, loc, width))));
        Value channelStart = broadcast(
            b, loc, arith::MulIOp::create(b, loc, ivs[1], c(height * width)));
        Value offsets = add(add(channelStart, mul(row, width)), col);
        Type f32 = b.getF32Type();
        Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(lanesOf(f32)));
        auto gather = [&](OpBuilder &b, Location loc) -> Value {
          return vector::GatherOp::create(b, loc, lanesOf(f32), x,
                                          ValueRange{c(0), c(0), c(0), c(0)}, offsets, ok,
                                          zeros);
        };
        Value values;
        if (consecutive) {
          // Lane 0's offset: ci * H * W + p * W_panel + (i * dh - ph) * W + (j * dw - pw).
          Value first = add(add(times(ivs[1], height * width), times(panel, wd)),
                            add(times(ivs[2], g.dilations[0] * width),
                                times(ivs[3], g.dilations[1])));
          first = arith::SubIOp::create(b, loc, first,
                                        c(g.padBegin[0] * width + g.padBegin[1]));
          Value inside = both(cmp(P::sge, first, c(0)),
                              cmp(P::sle, first, c(xType.getNumElements() - wd)));
          auto branch = scf::IfOp::create(
              b, loc, inside,
              [&](OpBuilder &b, Location loc) {
                Value loaded = vector::MaskedLoadOp::create(b, loc, lanesOf(f32), flatX,
                                                            ValueRange{first}, ok, zeros);
                scf::YieldOp::create(b, loc, loaded);
              },
              [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, gather(b, loc)); });
          values = branch.getResult(0);
        } else if (evenColumns) {
          // The panel's output row y and first column z; its lanes read X's row
          // y * sh + i * dh - ph from column z * 2 + j - pw on, every other one. Where
          // that row lies in X and every lane's column in the row, two loads of W floats
          // of the run (the second may read past the row, or into the next: odd lanes, not
          // kept) and their even lanes; elsewhere the gather.
          Value start = times(panel, wd);
          Value outRow = arith::DivUIOp::create(b, loc, start, c(ow));
          Value outCol = arith::RemUIOp::create(b, loc, start, c(ow));
          Value inRow = arith::SubIOp::create(
              b, loc, add(times(outRow, g.strides[0]), times(ivs[2], g.dilations[0])),
              c(g.padBegin[0]));
          Value inCol = arith::SubIOp::create(b, loc, add(times(outCol, 2), ivs[3]),
                                              c(g.padBegin[1]));
          Value first = add(add(times(ivs[1], height * width), times(inRow, width)), inCol);
          Value inside = both(both(cmp(P::sge, inRow, c(0)), cmp(P::slt, inRow, c(height))),
                              both(both(cmp(P::sge, inCol, c(0)),
                                        cmp(P::slt, inCol, c(width - 2 * (wd - 1)))),
                                   cmp(P::sle, first, c(xType.getNumElements() - 2 * wd))));
          auto branch = scf::IfOp::create(
              b, loc, inside,
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(b, loc, loadEvenLanes(b, loc, lanesOf(f32), flatX, first));
              },
              [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, gather(b, loc)); });
          values = branch.getResult(0);
        } else {
          values = gather(b, loc);
        }
        AffineExpr d0 = b.getAffineDimExpr(0), d1 = b.getAffineDimExpr(1);
        AffineExpr d2 = b.getAffineDimExpr(2);
        Value rowOfK = affine::AffineApplyOp::create(
            b, loc, AffineMap::get(3, 0, (d0 * kh + d1) * kw + d2), ivs.drop_front());
        vector::StoreOp::create(b, loc, values, panels, ValueRange{ivs[0], rowOfK, c(0)});
      });
}

// The product of `weights` ([M, K]) and the patches of X, plus the bias and the addend,
// through the activation, into `output` ([M, N]), a chunk of `perChunk` panels at a time:
// each chunk's panels are filled into a buffer of their own and multiplied at once, while
// they are still in L2, into the chunk's columns of Y. The chunks run on threads (an
// scf.for marked kParallelLoopAttr: they write Y's columns apart, and their panels are
// their own), each chunk's kernel in place (krnl::kMatmulSerialAttr).
void emitPanelChunks(OpBuilder &b, Location loc, Value x, Value weights, Value bias,
                     Value output, Value addend, const Geometry &g, int64_t oh, int64_t ow,
                     int64_t panelWidth, int64_t perChunk,
                     krnl::MatmulEpilogue activation) {
  auto outputType = cast<MemRefType>(output.getType());
  auto weightsType = cast<MemRefType>(weights.getType());
  int64_t m = outputType.getDimSize(0), n = outputType.getDimSize(1);
  int64_t k = weightsType.getDimSize(1), columns = perChunk * panelWidth;
  int64_t chunks = (n + columns - 1) / columns;
  auto c = [&](int64_t v) { return index(b, loc, v); };
  // A chunk's columns of Y (or of the addend): a reinterpret_cast, not a subview, since the
  // CPU pipeline lowers it to LLVM as it is.
  auto columnsType =
      MemRefType::get({m, ShapedType::kDynamic}, b.getF32Type(),
                      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, {n, 1}));
  auto loop = scf::ForOp::create(
      b, loc, c(0), c(chunks), c(1), ValueRange{},
      [&](OpBuilder &b, Location loc, Value chunk, ValueRange) {
        Value panels = allocBuffer(
            b, loc, MemRefType::get({perChunk, k, panelWidth}, b.getF32Type()), ValueRange{});
        fillPatchPanels(b, loc, x, panels, g, oh, ow,
                        arith::MulIOp::create(b, loc, chunk, c(perChunk)));
        // Columns [first, first + width) of Y: all of a chunk's but in the last one.
        Value first = arith::MulIOp::create(b, loc, chunk, c(columns));
        Value width = arith::MinSIOp::create(b, loc, c(columns),
                                             arith::SubIOp::create(b, loc, c(n), first));
        auto columnsOf = [&](Value matrix) -> Value {
          return memref::ReinterpretCastOp::create(
              b, loc, columnsType, matrix, first,
              ArrayRef<OpFoldResult>{b.getIndexAttr(m), width},
              ArrayRef<OpFoldResult>{b.getIndexAttr(n), b.getIndexAttr(1)});
        };
        auto product = krnl::MatmulPanelsOp::create(b, loc, weights, panels, columnsOf(output),
                                                    bias, addend ? columnsOf(addend) : Value());
        product->setAttr(krnl::kMatmulSerialAttr, b.getUnitAttr());
        setActivation(product, activation);
        memref::DeallocOp::create(b, loc, panels);
        scf::YieldOp::create(b, loc);
      });
  loop->setAttr(kParallelLoopAttr, b.getUnitAttr());
}

} // namespace

bool emitConvAsMatmul(OpBuilder &b, Location loc, Value x, Value w, Value bias, Value result,
                      const Geometry &g, int64_t group, krnl::MatmulEpilogue activation,
                      Value residual) {
  auto xType = cast<MemRefType>(x.getType()), wType = cast<MemRefType>(w.getType());
  auto yType = cast<MemRefType>(result.getType());
  if (group != 1 || !isStaticRowMajorF32(xType) || !isStaticRowMajorF32(wType) ||
      !isStaticRowMajorF32(yType) || xType.getDimSize(0) != 1 ||
      (residual && !isStaticRowMajorF32(cast<MemRefType>(residual.getType()))))
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

  Value output = matmul::rowMajorView(b, loc, result, {c(m), c(n)});
  Value addend = residual ? matmul::rowMajorView(b, loc, residual, {c(m), c(n)}) : Value();

  bool pointwise = kh == 1 && kw == 1 && g.strides[0] == 1 && g.strides[1] == 1 &&
                   g.padBegin[0] == 0 && g.padBegin[1] == 0 && oh == height && ow == width;
  // Patches the matmul would pack anyway go straight into its kernel's panels.
  if (std::optional<int64_t> panelWidth = panelWidthFor(b, n, xType.getNumElements())) {
    int64_t wd = *panelWidth, count = (n + wd - 1) / wd, panelBytes = k * wd * 4;
    Value weights = matmul::rowMajorView(b, loc, w, {c(m), c(k)});
    Value rowBias = biasType ? bias : Value();
    if (std::optional<int64_t> perChunk = panelsPerChunk(pointwise, count, panelBytes)) {
      emitPanelChunks(b, loc, x, weights, rowBias, output, addend, g, oh, ow, wd, *perChunk,
                      activation);
      return true;
    }
    if (!pointwise || count <= kPointwisePanels) {
      Value panels = allocBuffer(b, loc, MemRefType::get({count, k, wd}, b.getF32Type()),
                                 ValueRange{});
      fillPatchPanels(b, loc, x, panels, g, oh, ow);
      setActivation(krnl::MatmulPanelsOp::create(b, loc, weights, panels, output, rowBias,
                                                 addend),
                    activation);
      return true;
    }
  }

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
  // Y starts as the bias (or 0) plus the residual; the product accumulates into it. Y as
  // [M, N]: each row one long loop, which vectorizes whatever OW is.
  buildLoopNest(b, loc, {c(m), c(n)}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value init = biasType ? Value(krnl::LoadOp::create(b, loc, bias, ValueRange{ivs[0]}))
                          : constantOf(b, loc, b.getF32Type(), 0);
    if (addend)
      init = arith::AddFOp::create(b, loc, init, krnl::LoadOp::create(b, loc, addend, ivs));
    krnl::StoreOp::create(b, loc, init, output, ivs);
  });
  Value weights = matmul::rowMajorView(b, loc, w, {c(m), c(k)});
  setActivation(
      linalg::MatmulOp::create(b, loc, ValueRange{weights, patches}, ValueRange{output}),
      activation);
  return true;
}

} // namespace conv
} // namespace omc
