//===- Passes.td - the nvptx target's passes ---------------------*- tablegen -*-===//

#ifndef OMC_TARGETS_NVPTX_PASSES
#define OMC_TARGETS_NVPTX_PASSES

include "mlir/Pass/PassBase.td"

def MapParallelLoopsToGpu : Pass<"omc-map-parallel-loops-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Turn every outermost scf.parallel nest into a gpu.launch";
  let description = [{
    The outermost scf.parallel of a host function, together with the
    scf.parallel ops perfectly nested in it (bounds defined outside the nest),
    becomes one gpu.launch over the flattened iteration space: blocks of
    `block-size` threads, one iteration per thread, a guard for the last block,
    and the iteration's indices recovered from the linear thread id. Inner loops
    (parallel or not) run sequentially inside each thread. An empty iteration
    space launches nothing.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "threads per block">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def GpuHostBuffers : Pass<"omc-gpu-host-buffers", "::mlir::func::FuncOp"> {
  let summary = "Place every buffer a kernel touches in memory the GPU can reach";
  let description = [{
    In a host function with gpu.launch ops, every buffer a launch captures
    (through view ops) becomes CUDA managed memory (gpu.alloc host_shared), which
    host code and kernels both address: a memref.alloc is replaced; a function
    argument (an input) and a memref.get_global (a weight) are copied into a new
    managed buffer; a memref.alloca is replaced and freed at the end of its
    block. The run-time error status buffer (the last argument of a function
    with `omc.error_messages`) is also copied back at the end, as kernels may
    set it. Results returned to the caller are copied into host memory (the
    runtime frees outputs with free()), and the managed buffers freed.
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def ConvertKernelsToNVVM : Pass<"omc-convert-kernels-to-nvvm", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower kernels to NVVM and LLVM without libdevice";
  let description = [{
    convert-gpu-to-nvvm with one difference: it would call libdevice's __nv_*
    functions for math ops and for LLVM intrinsics such as floor and sqrt, and
    libdevice comes with the CUDA toolkit, which omc must not need. Here math
    functions become arith first (expansions and polynomial approximations, as on
    the CPU targets), and what is left (sqrt, fma, abs, rounding, copysign, frem)
    stays as LLVM intrinsics that the NVPTX back end selects natively.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
  ];
}

def CollectDeviceCode : Pass<"omc-collect-device-code", "::mlir::ModuleOp"> {
  let summary = "Record the PTX of every gpu.binary on the module";
  let description = [{
    After gpu-module-to-binary (format=isa), concatenates the PTX text of every
    gpu.binary object into the `omc.device_code` string attribute of the module,
    which `--emit=ptx` writes out.
  }];
}

#endif // OMC_TARGETS_NVPTX_PASSES
