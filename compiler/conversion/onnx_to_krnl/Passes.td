//===- Passes.td - onnx -> krnl ---------------------------------*- tablegen -*-===//

#ifndef OMC_CONVERSION_ONNX_TO_KRNL_PASSES
#define OMC_CONVERSION_ONNX_TO_KRNL_PASSES

include "mlir/Pass/PassBase.td"

def ConvertONNXToKrnl : Pass<"convert-onnx-to-krnl", "::mlir::ModuleOp"> {
  let summary = "Lower onnx ops on tensors to krnl loop nests over buffers";
  let description = [{
    Every onnx op becomes buffers (memref.alloc, krnl.global for constants) and
    krnl.iterate nests that compute them. Each function's results are fresh
    buffers that the caller owns; every other buffer is freed before returning.
    A function carrying `omc.input_names` gets a krnl.entry_point with the JSON
    signatures of its inputs and outputs.
  }];
  let dependentDialects = [
    "::omc::krnl::KrnlDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // OMC_CONVERSION_ONNX_TO_KRNL_PASSES
