//===- LowerMatmul.cpp - the omc-lower-matmul pass ------------------------------===//
//
// C += A * B as a blocked, packed, register-tiled loop nest of vector FMAs, shaped by the
// op's `omc.matmul_config` (see MatmulConfig.h):
//
//   for jc in N by block_n (B prepacked: 1 block): B block: block_k x block_n
//     for pc in K by block_k:
//       pack B[pc:+kb, jc:+nb] into panels of nr = vectors * width columns, zero-padded
//       for ic in M by block_m:                   A block: block_m x block_k
//         pack A's whole register-row groups of the block, k-major per group
//         for jr in nb by nr:                     one packed panel (kb x nr)
//           for ir by register_rows:              microkernel: rows x nr of C in registers
//           for the rows left over:               the same kernel on 4, 2, then 1 rows
//
// The microkernel loads its C tile once, then per k loads nr columns of the panel as
// `vectors` vectors and, per row, broadcasts A[row, k] and issues one vector.fma per
// vector; it stores the tile back at the end. In the panel that reaches past N, C's
// columns past N are masked, so any N works; the panel's padding is zero, so the padded
// lanes add nothing. Panels wholly inside N load and store C unmasked.
//
// A weight (a krnl.global B) is packed once, at compile time, into a constant of panels
// for the whole of K (PackedWeights.h): no nest packs it then, and any M reads it from
// there, each panel one contiguous stream. A weight as A (a convolution's filters) is
// packed at compile time too, into groups of register_rows rows, k-major: the kernel
// reads any row from there and no nest packs A. krnl.matmul_panels gets B already in that
// layout from its producer (a convolution's patches) and is lowered the same way; as it
// overwrites C, its first K block's tiles start from the row's bias, not from C, plus the
// tile of its addend when it has one (a convolution's residual connection). A linalg
// product whose C the op just before sets whole, to 0 or to a Gemm's bias per column,
// starts the same way, from 0 or the bias's vectors, and that op goes (startBefore).
//
// Packing pays off only when a panel serves several register tiles of rows. When M is at
// most register_rows (GPT-2 generating one token: M = 1) and B's rows are contiguous,
// the same nest runs without packing, the kernel loading B's rows directly (masked past
// N) with a streaming tile of one row and 4 times the columns: B is read once instead of
// read, written and read again, in long runs. A dynamic M chooses at run time between
// the two nests.
//
// Threads: the whole nest runs once per thread over that thread's share of C, so a
// matmul costs one trip through the thread pool, not one per block. The shares are
// units of one axis (SplitAxis): whole batches, panels of nr columns, or groups of
// register_rows rows; the nest goes into a function `PARENT.omc_parallel.matmulN(first,
// last, A, B, C)` over units [first, last), called over all of them, which
// omc-bind-parallel-calls routes through the runtime's pool like an outlined loop.
// Each thread packs into its own buffer. Matmuls too small to pay for waking threads
// run the nest in place.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/MatmulConfig.h"
#include "compiler/codegen/PackedWeights.h"
#include "compiler/codegen/Passes.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/parallel/BufferRoot.h"
#include "compiler/parallel/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/bit.h"
#include "llvm/ADT/SetVector.h"

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

// How many rows of a packed panel ahead the kernel asks for (prefetchPanelRow): with
// AVX-512's 32-column panels, 1.5 KiB, about a hundred cycles of FMAs ahead.
constexpr int64_t kPanelPrefetchRows = 12;

// Floats in a cache line (64 bytes), the unit of a prefetch.
constexpr int64_t kLineFloats = 16;

// How many columns of A's row group ahead the kernel asks for (prefetchGroupColumn):
// with 8-row groups, 2 KiB, a memory latency of FMAs ahead.
constexpr int64_t kGroupPrefetchColumns = 64;

// Panels of a weight that one row of C walks side by side (emitPanelGroups): each panel
// is a stream of its own, and one core reads 4 streams from memory much faster than 1
// (a 768 x 50257 weight in panels of 768 x 16, one Zen 3 thread, in C: 11.6 GB/s one
// panel at a time, 21-24 GB/s four at a time, 16-17 GB/s one panel 4 times as wide).
constexpr int64_t kGroupPanels = 4;

// Rows of B one panel walks before the next panel when B is read in place.
constexpr int64_t kStreamRows = 256;

// With B read in place (M at most register_rows) the register tile is one row of 4 times
// the register columns: each k reads that many contiguous floats of B's row (512 bytes
// with AVX-512) for one broadcast of A, which the hardware prefetchers stream well, while
// N still splits into enough units for the threads.
MatmulConfig streamingConfig(const MatmulConfig &config) {
  MatmulConfig streaming = config;
  streaming.registerVectors = 4 * config.registerVectors;
  streaming.registerRows = 1;
  int64_t cols = streaming.registerCols();
  streaming.blockN = std::max(config.blockN, cols) / cols * cols;
  return streaming;
}

// Whether the packing nest packs A's rows (packA): when several panels reuse them, unless
// the compiler packed them already. `staticN`: C's columns, if known.
bool packsRowsOfA(const MatmulConfig &config, int64_t prepackedAK,
                  std::optional<int64_t> staticN) {
  return !prepackedAK && (!staticN || *staticN > 2 * config.registerCols());
}

// The axis along which a matmul's threads share C.
enum class SplitAxis {
  Batch,   // whole matrices of a batch_matmul: nothing shared, nothing repeated
  Columns, // panels of nr columns: each thread packs only its own columns of B
  Rows,    // groups of register_rows rows: for narrow C, each thread packs all of B
};

// The kind of product, besides its operands (A, B, C and, for `overwrites`, the optional
// bias and addend).
struct ProductKind {
  bool batched = false;
  bool prepackedB = false; // B is given as panels (PackedWeights.h, krnl.matmul_panels)
  bool weightB = false;    // ... packed by the compiler: read from memory on each run
  int64_t prepackedAK = 0; // > 0: A is given as row groups (PackedWeights.h) of this K
  // What C's tiles go through as they are stored after the last K block.
  krnl::MatmulEpilogue epilogue = krnl::MatmulEpilogue::None;
  bool overwrites = false; // C = A * B + bias + addend (krnl.matmul_panels, or a product
                           // of C set just before: see startBefore): the first K
                           // block's tiles start from the row's bias (0 without one) and
                           // the addend's tile, not from C
  bool hasBias = false, hasAddend = false; // which of them follow C in the operands
  bool sharedPackedA = false; // A's row groups come packed for every thread (packAShare):
                              // the last operand
  bool biasPerColumn = false; // the bias has one value per column of C (a Gemm's), not per
                              // row (a convolution's)
};

