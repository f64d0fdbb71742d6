//===- ConvertKrnlToAffinePass.cpp - the convert-krnl-to-affine pass ----------===//

#include "compiler/conversion/krnl_to_affine/LoopNestLowering.h"
#include "compiler/conversion/krnl_to_affine/Passes.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_CONVERTKRNLTOAFFINE
#include "compiler/conversion/krnl_to_affine/Passes.h.inc"

namespace {

bool allAffine(ValueRange indices, Region *scope) {
  return llvm::all_of(indices, [&](Value index) { return affine::isValidDim(index, scope); });
}

void lowerLoad(krnl::LoadOp load) {
  OpBuilder builder(load);
  Value value;
  if (allAffine(load.getIndices(), affine::getAffineScope(load)))
    value = affine::AffineLoadOp::create(builder, load.getLoc(), load.getMemref(),
                                         load.getIndices());
  else
    value = memref::LoadOp::create(builder, load.getLoc(), load.getMemref(),
                                   load.getIndices());
  load.replaceAllUsesWith(value);
  load.erase();
}

void lowerStore(krnl::StoreOp store) {
  OpBuilder builder(store);
  if (allAffine(store.getIndices(), affine::getAffineScope(store)))
    affine::AffineStoreOp::create(builder, store.getLoc(), store.getValue(),
                                  store.getMemref(), store.getIndices());
  else
    memref::StoreOp::create(builder, store.getLoc(), store.getValue(), store.getMemref(),
                            store.getIndices());
  store.erase();
}

// A vector.store at affine indices (a conv's panel rows, ConvAsMatmul) becomes
// affine.vector_store, so that dependence analysis sees it as it sees krnl.store.
void lowerVectorStore(vector::StoreOp store) {
  if (!allAffine(store.getIndices(), affine::getAffineScope(store)))
    return;
  OpBuilder builder(store);
  affine::AffineVectorStoreOp::create(builder, store.getLoc(), store.getValueToStore(),
                                      store.getBase(), store.getIndices());
  store.erase();
}

// A krnl.global becomes a private constant memref.global with a unique name.
void lowerGlobal(krnl::GlobalOp global, SymbolTable &symbols) {
  auto module = cast<ModuleOp>(symbols.getOp());
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  MemRefType type = global.getOutput().getType();
  auto memrefGlobal = memref::GlobalOp::create(
      builder, global.getLoc(), global.getName(), builder.getStringAttr("private"), type,
      global.getValue(), /*constant=*/true, builder.getI64IntegerAttr(64));
  symbols.insert(memrefGlobal); // renames it if the name is taken
  builder.setInsertionPoint(global);
  Value value = memref::GetGlobalOp::create(builder, global.getLoc(), type,
                                            memrefGlobal.getSymName());
  global.replaceAllUsesWith(value);
  global.erase();
}

// A matmul's epilogue (krnl::kMatmulEpilogueAttr) as loops over C after the product's.
LogicalResult applyEpilogue(OpBuilder &builder, Operation *op, Value c) {
  krnl::MatmulEpilogue epilogue = krnl::matmulEpilogueOf(op);
  switch (epilogue) {
  case krnl::MatmulEpilogue::None:
    return success();
  case krnl::MatmulEpilogue::Unknown:
    return op->emitOpError() << "has an unknown " << krnl::kMatmulEpilogueAttr << " "
                             << op->getAttr(krnl::kMatmulEpilogueAttr);
  case krnl::MatmulEpilogue::Relu:
  case krnl::MatmulEpilogue::Relu6:
    break;
  }
  Location loc = op->getLoc();
  auto type = cast<MemRefType>(c.getType());
  SmallVector<Value> lower, upper;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    lower.push_back(arith::ConstantIndexOp::create(builder, loc, 0));
    upper.push_back(builder.createOrFold<memref::DimOp>(loc, c, d));
  }
  affine::buildAffineLoopNest(
      builder, loc, lower, upper, SmallVector<int64_t>(type.getRank(), 1),
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value value = affine::AffineLoadOp::create(b, loc, c, ivs);
        value = krnl::applyMatmulEpilogue(b, loc, value, epilogue);
        affine::AffineStoreOp::create(b, loc, value, c, ivs);
      });
  return success();
}

