//===- Passes.td - passes on the onnx dialect --------------------*- tablegen -*-===//

#ifndef OMC_ONNX_PASSES
#define OMC_ONNX_PASSES

include "mlir/Pass/PassBase.td"

def ONNXShapeInference : Pass<"onnx-shape-inference", "::mlir::func::FuncOp"> {
  let summary = "Refine the result types of onnx ops and of the function";
  let description = [{
    Visits the ops of a function in program order and lets each one refine its
    result types from its operands (ShapeInferenceOpInterface), then makes the
    function's result types agree with what it returns.
  }];
  let dependentDialects = ["::omc::onnx::ONNXDialect"];
}

def ONNXRecognizeComposites : Pass<"onnx-recognize-composites", "::mlir::func::FuncOp"> {
  let summary = "Put back single ops for computations exporters spell out";
  let description = [{
    LayerNormalization from ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add, GELU from
    its erf and tanh forms (onnx.Gelu), Softmax from Exp/ReduceSum/Div (with or without
    the max subtraction), ScaledDotProductAttention from scores/scale/mask/softmax/
    weighted sum, and Gemm from a MatMul of matrices plus a bias. Run after
    shape inference: the patterns check shapes.
  }];
  let dependentDialects = ["::omc::onnx::ONNXDialect"];
}

def ONNXFuseActivation : Pass<"onnx-fuse-activation", "::mlir::func::FuncOp"> {
  let summary = "Fold a Relu into the Conv or Add that alone feeds it";
  let description = [{
    Relu(Conv(...)) and Relu(Add(...)), where the Relu is the only user, become the Conv
    or Add alone with the discardable attribute `omc.activation = "relu"`: the lowering
    applies the activation as it writes the result (as a matmul epilogue where the Conv
    becomes a matmul), which saves a pass over memory and a buffer per pair (49 Conv and
    16 residual Add pairs in ResNet-50).
  }];
  let dependentDialects = ["::omc::onnx::ONNXDialect"];
}

#endif // OMC_ONNX_PASSES
