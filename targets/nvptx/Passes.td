//===- Passes.td - the nvptx target's passes ---------------------*- tablegen -*-===//

#ifndef OMC_TARGETS_NVPTX_PASSES
#define OMC_TARGETS_NVPTX_PASSES

include "mlir/Pass/PassBase.td"

def TileMatmulsForGpu : Pass<"omc-tile-matmuls-for-gpu", "::mlir::func::FuncOp"> {
  let summary = "Tile f32 linalg.matmul for thread blocks staging slices in shared memory";
  let description = [{
    Every f32 linalg.matmul on buffers directly in the function becomes phase
    form: an scf.parallel over C's 64x64 tiles mapped to blocks, holding
    scf.parallel loops over 256 threads mapped to thread_x. K goes in steps of
    16: the block stages A's and B's slices in buffers it shares, then each
    thread adds 16 rank-1 updates to its 4x4 tile of C (a buffer indexed first
    by the thread). The product is added to C, then the matmul's epilogue
    (omc.epilogue) is applied. Run sequentially, the phase form computes the
    same C; omc-map-block-phases-to-gpu turns it into a gpu.launch.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def MapBlockPhasesToGpu : Pass<"omc-map-block-phases-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Turn each scf.parallel mapped to blocks, with thread phases, into a gpu.launch";
  let description = [{
    An scf.parallel mapped to GPU blocks (#gpu.loop_dim_map) whose body holds
    phases, 1-d scf.parallel loops mapped to thread_x with constant bounds,
    becomes one gpu.launch with a block per iteration and as many threads as the
    longest phase. Each phase runs on the threads below its trip count and ends
    in a gpu.barrier (but the last). The phases may sit in scf.for loops; any
    other op outside them must be pure or a memref.load, as every thread runs
    it (with such loads, each phase also starts with a barrier, so that no
    thread writes what another has yet to read). The block's
    allocas become workgroup attributions, except one that every use indexes
    first by its phase's thread, which becomes a private attribution without that
    dim. Anything else is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def HoistParallelLoops : Pass<"omc-hoist-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Swap each scf.for whose body is one scf.parallel with it, where that is sound";
  let description = [{
    scf.for { scf.parallel { body } } becomes scf.parallel { scf.for { body } }
    when the parallel loop's bounds do not depend on the sequential one, its
    body has no regions and no side effects but loads and stores, and every
    buffer the body stores to is accessed through one memref at one index list
    holding each of the parallel loop's indices (each parallel iteration owns
    what it writes). A reduction over a middle axis then maps to one GPU thread
    per output element rather than one per outer index.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def MapRowsToBlocks : Pass<"omc-map-rows-to-blocks", "::mlir::func::FuncOp"> {
  let summary = "Map each row of a parallel nest whose rows reduce to one thread block";
  let description = [{
    An outermost scf.parallel nest (perfectly nested) whose innermost body
    reduces in scf.for loops (or perfect nests of them), each folding every
    iteration into one element by one associative operation (max, min, or a
    float sum or product marked reassoc), and otherwise holds only 1-d inner
    scf.parallel loops, stores, loads, rank-0 allocas and pure ops, becomes
    phase form (see omc-map-block-phases-to-gpu): one block per row, the rows
    numbered on grid x (whose limit is 2^31 - 1, where y's and z's is 65535).
    The element is a rank-0 alloca of the body, or any buffer's at indices
    defined outside the loops; for the latter, every other load in the
    innermost loop must read along its last dim by that loop's index (so that
    a block's threads read neighbouring elements), unless the nest has a
    constant count of rows under 1024 (too few for a thread each to keep a GPU
    busy). A reduction becomes a phase
    in which each thread folds a strided share of its iterations (of a nest's,
    numbered with the last loop fastest) into a partial, a tree of phases over
    the partials in a shared buffer, and a one-thread phase that folds the
    total into the element; an inner parallel loop becomes a phase of strided
    shares; a store becomes a one-thread phase. A reduction loop may read
    other scalars of the row (an earlier reduction's result); its other stores
    must write, at its index, buffers it does not read (a nest's may store
    nothing else). Threads: the reductions' trip count rounded up to a power
    of two in [32, 256] (256 when not a constant). A sequential nest outside
    any parallel loop that is such a reduction (ReduceMean over every axis)
    becomes a row of its own: one block. Other nests are left alone.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

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

def GpuHostBuffers : Pass<"omc-gpu-host-buffers", "::mlir::ModuleOp"> {
  let summary = "Place every buffer a kernel touches in memory the GPU can reach";
  let description = [{
    In each host function with gpu.launch ops, every buffer a launch captures
    (through view ops) goes where kernels reach it. Device memory (gpu.alloc)
    when only kernels and driver copies touch its elements, else CUDA managed
    memory (gpu.alloc host_shared), which host code addresses too:
    - a memref.alloc or memref.alloca is replaced (an alloca freed at the end of
      its block);
    - a function argument (an input) is copied in: by the driver (gpu.memcpy)
      into device memory, or by the host (memref.copy) into managed memory;
    - a memref.get_global (a weight) that only kernels read is kept on the
      device across runs: a zero-initialized llvm.mlir.global slot of the
      library holds its device copy, which the runtime's mgpuOmcDeviceWeight
      makes on the first run; any other weight is copied in like an input.
    The run-time error status buffer (the last argument of a function with
    `omc.error_messages`) is managed and copied back at the end, as kernels may
    set it. Results returned to the caller are copied by the driver into host
    memory (the runtime frees outputs with free()), and the GPU buffers freed.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
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
