//===- MatmulConfig.h - the lowering configuration of one matmul ---------------===//
//
// What omc-matmul-strategy chooses and omc-lower-matmul obeys, carried on the op as the
// dictionary attribute `omc.matmul_config`.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CODEGEN_MATMULCONFIG_H
#define OMC_COMPILER_CODEGEN_MATMULCONFIG_H

#include <cstdint>
#include <optional>

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace omc {

inline constexpr llvm::StringLiteral kMatmulConfigAttr = "omc.matmul_config";

struct MatmulConfig {
  int64_t vectorWidth = 0;   // f32 lanes of one vector register
  int64_t registerRows = 0;  // rows of C held in registers
  int64_t registerVectors = 0; // vectors per row: the register tile is vectorWidth * this wide
  int64_t blockK = 0, blockM = 0, blockN = 0; // cache blocks

  int64_t registerCols() const { return vectorWidth * registerVectors; }

  mlir::DictionaryAttr toAttribute(mlir::MLIRContext *context) const {
    mlir::Builder b(context);
    auto i = [&](int64_t v) { return b.getI64IntegerAttr(v); };
    return b.getDictionaryAttr({
        b.getNamedAttr("vector_width", i(vectorWidth)),
        b.getNamedAttr("register_rows", i(registerRows)),
        b.getNamedAttr("register_vectors", i(registerVectors)),
        b.getNamedAttr("block_k", i(blockK)),
        b.getNamedAttr("block_m", i(blockM)),
        b.getNamedAttr("block_n", i(blockN)),
    });
  }

  // The op's configuration; nullopt when it has none or one with a non-positive field.
  static std::optional<MatmulConfig> of(mlir::Operation *op) {
    auto dict = op->getAttrOfType<mlir::DictionaryAttr>(kMatmulConfigAttr);
    if (!dict)
      return std::nullopt;
    MatmulConfig config;
    for (auto [name, field] :
         {std::pair{"vector_width", &config.vectorWidth},
          std::pair{"register_rows", &config.registerRows},
          std::pair{"register_vectors", &config.registerVectors},
          std::pair{"block_k", &config.blockK}, std::pair{"block_m", &config.blockM},
          std::pair{"block_n", &config.blockN}}) {
      auto value = dict.getAs<mlir::IntegerAttr>(name);
      if (!value || value.getInt() <= 0)
        return std::nullopt;
      *field = value.getInt();
    }
    return config;
  }
};

} // namespace omc

#endif // OMC_COMPILER_CODEGEN_MATMULCONFIG_H
