//===- LowerMatmul.cpp - the omc-lower-matmul pass ------------------------------===//
//
// C += A * B as a blocked, packed, register-tiled loop nest of vector FMAs, shaped by the
// op's `omc.matmul_config` (see MatmulConfig.h):
//
//   for jc in N by block_n:                       B block: block_k x block_n
//     for pc in K by block_k:
//       pack B[pc:+kb, jc:+nb] into panels of nr = vectors * width columns, zero-padded
//       for ic in M by block_m:                   A block: block_m x block_k
//         for jr in nb by nr:                     one packed panel (kb x nr)
//           for ir by register_rows:              microkernel: rows x nr of C in registers
//           for the rows left over:               the same kernel, one row at a time
//
// The microkernel loads its C tile once, then per k loads nr columns of the panel as
// `vectors` vectors and, per row, broadcasts A[row, k] and issues one vector.fma per
// vector; it stores the tile back at the end. C's columns past N are masked, so any N
// works; the panel's padding is zero, so the padded lanes add nothing.
//
// Packing pays off only when a panel serves several register tiles of rows. When M is at
// most register_rows (GPT-2 generating one token: M = 1) and B's rows are contiguous,
// the same nest runs without packing, the kernel loading B's rows directly (masked past
// N): B is read once instead of read, written and read again. A dynamic M chooses at run
// time between the two nests.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/MatmulConfig.h"
#include "compiler/codegen/Passes.h"
#include "compiler/parallel/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_LOWERMATMUL
#include "compiler/codegen/Passes.h.inc"

namespace {

bool hasUnitInnerStride(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) && !strides.empty() &&
         strides.back() == 1;
}

class MatmulEmitter {
public:
  MatmulEmitter(OpBuilder &b, Location loc, const MatmulConfig &config, Value a, Value bm,
                Value c)
      : b(b), loc(loc), config(config), a(a), bm(bm), c(c),
        vectorType(VectorType::get({config.vectorWidth}, b.getF32Type())),
        maskType(VectorType::get({config.vectorWidth}, b.getI1Type())) {}

  void emit(bool batched) {
    int64_t rank = batched ? 3 : 2;
    Value m = dim(c, rank - 2), n = dim(c, rank - 1), k = dim(a, rank - 1);
    int64_t nr = config.registerCols();
    // Packed panels of one (block_k x block_n) block of B, side by side.
    int64_t panels = (config.blockN + nr - 1) / nr;
    auto packedType = MemRefType::get({panels * nr * config.blockK}, b.getF32Type());
    packed = memref::AllocOp::create(b, loc, packedType, b.getI64IntegerAttr(64));
    auto emitNest = [&](bool packing) {
      this->packing = packing;
      if (batched) {
        forLoop(cst(0), dim(c, 0), cst(1), [&](Value batch) {
          this->batch = batch;
          emitBlocks(m, n, k);
        });
      } else {
        emitBlocks(m, n, k);
      }
    };
    std::optional<int64_t> staticM = getConstantIntValue(m);
    if (!hasUnitInnerStride(bm) || (staticM && *staticM > config.registerRows)) {
      emitNest(true);
    } else if (staticM) {
      emitNest(false);
    } else {
      Value pack = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, m,
                                         cst(config.registerRows));
      scf::IfOp::create(
          b, loc, pack,
          [&](OpBuilder &nested, Location) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
            emitNest(true);
            scf::YieldOp::create(b, loc);
          },
          [&](OpBuilder &nested, Location) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
            emitNest(false);
            scf::YieldOp::create(b, loc);
          });
    }
    memref::DeallocOp::create(b, loc, packed);
  }