class MatmulEmitter {
public:
  // `operands` are A, B (or B's panels), C, then the bias and the addend, as `kind` says.
  MatmulEmitter(OpBuilder &b, Location loc, const MatmulConfig &config, ValueRange operands,
                const ProductKind &kind)
      : b(b), loc(loc), config(config), a(operands[0]), bm(operands[1]), c(operands[2]),
        bias(kind.hasBias ? operands[3] : Value()),
        addend(kind.hasAddend ? operands[3 + kind.hasBias] : Value()),
        sharedA(kind.sharedPackedA ? operands.back() : Value()), batched(kind.batched),
        prepackedB(kind.prepackedB), weightB(kind.weightB), prepackedAK(kind.prepackedAK),
        epilogue(kind.epilogue), overwrites(kind.overwrites), biasPerColumn(kind.biasPerColumn),
        vectorType(VectorType::get({config.vectorWidth}, b.getF32Type())),
        maskType(VectorType::get({config.vectorWidth}, b.getI1Type())) {}

  // The units of `axis` that shares of C are made of.
  Value unitCount(SplitAxis axis) {
    switch (axis) {
    case SplitAxis::Batch:
      return dim(c, 0);
    case SplitAxis::Columns:
      return ceilDiv(dim(c, rank() - 1), columnUnit(readsBInPlace()));
    case SplitAxis::Rows:
      return ceilDiv(dim(c, rank() - 2), cst(config.registerRows));
    }
    llvm_unreachable("unknown split axis");
  }

  // Whether B is read in place, by rows: a Value, since a dynamic M decides it at run time.
  Value readsBInPlace() {
    if (prepackedB || !hasUnitInnerStride(bm))
      return arith::ConstantIntOp::create(b, loc, 0, 1);
    return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sle, dim(c, rank() - 2),
                                         cst(config.registerRows));
  }

  // The columns of one Columns unit: a packed panel, or a streaming panel when B is read
  // in place. The call and its share function compute it alike.
  Value columnUnit(Value inPlace) {
    return b.createOrFold<arith::SelectOp>(loc, inPlace,
                                           cst(streamingConfig(config).registerCols()),
                                           cst(config.registerCols()));
  }

  // The nest over C's units [first, last) of `axis`.
  void emitShare(SplitAxis axis, Value first, Value last) {
    Value m = dim(c, rank() - 2), n = dim(c, rank() - 1);
    Value k = prepackedAK ? cst(prepackedAK) : dim(a, rank() - 1);
    Rect rect{cst(0), m, cst(0), n};
    Value batchLo = cst(0), batchHi = batched ? dim(c, 0) : Value();
    int64_t nr = config.registerCols(), rows = config.registerRows;
    // A constant unless M is dynamic; then the nest is chosen at run time.
    Value inPlace = readsBInPlace();
    if (axis == SplitAxis::Batch) {
      batchLo = first;
      batchHi = last;
    } else if (axis == SplitAxis::Columns) {
      Value unit = columnUnit(inPlace);
      rect.colLo = mul(first, unit);
      rect.colHi = min(mul(last, unit), n);
    } else {
      rect.rowLo = mul(first, cst(rows));
      rect.rowHi = min(mul(last, cst(rows)), m);
    }
    auto emitNest = [&](bool packing) {
      this->packing = packing;
      MatmulConfig chosen = config;
      if (!packing)
        config = streamingConfig(chosen);
      auto restore = llvm::make_scope_exit([&] { config = chosen; });
      if (!batched)
        return emitBlocks(rect, k);
      forLoop(batchLo, batchHi, cst(1), [&](Value batch) {
        this->batch = batch;
        emitBlocks(rect, k);
      });
    };
    std::optional<int64_t> knownInPlace = getConstantIntValue(inPlace);
    if (knownInPlace && *knownInPlace)
      return emitNest(false);
    // Packed panels of one (block_k x block_n) block of B, side by side; a thread's own.
    std::optional<int64_t> staticN = getConstantIntValue(n);
    // A K block's rows in the packed buffers: all of a static K below block_k (attention's
    // 64-deep heads pack 64 rows, not 1024).
    std::optional<int64_t> staticK = getConstantIntValue(k);
    packedK = staticK ? std::clamp<int64_t>(*staticK, 1, config.blockK) : config.blockK;
    int64_t width = staticN ? std::min(config.blockN, std::max<int64_t>(1, *staticN))
                            : config.blockN;
    int64_t panels = (width + nr - 1) / nr;
    auto packedType = MemRefType::get({panels * nr * packedK}, b.getF32Type());
    packed = prepackedB ? bm : memref::AllocOp::create(b, loc, packedType, b.getI64IntegerAttr(64));
    // A's rows are packed too when several panels reuse them (see packA), unless the
    // compiler packed them already.
    packingA = packsRowsOfA(config, prepackedAK, staticN);
    if (sharedA)
      packedA = sharedA;
    else if (packingA)
      packedA = memref::AllocOp::create(
          b, loc, MemRefType::get({config.blockM * packedK}, b.getF32Type()),
          b.getI64IntegerAttr(64));
    if (knownInPlace) {
      emitNest(true);
    } else {
      // The complement of inPlace, spelled as its own compare so that the packing nest
      // stays the then-branch (canonicalization would swap the branches of a negation).
      Value pack = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, m, cst(rows));
      ifElse(pack, [&] { emitNest(true); }, [&] { emitNest(false); });
    }
    if (!prepackedB)
      memref::DeallocOp::create(b, loc, packed);
    if (packingA && !sharedA)
      memref::DeallocOp::create(b, loc, packedA);
  }

  // A's row groups [first, last), all of K, into the buffer every thread's nest reads
  // (the last operand): group g's k-major block at g * K * register_rows.
  void packAShare(Value first, Value last) {
    Value k = dim(a, 1);
    packedK = *getConstantIntValue(k);
    packedA = sharedA;
    Value ic = mul(first, cst(config.registerRows));
    packA(ic, mul(sub(last, first), cst(config.registerRows)), cst(0), k, mul(ic, k));
  }

