//===- NvptxTarget.cpp - the nvptx target: NVIDIA GPUs through PTX ------------===//
//
// Kernels: f32 matmuls tiled for thread blocks and shared memory; for the rest,
// krnl -> affine, parallel loops found by dependence analysis, each
// outermost parallel nest a gpu.launch, outlined into one gpu.module, NVVM, PTX
// from LLVM's NVPTX back end (no CUDA toolkit). Host: the rest of the model,
// compiled for this machine, calls the runtime's CUDA layer (see CudaBinding.h),
// which JIT-loads the PTX embedded in the library.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/krnl_to_affine/Passes.h"
#include "compiler/conversion/krnl_to_llvm/Passes.h"
#include "compiler/parallel/Passes.h"
#include "compiler/target/LLVMCpuTarget.h"
#include "compiler/target/TargetRegistry.h"
#include "targets/nvptx/CudaBinding.h"
#include "targets/nvptx/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Affine/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

extern "C" {
void LLVMInitializeNVPTXTargetInfo();
void LLVMInitializeNVPTXTarget();
void LLVMInitializeNVPTXTargetMC();
void LLVMInitializeNVPTXAsmPrinter();
}

namespace omc {
namespace {

constexpr const char *kDeviceTriple = "nvptx64-nvidia-cuda";
constexpr const char *kDefaultArch = "sm_80";

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

class NvptxTarget : public LLVMCpuTarget {
public:
  NvptxTarget() {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    // The host half of the model is compiled for this machine.
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  }

  llvm::StringRef name() const override { return "nvptx"; }
  llvm::StringRef summary() const override {
    return "NVIDIA GPUs through PTX (--cpu=sm_80 default, sm_90, ...); runs through "
           "the CUDA driver";
  }

  llvm::Expected<TargetDescription> describe(const TargetOptions &options) const override {
    TargetDescription description;
    description.name = "nvptx";
    description.triple = kDeviceTriple;
    description.cpu = options.cpu.empty() ? kDefaultArch : options.cpu;
    description.features = options.features;
    // A warp of 32 threads plays the role of the vector; no register tiles yet.
    description.vectorBits = 32 * 32;
    description.vectorRegisters = 0;
    if (!llvm::StringRef(description.cpu).starts_with("sm_"))
      return fail("unknown GPU architecture '" + description.cpu +
                  "' for nvptx (expected sm_NN, e.g. sm_80 or sm_90)");
    if (llvm::Error error =
            checkCpuAndFeatures(description.triple, description.cpu, description.features))
      return std::move(error);
    return description;
  }

  void buildCodegenPipeline(mlir::OpPassManager &pm,
                            const TargetDescription &description) const override {
    // Matmuls: tiles of C per thread block, staged through shared memory.
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createTileMatmulsForGpu());
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createMapBlockPhasesToGpu());

    // Other loops, and which of them are parallel.
    pm.addPass(createConvertKrnlToAffine());
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addNestedPass<mlir::func::FuncOp>(createPrivatizeScalarBuffers());
    pm.addNestedPass<mlir::func::FuncOp>(createParallelizeAffineLoops());
    pm.addPass(mlir::createLowerAffinePass());

    // Kernels and the buffers they reach: parallel loops moved out of sequential
    // ones where sound, rows that reduce as thread blocks, the other nests one
    // thread per iteration. First the constants that lowering left between nested
    // loops are hoisted, so that nests are seen whole (not by the canonicalizer,
    // which would also fold away loops of one iteration, and with them a kernel).
    pm.addPass(mlir::createLoopInvariantCodeMotionPass());
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createHoistParallelLoops());
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createMapRowsToBlocks());
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createMapBlockPhasesToGpu());
    pm.addNestedPass<mlir::func::FuncOp>(nvptx::createMapParallelLoopsToGpu());
    pm.addPass(nvptx::createGpuHostBuffers());
    pm.addPass(mlir::createCanonicalizerPass());
    // The canonicalizer hoisted the kernels' constants out of the launches: sunk
    // back, they stay constants rather than become kernel arguments (a private
    // buffer indexed by an argument could not be kept in registers).
    pm.addPass(mlir::createGpuLaunchSinkIndexComputationsPass());
    pm.addPass(mlir::createGpuKernelOutliningPass());

    // Device code: NVVM, then PTX.
    mlir::GpuNVVMAttachTargetOptions attach;
    attach.chip = description.cpu;
    attach.features = description.features;
    attach.optLevel = 3;
    pm.addPass(mlir::createGpuNVVMAttachTarget(attach));
    mlir::OpPassManager &kernels = pm.nest<mlir::gpu::GPUModuleOp>();
    kernels.addPass(mlir::createSCFToControlFlowPass());
    kernels.addPass(nvptx::createConvertKernelsToNVVM());
    kernels.addPass(mlir::createCanonicalizerPass());
    kernels.addPass(mlir::createReconcileUnrealizedCastsPass());
    mlir::GpuModuleToBinaryPassOptions toBinary;
    toBinary.compilationTarget = "isa";
    pm.addPass(mlir::createGpuModuleToBinaryPass(toBinary));
    pm.addPass(nvptx::createCollectDeviceCode());

    // Host code: the model ABI, then the GPU calls.
    pm.addPass(mlir::createSCFToControlFlowPass());
    pm.addPass(createConvertKrnlToLLVM());
    pm.addPass(mlir::createGpuToLLVMConversionPass());
    pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  }

  llvm::Error emitObject(llvm::Module &module, const TargetDescription &description,
                         unsigned optLevel, llvm::StringRef objectPath) const override {
    if (llvm::Error error = nvptx::bindCudaCalls(module))
      return error;
    TargetDescription host = description;
    host.triple = llvm::sys::getProcessTriple();
    host.cpu.clear();
    host.features.clear();
    return LLVMCpuTarget::emitObject(module, host, optLevel, objectPath);
  }
};

TargetRegistration nvptxTarget(std::make_unique<NvptxTarget>());

} // namespace
} // namespace omc
