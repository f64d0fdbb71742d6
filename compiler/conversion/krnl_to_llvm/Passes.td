//===- Passes.td - krnl -> llvm ---------------------------------*- tablegen -*-===//

#ifndef OMC_CONVERSION_KRNL_TO_LLVM_PASSES
#define OMC_CONVERSION_KRNL_TO_LLVM_PASSES

include "mlir/Pass/PassBase.td"

def ConvertKrnlToLLVM : Pass<"convert-krnl-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Export entry points through the omc model ABI and lower to LLVM";
  let description = [{
    Each krnl.entry_point becomes the C functions of the model ABI
    (runtime/include/omc/model_abi.h): `omc_run_<name>`, which unpacks omc_tensor
    structs into memrefs, calls the function and packs its results;
    `omc_signature_in_<name>` / `omc_signature_out_<name>`; and once per module
    `omc_entry_points`, `omc_abi_version` and, when the module's `omc.target` lists
    host_features, `omc_cpu_features`. Then arith, math, cf, func, index
    and memref ops are converted to the LLVM dialect. Affine and SCF must already
    be lowered (lower-affine, convert-scf-to-cf).
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::cf::ControlFlowDialect",
  ];
}

#endif // OMC_CONVERSION_KRNL_TO_LLVM_PASSES
