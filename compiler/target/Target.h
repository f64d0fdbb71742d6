//===- Target.h - the hardware target plugin interface ------------------------===//
//
// A target decides everything that depends on the hardware: the triple, CPU and
// features, vector width, tile sizes, the passes from krnl down to the LLVM
// dialect, and how the object is emitted and linked into the model library. The
// frontend never names a target; `--target=NAME` picks one from the registry.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_TARGET_TARGET_H
#define OMC_COMPILER_TARGET_TARGET_H

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace omc {

// Register and cache tiles of fp32 matmul-like kernels: rows x columns held in
// registers, and the K/M/N blocks that fit the caches.
struct MatmulTiles {
  unsigned registerRows = 0, registerCols = 0;
  unsigned blockK = 0, blockM = 0, blockN = 0;
};

// What the user asked for on the command line.
struct TargetOptions {
  std::string cpu;      // --cpu, empty for the target's default
  std::string features; // --features, e.g. "+avx512f,-avx512vl"
  unsigned optLevel = 2; // -O0..-O3
  // --matmul-tiles: replaces the target's own tiles (to tune a CPU the table misses).
  std::optional<MatmulTiles> matmulTiles;
};

// The target as data, resolved once from the options and attached to the module as
// the `omc.target` attribute, so that every codegen decision reads it and never
// the host.
struct TargetDescription {
  std::string name;
  std::string triple;
  std::string cpu;
  std::string features;
  unsigned vectorBits = 0;      // widest vector register
  unsigned vectorRegisters = 0; // architectural vector registers
  MatmulTiles matmul;
  // The CPU features the code may use that a CPU of the triple may lack, comma-separated
  // (omc_cpu_features in runtime/include/omc/model_abi.h): the runtime checks them.
  std::string hostFeatures;

  mlir::DictionaryAttr toAttribute(mlir::MLIRContext &context) const;

  // Replaces `matmul` with `tiles` after checking that they fit this target: whole
  // vectors of columns, accumulators and B's vectors within the register file, and
  // blocks of at least one register tile. The error names the field at fault.
  llvm::Error overrideMatmulTiles(const MatmulTiles &tiles);
};

class Target {
public:
  virtual ~Target() = default;

  // The name `--target` selects, e.g. "x86-avx512".
  virtual llvm::StringRef name() const = 0;
  // One line for `--help` and error messages.
  virtual llvm::StringRef summary() const = 0;

  // Resolves the options into a full description; fails on an unknown CPU or
  // feature, naming it.
  virtual llvm::Expected<TargetDescription> describe(const TargetOptions &options) const = 0;

  // How well the host runs this target's code natively: 0 if it cannot. The
  // default target is the registered one with the highest score.
  virtual unsigned hostScore() const { return 0; }

  // Passes from krnl (with affine/memref/arith) to the LLVM dialect.
  virtual void buildCodegenPipeline(mlir::OpPassManager &pm,
                                    const TargetDescription &description) const = 0;

  // Optimizes `module` (LLVM IR translated from the LLVM dialect) and writes it as
  // an object file for the target's triple.
  virtual llvm::Error emitObject(llvm::Module &module, const TargetDescription &description,
                                 unsigned optLevel, llvm::StringRef objectPath) const = 0;

  // Links objects into the model shared library.
  virtual llvm::Error linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                                        llvm::StringRef outputPath,
                                        const TargetDescription &description) const = 0;
};

} // namespace omc

#endif // OMC_COMPILER_TARGET_TARGET_H