private:
  Value cst(int64_t value) { return arith::ConstantIndexOp::create(b, loc, value); }
  Value add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.createOrFold<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
  Value min(Value x, Value y) { return b.createOrFold<arith::MinSIOp>(loc, x, y); }
  Value dim(Value buffer, int64_t d) { return b.createOrFold<memref::DimOp>(loc, buffer, d); }
  // The index of a 1-D buffer's last element.
  Value lastIndex(Value buffer) { return sub(dim(buffer, 0), cst(1)); }
  // How many steps k = 0, 1, ... keep start + k * stride + ahead at most `last`:
  // floor((last - start - ahead) / stride) + 1, or 0 when k = 0 is past it already.
  Value stepsInside(Value last, Value start, Value stride, int64_t ahead) {
    Value room = add(sub(sub(last, start), cst(ahead)), stride);
    return b.createOrFold<arith::DivSIOp>(
        loc, b.createOrFold<arith::MaxSIOp>(loc, room, cst(0)), stride);
  }
  Value ceilDiv(Value x, Value y) { return b.createOrFold<arith::CeilDivSIOp>(loc, x, y); }
  int64_t rank() const { return batched ? 3 : 2; }

  // The part of C one share covers: rows [rowLo, rowHi), columns [colLo, colHi).
  struct Rect {
    Value rowLo, rowHi, colLo, colHi;
  };

  // Indices into A, B or C: the batch first when there is one.
  SmallVector<Value> at(Value row, Value col) {
    if (batch)
      return {batch, row, col};
    return {row, col};
  }

  // An scf.if without results on `condition`, each branch emitted by its callback.
  void ifElse(Value condition, llvm::function_ref<void()> thenBody,
              llvm::function_ref<void()> elseBody) {
    auto branch = [&](llvm::function_ref<void()> body) {
      return [this, body](OpBuilder &nested, Location) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
        body();
        scf::YieldOp::create(b, loc);
      };
    };
    scf::IfOp::create(b, loc, condition, branch(thenBody), branch(elseBody));
  }

  scf::ForOp forLoop(Value lower, Value upper, Value step,
                     llvm::function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, loc, lower, upper, step);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
    return loop;
  }

  // Lanes [0, count) set; count may be <= 0 (none) or >= the width (all).
  Value maskOf(Value count) {
    return vector::CreateMaskOp::create(b, loc, maskType, ValueRange{count});
  }

  Value allTrueMask() {
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(maskType, true));
  }

  void emitBlocks(const Rect &rect, Value k) {
    int64_t nr = config.registerCols();
    Value n = dim(c, rank() - 1);
    // B given as panels (a weight's, krnl.matmul_panels') is not packed by N blocks: one
    // block of all the share's columns packs each block of A once, not once per block_n
    // columns (GPT-2's LM head: 50257 columns packed the same A 98 times).
    Value blockN = prepackedB ? b.createOrFold<arith::MaxSIOp>(
                                    loc, sub(rect.colHi, rect.colLo), cst(1))
                              : cst(config.blockN);
    forLoop(rect.colLo, rect.colHi, blockN, [&](Value jc) {
      Value nb = min(blockN, sub(rect.colHi, jc));
      // Unpacked, the K block only sets how many rows of B one panel's walk spans before
      // the next panel reads the bytes beside them: B's reads stay close to sequential,
      // which is all that counts for a matrix-vector product (GPT-2 124M, one token, one
      // thread: 40 ms walking all of K with 2-vector panels, 27 ms walking 64 rows, 25 ms
      // walking 256 rows of 8-vector panels).
      int64_t blockK = packing ? config.blockK : std::min<int64_t>(config.blockK, kStreamRows);
      forLoop(cst(0), k, cst(blockK), [&](Value pc) {
        Value kb = min(cst(blockK), sub(k, pc));
        Value lastBlock = epilogue != krnl::MatmulEpilogue::None
                              ? b.createOrFold<arith::CmpIOp>(
                                    loc, arith::CmpIPredicate::eq, add(pc, kb), k)
                              : Value();
        if (packing && !prepackedB)
          packB(n, jc, nb, pc, kb);
        forLoop(rect.rowLo, rect.rowHi, cst(config.blockM), [&](Value ic) {
          Value mb = min(cst(config.blockM), sub(rect.rowHi, ic));
          Value rows = cst(config.registerRows);
          Value left = b.createOrFold<arith::RemUIOp>(loc, mb, rows);
          Value full = sub(mb, left);
          Value tilesEnd = wholeTilesEnd(full, left);
          bool fromPackedA = packing && packingA;
          if (fromPackedA && !sharedA)
            packA(ic, full, pc, kb);
          Value panelsFrom = cst(0);
          if (prepackedB && weightB && packing)
            panelsFrom = emitPanelGroups(jc, nb, ic, mb, k, pc, kb, lastBlock);
          forLoop(panelsFrom, nb, cst(nr), [&](Value jr) {
            Value col = add(jc, jr);
            SmallVector<Value> masks;
            for (int64_t v = 0; v < config.registerVectors; ++v)
              masks.push_back(maskOf(sub(n, add(col, cst(v * config.vectorWidth)))));
            SmallVector<Value> allLanes(config.registerVectors, allTrueMask());
            // Packed per block, panel jr / nr starts at (jr / nr) * packed_k * nr =
            // jr * packed_k.
            Value panel = prepackedB ? givenPanelRow(col, k, pc) : mul(jr, cst(packedK));
            Kernel kernel{col, masks, panel, pc, kb, lastBlock};
            // Clamped so that its K block stays inside the weight (the last panel
            // asks for itself).
            if (weightB && packing)
              kernel.nextPanel =
                  min(add(panel, mul(k, cst(nr))), sub(dim(packed, 0), mul(kb, cst(nr))));
            auto emitTiles = [&](int64_t vectors, bool wholePanel) {
              kernel.masks = wholePanel ? allLanes : masks;
              forLoop(cst(0), tilesEnd, rows, [&](Value ir) {
                // Row group ir / rows of the packed A block starts at ir * packed_k;
                // packed for all threads, row ic + ir's group at (ic + ir) * K and its
                // K block at pc * rows after that.
                Value group = !fromPackedA ? Value()
                              : sharedA    ? add(mul(add(ic, ir), k), mul(pc, rows))
                                           : mul(ir, cst(packedK));
                emitKernel(kernel, add(ic, ir), config.registerRows, vectors, group);
              });
              emitLeftoverRows(kernel, add(ic, tilesEnd), sub(mb, tilesEnd), vectors);
            };
            // A panel wholly inside N reads and writes C unmasked. AVX2's masked store
            // is slow on AMD cores, and short K blocks (MobileNetV2's pointwise convs,
            // K = 16 to 160) spend much of a tile on its stores: MobileNetV2, one Zen 3
            // thread, 509 -> 422 M cycles (minimum of 15 runs); ResNet-50, 2 threads,
            // 103 -> 95 ms (median of 6 rounds' minimums).
            std::optional<int64_t> staticN = getConstantIntValue(n);
            if (staticN && *staticN % nr == 0)
              return emitTiles(config.registerVectors, /*wholePanel=*/true);
            Value whole = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                                add(col, cst(nr)), n);
            int64_t tail = tailVectors(n);
            ifElse(whole, [&] { emitTiles(config.registerVectors, /*wholePanel=*/true); },
                   [&] { emitTiles(tail ? tail : config.registerVectors, /*wholePanel=*/false); });
          });
        });
      });
    });
  }

  // A one-row M block against a weight (a matrix-vector product, GPT-2 at one token) is
  // bound by how fast the weight streams in from memory: its whole panels go kGroupPanels
  // at a time to one kernel of kGroupPanels * register_vectors accumulators, which reads
  // that many panels side by side, without prefetches (in the C test of kGroupPanels,
  // asking 24 rows ahead slowed the 4 streams from 21-24 to 19-20 GB/s).
  // Returns where the panels the usual loop takes start: past the groups, or 0 for a
  // block of more rows. One Zen 3 thread, minimums of 3 interleaved rounds: GPT-2's LM
  // head alone (1 x 768 @ 768 x 50257) 9.3-9.9 -> 5.7-6.2 ms (onnxruntime 7.4-8.1 ms);
  // GPT-2 at one token 31-35 -> 20-22 ms (onnxruntime 26-29 ms).
  Value emitPanelGroups(Value jc, Value nb, Value ic, Value mb, Value k, Value pc, Value kb,
                        Value lastBlock) {
    int64_t nr = config.registerCols();
    Value groupCols = cst(kGroupPanels * nr);
    Value oneRow = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, mb, cst(1));
    Value groupsEnd =
        mul(b.createOrFold<arith::DivUIOp>(loc, nb, groupCols), groupCols);
    Value end = b.createOrFold<arith::SelectOp>(loc, oneRow, groupsEnd, cst(0));
    forLoop(cst(0), end, groupCols, [&](Value jr) {
      Value col = add(jc, jr);
      int64_t vectors = kGroupPanels * config.registerVectors;
      // Whole panels: no masks. The next panel lies K * nr floats on.
      Kernel kernel{col, SmallVector<Value>(vectors, allTrueMask()), givenPanelRow(col, k, pc),
                    pc, kb, lastBlock};
      kernel.panels = kGroupPanels;
      kernel.panelStride = mul(k, cst(nr));
      emitKernel(kernel, ic, 1, vectors);
    });
    return end;
  }

  // Where row pc of the panel holding column `col` starts when B is given as panels
  // (prepackedB): panel col / nr starts at col * K, its row pc at pc * nr after that.
  Value givenPanelRow(Value col, Value k, Value pc) {
    return add(mul(col, k), mul(pc, cst(config.registerCols())));
  }

  // With a static N whose last tile needs fewer vectors than the register tile has, how
  // many it needs: that tile's kernel leaves out the vectors wholly past N (N = 196 in
  // tiles of 32 columns: the last tile's second vector, 1/14 of the FMAs); 0 otherwise.
  int64_t tailVectors(Value n) {
    std::optional<int64_t> staticN = getConstantIntValue(n);
    int64_t nr = config.registerCols(), width = config.vectorWidth;
    if (!staticN || *staticN % nr == 0)
      return 0;
    int64_t vectors = (*staticN % nr + width - 1) / width;
    return vectors < config.registerVectors ? vectors : 0;
  }

  // packed[p * packed_k * nr + kk * nr + j] = B[pc + kk, jc + p * nr + j], 0 past N.
  void packB(Value n, Value jc, Value nb, Value pc, Value kb) {
    int64_t nr = config.registerCols(), width = config.vectorWidth;
    bool contiguous = hasUnitInnerStride(bm);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
    Value zeroScalar = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    forLoop(cst(0), nb, cst(nr), [&](Value jr) {
      Value panel = mul(jr, cst(packedK));
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
    });
  }

  struct Kernel {
    Value col;                // C's first column of the tile
    SmallVector<Value> masks; // per vector: the lanes inside N
    Value panel;              // the packed panel's start
    Value pc, kb;             // the K block
    Value lastBlock;          // with an epilogue: whether the K block is the last
    Value nextPanel = {};     // a weight's: the next panel's row pc, or null
    int64_t panels = 1;       // panels side by side in the tile (see emitPanelGroups)
    Value panelStride = {};   // with several: the floats from one panel to the next
  };

  // The C tile below this one, which the next kernel loads first thing: its rows lie a
  // row's length apart, and waiting on them stalled the FMAs for a fifth of the time.
  // A product that overwrites C reads the addend's tile instead (a residual connection),
  // which it asks for too: ResNet's pointwise convs with a residual (K = 64) waited on
  // it for a sixth of their time. Clamped into C, so the addresses stay inside the buffer.
  void prefetchNextTile(Value row0, ArrayRef<Value> colIndex) {
    Value lastRow = sub(dim(c, rank() - 2), cst(1)), lastCol = sub(dim(c, rank() - 1), cst(1));
    for (int64_t r = 0; r < config.registerRows; ++r) {
      Value row = min(add(row0, cst(config.registerRows + r)), lastRow);
      for (Value col : colIndex) {
        Value clamped = min(col, lastCol);
        memref::PrefetchOp::create(b, loc, c, at(row, clamped), /*isWrite=*/true,
                                   /*localityHint=*/3, /*isDataCache=*/true);
        if (overwrites && addend)
          memref::PrefetchOp::create(b, loc, addend, at(row, clamped), /*isWrite=*/false,
                                     /*localityHint=*/3, /*isDataCache=*/true);
      }
    }
  }

  // Where the cache lines of `vectors` vectors of a panel row start, in floats from the
  // row's: one request per line, not per vector. A panel row starts on a line (panels are
  // 64-byte aligned, rows a multiple of 16 floats or a fraction of a line); AVX2's rows of
  // two vectors are one line, and a second request for it took a load slot per k from a
  // loop of 12 FMAs that has few to spare.
  SmallVector<int64_t> lineOffsets(int64_t vectors) {
    SmallVector<int64_t> offsets;
    for (int64_t offset = 0; offset < vectors * config.vectorWidth; offset += kLineFloats)
      offsets.push_back(offset);
    return offsets;
  }

  // The panel row kPanelPrefetchRows ahead of the one at `base`, into L1: a panel of
  // block_k rows outgrows L1, so the kernel's loads of B come from L2, and without a
  // request ahead of them the FMAs wait on each (ResNet-50, 2 threads: 58 -> 54 ms
  // median). The caller keeps the addresses inside the buffer (stepsInside).
  void prefetchPanelRow(Value base, int64_t vectors) {
    for (int64_t offset : lineOffsets(vectors)) {
      Value ahead = add(base, cst(kPanelPrefetchRows * config.registerCols() + offset));
      memref::PrefetchOp::create(b, loc, packed, ValueRange{ahead},
                                 /*isWrite=*/false, /*localityHint=*/3,
                                 /*isDataCache=*/true);
    }
  }

  // A's row group kGroupPrefetchColumns columns ahead of column kk, into L1: a weight
  // packed by the compiler (a conv's filters) comes from memory on each run, a stream the
  // kernel would otherwise wait on at every new group (ResNet-50, 2 threads: 53.6 -> 49.0
  // ms median). The caller keeps the addresses inside the buffer (stepsInside).
  void prefetchGroupColumn(Value groups, Value groupStart, Value kk) {
    Value rows = cst(config.registerRows);
    Value ahead = add(groupStart, mul(add(kk, cst(kGroupPrefetchColumns)), rows));
    memref::PrefetchOp::create(b, loc, groups, ValueRange{ahead},
                               /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
  }

  // Row kk of the weight's next panel into L2. A weight comes from memory on each run,
  // and prefetchPanelRow asks only a few rows ahead: the first row group of each panel
  // waited on memory for its rows (GPT-2's LM head, 50257 columns in panels of 768 x
  // 32, one thread: 74.6 -> 69.9 ms, median of minimums). Every row group asks, not just
  // the first: asking once per line (each group a vector in turn) won only half of that.
  void prefetchNextPanel(Value nextPanel, Value kk, int64_t vectors) {
    Value row = add(nextPanel, mul(kk, cst(config.registerCols())));
    for (int64_t offset : lineOffsets(vectors))
      memref::PrefetchOp::create(b, loc, packed, ValueRange{add(row, cst(offset))},
                                 /*isWrite=*/false, /*localityHint=*/2, /*isDataCache=*/true);
  }

  // packedA[(ir / rows) * packed_k * rows + kk * rows + r] = A[ic + ir + r, pc + kk] for
  // the whole register-row groups of the M block: the kernel's broadcasts then walk one
  // contiguous stream instead of `rows` rows a row's length apart (4 KiB for K = 1024,
  // all in one L1 set), and the A block sits compactly in L2 for every panel.
  // Written `destination` elements on (packAShare's groups), or from packedA's start.
  void packA(Value ic, Value full, Value pc, Value kb, Value destination = {}) {
    int64_t rows = config.registerRows;
    forLoop(cst(0), full, cst(rows), [&](Value ir) {
      Value group = mul(ir, cst(packedK));
      if (destination)
        group = add(destination, group);
      forLoop(cst(0), kb, cst(1), [&](Value kk) {
        Value base = add(group, mul(kk, cst(rows)));
        for (int64_t r = 0; r < rows; ++r) {
          Value value = memref::LoadOp::create(b, loc, a, at(add(add(ic, ir), cst(r)),
                                                             add(pc, kk)));
          memref::StoreOp::create(b, loc, value, packedA, ValueRange{add(base, cst(r))});
        }
      });
    });
  }

  // The rows past the whole tiles that may go to kernels of 4 rows with the last whole
  // tile: [first, last] (first > last: none). A kernel of 4 rows keeps 4 * vectors
  // accumulator chains, enough for the FMA pipes, while one of 2 rows waits on the FMA's
  // latency at about half speed: 8 rows as 4 + 4 beat 6 + 2, and 9 as 4 + 4 + 1 beat
  // 6 + 2 + 1 (with 6-row tiles: 2 or 3 rows left; GPT-2's 128 rows leave 2 in their
  // second M block). 128 x 768 @ 768 x 3072 on one Zen 3 thread: 10.05 -> 9.73 ms
  // (minimum of 10 rounds).
  std::pair<int64_t, int64_t> rowsForFours() const {
    int64_t rows = config.registerRows;
    return {std::max<int64_t>(2, 8 - rows), std::min(9 - rows, rows - 1)};
  }

  // Where the loop of whole register tiles ends in an M block whose whole tiles end at
  // `full`, with `left` rows past them: one tile early when that tile and those rows run
  // faster as kernels of 4 rows (rowsForFours).
  Value wholeTilesEnd(Value full, Value left) {
    auto [first, last] = rowsForFours();
    if (first > last)
      return full;
    using P = arith::CmpIPredicate;
    auto cmp = [&](P predicate, Value x, int64_t y) -> Value {
      return b.createOrFold<arith::CmpIOp>(loc, predicate, x, cst(y));
    };
    auto both = [&](Value x, Value y) { return b.createOrFold<arith::AndIOp>(loc, x, y); };
    Value atLeast = cmp(P::sge, left, first);
    Value atMost = cmp(P::sle, left, last);
    Value aTile = cmp(P::sge, full, config.registerRows);
    Value earlier = sub(full, cst(config.registerRows));
    return b.createOrFold<arith::SelectOp>(loc, both(both(atLeast, atMost), aTile), earlier,
                                           full);
  }

  // The `count` rows from row0 on past an M block's whole register tiles (fewer than
  // register_rows, or up to 9 with a tile given to rowsForFours; known at run time only,
  // as M blocks start at a loop's index): kernels of the powers of two below
  // register_rows, largest first, each run when `count` has its bit (with 6-row tiles:
  // 4, 2 and 1 rows; 5 left take the 4- and the 1-row kernel), the largest as many times
  // as it fits where a tile may be given. One-row kernels for all of them waited on the
  // FMA's latency with only `vectors` chains in flight, 4 times as long per row as a
  // whole tile: GPT-2's 128 rows in 6-row tiles leave 2, every ResNet-50 conv leaves 2
  // or 4 output channels. A kernel per count would cost more code for little: with one
  // for each of 1 to 5 rows, GPT-2's compile took about a quarter longer (68 -> 93 s of
  // user time).
  void emitLeftoverRows(const Kernel &kernel, Value row0, Value count, int64_t vectors) {
    Value row = row0;
    int64_t largest = llvm::bit_floor(uint64_t(config.registerRows - 1));
    // rowsForFours applies only to tiles of 6 or 7 rows, whose largest part is 4.
    auto [first, last] = rowsForFours();
    if (first <= last) {
      Value times = b.createOrFold<arith::DivUIOp>(loc, count, cst(largest));
      forLoop(cst(0), times, cst(1), [&](Value i) {
        emitKernel(kernel, add(row0, mul(i, cst(largest))), largest, vectors);
      });
      row = add(row0, mul(times, cst(largest)));
      largest /= 2;
    }
    for (int64_t part = largest; part >= 1; part /= 2) {
      Value rows = b.createOrFold<arith::AndIOp>(loc, count, cst(part));
      Value has = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rows, cst(0));
      scf::IfOp::create(b, loc, has, [&, row](OpBuilder &nested, Location) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
        emitKernel(kernel, row, part, vectors);
        scf::YieldOp::create(b, loc);
      });
      row = add(row, rows);
    }
  }

  // C[row0 : row0 + rows, col : col + vectors * width] += A[row0 :, pc : pc + kb] * panel
  // (`vectors` of the panel's, all of them but in a last tile), A's elements read from
  // packedA's row group starting at `aGroup` when it is given, from A's own groups when
  // the compiler packed it.
  void emitKernel(const Kernel &kernel, Value row0, int64_t rows, int64_t vectors,
                  Value aGroup = {}) {
    int64_t nr = config.registerCols(), width = config.vectorWidth;
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
    SmallVector<Value> rowIndex, colIndex;
    for (int64_t r = 0; r < rows; ++r)
      rowIndex.push_back(add(row0, cst(r)));
    for (int64_t v = 0; v < vectors; ++v)
      colIndex.push_back(add(kernel.col, cst(v * width)));
    auto loadTile = [&] {
      SmallVector<Value> tile;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t v = 0; v < vectors; ++v)
          tile.push_back(vector::MaskedLoadOp::create(b, loc, vectorType, c,
                                                      at(rowIndex[r], colIndex[v]),
                                                      kernel.masks[v], zero));
      return tile;
    };
    SmallVector<Value> tile =
        overwrites ? startTile(kernel, rowIndex, colIndex, loadTile) : loadTile();
    // A in groups of register rows, packed on this run (packedA, the group at `aGroup`)
    // or by the compiler (A itself): where each row's elements of the K block start, k
    // stepping by register_rows. Null: A is read in place.
    Value groupedA = aGroup ? packedA : prepackedAK ? a : Value();
    Value groupRows = cst(config.registerRows);
    SmallVector<Value> aRowStarts;
    for (int64_t r = 0; groupedA && r < rows; ++r) {
      if (aGroup) {
        aRowStarts.push_back(add(aGroup, cst(r)));
        continue;
      }
      Value group = b.createOrFold<arith::DivUIOp>(loc, rowIndex[r], groupRows);
      Value within = b.createOrFold<arith::RemUIOp>(loc, rowIndex[r], groupRows);
      aRowStarts.push_back(
          add(mul(add(mul(group, cst(prepackedAK)), kernel.pc), groupRows), within));
    }
    if (packing && rows == config.registerRows)
      prefetchNextTile(row0, colIndex);
    bool prefetchesB = packing && kernel.panels == 1;
    // With several panels side by side, where each panel's part of a row lies from the
    // first panel's.
    SmallVector<Value> panelOffsets;
    for (int64_t p = 0; p < kernel.panels; ++p)
      panelOffsets.push_back(p ? mul(kernel.panelStride, cst(p)) : Value());
    // The K loop runs in two parts: while every request ahead stays inside its buffer
    // (all of K, but for the buffers' last tiles), with the prefetches, unclamped; then
    // the rest without. A clamp per request would cost the loop two more instructions
    // per k for each.
    Value prefetchedK = kernel.kb;
    if (prefetchesB)
      prefetchedK = min(prefetchedK, stepsInside(lastIndex(packed), kernel.panel, cst(nr),
                                                 kPanelPrefetchRows * nr +
                                                     (vectors - 1) * config.vectorWidth));
    if (groupedA)
      prefetchedK = min(prefetchedK, stepsInside(lastIndex(groupedA), aRowStarts[0], groupRows,
                                                 kGroupPrefetchColumns * config.registerRows));
    auto step = [&](Value kk, ValueRange acc, bool prefetch) {
      Value base = add(kernel.panel, mul(kk, cst(nr)));
      Value column = add(kernel.pc, kk);
      if (prefetch && prefetchesB)
        prefetchPanelRow(base, vectors);
      if (prefetch && groupedA)
        prefetchGroupColumn(groupedA, aRowStarts[0], kk);
      if (kernel.nextPanel)
        prefetchNextPanel(kernel.nextPanel, kk, vectors);
      SmallVector<Value> panelVectors;
      int64_t perPanel = config.registerVectors;
      for (int64_t v = 0; v < vectors; ++v) {
        if (!packing) {
          panelVectors.push_back(vector::MaskedLoadOp::create(
              b, loc, vectorType, bm, at(column, colIndex[v]), kernel.masks[v], zero));
          continue;
        }
        Value from = add(base, cst(v % perPanel * width));
        if (Value offset = panelOffsets[v / perPanel])
          from = add(from, offset);
        panelVectors.push_back(vector::LoadOp::create(b, loc, vectorType, packed, from));
      }
      SmallVector<Value> next;
      for (int64_t r = 0; r < rows; ++r) {
        Value element =
            groupedA ? memref::LoadOp::create(
                           b, loc, groupedA, ValueRange{add(aRowStarts[r], mul(kk, groupRows))})
                     : memref::LoadOp::create(b, loc, a, at(rowIndex[r], column));
        Value broadcast = vector::BroadcastOp::create(b, loc, vectorType, element);
        for (int64_t v = 0; v < vectors; ++v)
          next.push_back(vector::FMAOp::create(b, loc, broadcast, panelVectors[v],
                                               acc[r * vectors + v]));
      }
      return next;
    };
    auto kLoop = [&](Value from, Value to, ValueRange init, bool prefetch) {
      return scf::ForOp::create(
          b, loc, from, to, cst(1), init,
          [&](OpBuilder &nested, Location loc, Value kk, ValueRange acc) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
            scf::YieldOp::create(b, loc, step(kk, acc, prefetch));
          });
    };
    auto prefetched = kLoop(cst(0), prefetchedK, tile, /*prefetch=*/true);
    auto loop = kLoop(prefetchedK, kernel.kb, prefetched.getResults(), /*prefetch=*/false);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        Value sum = loop.getResult(r * vectors + v);
        if (epilogue != krnl::MatmulEpilogue::None)
          sum = arith::SelectOp::create(b, loc, kernel.lastBlock,
                                        krnl::applyMatmulEpilogue(b, loc, sum, epilogue), sum);
        vector::MaskedStoreOp::create(b, loc, c, at(rowIndex[r], colIndex[v]), kernel.masks[v],
                                      sum);
      }
  }

  // The first K block's tiles of a product that overwrites C: each row's bias (or 0)
  // in every lane, plus the addend's tile; later blocks load what the earlier ones stored.
  SmallVector<Value> startTile(const Kernel &kernel, ArrayRef<Value> rowIndex,
                               ArrayRef<Value> colIndex,
                               llvm::function_ref<SmallVector<Value>()> loadTile) {
    Value first = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, kernel.pc,
                                                cst(0));
    SmallVector<Type> types(rowIndex.size() * colIndex.size(), vectorType);
    auto branch = scf::IfOp::create(b, loc, types, first, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
    // A bias per column is the same vectors for every row of the tile.
    SmallVector<Value> columnBias;
    if (biasPerColumn)
      for (auto [v, col] : llvm::enumerate(colIndex))
        columnBias.push_back(vector::MaskedLoadOp::create(b, loc, vectorType, bias,
                                                          ValueRange{col}, kernel.masks[v], zero));
    SmallVector<Value> start;
    for (Value row : rowIndex) {
      Value rowBias = bias && !biasPerColumn
                          ? Value(vector::BroadcastOp::create(
                                b, loc, vectorType, memref::LoadOp::create(b, loc, bias, row)))
                          : Value();
      for (auto [v, col] : llvm::enumerate(colIndex)) {
        Value value = biasPerColumn ? columnBias[v] : rowBias ? rowBias : zero;
        if (!addend) {
          start.push_back(value);
          continue;
        }
        Value tile = vector::MaskedLoadOp::create(b, loc, vectorType, addend, at(row, col),
                                                  kernel.masks[v], zero);
        start.push_back(bias ? Value(arith::AddFOp::create(b, loc, value, tile)) : tile);
      }
    }
    scf::YieldOp::create(b, loc, start);
    b.setInsertionPointToStart(branch.elseBlock());
    scf::YieldOp::create(b, loc, loadTile());
    return SmallVector<Value>(branch.getResults());
  }

  OpBuilder &b;
  Location loc;
  MatmulConfig config; // the nest's; streamingConfig while B is read in place
  Value a, bm, c;
  Value bias;   // with `overwrites`: C's row (or column) bias, or null for 0
  Value addend; // with `overwrites`: added to C as a whole, or null
  Value sharedA; // A's row groups packed by packAShare, or null
  bool batched;
  bool prepackedB;
  bool weightB;
  int64_t prepackedAK;
  krnl::MatmulEpilogue epilogue;
  bool overwrites;
  bool biasPerColumn; // the bias is a column's (a Gemm's), not a row's
  VectorType vectorType, maskType;
  Value packed, packedA;
  bool packingA = false; // whether full row groups of A are packed (with B's panels)
  int64_t packedK = 0;   // packed_k: the rows of a K block in the packed buffers, block_k
                         // or a smaller static K
  bool packing = true; // false: the kernel reads B's rows in place
  Value batch; // the batch index inside a batch_matmul's loop, else null
};

