//===- TileMatmulsForGpu.cpp - linalg.matmul -> block tiles in shared memory ===//
//
// Each 64 x 64 tile of C is one block of 256 threads (16 x 16). A thread holds a
// 4 x 4 tile of C in registers, its rows and its columns 16 apart, so that a warp's
// reads of a B row in shared memory and its stores of C are consecutive addresses.
// K goes in steps of 16: the block stages A's 64 x 16 and B's 16 x 64 slices in
// shared memory (out-of-range elements as zeros), then every thread runs 16 rank-1
// updates of its tile from there. A's slice is stored k-major with one float of
// padding per row, so that neither its stores nor its reads conflict on banks.
//
// The result is the phase form that omc-map-block-phases-to-gpu turns into a
// gpu.launch: one scf.parallel over the tiles (mapped to blocks) whose body holds
// scf.parallel loops over the threads (mapped to thread_x), each a phase that the
// GPU ends with a barrier. Run sequentially on a CPU it computes the same C, which
// is how the tests check it.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "targets/nvptx/PhaseForm.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_TILEMATMULSFORGPU
#include "targets/nvptx/Passes.h.inc"

namespace {

constexpr int64_t kTileRows = 64, kTileCols = 64, kDepth = 16;
constexpr int64_t kThreadGrid = 16;                            // threads per row and column
constexpr int64_t kThreads = kThreadGrid * kThreadGrid;        // per block
constexpr int64_t kPerThread = kTileRows / kThreadGrid;        // 4 x 4 elements of C
constexpr int64_t kAccumulators = kPerThread * kPerThread;
constexpr int64_t kPaddedRows = kTileRows + 1;                 // A's slice, k-major

bool isF32Matrix(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getRank() == 2 && memref.getElementType().isF32();
}

// The matmuls this pass tiles: f32 on buffers, the plain indexing, and directly in
// a function (one nested in loops stays with the loops that map it as a whole).
bool isTileable(linalg::MatmulOp op) {
  return op.hasPureBufferSemantics() && !op.hasUserDefinedMaps() &&
         isa<func::FuncOp>(op->getParentOp()) &&
         llvm::all_of(op->getOperandTypes(), isF32Matrix) &&
         krnl::matmulEpilogueOf(op) != krnl::MatmulEpilogue::Unknown;
}

class MatmulTiler {
public:
  MatmulTiler(linalg::MatmulOp op)
      : op(op), builder(op), loc(op.getLoc()), a(op.getDpsInputs()[0]),
        b(op.getDpsInputs()[1]), c(op.getDpsInits()[0]),
        epilogue(krnl::matmulEpilogueOf(op)) {}