// C[m, n] = bias[m] (or 0) + addend[m, n] (or 0), then C[m, n] += A[m, k] *
// panels[n floordiv W, k, n mod W], as plain loops, then the epilogue: for a
// krnl.matmul_panels that no target pass lowered.
LogicalResult lowerMatmulPanels(krnl::MatmulPanelsOp op) {
  OpBuilder builder(op);
  Location loc = op.getLoc();
  Value a = op.getA(), panels = op.getPanels(), c = op.getC(), bias = op.getBias();
  Value addend = op.getAddend();
  int64_t width = cast<MemRefType>(panels.getType()).getDimSize(2);
  SmallVector<Value> lower(3, arith::ConstantIndexOp::create(builder, loc, 0));
  SmallVector<Value> upper = {builder.createOrFold<memref::DimOp>(loc, c, 0),
                              builder.createOrFold<memref::DimOp>(loc, c, 1),
                              builder.createOrFold<memref::DimOp>(loc, a, 1)};
  affine::buildAffineLoopNest(
      builder, loc, ArrayRef<Value>(lower).take_front(2), ArrayRef<Value>(upper).take_front(2),
      {1, 1}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Type type = cast<MemRefType>(c.getType()).getElementType();
        Value start = bias ? Value(affine::AffineLoadOp::create(b, loc, bias, ivs[0]))
                           : Value(arith::ConstantOp::create(b, loc, b.getZeroAttr(type)));
        if (addend)
          start = arith::AddFOp::create(b, loc, start,
                                        affine::AffineLoadOp::create(b, loc, addend, ivs));
        affine::AffineStoreOp::create(b, loc, start, c, ivs);
      });
  affine::buildAffineLoopNest(
      builder, loc, lower, upper, {1, 1, 1},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        AffineExpr n = b.getAffineDimExpr(1), k = b.getAffineDimExpr(2);
        auto panelMap = AffineMap::get(3, 0, {n.floorDiv(width), k, n % width}, b.getContext());
        Value x = affine::AffineLoadOp::create(b, loc, a, ValueRange{ivs[0], ivs[2]});
        Value y = affine::AffineLoadOp::create(b, loc, panels, panelMap, ivs);
        Value sum = affine::AffineLoadOp::create(b, loc, c, ivs.take_front(2));
        sum = arith::AddFOp::create(b, loc, sum, arith::MulFOp::create(b, loc, x, y));
        affine::AffineStoreOp::create(b, loc, sum, c, ivs.take_front(2));
      });
  if (failed(applyEpilogue(builder, op, c)))
    return failure();
  op.erase();
  return success();
}

struct ConvertKrnlToAffine : impl::ConvertKrnlToAffineBase<ConvertKrnlToAffine> {
  void runOnOperation() override {
    ModuleOp module = getOperation();

    // Outer nests first: lowering one moves the nests inside it, unchanged.
    SmallVector<krnl::IterateOp> iterates;
    module.walk<WalkOrder::PreOrder>([&](krnl::IterateOp op) { iterates.push_back(op); });
    for (krnl::IterateOp iterate : iterates)
      if (failed(lowerIterate(iterate)))
        return signalPassFailure();

    // The handles and their schedule have done their job.
    SmallVector<Operation *> scheduleOps;
    module.walk([&](Operation *op) {
      if (isa<krnl::DefineLoopsOp, krnl::BlockOp, krnl::PermuteOp>(op))
        scheduleOps.push_back(op);
    });
    for (Operation *op : llvm::reverse(scheduleOps)) {
      if (!op->use_empty()) {
        op->emitOpError() << "names a loop that no krnl.iterate uses";
        return signalPassFailure();
      }
      op->erase();
    }

    module.walk([](krnl::LoadOp op) { lowerLoad(op); });
    module.walk([](krnl::StoreOp op) { lowerStore(op); });
    module.walk([](vector::StoreOp op) { lowerVectorStore(op); });

    // Linalg ops on buffers (matmuls, fills) that no target pass lowered become plain
    // affine loops.
    SmallVector<linalg::LinalgOp> linalgOps;
    module.walk([&](linalg::LinalgOp op) { linalgOps.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : linalgOps) {
      rewriter.setInsertionPoint(op);
      if (!op.hasPureBufferSemantics() || failed(linalg::linalgOpToAffineLoops(rewriter, op))) {
        op->emitOpError() << "cannot be lowered to loops";
        return signalPassFailure();
      }
      rewriter.setInsertionPointAfter(op);
      if (failed(applyEpilogue(rewriter, op, op.getDpsInits()[0])))
        return signalPassFailure();
      rewriter.eraseOp(op);
    }

    SmallVector<krnl::MatmulPanelsOp> panelProducts;
    module.walk([&](krnl::MatmulPanelsOp op) { panelProducts.push_back(op); });
    for (krnl::MatmulPanelsOp op : panelProducts)
      if (failed(lowerMatmulPanels(op)))
        return signalPassFailure();

    SymbolTable symbols(module);
    SmallVector<krnl::GlobalOp> globals;
    module.walk([&](krnl::GlobalOp op) { globals.push_back(op); });
    for (krnl::GlobalOp global : globals)
      lowerGlobal(global, symbols);
  }
};

} // namespace
} // namespace omc
