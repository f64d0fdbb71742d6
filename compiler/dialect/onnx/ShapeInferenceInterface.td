//===- ShapeInferenceInterface.td - refine result types ----------*- tablegen -*-===//
//
// Ops that can compute their result types from their operands' types. The
// onnx-shape-inference pass calls this in program order so that dims the
// importer left dynamic become static wherever the inputs allow it.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_SHAPE_INFERENCE_INTERFACE
#define OMC_SHAPE_INFERENCE_INTERFACE

include "mlir/IR/OpBase.td"

def ShapeInferenceOpInterface : OpInterface<"ShapeInferenceOpInterface"> {
  let cppNamespace = "::omc::onnx";
  let description = [{
    Refines the op's result types in place from its operand types. Returns failure,
    with a diagnostic, when the operand shapes are incompatible (for example two
    static dims that cannot broadcast).
  }];
  let methods = [
    InterfaceMethod<"Refines the result types from the operand types.",
                    "::mlir::LogicalResult", "inferShapes">,
  ];
}

#endif // OMC_SHAPE_INFERENCE_INTERFACE
