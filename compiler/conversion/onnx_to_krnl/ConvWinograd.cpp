//===- ConvWinograd.cpp - 3x3 convolutions by Winograd's F(m x m, 3 x 3) --===//
//
// See ConvWinograd.h. F(2x2, 3x3), with d the 4x4 input block, M the 4x4 block of products
// and g the 3x3 filter:
//
//   B^T = | 1  0 -1  0 |    G = | 1    0    0   |    A^T = | 1  1  1  0 |
//         | 0  1  1  0 |        | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
//         | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
//         | 0  1  0 -1 |        | 0    0    1   |
//
// and F(4x4, 3x3) likewise with 6x6 blocks (the tables below). Both go through the same
// code, driven by the tables.
//
// Tiles are numbered row by row with S = TW + 1 lanes per tile row, the last a dummy:
// tile (ty, tx) is lane ty * S + tx. Plane (rp, cp) of channel ci holds the padded input's
// rows and columns of phase rp and cp modulo m, S to a row:
//   planes[ci, m rp + cp, i * S + j] = X[ci, m i + rp - 1, m j + cp - 1]   (0 outside X)
// so that d[r][c] of tile lane t is planes[ci, m (r % m) + c % m, t + (r / m) S + c / m]:
// one vector load gives d[r][c] for a whole panel of consecutive tiles.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ConvWinograd.h"

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

// A minimal filtering algorithm F(m x m, 3 x 3): tiles of m x m outputs from blocks of
// n x n inputs, n = m + 2, with n^2 products per channel pair. Row-major constant tables.
struct Algorithm {
  int64_t m;
  ArrayRef<double> bt; // B^T, n x n
  ArrayRef<double> g;  // G, n x 3
  ArrayRef<double> at; // A^T, m x n

  int64_t n() const { return m + 2; }
  int64_t positions() const { return n() * n(); }
};

constexpr double kBt2[] = {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1};
constexpr double kG2[] = {1, 0, 0, .5, .5, .5, .5, -.5, .5, 0, 0, 1};
constexpr double kAt2[] = {1, 1, 1, 0, 0, 1, -1, -1};
// F(4x4, 3x3) on the points 0, 1, -1, 2, -2 and infinity.
constexpr double kBt4[] = {4, 0, -5, 0,  1, 0, 0, -4, -4, 1,  1, 0, 0, 4, -4, -1, 1, 0,
                           0, -2, -1, 2, 1, 0, 0, 2,  -1, -2, 1, 0, 0, 4, 0,  -5, 0, 1};
constexpr double kG4[] = {1.0 / 4,  0,         0,        -1.0 / 6, -1.0 / 6, -1.0 / 6,
                          -1.0 / 6, 1.0 / 6,   -1.0 / 6, 1.0 / 24, 1.0 / 12, 1.0 / 6,
                          1.0 / 24, -1.0 / 12, 1.0 / 6,  0,        0,        1};
constexpr double kAt4[] = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0,
                           0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1};

const Algorithm kF2{2, kBt2, kG2, kAt2};
const Algorithm kF4{4, kBt4, kG4, kAt4};

// A chunk's V and M together at most this many bytes, with room left in a 2 MiB L2 for
// the rows of U that stream past them.
constexpr int64_t kChunkBytes = int64_t(1) << 20;
// The transforms' cost on top of the products, as a factor of theirs: the plan must do
// fewer multiply-adds than the direct product even so.
constexpr double kTransformFactor = 1.25;
// F(4x4) rounds more (its transforms scale by up to 8 and 1/24): it must save at least
// this share of F(2x2)'s multiply-adds to be chosen.
constexpr double kLargerTileGain = 0.8;
// Tile columns at most: the output transform holds a tile row in one vector per position.
constexpr int64_t kMaxTileCols = 32;
// Input and output channels at least: thinner products do not pay for the transforms.
constexpr int64_t kMinChannels = 8;

struct Plan {
  const Algorithm *algorithm;
  int64_t width;      // lanes of a column panel (the matmul kernel's register columns)
  int64_t paddedOutputs; // M rounded up to whole register-row groups: U's block rows
  int64_t tileRows;   // TH = ceil(H / m)
  int64_t tileCols;   // TW = ceil(W / m)
  int64_t rowStride;  // S = TW + 1 lanes per tile row
  int64_t rowsPerChunk, panelsPerChunk, chunks;
  int64_t planeRows;  // rows of S lanes per plane, enough for every panel's loads