// What the emitter handles: f32 buffers with the default maps (a linalg op) or B as panels
// (krnl.matmul_panels), C contiguous in its rows, and a known epilogue (the loops of
// krnl-to-affine reject any other).
bool lowerable(Operation *op) {
  if ((!isa<krnl::MatmulPanelsOp>(op) && op->getNumOperands() != 3) ||
      krnl::matmulEpilogueOf(op) == krnl::MatmulEpilogue::Unknown)
    return false;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.getElementType().isF32())
      return false;
  }
  if (!hasUnitInnerStride(op->getOperand(2)))
    return false;
  if (auto panels = dyn_cast<krnl::MatmulPanelsOp>(op))
    // Panels at any offset (one position's of Winograd's buffer of all of them).
    return isContiguousRowMajor(cast<MemRefType>(panels.getPanels().getType())) &&
           (!panels.getAddend() || hasUnitInnerStride(panels.getAddend()));
  auto linalgOp = cast<linalg::LinalgOp>(op);
  if (!linalgOp.hasPureBufferSemantics())
    return false;
  SmallVector<AffineMap> expected =
      isa<linalg::BatchMatmulOp>(op)
          ? linalg::BatchMatmulOp::getDefaultIndexingMaps(op->getContext())
          : linalg::MatmulOp::getDefaultIndexingMaps(op->getContext());
  return linalgOp.getIndexingMapsArray() == expected;
}

