//===- ConvWinograd.cpp - 3x3 convolutions by Winograd's F(2x2, 3x3) ------===//
//
// See ConvWinograd.h. The transforms, with d the 4x4 input block, m the 4x4 block of
// products and g the 3x3 filter:
//
//   B^T = | 1  0 -1  0 |    G = | 1    0    0   |    A^T = | 1  1  1  0 |
//         | 0  1  1  0 |        | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
//         | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
//         | 0  1  0 -1 |        | 0    0    1   |
//
// Tiles are numbered row by row with S = TW + 1 lanes per tile row, the last a dummy:
// tile (ty, tx) is lane ty * S + tx. Plane (rp, cp) of channel ci holds the padded input's
// rows of parity rp and columns of parity cp, S to a row:
//   planes[ci, 2 rp + cp, i * S + j] = X[ci, 2 i + rp - 1, 2 j + cp - 1]   (0 outside X)
// so that d[r][c] of tile lane t is planes[ci, 2 (r % 2) + c % 2, t + (r / 2) S + c / 2]:
// one vector load gives d[r][c] for a whole panel of consecutive tiles.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ConvWinograd.h"

#include <array>
#include <string>
#include <vector>

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/parallel/ParallelLoopAttr.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace omc {
namespace conv {
namespace {

// Positions of the 4x4 transformed block: one matrix product each.
constexpr int64_t kPositions = 16;
// A chunk's V and M together at most this many bytes, with room left in a 2 MiB L2 for
// the rows of U that stream past them.
constexpr int64_t kChunkBytes = int64_t(1) << 20;
// The transforms' cost on top of the 16 products, as a factor of theirs: the plan must
// do fewer multiply-adds than the direct product even so.
constexpr double kTransformFactor = 1.25;
// Tile columns at most (outputs 64 wide): the output transform holds a tile row in one
// vector per position.
constexpr int64_t kMaxTileCols = 32;
// Input and output channels at least: thinner products do not pay for the transforms.
constexpr int64_t kMinChannels = 8;

struct Plan {
  int64_t width;      // lanes of a column panel (the matmul kernel's register columns)
  int64_t tileRows;   // TH = ceil(H / 2)
  int64_t tileCols;   // TW = ceil(W / 2)
  int64_t rowStride;  // S = TW + 1 lanes per tile row
  int64_t rowsPerChunk, panelsPerChunk, chunks;
  int64_t planeRows;  // rows of S lanes per plane, enough for every panel's loads

  int64_t lanes() const { return chunks * panelsPerChunk * width; }
};

// The chunking that multiplies the fewest lanes: then an even number of chunks (two
// threads share them evenly), then fewer, larger chunks. nullopt where Winograd does not
// apply or would not pay.
std::optional<Plan> planFor(int64_t channels, int64_t filters, int64_t height, int64_t width,
                            int64_t panelWidth) {
  Plan plan;
  plan.width = panelWidth;
  plan.tileRows = (height + 1) / 2;
  plan.tileCols = (width + 1) / 2;
  plan.rowStride = plan.tileCols + 1;
  if (channels < kMinChannels || filters < kMinChannels || plan.tileCols > kMaxTileCols)
    return std::nullopt;
  int64_t panelBytes = kPositions * panelWidth * 4 * (channels + filters);
  std::optional<Plan> best;
  for (int64_t rows = 1; rows <= plan.tileRows; ++rows) {
    Plan candidate = plan;
    candidate.rowsPerChunk = rows;
    candidate.panelsPerChunk = (rows * plan.rowStride + panelWidth - 1) / panelWidth;
    candidate.chunks = (plan.tileRows + rows - 1) / rows;
    if (candidate.panelsPerChunk > 1 && candidate.panelsPerChunk * panelBytes > kChunkBytes)
      break;
    auto key = [](const Plan &p) {
      return std::make_tuple(p.lanes(), p.chunks % 2, p.chunks);
    };
    if (!best || key(candidate) < key(*best))
      best = candidate;
  }
  if (!best)
    return std::nullopt;
  int64_t direct = (height * width + panelWidth - 1) / panelWidth * panelWidth;
  if (double(kPositions * best->lanes()) * kTransformFactor >= double(9 * direct))
    return std::nullopt;
  int64_t lastLane = (best->chunks - 1) * best->rowsPerChunk * best->rowStride +
                     best->panelsPerChunk * panelWidth + best->rowStride + 1;
  best->planeRows = (lastLane + best->rowStride - 1) / best->rowStride;
  return best;
}

// U[xi = 4 i + j][co, ci] = (G g G^T)[i][j] for each filter g = W[co, ci], as 16 constants.
SmallVector<Value> transformedFilters(OpBuilder &b, Location loc, DenseElementsAttr filters,
                                      int64_t outputs, int64_t channels) {
  static constexpr double kG[4][3] = {{1, 0, 0}, {.5, .5, .5}, {.5, -.5, .5}, {0, 0, 1}};
  std::vector<float> w(filters.getValues<float>().begin(), filters.getValues<float>().end());
  std::vector<std::vector<float>> u(kPositions, std::vector<float>(outputs * channels));
  for (int64_t pair = 0; pair < outputs * channels; ++pair) {
    const float *g = &w[pair * 9];
    double gg[4][3]; // G g
    for (int i = 0; i < 4; ++i)
      for (int c = 0; c < 3; ++c)
        gg[i][c] = kG[i][0] * g[c] + kG[i][1] * g[3 + c] + kG[i][2] * g[6 + c];
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        u[4 * i + j][pair] =
            float(gg[i][0] * kG[j][0] + gg[i][1] * kG[j][1] + gg[i][2] * kG[j][2]);
  }
  auto tensorType = RankedTensorType::get({outputs, channels}, b.getF32Type());
  auto memrefType = MemRefType::get({outputs, channels}, b.getF32Type());
  SmallVector<Value> constants;
  for (int64_t xi = 0; xi < kPositions; ++xi)
    constants.push_back(krnl::GlobalOp::create(
        b, loc, memrefType, "winograd_filters_" + std::to_string(xi),
        DenseElementsAttr::get(tensorType, ArrayRef<float>(u[xi]))));
  return constants;
}

Value affineOf(OpBuilder &b, Location loc, AffineExpr expr, ValueRange operands) {
  return affine::AffineApplyOp::create(
      b, loc, AffineMap::get(operands.size(), 0, expr), operands);
}

// The planes of X (see the file comment), each row of X read once as one vector and
// split by column parity with two shuffles.
Value emitPlanes(OpBuilder &b, Location loc, Value x, const Plan &plan) {
  auto xType = cast<MemRefType>(x.getType());
  int64_t channels = xType.getDimSize(1), height = xType.getDimSize(2);
  int64_t width = xType.getDimSize(3), s = plan.rowStride;
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Value planes = allocBuffer(
      b, loc, MemRefType::get({channels, 4, plan.planeRows * s}, b.getF32Type()), ValueRange{});
  // X's row as a vector of a power-of-2 length past W, 0 from lane W on: the shuffles then
  // split whole registers (a row of 56 lanes went to LLVM as scalars).
  int64_t lanes = int64_t(llvm::PowerOf2Ceil(width + 1));
  auto rowType = VectorType::get({lanes}, b.getF32Type());
  SmallVector<bool> inRow(lanes, false);
  for (int64_t lane = 0; lane < width; ++lane)
    inRow[lane] = true;
  // Lane j of a plane row reads X's column 2 j + parity - 1; lane W, a zero, past X.
  SmallVector<int64_t> columns[2];
  for (int64_t parity = 0; parity < 2; ++parity)
    for (int64_t j = 0; j < s; ++j) {
      int64_t column = 2 * j + parity - 1;
      columns[parity].push_back(column >= 0 && column < width ? column : width);
    }
  buildLoopNest(
      b, loc, {c(channels), c(plan.planeRows), c(2)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value ci = ivs[0], i = ivs[1], rowParity = ivs[2];
        AffineExpr d0 = b.getAffineDimExpr(0), d1 = b.getAffineDimExpr(1);
        Value y = affineOf(b, loc, d0 * 2 + d1 - 1, {i, rowParity});
        using P = arith::CmpIPredicate;
        Value inside = arith::AndIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, P::sge, y, c(0)),
            arith::CmpIOp::create(b, loc, P::slt, y, c(height)));
        Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(rowType));
        auto read = scf::IfOp::create(
            b, loc, inside,
            [&](OpBuilder &b, Location loc) {
              Value mask = arith::ConstantOp::create(
                  b, loc, DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                                                 ArrayRef<bool>(inRow)));
              Value row = vector::MaskedLoadOp::create(b, loc, rowType, x,
                                                       ValueRange{c(0), ci, y, c(0)}, mask,
                                                       zeros);
              scf::YieldOp::create(b, loc, row);
            },
            [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, zeros); });
        Value start = affineOf(b, loc, d0 * s, {i});
        for (int64_t parity = 0; parity < 2; ++parity) {
          Value half = vector::ShuffleOp::create(b, loc, read.getResult(0),
                                                 read.getResult(0), columns[parity]);
          Value plane = affineOf(b, loc, d0 * 2 + parity, {rowParity});
          vector::StoreOp::create(b, loc, half, planes, ValueRange{ci, plane, start});
        }
      });
  return planes;
}