  int64_t lanes() const { return chunks * panelsPerChunk * width; }
  // Multiply-adds per channel pair, in lanes.
  int64_t cost() const { return algorithm->positions() * lanes(); }
};

// The chunking that multiplies the fewest lanes with `algorithm`: then an even number of
// chunks (two threads share them evenly), then fewer, larger chunks. nullopt where it
// does not apply.
std::optional<Plan> chunkingFor(const Algorithm &algorithm, int64_t channels, int64_t filters,
                                int64_t height, int64_t width, int64_t panelWidth) {
  Plan plan;
  plan.algorithm = &algorithm;
  plan.width = panelWidth;
  plan.tileRows = (height + algorithm.m - 1) / algorithm.m;
  plan.tileCols = (width + algorithm.m - 1) / algorithm.m;
  plan.rowStride = plan.tileCols + 1;
  if (plan.tileCols > kMaxTileCols)
    return std::nullopt;
  int64_t panelBytes = algorithm.positions() * panelWidth * 4 * (channels + filters);
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
  // Loads reach a tile's block up to one tile row and one lane on.
  int64_t lastLane = (best->chunks - 1) * best->rowsPerChunk * best->rowStride +
                     best->panelsPerChunk * panelWidth + best->rowStride + 1;
  best->planeRows = (lastLane + best->rowStride - 1) / best->rowStride;
  return best;
}

// F(4x4) where it saves enough over F(2x2), else F(2x2); nullopt where neither does
// fewer multiply-adds than the direct product.
std::optional<Plan> planFor(int64_t channels, int64_t filters, int64_t height, int64_t width,
                            int64_t panelWidth) {
  if (channels < kMinChannels || filters < kMinChannels)
    return std::nullopt;
  std::optional<Plan> plan = chunkingFor(kF2, channels, filters, height, width, panelWidth);
  std::optional<Plan> larger = chunkingFor(kF4, channels, filters, height, width, panelWidth);
  if (larger && (!plan || double(larger->cost()) < kLargerTileGain * double(plan->cost())))
    plan = larger;
  int64_t direct = (height * width + panelWidth - 1) / panelWidth * panelWidth;
  if (!plan || double(plan->cost()) * kTransformFactor >= double(9 * direct))
    return std::nullopt;
  return plan;
}

// U[xi = n i + j][co, ci] = (G g G^T)[i][j] for each filter g = W[co, ci], as one
// constant of n^2 blocks of `paddedOutputs` rows (M rounded up to whole register-row
// groups, the rows past M zero): block xi starts at row xi * paddedOutputs, so that the
// matmul packs the constant into row groups once and reads each block as a view of it.
Value transformedFilters(OpBuilder &b, Location loc, const Algorithm &algorithm,
                         DenseElementsAttr filters, int64_t outputs, int64_t paddedOutputs,
                         int64_t channels) {
  int64_t n = algorithm.n();
  ArrayRef<double> g = algorithm.g;
  std::vector<float> w(filters.getValues<float>().begin(), filters.getValues<float>().end());
  std::vector<float> u(algorithm.positions() * paddedOutputs * channels, 0.0f);
  std::vector<double> gw(n * 3); // G w
  for (int64_t co = 0; co < outputs; ++co)
    for (int64_t ci = 0; ci < channels; ++ci) {
      const float *filter = &w[(co * channels + ci) * 9];
      for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < 3; ++c)
          gw[i * 3 + c] = g[i * 3] * filter[c] + g[i * 3 + 1] * filter[3 + c] +
                          g[i * 3 + 2] * filter[6 + c];
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          u[((i * n + j) * paddedOutputs + co) * channels + ci] =
              float(gw[i * 3] * g[j * 3] + gw[i * 3 + 1] * g[j * 3 + 1] +
                    gw[i * 3 + 2] * g[j * 3 + 2]);
    }
  int64_t rows = algorithm.positions() * paddedOutputs;
  return krnl::GlobalOp::create(
      b, loc, MemRefType::get({rows, channels}, b.getF32Type()), "winograd_filters",
      DenseElementsAttr::get(RankedTensorType::get({rows, channels}, b.getF32Type()),
                             ArrayRef<float>(u)));
}

Value affineOf(OpBuilder &b, Location loc, AffineExpr expr, ValueRange operands) {
  return affine::AffineApplyOp::create(
      b, loc, AffineMap::get(operands.size(), 0, expr), operands);
}

