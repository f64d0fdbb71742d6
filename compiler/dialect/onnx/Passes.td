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

def ONNXFuseResidual : Pass<"onnx-fuse-residual", "::mlir::func::FuncOp"> {
  let summary = "Fold a residual Add into the Conv that alone feeds it";
  let description = [{
    Add(Conv(X, W, B), Z), where the Add alone reads the Conv and neither side broadcasts,
    becomes onnx.ConvAdd(X, W, B, Z): the convolution adds Z as it writes its result (in
    the first K block's tiles where it becomes a matmul), which saves a pass over memory
    and a buffer per residual connection (16 in ResNet-50). Runs before
    onnx-fuse-activation, which then folds the block's closing Relu into the ConvAdd.
  }];
  let dependentDialects = ["::omc::onnx::ONNXDialect"];
}

def ONNXFuseActivation : Pass<"onnx-fuse-activation", "::mlir::func::FuncOp"> {
  let summary = "Fold a Relu or ReLU6 into the op that alone feeds it";
  let description = [{
    Relu(Conv(...)), Relu(ConvAdd(...)) and Relu(Add(...)), where the Relu is the only
    user, become the producer alone with the discardable attribute
    `omc.activation = "relu"`: the lowering applies the activation as it writes the result
    (as a matmul epilogue where the Conv becomes a matmul), which saves a pass over memory
    and a buffer per pair (33 Conv and 16 ConvAdd pairs in ResNet-50). Likewise a Clip
    with constant bounds 0 and 6 after a Conv or ConvAdd becomes `omc.activation =
    "relu6"` (35 pairs in MobileNetV2).
  }];
  let dependentDialects = ["::omc::onnx::ONNXDialect"];
}

#endif // OMC_ONNX_PASSES
