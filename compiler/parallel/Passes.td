//===- Passes.td - parallel loops: found, then run on threads ---*- tablegen -*-===//
//
// Shared by the targets: which loops have independent iterations (affine.parallel),
// and, for CPU targets, how the outermost of them run on the runtime's thread pool.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_PARALLEL_PASSES
#define OMC_PARALLEL_PASSES

include "mlir/Pass/PassBase.td"

def PrivatizeScalarBuffers : Pass<"omc-privatize-scalar-buffers", "::mlir::func::FuncOp"> {
  let summary = "Move accumulator allocas into the loop body that owns them";
  let description = [{
    The krnl lowering allocates reduction accumulators (single-element
    memref.alloca) once per function and reinitializes them in every iteration of
    a loop. Such a buffer carries no value across iterations, but it makes every
    enclosing loop look sequential to the dependence analysis. A buffer whose uses
    all sit in one loop body and whose first use there is a store in that body
    itself moves to the start of that body, one private copy per iteration.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect"];
}

def ParallelizeAffineLoops : Pass<"omc-parallelize-affine-loops", "::mlir::func::FuncOp"> {
  let summary = "affine.for -> affine.parallel where iterations are independent";
  let description = [{
    affine-parallelize, except that a non-affine memref.load (a gather, a padded
    convolution's clamped index) does not stop it when no write in the loop
    reaches the buffer it reads, nor does a store of a constant error code to
    the run-time error status buffer (StatusBuffer.h) that the loop never reads,
    nor a memref.prefetch (a hint, which declares no effects).
    Affine accesses are checked by dependence analysis; buffers allocated inside
    the loop are private to an iteration.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect"];
}

def OutlineParallelLoops : Pass<"omc-outline-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Outline the outermost parallel loops with enough work into chunk functions";
  let description = [{
    Each outermost 1-D affine.parallel, or scf.for marked `omc.parallel` (a loop
    whose lowering knows its iterations are independent), whose estimated work
    reaches `min-work` operations moves into a new private function
    `PARENT.omc_parallel.N(%first, %last, %lower, captures...)` that runs iterations
    [%first, %last) of it (iteration k is the original induction value
    %lower + k * step). The loop becomes a call of that function over all its
    iterations; omc-bind-parallel-calls later routes such calls through the
    runtime's thread pool, which splits [0, count) among threads. Constants are
    cloned into the new function; static allocas inside loops move to their
    function's entry, so that a loop does not grow the stack per iteration.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "32768",
           "estimated operations (trip counts times body ops) below which a loop stays serial">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
  ];
}

def BindParallelCalls : Pass<"omc-bind-parallel-calls", "::mlir::ModuleOp"> {
  let summary = "Route calls of outlined parallel loops through the runtime's thread pool";
  let description = [{
    Runs on the LLVM dialect, after omc-outline-parallel-loops and the conversion
    to LLVM. Each call of a `*.omc_parallel.N(first, last, rest...)` function
    becomes: the rest stored in a context struct (an alloca in the caller's entry
    block), and a call through the internal pointer `omc_parallel_for_hook` of
    `hook(PARENT.omc_parallel.N.task, &context, first, last)`, where the task
    function unpacks the context and calls the chunk function for a sub-range.
    The pointer starts as an in-library serial loop (the model runs alone when no
    runtime binds it); the exported `void omc_threads_bind(void *hook)` sets it
    (NULL restores the serial one). The library therefore still links nothing.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // OMC_PARALLEL_PASSES