using Block4 = std::array<std::array<Value, 4>, 4>;

// B^T d B for d[r][c] (vectors across tiles).
Block4 inputTransform(OpBuilder &b, Location loc, const Block4 &d) {
  auto add = [&](Value x, Value y) -> Value { return arith::AddFOp::create(b, loc, x, y); };
  auto sub = [&](Value x, Value y) -> Value { return arith::SubFOp::create(b, loc, x, y); };
  Block4 t, v;
  for (int c = 0; c < 4; ++c) {
    t[0][c] = sub(d[0][c], d[2][c]);
    t[1][c] = add(d[1][c], d[2][c]);
    t[2][c] = sub(d[2][c], d[1][c]);
    t[3][c] = sub(d[1][c], d[3][c]);
  }
  for (int r = 0; r < 4; ++r) {
    v[r][0] = sub(t[r][0], t[r][2]);
    v[r][1] = add(t[r][1], t[r][2]);
    v[r][2] = sub(t[r][2], t[r][1]);
    v[r][3] = sub(t[r][1], t[r][3]);
  }
  return v;
}

// A^T m A for m[i][j]: y[a][b'] for the tile's output (a, b').
std::array<std::array<Value, 2>, 2> outputTransform(OpBuilder &b, Location loc,
                                                    const Block4 &m) {
  auto add = [&](Value x, Value y) -> Value { return arith::AddFOp::create(b, loc, x, y); };
  auto sub = [&](Value x, Value y) -> Value { return arith::SubFOp::create(b, loc, x, y); };
  std::array<std::array<Value, 4>, 2> s;
  for (int j = 0; j < 4; ++j) {
    s[0][j] = add(add(m[0][j], m[1][j]), m[2][j]);
    s[1][j] = sub(sub(m[1][j], m[2][j]), m[3][j]);
  }
  std::array<std::array<Value, 2>, 2> y;
  for (int a = 0; a < 2; ++a) {
    y[a][0] = add(add(s[a][0], s[a][1]), s[a][2]);
    y[a][1] = sub(sub(s[a][1], s[a][2]), s[a][3]);
  }
  return y;
}

