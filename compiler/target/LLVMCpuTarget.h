//===- LLVMCpuTarget.h - what CPU targets share: LLVM codegen and ld.lld ------===//
//
// CPU plugins (x86, aarch64) differ in their description (triple, CPU, features,
// vector width, tiles) and share the rest: krnl -> affine -> scf -> cf -> llvm,
// LLVM's optimization pipeline and back end for the object, ld.lld for the .so.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_TARGET_LLVMCPUTARGET_H
#define OMC_COMPILER_TARGET_LLVMCPUTARGET_H

#include "compiler/target/Target.h"

namespace omc {

class LLVMCpuTarget : public Target {
public:
  void buildCodegenPipeline(mlir::OpPassManager &pm,
                            const TargetDescription &description) const override;
  llvm::Error emitObject(llvm::Module &module, const TargetDescription &description,
                         unsigned optLevel, llvm::StringRef objectPath) const override;
  llvm::Error linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                                llvm::StringRef outputPath,
                                const TargetDescription &description) const override;

protected:
  // Fails unless LLVM knows `cpu` and every +/- feature of `features` for `triple`.
  static llvm::Error checkCpuAndFeatures(llvm::StringRef triple, llvm::StringRef cpu,
                                         llvm::StringRef features);

  // Those of `candidates` (LLVM feature names) that code for `cpu` with `features` may
  // use, comma-separated, in the order given.
  static std::string enabledFeatures(llvm::StringRef triple, llvm::StringRef cpu,
                                     llvm::StringRef features,
                                     llvm::ArrayRef<llvm::StringRef> candidates);
};

} // namespace omc

#endif // OMC_COMPILER_TARGET_LLVMCPUTARGET_H