private:
  Value cst(int64_t value) { return arith::ConstantIndexOp::create(b, loc, value); }
  Value add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.createOrFold<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
  Value min(Value x, Value y) { return b.createOrFold<arith::MinSIOp>(loc, x, y); }
  Value dim(Value buffer, int64_t d) { return b.createOrFold<memref::DimOp>(loc, buffer, d); }

  // Indices into A, B or C: the batch first when there is one.
  SmallVector<Value> at(Value row, Value col) {
    if (batch)
      return {batch, row, col};
    return {row, col};
  }

  scf::ForOp forLoop(Value lower, Value upper, Value step,
                     llvm::function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, loc, lower, upper, step);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
    return loop;
  }

  // Iterations that write disjoint parts of C or of the packed panels: the CPU
  // pipeline may split them among threads (omc-outline-parallel-loops).
  static void markParallel(scf::ForOp loop) {
    loop->setAttr(kParallelLoopAttr, UnitAttr::get(loop->getContext()));
  }

  // Lanes [0, count) set; count may be <= 0 (none) or >= the width (all).
  Value maskOf(Value count) {
    return vector::CreateMaskOp::create(b, loc, maskType, ValueRange{count});
  }

  void emitBlocks(Value m, Value n, Value k) {
    int64_t nr = config.registerCols();
    forLoop(cst(0), n, cst(config.blockN), [&](Value jc) {
      Value nb = min(cst(config.blockN), sub(n, jc));
      forLoop(cst(0), k, cst(config.blockK), [&](Value pc) {
        Value kb = min(cst(config.blockK), sub(k, pc));
        if (packing)
          packB(n, jc, nb, pc, kb);
        forLoop(cst(0), m, cst(config.blockM), [&](Value ic) {
          Value mb = min(cst(config.blockM), sub(m, ic));
          Value rows = cst(config.registerRows);
          Value full = sub(mb, b.createOrFold<arith::RemUIOp>(loc, mb, rows));
          markParallel(forLoop(cst(0), nb, cst(nr), [&](Value jr) {
            Value col = add(jc, jr);
            SmallVector<Value> masks;
            for (int64_t v = 0; v < config.registerVectors; ++v)
              masks.push_back(maskOf(sub(n, add(col, cst(v * config.vectorWidth)))));
            // Panel jr / nr starts at (jr / nr) * block_k * nr = jr * block_k.
            Value panel = mul(jr, cst(config.blockK));
            Kernel kernel{col, masks, panel, pc, kb};
            forLoop(cst(0), full, rows, [&](Value ir) {
              emitKernel(kernel, add(ic, ir), config.registerRows);
            });
            forLoop(full, mb, cst(1), [&](Value ir) { emitKernel(kernel, add(ic, ir), 1); });
          }));
        });
      });
    });
  }

  // packed[p * block_k * nr + kk * nr + j] = B[pc + kk, jc + p * nr + j], 0 past N.
  void packB(Value n, Value jc, Value nb, Value pc, Value kb) {
    int64_t nr = config.registerCols(), width = config.vectorWidth;
    bool contiguous = hasUnitInnerStride(bm);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
    Value zeroScalar = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    markParallel(forLoop(cst(0), nb, cst(nr), [&](Value jr) {
      Value panel = mul(jr, cst(config.blockK));
      forLoop(cst(0), kb, cst(1), [&](Value kk) {
        Value row = add(pc, kk);
        Value base = add(panel, mul(kk, cst(nr)));
        for (int64_t v = 0; v < config.registerVectors; ++v) {
          Value col = add(add(jc, jr), cst(v * width));
          Value to = add(base, cst(v * width));
          if (contiguous) {
            Value values = vector::MaskedLoadOp::create(b, loc, vectorType, bm, at(row, col),
                                                        maskOf(sub(n, col)), zero);
            vector::StoreOp::create(b, loc, values, packed, ValueRange{to});
            continue;
          }
          // A strided B (a transposed view): element by element, 0 past N.
          for (int64_t j = 0; j < width; ++j) {
            Value column = add(col, cst(j));
            Value inside =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, column, n);
            Value safe = arith::SelectOp::create(b, loc, inside, column, cst(0));
            Value value = memref::LoadOp::create(b, loc, bm, at(row, safe));
            value = arith::SelectOp::create(b, loc, inside, value, zeroScalar);
            memref::StoreOp::create(b, loc, value, packed, ValueRange{add(to, cst(j))});
          }
        }
      });
    }));
  }

  struct Kernel {
    Value col;                // C's first column of the tile
    SmallVector<Value> masks; // per vector: the lanes inside N
    Value panel;              // the packed panel's start
    Value pc, kb;             // the K block
  };

  // C[row0 : row0 + rows, col : col + nr] += A[row0 :, pc : pc + kb] * panel.
  void emitKernel(const Kernel &kernel, Value row0, int64_t rows) {
    int64_t nr = config.registerCols(), width = config.vectorWidth;
    int64_t vectors = config.registerVectors;
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
    SmallVector<Value> rowIndex, colIndex;
    for (int64_t r = 0; r < rows; ++r)
      rowIndex.push_back(add(row0, cst(r)));
    for (int64_t v = 0; v < vectors; ++v)
      colIndex.push_back(add(kernel.col, cst(v * width)));
    SmallVector<Value> tile;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v)
        tile.push_back(vector::MaskedLoadOp::create(b, loc, vectorType, c,
                                                    at(rowIndex[r], colIndex[v]),
                                                    kernel.masks[v], zero));
    auto loop = scf::ForOp::create(
        b, loc, cst(0), kernel.kb, cst(1), tile,
        [&](OpBuilder &nested, Location loc, Value kk, ValueRange acc) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          Value base = add(kernel.panel, mul(kk, cst(nr)));
          Value column = add(kernel.pc, kk);
          SmallVector<Value> panelVectors;
          for (int64_t v = 0; v < vectors; ++v)
            panelVectors.push_back(
                packing ? Value(vector::LoadOp::create(b, loc, vectorType, packed,
                                                       ValueRange{add(base, cst(v * width))}))
                        : Value(vector::MaskedLoadOp::create(b, loc, vectorType, bm,
                                                             at(column, colIndex[v]),
                                                             kernel.masks[v], zero)));
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value element = memref::LoadOp::create(b, loc, a, at(rowIndex[r], column));
            Value broadcast = vector::BroadcastOp::create(b, loc, vectorType, element);
            for (int64_t v = 0; v < vectors; ++v)
              next.push_back(vector::FMAOp::create(b, loc, broadcast, panelVectors[v],
                                                   acc[r * vectors + v]));
          }
          scf::YieldOp::create(b, loc, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v)
        vector::MaskedStoreOp::create(b, loc, c, at(rowIndex[r], colIndex[v]), kernel.masks[v],
                                      loop.getResult(r * vectors + v));
  }

  OpBuilder &b;
  Location loc;
  const MatmulConfig &config;
  Value a, bm, c;
  VectorType vectorType, maskType;
  Value packed;
  bool packing = true; // false: the kernel reads B's rows in place
  Value batch; // the batch index inside a batch_matmul's loop, else null
};

// What the emitter handles: f32 buffers with the default maps, C contiguous in its rows.
bool lowerable(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op->getNumOperands() != 3)
    return false;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.getElementType().isF32())
      return false;
  }
  SmallVector<AffineMap> expected =
      isa<linalg::BatchMatmulOp>(op)
          ? linalg::BatchMatmulOp::getDefaultIndexingMaps(op->getContext())
          : linalg::MatmulOp::getDefaultIndexingMaps(op->getContext());
  return op.getIndexingMapsArray() == expected && hasUnitInnerStride(op->getOperand(2));
}

struct LowerMatmul : impl::LowerMatmulBase<LowerMatmul> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) && MatmulConfig::of(op) &&
          lowerable(cast<linalg::LinalgOp>(op)))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      MatmulConfig config = *MatmulConfig::of(op);
      OpBuilder builder(op);
      MatmulEmitter emitter(builder, op->getLoc(), config, op->getOperand(0), op->getOperand(1),
                            op->getOperand(2));
      emitter.emit(isa<linalg::BatchMatmulOp>(op));
      op->erase();
    }
  }
};

} // namespace
} // namespace omc
