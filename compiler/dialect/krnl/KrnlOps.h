//===- KrnlOps.h - the krnl dialect and its ops -------------------------------===//
#ifndef OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H
#define OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "compiler/dialect/krnl/KrnlDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "compiler/dialect/krnl/KrnlTypes.h.inc"

#define GET_OP_CLASSES
#include "compiler/dialect/krnl/KrnlOps.h.inc"

namespace omc::krnl {

// On a linalg.matmul that the ONNX lowering emits: what to apply to C once the product is
// complete ("relu": max(C, 0); "relu6": min(max(C, 0), 6), MobileNet's Clip). omc-lower-
// matmul applies it as the kernel stores C's tiles after the last K block; the loops that
// lower any other matmul apply it after them.
inline constexpr llvm::StringLiteral kMatmulEpilogueAttr = "omc.epilogue";

enum class MatmulEpilogue { None, Relu, Relu6, Unknown };

// The attribute's spelling of `epilogue` (None and Unknown have none).
inline llvm::StringRef matmulEpilogueName(MatmulEpilogue epilogue) {
  return epilogue == MatmulEpilogue::Relu ? "relu"
         : epilogue == MatmulEpilogue::Relu6 ? "relu6"
                                              : "";
}

// The epilogue spelled `name`: Unknown when no epilogue is spelled so.
inline MatmulEpilogue matmulEpilogueNamed(llvm::StringRef name) {
  for (MatmulEpilogue known : {MatmulEpilogue::Relu, MatmulEpilogue::Relu6})
    if (name == matmulEpilogueName(known))
      return known;
  return MatmulEpilogue::Unknown;
}

// `value` (a float or a vector of floats) through `epilogue`, which is neither None nor
// Unknown. maximumf and minimumf keep NaN, as ONNX's Relu and Clip do.
mlir::Value applyMatmulEpilogue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                                MatmulEpilogue epilogue);

// On a linalg.matmul that runs inside a loop whose iterations the threads already share
// (attention's blocks): omc-lower-matmul emits its nest in place, never through the pool.
inline constexpr llvm::StringLiteral kMatmulSerialAttr = "omc.serial";

// The epilogue `op` carries (kMatmulEpilogueAttr), read in one place for every lowering.
inline MatmulEpilogue matmulEpilogueOf(mlir::Operation *op) {
  auto epilogue = op->getAttrOfType<mlir::StringAttr>(kMatmulEpilogueAttr);
  return epilogue ? matmulEpilogueNamed(epilogue.getValue()) : MatmulEpilogue::None;
}

// The width of the column panels that the target's matmul kernel reads (its register
// tile's columns), for producers of krnl.matmul_panels: from the module's `omc.target`
// (TargetDescription::toAttribute); nullopt when the target has no matmul tiles (nvptx).
inline std::optional<int64_t> targetMatmulTile(mlir::Operation *op, size_t which) {
  auto module = op->getParentOfType<mlir::ModuleOp>();
  auto target = module ? module->getAttrOfType<mlir::DictionaryAttr>("omc.target") : nullptr;
  auto tiles = target ? target.getAs<mlir::DenseI64ArrayAttr>("matmul_tiles") : nullptr;
  if (!tiles || tiles.size() < 2 || tiles[which] < 1)
    return std::nullopt;
  return tiles[which];
}
inline std::optional<int64_t> targetPanelWidth(mlir::Operation *op) {
  return targetMatmulTile(op, 1);
}
// Its register tile's rows: the groups a filter is packed in.
inline std::optional<int64_t> targetRegisterRows(mlir::Operation *op) {
  return targetMatmulTile(op, 0);
}

} // namespace omc::krnl

#endif // OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H