// The planes of X (see the file comment), each row of X read once as one vector and
// split by column phase with m shuffles.
Value emitPlanes(OpBuilder &b, Location loc, Value x, const Plan &plan) {
  auto xType = cast<MemRefType>(x.getType());
  int64_t channels = xType.getDimSize(1), height = xType.getDimSize(2);
  int64_t width = xType.getDimSize(3), s = plan.rowStride, m = plan.algorithm->m;
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Value planes =
      allocBuffer(b, loc, MemRefType::get({channels, m * m, plan.planeRows * s}, b.getF32Type()),
                  ValueRange{});
  // X's row as a vector of a power-of-2 length past W, 0 from lane W on: the shuffles then
  // split whole registers (a row of 56 lanes went to LLVM as scalars).
  int64_t lanes = int64_t(llvm::PowerOf2Ceil(width + 1));
  auto rowType = VectorType::get({lanes}, b.getF32Type());
  SmallVector<bool> inRow(lanes, false);
  for (int64_t lane = 0; lane < width; ++lane)
    inRow[lane] = true;
  // Lane j of a plane row reads X's column m j + phase - 1; lane W, a zero, past X.
  SmallVector<SmallVector<int64_t>> columns(m);
  for (int64_t phase = 0; phase < m; ++phase)
    for (int64_t j = 0; j < s; ++j) {
      int64_t column = m * j + phase - 1;
      columns[phase].push_back(column >= 0 && column < width ? column : width);
    }
  buildLoopNest(
      b, loc, {c(channels), c(plan.planeRows), c(m)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value ci = ivs[0], i = ivs[1], rowPhase = ivs[2];
        AffineExpr d0 = b.getAffineDimExpr(0), d1 = b.getAffineDimExpr(1);
        Value y = affineOf(b, loc, d0 * m + d1 - 1, {i, rowPhase});
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
        for (int64_t phase = 0; phase < m; ++phase) {
          Value part = vector::ShuffleOp::create(b, loc, read.getResult(0), read.getResult(0),
                                                 columns[phase]);
          Value plane = affineOf(b, loc, d0 * m + phase, {rowPhase});
          vector::StoreOp::create(b, loc, part, planes, ValueRange{ci, plane, start});
        }
      });
  return planes;
}

// sum_k coefficients[k] * values[k] over the nonzero coefficients: adds and subtracts
// for +-1, vector FMAs for the rest.
Value combine(OpBuilder &b, Location loc, ArrayRef<double> coefficients, ArrayRef<Value> values) {
  // A term of +1 first, so that a row such as (0, -1, 1, 0) is one subtraction, not a
  // negation and an add.
  SmallVector<size_t> order;
  for (size_t k = 0; k < coefficients.size(); ++k)
    if (coefficients[k] == 1)
      order.push_back(k);
  for (size_t k = 0; k < coefficients.size(); ++k)
    if (coefficients[k] != 1 && coefficients[k] != 0)
      order.push_back(k);
  Value sum;
  for (size_t k : order) {
    double coefficient = coefficients[k];
    Value value = values[k];
    auto type = cast<VectorType>(value.getType());
    auto splat = [&]() -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(float(coefficient))));
    };
    if (!sum) {
      sum = coefficient == 1    ? value
            : coefficient == -1 ? Value(arith::NegFOp::create(b, loc, value))
                                : Value(arith::MulFOp::create(b, loc, splat(), value));
    } else if (coefficient == 1) {
      sum = arith::AddFOp::create(b, loc, sum, value);
    } else if (coefficient == -1) {
      sum = arith::SubFOp::create(b, loc, sum, value);
    } else {
      sum = vector::FMAOp::create(b, loc, splat(), value, sum);
    }
  }
  return sum;
}

using Block = SmallVector<SmallVector<Value>>; // [row][column] of vectors across tiles

// L x R^T for L (rows x k, a table) and x (k x k vectors), R (cols x k): the input
// transform B^T d B (L = R = B^T) and the output transform A^T m A (L = R = A^T).
Block sandwich(OpBuilder &b, Location loc, ArrayRef<double> table, int64_t rows,
               const Block &x) {
  int64_t k = x.size();
  Block left(rows, SmallVector<Value>(k)), result(rows, SmallVector<Value>(rows));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t col = 0; col < k; ++col) {
      SmallVector<Value> column;
      for (int64_t r = 0; r < k; ++r)
        column.push_back(x[r][col]);
      left[i][col] = combine(b, loc, table.slice(i * k, k), column);
    }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < rows; ++j)
      result[i][j] = combine(b, loc, table.slice(j * k, k), left[i]);
  return result;
}