struct Operands {
  Value x, planes, bias, result, residual;
  SmallVector<Value> filters; // U, one [M, C] per position
};

// One chunk: tile rows [chunk * R, chunk * R + R) (those below TH).
void emitChunk(OpBuilder &b, Location loc, const Operands &ops, const Plan &plan, Value chunk,
               bool serial, krnl::MatmulEpilogue activation) {
  auto yType = cast<MemRefType>(ops.result.getType());
  int64_t outputs = yType.getDimSize(1), height = yType.getDimSize(2);
  int64_t width = yType.getDimSize(3);
  int64_t channels = cast<MemRefType>(ops.x.getType()).getDimSize(1);
  int64_t s = plan.rowStride, wd = plan.width, q = plan.panelsPerChunk;
  int64_t rows = plan.rowsPerChunk, tw = plan.tileCols;
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Type f32 = b.getF32Type();
  auto mul = [&](Value x, int64_t y) -> Value { return arith::MulIOp::create(b, loc, x, c(y)); };

  // V, in the kernel's panels.
  SmallVector<Value> v, m;
  for (int64_t xi = 0; xi < kPositions; ++xi)
    v.push_back(allocBuffer(b, loc, MemRefType::get({q, channels, wd}, f32), ValueRange{}));
  Value firstLane = mul(chunk, rows * s);
  buildLoopNest(b, loc, {c(q), c(channels)}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value base = arith::AddIOp::create(b, loc, firstLane,
                                       arith::MulIOp::create(b, loc, ivs[0], c(wd)));
    auto laneType = VectorType::get({wd}, b.getF32Type());
    Block4 d;
    for (int r = 0; r < 4; ++r)
      for (int col = 0; col < 4; ++col) {
        Value at = arith::AddIOp::create(b, loc, base, c((r / 2) * s + col / 2));
        d[r][col] = vector::LoadOp::create(b, loc, laneType, ops.planes,
                                           ValueRange{ivs[1], c(2 * (r % 2) + col % 2), at});
      }
    Block4 t = inputTransform(b, loc, d);
    for (int r = 0; r < 4; ++r)
      for (int col = 0; col < 4; ++col)
        vector::StoreOp::create(b, loc, t[r][col], v[4 * r + col],
                                ValueRange{ivs[0], ivs[1], c(0)});
  });

  // M_xi = U_xi V_xi.
  // M's rows have room for a power-of-2 vector from any tile row's start, so that the
  // output transform's vectors fill whole registers.
  int64_t tileLanes = int64_t(llvm::PowerOf2Ceil(tw));
  int64_t columns = q * wd, pitch = columns + tileLanes;
  auto productType = MemRefType::get(
      {outputs, columns}, f32, StridedLayoutAttr::get(b.getContext(), 0, {pitch, 1}));
  for (int64_t xi = 0; xi < kPositions; ++xi) {
    m.push_back(allocBuffer(b, loc, MemRefType::get({outputs, pitch}, f32), ValueRange{}));
    Value product = memref::ReinterpretCastOp::create(
        b, loc, productType, m[xi], 0, ArrayRef<int64_t>{outputs, columns},
        ArrayRef<int64_t>{pitch, 1});
    auto op = krnl::MatmulPanelsOp::create(b, loc, ops.filters[xi], v[xi], product, Value(),
                                           Value());
    if (serial)
      op->setAttr(krnl::kMatmulSerialAttr, b.getUnitAttr());
  }
  // In a chunk loop each iteration frees its own buffers; the single chunk's are the
  // function's, which frees them at its end (freeTemporaries).
  if (serial)
    for (Value buffer : v)
      memref::DeallocOp::create(b, loc, buffer);

  // Y's two rows per tile row: A^T m A, plus the bias and the residual, activated.
  auto tileType = VectorType::get({tileLanes}, f32);
  auto rowType = VectorType::get({width}, f32);
  // Output column x is lane x / 2 of y[a][x % 2]: the shuffle interleaves them.
  SmallVector<int64_t> interleave;
  for (int64_t column = 0; column < width; ++column)
    interleave.push_back(column / 2 + (column % 2) * tileLanes);
  using P = arith::CmpIPredicate;
  std::optional<int64_t> onlyChunk = getConstantIntValue(chunk);
  buildLoopNest(b, loc, {c(outputs), c(rows)}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value co = ivs[0];
    AffineExpr d0 = b.getAffineDimExpr(0);
    // Affine when the chunk is known, so that the single chunk's rows run on threads.
    Value ty = onlyChunk ? affineOf(b, loc, d0 + *onlyChunk * rows, {ivs[1]})
                         : Value(arith::AddIOp::create(b, loc, mul(chunk, rows), ivs[1]));
    auto emitRows = [&](OpBuilder &b, Location loc) {
      Value start = mul(ivs[1], s);
      Block4 mb;
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
          mb[i][j] = vector::LoadOp::create(b, loc, tileType, m[4 * i + j],
                                            ValueRange{co, start});
      auto y = outputTransform(b, loc, mb);
      Value bias;
      if (ops.bias)
        bias = vector::BroadcastOp::create(
            b, loc, rowType, memref::LoadOp::create(b, loc, ops.bias, ValueRange{co}));
      for (int a = 0; a < 2; ++a) {
        Value row = onlyChunk ? affineOf(b, loc, d0 * 2 + a, {ty})
                              : Value(arith::AddIOp::create(b, loc, mul(ty, 2), c(a)));
        auto store = [&](OpBuilder &b, Location loc) {
          Value out = vector::ShuffleOp::create(b, loc, y[a][0], y[a][1], interleave);
          if (bias)
            out = arith::AddFOp::create(b, loc, out, bias);
          if (ops.residual)
            out = arith::AddFOp::create(
                b, loc, out,
                vector::LoadOp::create(b, loc, rowType, ops.residual,
                                       ValueRange{c(0), co, row, c(0)}));
          if (activation != krnl::MatmulEpilogue::None)
            out = krnl::applyMatmulEpilogue(b, loc, out, activation);
          vector::StoreOp::create(b, loc, out, ops.result, ValueRange{c(0), co, row, c(0)});
        };
        if (a == 1 && height % 2 == 1) {
          // The last tile row's second output row lies past an odd H.
          scf::IfOp::create(b, loc, arith::CmpIOp::create(b, loc, P::slt, row, c(height)),
                            [&](OpBuilder &b, Location loc) {
                              store(b, loc);
                              scf::YieldOp::create(b, loc);
                            });
        } else {
          store(b, loc);
        }
      }
    };
    if (plan.chunks * rows > plan.tileRows) {
      // The last chunk's rows past TH.
      scf::IfOp::create(b, loc, arith::CmpIOp::create(b, loc, P::slt, ty, c(plan.tileRows)),
                        [&](OpBuilder &b, Location loc) {
                          emitRows(b, loc);
                          scf::YieldOp::create(b, loc);
                        });
    } else {
      emitRows(b, loc);
    }
  });
  if (serial)
    for (Value buffer : m)
      memref::DeallocOp::create(b, loc, buffer);
}