// Below this many multiply-adds (a few microseconds on one core) a matmul runs in place:
// waking the pool's threads would cost as much as they save.
constexpr int64_t kMinThreadedMacs = int64_t(1) << 18;

std::optional<int64_t> staticDim(Value buffer, int64_t d) {
  int64_t size = cast<MemRefType>(buffer.getType()).getDimSize(d);
  return ShapedType::isDynamic(size) ? std::nullopt : std::optional<int64_t>(size);
}

// Batches when there are enough to go round; otherwise column panels, unless C is so
// narrow (a late ResNet stage: 7 x 7 pixels) that its rows split more evenly. Dynamic
// sizes count as large.
SplitAxis chooseSplit(const MatmulConfig &config, bool batched, Value c) {
  int64_t rank = batched ? 3 : 2;
  std::optional<int64_t> batches = batched ? staticDim(c, 0) : std::nullopt;
  if (batches && *batches >= 4)
    return SplitAxis::Batch;
  std::optional<int64_t> m = staticDim(c, rank - 2), n = staticDim(c, rank - 1);
  if (!m || !n)
    return SplitAxis::Columns;
  int64_t panels = (*n + config.registerCols() - 1) / config.registerCols();
  int64_t rowGroups = (*m + config.registerRows - 1) / config.registerRows;
  return panels >= 8 || panels >= rowGroups ? SplitAxis::Columns : SplitAxis::Rows;
}