struct Operands {
  Value x, planes, bias, result, residual;
  Value filters; // U: [positions * padded M, C]
};

// One chunk: tile rows [chunk * R, chunk * R + R) (those below TH).
void emitChunk(OpBuilder &b, Location loc, const Operands &ops, const Plan &plan, Value chunk,
               bool serial, krnl::MatmulEpilogue activation) {
  const Algorithm &algorithm = *plan.algorithm;
  auto yType = cast<MemRefType>(ops.result.getType());
  int64_t outputs = yType.getDimSize(1), height = yType.getDimSize(2);
  int64_t width = yType.getDimSize(3);
  int64_t channels = cast<MemRefType>(ops.x.getType()).getDimSize(1);
  int64_t s = plan.rowStride, wd = plan.width, q = plan.panelsPerChunk;
  int64_t rows = plan.rowsPerChunk, tw = plan.tileCols;
  int64_t m = algorithm.m, n = algorithm.n(), positions = algorithm.positions();
  auto c = [&](int64_t v) { return index(b, loc, v); };
  Type f32 = b.getF32Type();
  auto mul = [&](Value x, int64_t y) -> Value { return arith::MulIOp::create(b, loc, x, c(y)); };

  // V, in the kernel's panels: [position, panel, channel, lane].
  Value v = allocBuffer(b, loc, MemRefType::get({positions, q, channels, wd}, f32),
                        ValueRange{});
  Value firstLane = mul(chunk, rows * s);
  buildLoopNest(b, loc, {c(q), c(channels)}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value base = arith::AddIOp::create(b, loc, firstLane,
                                       arith::MulIOp::create(b, loc, ivs[0], c(wd)));
    auto laneType = VectorType::get({wd}, b.getF32Type());
    Block d(n, SmallVector<Value>(n));
    for (int64_t r = 0; r < n; ++r)
      for (int64_t col = 0; col < n; ++col) {
        Value at = arith::AddIOp::create(b, loc, base, c((r / m) * s + col / m));
        d[r][col] = vector::LoadOp::create(
            b, loc, laneType, ops.planes, ValueRange{ivs[1], c((r % m) * m + col % m), at});
      }
    Block t = sandwich(b, loc, algorithm.bt, n, d);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t col = 0; col < n; ++col)
        vector::StoreOp::create(b, loc, t[r][col], v,
                                ValueRange{c(r * n + col), ivs[0], ivs[1], c(0)});
  });

  // M_xi = U_xi V_xi, one krnl.matmul_panels in a loop over the positions, each operand
  // a view of position xi's block. M's rows have room for a power-of-2 vector from any
  // tile row's start, so that the output transform's vectors fill whole registers.
  int64_t tileLanes = int64_t(llvm::PowerOf2Ceil(tw));
  int64_t columns = q * wd, pitch = columns + tileLanes;
  int64_t paddedOutputs = plan.paddedOutputs;
  Value products =
      allocBuffer(b, loc, MemRefType::get({positions, outputs, pitch}, f32), ValueRange{});
  auto dynamicOffset = [&](ArrayRef<int64_t> strides) {
    return StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, strides);
  };
  scf::ForOp::create(
      b, loc, c(0), c(positions), c(1), ValueRange{},
      [&](OpBuilder &b, Location loc, Value xi, ValueRange) {
        auto view = [&](Value buffer, int64_t block, ArrayRef<int64_t> sizes,
                        ArrayRef<int64_t> strides) -> Value {
          Value offset = arith::MulIOp::create(b, loc, xi, c(block));
          SmallVector<OpFoldResult> sizeFolds, strideFolds;
          for (int64_t size : sizes)
            sizeFolds.push_back(b.getIndexAttr(size));
          for (int64_t stride : strides)
            strideFolds.push_back(b.getIndexAttr(stride));
          return memref::ReinterpretCastOp::create(
              b, loc, MemRefType::get(sizes, f32, dynamicOffset(strides)), buffer,
              OpFoldResult(offset), sizeFolds, strideFolds);
        };
        Value filters = view(ops.filters, paddedOutputs * channels, {outputs, channels},
                             {channels, 1});
        Value panels = view(v, q * channels * wd, {q, channels, wd}, {channels * wd, wd, 1});
        Value product = view(products, outputs * pitch, {outputs, columns}, {pitch, 1});
        auto op = krnl::MatmulPanelsOp::create(b, loc, filters, panels, product, Value(),
                                               Value());
        if (serial)
          op->setAttr(krnl::kMatmulSerialAttr, b.getUnitAttr());
        scf::YieldOp::create(b, loc);
      });
  // In a chunk loop each iteration frees its own buffers; the single chunk's are the
  // function's, which frees them at its end (freeTemporaries).
  if (serial)
    memref::DeallocOp::create(b, loc, v);

  // Y's m rows per tile row: A^T M A, plus the bias and the residual, activated.
  auto tileType = VectorType::get({tileLanes}, f32);
  auto rowType = VectorType::get({width}, f32);
  // Output column x is lane x / m of y[a][x % m]: the m vectors laid end to end in two
  // halves (F(4x4) pairs them first), then one shuffle of the two.
  SmallVector<int64_t> interleave;
  for (int64_t column = 0; column < width; ++column)
    interleave.push_back(column / m + (column % m) * tileLanes);
  auto interleaved = [&](OpBuilder &b, Location loc, ArrayRef<Value> parts) -> Value {
    SmallVector<Value> level(parts);
    while (level.size() > 2) {
      SmallVector<Value> next;
      for (size_t k = 0; k < level.size(); k += 2) {
        int64_t size = cast<VectorType>(level[k].getType()).getNumElements();
        next.push_back(vector::ShuffleOp::create(
            b, loc, level[k], level[k + 1], llvm::to_vector(llvm::seq<int64_t>(0, 2 * size))));
      }
      level = next;
    }
    return vector::ShuffleOp::create(b, loc, level[0], level[1], interleave);
  };
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
      Block mb(n, SmallVector<Value>(n));
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          mb[i][j] = vector::LoadOp::create(b, loc, tileType, products,
                                            ValueRange{c(i * n + j), co, start});
      Block y = sandwich(b, loc, algorithm.at, m, mb);
      Value bias;
      if (ops.bias)
        bias = vector::BroadcastOp::create(
            b, loc, rowType, memref::LoadOp::create(b, loc, ops.bias, ValueRange{co}));
      for (int64_t a = 0; a < m; ++a) {
        Value row = onlyChunk ? affineOf(b, loc, d0 * m + a, {ty})
                              : Value(arith::AddIOp::create(b, loc, mul(ty, m), c(a)));
        auto store = [&](OpBuilder &b, Location loc) {
          Value out = interleaved(b, loc, y[a]);
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
        if (a >= height - m * (plan.tileRows - 1)) {
          // Row a of the last tile row lies past H.
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
    memref::DeallocOp::create(b, loc, products);
}


} // namespace

bool emitConvWinograd(OpBuilder &b, Location loc, Value x, DenseElementsAttr filters,
                      Value bias, Value result, const Geometry &g, int64_t group,
                      krnl::MatmulEpilogue activation, Value residual) {
  auto xType = cast<MemRefType>(x.getType());
  auto yType = cast<MemRefType>(result.getType());
  if (!filters || !filters.getElementType().isF32() || group != 1 ||
      !isStaticRowMajorF32(xType) || !isStaticRowMajorF32(yType) || xType.getDimSize(0) != 1 ||
      (residual && !isStaticRowMajorF32(cast<MemRefType>(residual.getType()))))
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
      filterShape[2] != 3 || filterShape[3] != 3 || yType.getDimSize(2) != height ||
      yType.getDimSize(3) != width)
    return false;
  Operation *parent = b.getInsertionBlock()->getParentOp();
  std::optional<int64_t> panelWidth = krnl::targetPanelWidth(parent);
  std::optional<int64_t> registerRows = krnl::targetRegisterRows(parent);
  if (!panelWidth || !registerRows)
    return false;
  std::optional<Plan> plan = planFor(channels, outputs, height, width, *panelWidth);
  if (!plan)
    return false;
  plan->paddedOutputs = (outputs + *registerRows - 1) / *registerRows * *registerRows;

  Operands ops;
  ops.x = x;
  ops.bias = biasType ? bias : Value();
  ops.result = result;
  ops.residual = residual;
  ops.filters = transformedFilters(b, loc, *plan->algorithm, filters, outputs,
                                   plan->paddedOutputs, channels);
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
