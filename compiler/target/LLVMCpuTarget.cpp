//===- LLVMCpuTarget.cpp - what CPU targets share: LLVM codegen and ld.lld ----===//

#include "compiler/target/LLVMCpuTarget.h"

#include "compiler/codegen/Passes.h"
#include "compiler/conversion/krnl_to_affine/Passes.h"
#include "compiler/conversion/krnl_to_llvm/Passes.h"
#include "compiler/parallel/Passes.h"
#include "compiler/target/OutputFile.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

namespace omc {

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void LLVMCpuTarget::buildCodegenPipeline(mlir::OpPassManager &pm,
                                         const TargetDescription &) const {
  // Matmuls: tiles chosen from the module's omc.target, then packed vector FMAs.
  pm.addPass(createMatmulStrategy());
  pm.addPass(createLowerMatmul());
  pm.addPass(createConvertKrnlToAffine());
  pm.addPass(mlir::createCanonicalizerPass());
  // Threads: loops with independent iterations (the matmul's marks its own) whose
  // outermost ones run on the runtime's thread pool, through a pointer it binds.
  pm.addNestedPass<mlir::func::FuncOp>(createPrivatizeScalarBuffers());
  pm.addNestedPass<mlir::func::FuncOp>(createParallelizeAffineLoops());
  pm.addPass(createOutlineParallelLoops());
  pm.addPass(mlir::createLowerAffinePass());
  pm.addPass(mlir::createSCFToControlFlowPass());
  pm.addPass(mlir::createConvertVectorToLLVMPass());
  pm.addPass(createConvertKrnlToLLVM());
  pm.addPass(createBindParallelCalls());
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
}

static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetDescription &description, unsigned optLevel) {
  llvm::Triple triple(description.triple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return fail("LLVM has no back end for " + description.triple + ": " + error);
  auto level = optLevel == 0   ? llvm::CodeGenOptLevel::None
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                               : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, description.cpu, description.features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    return fail("cannot create an LLVM target machine for " + description.triple);
  return std::move(machine);
}

llvm::Error LLVMCpuTarget::checkCpuAndFeatures(llvm::StringRef triple, llvm::StringRef cpu,
                                               llvm::StringRef features) {
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!target)
    return fail("LLVM has no back end for " + triple + ": " + error);
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(llvm::Triple(triple), "", ""));
  if (!cpu.empty() && !info->isCPUStringValid(cpu))
    return fail("unknown CPU '" + cpu + "' for " + triple);
  llvm::SmallVector<llvm::StringRef> list;
  features.split(list, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef feature : list) {
    if (!feature.starts_with("+") && !feature.starts_with("-"))
      return fail("feature '" + feature + "' must start with + or -");
    llvm::StringRef bare = feature.drop_front();
    if (llvm::none_of(info->getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) { return bare == kv.Key; }))
      return fail("unknown CPU feature '" + bare + "' for " + triple);
  }
  return llvm::Error::success();
}

std::string LLVMCpuTarget::enabledFeatures(llvm::StringRef triple, llvm::StringRef cpu,
                                           llvm::StringRef features,
                                           llvm::ArrayRef<llvm::StringRef> candidates) {
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!target)
    return "";
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(llvm::Triple(triple), cpu, features));
  std::string enabled;
  for (llvm::StringRef feature : candidates)
    if (info->checkFeatures(("+" + feature).str()))
      enabled += (enabled.empty() ? "" : ",") + feature.str();
  return enabled;
}

llvm::Error LLVMCpuTarget::emitObject(llvm::Module &module,
                                      const TargetDescription &description, unsigned optLevel,
                                      llvm::StringRef objectPath) const {
  auto machine = createTargetMachine(description, optLevel);
  if (!machine)
    return machine.takeError();
  module.setTargetTriple(llvm::Triple(description.triple));
  module.setDataLayout((*machine)->createDataLayout());

  // LLVM's own -O pipeline over the whole module.
  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PassBuilder passBuilder(machine->get());
  passBuilder.registerModuleAnalyses(moduleAnalyses);
  passBuilder.registerCGSCCAnalyses(cgsccAnalyses);
  passBuilder.registerFunctionAnalyses(functionAnalyses);
  passBuilder.registerLoopAnalyses(loopAnalyses);
  passBuilder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses,
                                   moduleAnalyses);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager optimizer = optLevel == 0
                                          ? passBuilder.buildO0DefaultPipeline(level)
                                          : passBuilder.buildPerModuleDefaultPipeline(level);
  optimizer.run(module, moduleAnalyses);

  auto emit = [&](llvm::raw_pwrite_stream &os) -> llvm::Error {
    llvm::legacy::PassManager codegen;
    if ((*machine)->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
      return fail("the LLVM back end for " + description.triple + " cannot emit objects");
    codegen.run(module);
    return llvm::Error::success();
  };
  return writeOutputFile(objectPath, llvm::sys::fs::OF_None, emit);
}

// ld.lld from the LLVM the compiler was built with, else from PATH.
static llvm::Expected<std::string> findLinker() {
  for (const char *name : {"ld.lld-22", "ld.lld"})
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
  std::string bundled = std::string(OMC_LLVM_BIN_DIR) + "/ld.lld";
  if (llvm::sys::fs::can_execute(bundled))
    return bundled;
  return fail("cannot find ld.lld (install lld-22)");
}

llvm::Error LLVMCpuTarget::linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                                             llvm::StringRef outputPath,
                                             const TargetDescription &) const {
  auto linker = findLinker();
  if (!linker)
    return linker.takeError();
  // No libraries: the model's only undefined symbols are libc's (malloc, free,
  // memcpy) and libm's, resolved from the process that loads it. No build id, so
  // that the same inputs give the same bytes.
  std::vector<std::string> args = {*linker, "-shared", "--build-id=none", "-z", "noexecstack",
                                   "-z", "now", "--hash-style=gnu", "-o", outputPath.str()};
  args.insert(args.end(), objects.begin(), objects.end());
  llvm::SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string errorMessage;
  llvm::SmallString<128> stderrPath;
  llvm::sys::fs::createTemporaryFile("omc-lld", "txt", stderrPath);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, std::nullopt,
                                                llvm::StringRef(stderrPath)};
  int status = llvm::sys::ExecuteAndWait(*linker, argRefs, std::nullopt, redirects, 0, 0,
                                         &errorMessage);
  std::string diagnostics;
  if (auto buffer = llvm::MemoryBuffer::getFile(stderrPath))
    diagnostics = (*buffer)->getBuffer().trim().str();
  llvm::sys::fs::remove(stderrPath);
  if (status != 0) {
    std::replace(diagnostics.begin(), diagnostics.end(), '\n', ' ');
    return fail("ld.lld failed" + (errorMessage.empty() ? "" : ": " + errorMessage) +
                (diagnostics.empty() ? "" : ": " + diagnostics));
  }
  return llvm::Error::success();
}

} // namespace omc
