// RUN: omc-compile --emit=onnx -o - %testdata/pytorch-operator/test_operator_chunk/model.onnx | FileCheck %s --check-prefix=SPLIT
// RUN: omc-compile --emit=onnx -o - %testdata/pytorch-operator/test_operator_index/model.onnx | FileCheck %s --check-prefix=SLICE

// Opset 6 models come out in opset 17's form (by ONNX's version converter): Split's
// `split` and Slice's starts/ends/axes attributes are inputs now.
// SPLIT: %[[SIZES:.*]] = onnx.Constant {value = dense<[2, 1]> : tensor<2xi64>}
// SPLIT: onnx.Split %arg0, %[[SIZES]] : (tensor<3xf32>, tensor<2xi64>) -> (tensor<2xf32>, tensor<1xf32>)

// SLICE: %[[ZERO:.*]] = onnx.Constant {value = dense<0> : tensor<1xi64>}
// SLICE: %[[ONE:.*]] = onnx.Constant {value = dense<1> : tensor<1xi64>}
// SLICE: onnx.Slice %arg0, %[[ZERO]], %[[ONE]], %[[ZERO]], %{{.*}} : (tensor<1x1xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1x1xf32>
// SLICE: onnx.Squeeze %{{.*}}, %[[ZERO]] : (tensor<1x1xf32>, tensor<1xi64>) -> tensor<1xf32>

// RUN: omc-compile --emit=onnx -o - %testdata/pytorch-converted/test_PReLU_2d_multiparam/model.onnx | FileCheck %s --check-prefix=PRELU
// Before opset 7 a [C] slope is per channel; it keeps that meaning as [C, 1, 1].
// PRELU: onnx.PRelu %arg0, %{{.*}} : (tensor<2x3x4x5xf32>, tensor<3x1x1xf32>) -> tensor<2x3x4x5xf32>