  void tile() {
    rows = memref::DimOp::create(builder, loc, c, 0);
    cols = memref::DimOp::create(builder, loc, c, 1);
    depth = memref::DimOp::create(builder, loc, a, 1);
    Value tileRows = ceilDiv(rows, kTileRows), tileCols = ceilDiv(cols, kTileCols);
    auto tiles = scf::ParallelOp::create(
        builder, loc, ValueRange{index(0), index(0)}, ValueRange{tileRows, tileCols},
        ValueRange{index(1), index(1)}, [&](OpBuilder &body, Location, ValueRange ivs) {
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPoint(body.getInsertionBlock(), body.getInsertionPoint());
          buildTile(ivs[0], ivs[1]);
        });
    // Grid x over the columns: neighbouring blocks read the same rows of A.
    mapLoopTo(tiles, {gpu::Processor::BlockY, gpu::Processor::BlockX});
    op.erase();
  }

private:
  Value index(int64_t value) { return arith::ConstantIndexOp::create(builder, loc, value); }
  Value add(Value x, Value y) { return arith::AddIOp::create(builder, loc, x, y); }
  Value add(Value x, int64_t y) { return y ? add(x, index(y)) : x; }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(builder, loc, x, index(y)); }
  Value div(Value x, int64_t y) { return arith::DivUIOp::create(builder, loc, x, index(y)); }
  Value rem(Value x, int64_t y) { return arith::RemUIOp::create(builder, loc, x, index(y)); }
  Value ceilDiv(Value x, int64_t y) { return div(add(x, y - 1), y); }
  Value below(Value x, Value bound) {
    return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult, x, bound);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(builder, loc, x, y); }

  // One phase: an scf.parallel over the block's threads, `body` given the thread.
  void threadPhase(function_ref<void(Value thread)> body) {
    createThreadPhase(builder, loc, kThreads, body);
  }

  // matrix[row, col] where both are in range, else 0.
  Value loadOrZero(Value matrix, Value row, Value col, Value inRange) {
    Type f32 = builder.getF32Type();
    return scf::IfOp::create(
               builder, loc, inRange,
               [&](OpBuilder &then, Location at) {
                 Value value = memref::LoadOp::create(then, at, matrix, ValueRange{row, col});
                 scf::YieldOp::create(then, at, value);
               },
               [&](OpBuilder &otherwise, Location at) {
                 Value zero = arith::ConstantOp::create(otherwise, at, f32,
                                                        otherwise.getZeroAttr(f32));
                 scf::YieldOp::create(otherwise, at, zero);
               })
        .getResult(0);
  }

  void buildTile(Value tileRow, Value tileCol) {
    Type f32 = builder.getF32Type();
    Value row0 = mul(tileRow, kTileRows), col0 = mul(tileCol, kTileCols);
    // Shared by the block: the slices of A (k-major) and B.
    Value sliceA = memref::AllocaOp::create(
        builder, loc, MemRefType::get({kDepth, kPaddedRows}, f32));
    Value sliceB = memref::AllocaOp::create(
        builder, loc, MemRefType::get({kDepth, kTileCols}, f32));
    // Each thread's own, indexed first by the thread: its tile of C.
    Value tileC = memref::AllocaOp::create(
        builder, loc, MemRefType::get({kThreads, kAccumulators}, f32));

    threadPhase([&](Value thread) {
      Value zero = arith::ConstantOp::create(builder, loc, f32, builder.getZeroAttr(f32));
      for (int64_t e = 0; e < kAccumulators; ++e)
        memref::StoreOp::create(builder, loc, zero, tileC, ValueRange{thread, index(e)});
    });

    auto steps = scf::ForOp::create(builder, loc, index(0), depth, index(kDepth));
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(steps.getBody()->getTerminator());
      Value k0 = steps.getInductionVar();
      threadPhase([&](Value thread) { stageSlices(thread, row0, col0, k0, sliceA, sliceB); });
      threadPhase([&](Value thread) { accumulate(thread, sliceA, sliceB, tileC); });
    }

    threadPhase([&](Value thread) { storeTile(thread, row0, col0, tileC); });
  }

  // Thread t brings in 4 elements of each slice: A's rows t/16 + 16e at column
  // t%16, B's rows t/64 + 4e at column t%64 (a warp reads 16 and 32 consecutive
  // floats).
  void stageSlices(Value thread, Value row0, Value col0, Value k0, Value sliceA,
                   Value sliceB) {
    Value kA = rem(thread, kDepth), rowA = div(thread, kDepth);
    Value colB = rem(thread, kTileCols), kB = div(thread, kTileCols);
    Value depthA = add(k0, kA);
    Value colOfB = add(col0, colB);
    Value depthAInRange = below(depthA, depth), colBInRange = below(colOfB, cols);
    for (int64_t e = 0; e < kDepth * kTileRows / kThreads; ++e) {
      Value m = add(rowA, e * kThreads / kDepth);
      Value row = add(row0, m);
      Value x = loadOrZero(a, row, depthA, both(below(row, rows), depthAInRange));
      memref::StoreOp::create(builder, loc, x, sliceA, ValueRange{kA, m});

      Value kk = add(kB, e * kThreads / kTileCols);
      Value depthB = add(k0, kk);
      Value y = loadOrZero(b, depthB, colOfB, both(below(depthB, depth), colBInRange));
      memref::StoreOp::create(builder, loc, y, sliceB, ValueRange{kk, colB});
    }
  }

  // 16 rank-1 updates of the thread's 4 x 4 tile, unrolled, so that the tile stays
  // in registers and the slices' addresses are constant offsets.
  void accumulate(Value thread, Value sliceA, Value sliceB, Value tileC) {
    Value column = rem(thread, kThreadGrid), row = div(thread, kThreadGrid);
    SmallVector<Value> sums;
    for (int64_t e = 0; e < kAccumulators; ++e)
      sums.push_back(memref::LoadOp::create(builder, loc, tileC, ValueRange{thread, index(e)}));
    // Contractible, so that each update is one fma instruction.
    auto contract =
        arith::FastMathFlagsAttr::get(builder.getContext(), arith::FastMathFlags::contract);
    SmallVector<Value> rowsOfA, colsOfB;
    for (int64_t i = 0; i < kPerThread; ++i) {
      rowsOfA.push_back(add(row, i * kThreadGrid));
      colsOfB.push_back(add(column, i * kThreadGrid));
    }
    for (int64_t kk = 0; kk < kDepth; ++kk) {
      SmallVector<Value> x, y;
      for (int64_t i = 0; i < kPerThread; ++i) {
        x.push_back(memref::LoadOp::create(builder, loc, sliceA, ValueRange{index(kk), rowsOfA[i]}));
        y.push_back(memref::LoadOp::create(builder, loc, sliceB, ValueRange{index(kk), colsOfB[i]}));
      }
      for (int64_t i = 0; i < kPerThread; ++i)
        for (int64_t j = 0; j < kPerThread; ++j) {
          Value &sum = sums[i * kPerThread + j];
          Value product = arith::MulFOp::create(builder, loc, x[i], y[j], contract);
          sum = arith::AddFOp::create(builder, loc, sum, product, contract);
        }
    }
    for (int64_t e = 0; e < kAccumulators; ++e)
      memref::StoreOp::create(builder, loc, sums[e], tileC, ValueRange{thread, index(e)});
  }

  // C += the thread's tile, then the epilogue, where C has the element.
  void storeTile(Value thread, Value row0, Value col0, Value tileC) {
    Value firstCol = add(col0, rem(thread, kThreadGrid));
    Value firstRow = add(row0, div(thread, kThreadGrid));
    for (int64_t i = 0; i < kPerThread; ++i)
      for (int64_t j = 0; j < kPerThread; ++j) {
        Value row = add(firstRow, i * kThreadGrid), col = add(firstCol, j * kThreadGrid);
        auto inRange = scf::IfOp::create(builder, loc, both(below(row, rows), below(col, cols)),
                                         /*withElseRegion=*/false);
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToStart(inRange.thenBlock());
        Value sum = memref::LoadOp::create(builder, loc, c, ValueRange{row, col});
        Value part = memref::LoadOp::create(builder, loc, tileC,
                                            ValueRange{thread, index(i * kPerThread + j)});
        Value value = arith::AddFOp::create(builder, loc, sum, part);
        if (epilogue != krnl::MatmulEpilogue::None)
          value = krnl::applyMatmulEpilogue(builder, loc, value, epilogue);
        memref::StoreOp::create(builder, loc, value, c, ValueRange{row, col});
      }
  }

  linalg::MatmulOp op;
  OpBuilder builder;
  Location loc;
  Value a, b, c;
  krnl::MatmulEpilogue epilogue;
  Value rows, cols, depth;
};

struct TileMatmulsForGpu : impl::TileMatmulsForGpuBase<TileMatmulsForGpu> {
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](linalg::MatmulOp op) {
      if (isTileable(op))
        matmuls.push_back(op);
    });
    for (linalg::MatmulOp op : matmuls)
      MatmulTiler(op).tile();
  }
};

} // namespace
} // namespace omc::nvptx