// Whether the matmul has work enough for threads; unknown sizes count as enough. One
// marked serial (krnl::kMatmulSerialAttr) runs inside a loop the threads share already.
bool worthThreads(Operation *op) {
  if (op->hasAttr(krnl::kMatmulSerialAttr))
    return false;
  Value a = op->getOperand(0), c = op->getOperand(2);
  int64_t macs = 1;
  auto cType = cast<MemRefType>(c.getType());
  for (int64_t size : cType.getShape()) {
    if (ShapedType::isDynamic(size))
      return true;
    macs *= size;
  }
  std::optional<int64_t> k = staticDim(a, cast<MemRefType>(a.getType()).getRank() - 1);
  return !k || macs * *k >= kMinThreadedMacs;
}

// What C starts as when the op right before a linalg product sets all of it, and the
// product surely writes every element of C in its first K block (K a known size, not 0):
// a fill with 0 (MatMul's, a Gemm's without bias), or a 1-D bias broadcast down the rows
// (a Gemm's). That op then goes, and the kernel's first tiles start from what it would
// have stored instead of loading C, which is written once rather than set, read back and
// written (GPT-2: its LM head's 25 MiB, and each of its 48 Gemms).
struct StartOfC {
  Operation *setter;
  Value columnBias; // null: 0
};