bool covered(MemRefType type) {
  return type.getRank() == 4 && type.hasStaticShape() && type.getElementType().isF32() &&
         type.getLayout().isIdentity();
}

} // namespace

bool emitConvWinograd(OpBuilder &b, Location loc, Value x, DenseElementsAttr filters,
                      Value bias, Value result, const Geometry &g, int64_t group,
                      krnl::MatmulEpilogue activation, Value residual) {
  auto xType = cast<MemRefType>(x.getType());
  auto yType = cast<MemRefType>(result.getType());
  if (!filters || !filters.getElementType().isF32() || group != 1 || !covered(xType) ||
      !covered(yType) || xType.getDimSize(0) != 1 ||
      (residual && !covered(cast<MemRefType>(residual.getType()))))
    return false;
  auto biasType = dyn_cast<MemRefType>(bias.getType());
  if (biasType && !biasType.getElementType().isF32())
    return false;
  auto ones = [](ArrayRef<int64_t> values) {
    return values.size() == 2 && values[0] == 1 && values[1] == 1;
  };
  if (g.kernel.size() != 2 || g.kernel[0] != 3 || g.kernel[1] != 3 || !ones(g.strides) ||
      !ones(g.dilations) || !ones(g.padBegin) || !ones(g.padEnd))
    return false;
  int64_t channels = xType.getDimSize(1), height = xType.getDimSize(2);
  int64_t width = xType.getDimSize(3), outputs = yType.getDimSize(1);
  ArrayRef<int64_t> filterShape = filters.getType().getShape();
  if (filterShape.size() != 4 || filterShape[0] != outputs || filterShape[1] != channels ||
      yType.getDimSize(2) != height || yType.getDimSize(3) != width)
    return false;
  std::optional<int64_t> panelWidth =
      krnl::targetPanelWidth(b.getInsertionBlock()->getParentOp());
  if (!panelWidth)
    return false;
  std::optional<Plan> plan = planFor(channels, outputs, height, width, *panelWidth);
  if (!plan)
    return false;

  Operands ops;
  ops.x = x;
  ops.bias = biasType ? bias : Value();
  ops.result = result;
  ops.residual = residual;
  ops.filters = transformedFilters(b, loc, filters, outputs, channels);
  ops.planes = emitPlanes(b, loc, x, *plan);
  auto c = [&](int64_t v) { return index(b, loc, v); };
  if (plan->chunks == 1) {
    // One chunk: its stages share the threads instead.
    emitChunk(b, loc, ops, *plan, c(0), /*serial=*/false, activation);
  } else {
    auto loop = scf::ForOp::create(
        b, loc, c(0), c(plan->chunks), c(1), ValueRange{},
        [&](OpBuilder &b, Location loc, Value chunk, ValueRange) {
          emitChunk(b, loc, ops, *plan, chunk, /*serial=*/true, activation);
          scf::YieldOp::create(b, loc);
        });
    loop->setAttr(kParallelLoopAttr, b.getUnitAttr());
  }
  return true;
}

} // namespace conv
} // namespace omc
