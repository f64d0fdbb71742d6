//===- MatmulStrategy.cpp - the omc-matmul-strategy pass -----------------------===//
//
// The target is data: the register tile and the cache blocks of each f32 matmul come
// from the module's `omc.target` attribute (see TargetDescription::toAttribute), never
// from the host.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/MatmulConfig.h"
#include "compiler/codegen/Passes.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_MATMULSTRATEGY
#include "compiler/codegen/Passes.h.inc"

namespace {

// The configuration the target asks for, if it has f32 vectors and a matmul tile table.
std::optional<MatmulConfig> configOfTarget(ModuleOp module) {
  auto target = module->getAttrOfType<DictionaryAttr>("omc.target");
  if (!target)
    return std::nullopt;
  auto bits = target.getAs<IntegerAttr>("vector_bits");
  auto tiles = target.getAs<DenseI64ArrayAttr>("matmul_tiles");
  if (!bits || !tiles || tiles.size() != 5)
    return std::nullopt;
  MatmulConfig config;
  config.vectorWidth = bits.getInt() / 32;
  ArrayRef<int64_t> t = tiles.asArrayRef();
  config.registerRows = t[0];
  config.registerVectors = config.vectorWidth > 0 ? t[1] / config.vectorWidth : 0;
  config.blockK = t[2];
  config.blockM = t[3];
  // Whole register tiles per N block.
  int64_t cols = config.registerCols();
  config.blockN = cols > 0 ? std::max<int64_t>(cols, t[4] / cols * cols) : 0;
  if (config.vectorWidth < 2 || config.registerRows < 1 || config.registerVectors < 1 ||
      config.blockK < 1 || config.blockM < config.registerRows)
    return std::nullopt;
  return config;
}

bool isF32Memref(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.getElementType().isF32();
}

struct MatmulStrategy : impl::MatmulStrategyBase<MatmulStrategy> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<MatmulConfig> config = configOfTarget(module);
    if (!config)
      return;
    DictionaryAttr attr = config->toAttribute(&getContext());
    module.walk([&](Operation *op) {
      // Panels of another width than the register tile's stay with the loops.
      if (auto panels = dyn_cast<krnl::MatmulPanelsOp>(op)) {
        auto type = cast<MemRefType>(panels.getPanels().getType());
        if (llvm::all_of(op->getOperands(), isF32Memref) &&
            type.getDimSize(2) == config->registerCols())
          op->setAttr(kMatmulConfigAttr, attr);
        return;
      }
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
        return;
      auto linalgOp = cast<linalg::LinalgOp>(op);
      // Plain (untransposed-by-map) contractions over f32 buffers only.
      if (!linalgOp.hasPureBufferSemantics() ||
          !llvm::all_of(op->getOperands(), isF32Memref))
        return;
      bool batched = isa<linalg::BatchMatmulOp>(op);
      SmallVector<AffineMap> expected =
          batched ? cast<linalg::BatchMatmulOp>(op).getDefaultIndexingMaps(&getContext())
                  : cast<linalg::MatmulOp>(op).getDefaultIndexingMaps(&getContext());
      if (linalgOp.getIndexingMapsArray() != expected)
        return;
      op->setAttr(kMatmulConfigAttr, attr);
    });
  }
};

} // namespace
} // namespace omc