std::optional<StartOfC> startBefore(Operation *op) {
  Value a = op->getOperand(0), c = op->getOperand(2);
  std::optional<int64_t> k = staticDim(a, cast<MemRefType>(a.getType()).getRank() - 1);
  // Buffers freed after their last use may sit between the two (freeTemporaries).
  Operation *setter = op->getPrevNode();
  SmallVector<Value> freed;
  while (auto dealloc = dyn_cast_or_null<memref::DeallocOp>(setter)) {
    freed.push_back(dealloc.getMemref());
    setter = setter->getPrevNode();
  }
  if (!k || *k <= 0 || !setter)
    return std::nullopt;
  if (auto fill = dyn_cast<linalg::FillOp>(setter))
    if (fill.getOutputs().size() == 1 && fill.getOutputs()[0] == c &&
        matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return StartOfC{fill, Value()};
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(setter))
    if (isa<linalg::MatmulOp>(op) && broadcast.getInit() == c &&
        broadcast.getDimensions() == ArrayRef<int64_t>{0} &&
        hasUnitInnerStride(broadcast.getInput()) &&
        // The kernel reads the bias in place of the broadcast: not once it is freed.
        !llvm::is_contained(freed, bufferRoot(broadcast.getInput())))
      return StartOfC{broadcast, broadcast.getInput()};
  return std::nullopt;
}

