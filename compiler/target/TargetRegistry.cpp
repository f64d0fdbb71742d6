//===- TargetRegistry.cpp - targets by name -----------------------------------===//

#include "compiler/target/TargetRegistry.h"

#include "mlir/IR/Builders.h"

namespace omc {

static std::vector<std::unique_ptr<Target>> &targets() {
  static std::vector<std::unique_ptr<Target>> registry;
  return registry;
}

void registerTarget(std::unique_ptr<Target> target) { targets().push_back(std::move(target)); }

std::vector<const Target *> registeredTargets() {
  std::vector<const Target *> all;
  for (const auto &target : targets())
    all.push_back(target.get());
  return all;
}

llvm::Expected<const Target *> lookupTarget(llvm::StringRef name) {
  std::string known;
  for (const auto &target : targets()) {
    if (target->name() == name)
      return target.get();
    known += (known.empty() ? "" : ", ") + target->name().str();
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown target '" + name + "' (known targets: " + known +
                                     ")");
}

llvm::Expected<const Target *> defaultTarget() {
  // hostScore asks LLVM about the host and the target's features: once per target.
  const Target *best = nullptr;
  unsigned bestScore = 0;
  for (const auto &target : targets())
    if (unsigned score = target->hostScore(); score > bestScore) {
      best = target.get();
      bestScore = score;
    }
  if (!best)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no registered target runs on this host; pass --target");
  return best;
}

mlir::DictionaryAttr TargetDescription::toAttribute(mlir::MLIRContext &context) const {
  mlir::Builder b(&context);
  auto u = [&](unsigned value) { return b.getI64IntegerAttr(value); };
  return b.getDictionaryAttr({
      b.getNamedAttr("name", b.getStringAttr(name)),
      b.getNamedAttr("triple", b.getStringAttr(triple)),
      b.getNamedAttr("cpu", b.getStringAttr(cpu)),
      b.getNamedAttr("features", b.getStringAttr(features)),
      b.getNamedAttr("host_features", b.getStringAttr(hostFeatures)),
      b.getNamedAttr("vector_bits", u(vectorBits)),
      b.getNamedAttr("vector_registers", u(vectorRegisters)),
      b.getNamedAttr("matmul_tiles",
                     b.getDenseI64ArrayAttr({matmul.registerRows, matmul.registerCols,
                                             matmul.blockK, matmul.blockM, matmul.blockN})),
  });
}

llvm::Error TargetDescription::overrideMatmulTiles(const MatmulTiles &tiles) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--matmul-tiles: " + why);
  };
  if (matmul.registerRows == 0)
    return fail("target '" + name + "' has no fp32 matmul tiles to replace");
  unsigned width = vectorBits / 32;
  if (tiles.registerRows == 0 || tiles.registerCols == 0 || tiles.blockK == 0 ||
      tiles.blockM == 0 || tiles.blockN == 0)
    return fail("every field must be at least 1");
  if (tiles.registerCols % width != 0)
    return fail("register columns " + llvm::Twine(tiles.registerCols) +
                " are not whole vectors of " + llvm::Twine(width) + " floats");
  // Each row's accumulators, plus the vectors of B that every k step loads.
  unsigned vectors = tiles.registerCols / width;
  unsigned needed = (tiles.registerRows + 1) * vectors;
  if (needed > vectorRegisters)
    return fail("register tile " + llvm::Twine(tiles.registerRows) + " x " +
                llvm::Twine(tiles.registerCols) + " needs " +
                llvm::Twine(needed) + " vector registers; target '" + name + "' has " +
                llvm::Twine(vectorRegisters));
  if (tiles.blockM < tiles.registerRows)
    return fail("block_m " + llvm::Twine(tiles.blockM) + " is smaller than the " +
                llvm::Twine(tiles.registerRows) + " register rows");
  if (tiles.blockN < tiles.registerCols)
    return fail("block_n " + llvm::Twine(tiles.blockN) + " is smaller than the " +
                llvm::Twine(tiles.registerCols) + " register columns");
  matmul = tiles;
  return llvm::Error::success();
}

} // namespace omc