struct LowerMatmul : impl::LowerMatmulBase<LowerMatmul> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, krnl::MatmulPanelsOp>(op) &&
          MatmulConfig::of(op) && lowerable(op))
        ops.push_back(op);
    });
    SymbolTable symbols(getOperation());
    unsigned counter = 0;
    PackedWeightCache packedWeights;
    // The operands that got packed, by producer: views (transposes, reshapes), then the
    // globals below them.
    llvm::SetVector<Operation *> views, globals;
    auto replaced = [&](Value weight) {
      Operation *producer = weight.getDefiningOp();
      if (isa<memref::TransposeOp, memref::ReinterpretCastOp>(producer)) {
        views.insert(producer);
        producer = producer->getOperand(0).getDefiningOp();
      }
      globals.insert(producer);
    };
    for (Operation *op : ops) {
      MatmulConfig config = *MatmulConfig::of(op);
      bool batched = isa<linalg::BatchMatmulOp>(op);
      SplitAxis axis = chooseSplit(config, batched, op->getOperand(2));
      SmallVector<Value> operands(op->getOperands());
      OpBuilder builder(op);
      Location loc = op->getLoc();
      Value panels;
      if (isa<krnl::MatmulPanelsOp>(op)) {
        // Its producer packed B already: each panel is one stream, as for a weight. Panels
        // seen through a view (one position's of Winograd's) keep the view's offset.
        auto type = cast<MemRefType>(operands[1].getType());
        OpFoldResult offset = builder.getIndexAttr(0);
        auto flat = MemRefType::get({type.getNumElements()}, type.getElementType());
        if (!type.getLayout().isIdentity()) {
          offset = memref::ExtractStridedMetadataOp::create(builder, loc, operands[1])
                       .getOffset();
          flat = MemRefType::get(
              {type.getNumElements()}, type.getElementType(),
              StridedLayoutAttr::get(builder.getContext(), ShapedType::kDynamic, {1}));
        }
        panels = memref::ReinterpretCastOp::create(
            builder, loc, flat, operands[1], offset,
            ArrayRef<OpFoldResult>{builder.getIndexAttr(type.getNumElements())},
            ArrayRef<OpFoldResult>{builder.getIndexAttr(1)});
        operands[1] = panels;
      } else if (!batched &&
                 (panels = packWeightPanels(operands[1], config.registerCols(),
                                            packedWeights))) {
        replaced(operands[1]);
        operands[1] = panels;
      }
      int64_t prepackedAK = 0;
      if (!batched && config.registerRows > 1) {
        Value groups = packWeightRowGroups(operands[0], config.registerRows, packedWeights);
        if (!groups)
          groups = packWeightRowBlock(builder, operands[0], config.registerRows, packedWeights);
        if (groups) {
          prepackedAK = cast<MemRefType>(operands[0].getType()).getDimSize(1);
          replaced(operands[0]);
          operands[0] = groups;
        }
      }
      bool productOfPanels = isa<krnl::MatmulPanelsOp>(op);
      ProductKind kind{batched, bool(panels), panels && !productOfPanels, prepackedAK,
                       krnl::matmulEpilogueOf(op), productOfPanels};
      if (std::optional<StartOfC> start = kind.overwrites ? std::nullopt : startBefore(op)) {
        start->setter->erase();
        kind.overwrites = true;
        if (start->columnBias) {
          operands.push_back(start->columnBias);
          kind.hasBias = kind.biasPerColumn = true;
        }
      }
      if (auto product = dyn_cast<krnl::MatmulPanelsOp>(op)) {
        kind.hasBias = bool(product.getBias());
        kind.hasAddend = bool(product.getAddend());
      }
      bool threads = worthThreads(op);
      Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
      unsigned number = threads ? counter++ : 0;
      Value sharedA;
      if (threads && sharesPackedA(op, config, axis, kind, prepackedAK)) {
        sharedA = packASharedByThreads(builder, op, operands, config, number, symbols);
        operands.push_back(sharedA);
        kind.sharedPackedA = true;
      }
      MatmulEmitter inPlace(builder, loc, config, operands, kind);
      Value units = inPlace.unitCount(axis);
      if (!threads) {
        inPlace.emitShare(axis, zero, units);
      } else {
        func::FuncOp share = buildShareFunction(
            op, operands, number, "", symbols,
            [&](OpBuilder &b, Value first, Value last, ValueRange arguments) {
              MatmulEmitter emitter(b, loc, config, arguments, kind);
              emitter.emitShare(axis, first, last);
            });
        SmallVector<Value> arguments{zero, units};
        arguments.append(operands);
        func::CallOp::create(builder, loc, share, arguments);
      }
      if (sharedA)
        memref::DeallocOp::create(builder, loc, sharedA);
      op->erase();
    }
    // A weight that only matmuls read now lives on as its panels alone, so that no weight
    // is stored twice. Each producer is visited once: two matmuls may share one.
    for (auto *producers : {&views, &globals})
      for (Operation *producer : *producers)
        if (producer->use_empty())
          producer->erase();
  }

  // Whether the threads of a product that splits C's columns would each pack the same
  // rows of A: then they share one packing instead (packASharedByThreads). A weight's
  // panels are B (never batched), so that nothing else is packed per thread; the K of A
  // is known.
  static bool sharesPackedA(Operation *op, const MatmulConfig &config, SplitAxis axis,
                            const ProductKind &kind, int64_t prepackedAK) {
    Value a = op->getOperand(0), c = op->getOperand(2);
    return axis == SplitAxis::Columns && kind.weightB &&
           staticDim(a, 1) && packsRowsOfA(config, prepackedAK, staticDim(c, 1));
  }

  // A's whole register-row groups, all of K, packed once by the threads between them
  // (func @PARENT.omc_parallel.matmulN_pack_a over groups), into a buffer the product's
  // threads then read: each packed all of A before (GPT-2, 128 tokens: its products of
  // 768 or 3072 columns spent a tenth to a sixth of their time packing A).
  static Value packASharedByThreads(OpBuilder &builder, Operation *op, ValueRange operands,
                                    const MatmulConfig &config, unsigned number,
                                    SymbolTable &symbols) {
    Location loc = op->getLoc();
    Value a = operands[0];
    auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(builder, loc, v); };
    Value m = memref::DimOp::create(builder, loc, a, 0);
    Value k = memref::DimOp::create(builder, loc, a, 1);
    Value groups = arith::DivUIOp::create(builder, loc, m, cst(config.registerRows));
    Value size = arith::MulIOp::create(
        builder, loc, arith::MulIOp::create(builder, loc, groups, cst(config.registerRows)), k);
    Value buffer = memref::AllocOp::create(
        builder, loc, MemRefType::get({ShapedType::kDynamic}, builder.getF32Type()),
        ValueRange{size}, builder.getI64IntegerAttr(64));
    func::FuncOp pack = buildShareFunction(
        op, ValueRange{a, buffer}, number, "_pack_a", symbols,
        [&](OpBuilder &b, Value first, Value last, ValueRange arguments) {
          // An emitter of A alone: B and C are never read.
          Value a = arguments[0];
          ProductKind kind;
          kind.sharedPackedA = true;
          MatmulEmitter emitter(b, loc, config, ValueRange{a, a, a, arguments[1]}, kind);
          emitter.packAShare(first, last);
        });
    func::CallOp::create(builder, loc, pack, ValueRange{cst(0), groups, a, buffer});
    return buffer;
  }

  // func.func private @PARENT.omc_parallel.matmulN<suffix>(%first, %last, operands...):
  // `body` over units [first, last), given the function's copies of the operands (the
  // nest over C's units of an axis, of %a, %b, %c[, %bias][, %addend][, %packed_a]; or
  // packAShare's groups of %a into %packed_a).
  static func::FuncOp buildShareFunction(
      Operation *op, ValueRange operands, unsigned number, StringRef suffix,
      SymbolTable &symbols,
      llvm::function_ref<void(OpBuilder &, Value, Value, ValueRange)> body) {
    auto parent = op->getParentOfType<func::FuncOp>();
    Location loc = op->getLoc();
    OpBuilder b(parent);
    b.setInsertionPointAfter(parent);
    SmallVector<Type> argTypes(2, b.getIndexType());
    for (Value operand : operands)
      argTypes.push_back(operand.getType());
    std::string name =
        (parent.getSymName() + kParallelBodyMarker + "matmul" + llvm::Twine(number) + suffix)
            .str();
    auto share = func::FuncOp::create(b, loc, name, b.getFunctionType(argTypes, {}));
    share.setPrivate();
    symbols.insert(share);
    Block *entry = share.addEntryBlock();
    b.setInsertionPointToStart(entry);
    body(b, entry->getArgument(0), entry->getArgument(1), entry->getArguments().drop_front(2));
    func::ReturnOp::create(b, loc);
    return share;
  }
};

} // namespace
} // namespace omc
