// RUN: omc-opt %s --onnx-recognize-composites --canonicalize | FileCheck %s

// The epsilon is LayerNormalization's default (1e-5), so it is not printed.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[Y:.*]], %{{.*}}, %{{.*}} = onnx.LayerNormalization %arg0, %arg1, %arg2 {axis = 2 : si64} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x3x8xf32>, none, none)
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm(%x: tensor<2x3x8xf32>, %gamma: tensor<8xf32>, %beta: tensor<8xf32>) -> tensor<2x3x8xf32> {
  %two = onnx.Constant {value = dense<2.0> : tensor<f32>} : tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %mean = onnx.ReduceMean %x {axes = [-1]} : (tensor<2x3x8xf32>) -> tensor<2x3x1xf32>
  %d = onnx.Sub %x, %mean : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %sq = onnx.Pow %d, %two : (tensor<2x3x8xf32>, tensor<f32>) -> tensor<2x3x8xf32>
  %var = onnx.ReduceMean %sq {axes = [-1]} : (tensor<2x3x8xf32>) -> tensor<2x3x1xf32>
  %ve = onnx.Add %var, %eps : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
  %s = onnx.Sqrt %ve : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
  %n = onnx.Div %d, %s : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %m = onnx.Mul %gamma, %n : (tensor<8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %y = onnx.Add %m, %beta : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// Normalizing over a non-trailing axis is not a LayerNormalization.
// CHECK-LABEL: func.func @not_layer_norm
// CHECK-NOT: onnx.LayerNormalization
func.func @not_layer_norm(%x: tensor<2x8xf32>, %gamma: tensor<8xf32>, %beta: tensor<8xf32>) -> tensor<2x8xf32> {
  %two = onnx.Constant {value = dense<2.0> : tensor<f32>} : tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %mean = onnx.ReduceMean %x {axes = [0]} : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %d = onnx.Sub %x, %mean : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %sq = onnx.Pow %d, %two : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %var = onnx.ReduceMean %sq {axes = [0]} : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %ve = onnx.Add %var, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %s = onnx.Sqrt %ve : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %n = onnx.Div %d, %s : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %m = onnx.Mul %n, %gamma : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %y = onnx.Add %m, %beta : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// torch.nn.GELU(): x * 0.5 * (1 + erf(x / sqrt(2))), grouped as torch exports it.
// CHECK-LABEL: func.func @gelu_erf
// CHECK-NEXT: %[[Y:.*]] = onnx.Gelu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_erf(%x: tensor<4xf32>) -> tensor<4xf32> {
  %sqrt2 = onnx.Constant {value = dense<1.41421354> : tensor<f32>} : tensor<f32>
  %one = onnx.Constant {value = dense<1.0> : tensor<f32>} : tensor<f32>
  %half = onnx.Constant {value = dense<0.5> : tensor<f32>} : tensor<f32>
  %0 = onnx.Div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = onnx.Erf %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = onnx.Add %1, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = onnx.Mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = onnx.Mul %3, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// GPT-2's new_gelu: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-NEXT: %[[Y:.*]] = onnx.Gelu %arg0 {approximate = "tanh"}
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %half = onnx.Constant {value = dense<0.5> : tensor<f32>} : tensor<f32>
  %three = onnx.Constant {value = dense<3.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Constant {value = dense<0.044715> : tensor<f32>} : tensor<f32>
  %k = onnx.Constant {value = dense<0.797884583> : tensor<f32>} : tensor<f32>
  %one = onnx.Constant {value = dense<1.0> : tensor<f32>} : tensor<f32>
  %0 = onnx.Mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Pow %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = onnx.Mul %c, %1 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = onnx.Add %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = onnx.Mul %k, %3 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = onnx.Tanh %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = onnx.Add %one, %5 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = onnx.Mul %0, %6 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}

// A different constant is a different function.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: onnx.Gelu
func.func @not_gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %sqrt2 = onnx.Constant {value = dense<1.41421354> : tensor<f32>} : tensor<f32>
  %one = onnx.Constant {value = dense<1.0> : tensor<f32>} : tensor<f32>
  %third = onnx.Constant {value = dense<0.333> : tensor<f32>} : tensor<f32>
  %0 = onnx.Div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = onnx.Erf %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = onnx.Add %1, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = onnx.Mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = onnx.Mul %3, %third : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: %[[Y:.*]] = onnx.Softmax %arg0 {axis = 1 : si64}
// CHECK-NEXT: return %[[Y]]
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %axes = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %max = onnx.ReduceMax %x {axes = [1]} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  %d = onnx.Sub %x, %max : (tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x5xf32>
  %e = onnx.Exp %d : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %s = onnx.ReduceSum %e, %axes : (tensor<2x5xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %y = onnx.Div %e, %s : (tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @gemm
// CHECK-NEXT: %[[Y:.*]] = onnx.Gemm %arg0, %arg1, %arg2 : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gemm(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = onnx.Add %c, %0 : (tensor<5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %1 : tensor<3x5xf32>
}

// A bias that widens the product is not Gemm's C.
// CHECK-LABEL: func.func @not_gemm
// CHECK: onnx.MatMul
func.func @not_gemm(%a: tensor<1x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<1x4xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  %1 = onnx.Add %0, %c : (tensor<1x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %1 : tensor<3x5xf32>
}

// GPT-2's attention: q.k^T / sqrt(d), causal mask by Where, softmax, weights.v.
// CHECK-LABEL: func.func @attention
// CHECK: %[[Y:.*]] = onnx.ScaledDotProductAttention %arg0, %arg1, %arg2, %arg3, %{{.*}} {scale = 1.250000e-01 : f32} : (tensor<1x2x4x64xf32>, tensor<1x2x64x4xf32>, tensor<1x2x4x64xf32>, tensor<1x1x4x4xi1>, tensor<f32>) -> tensor<1x2x4x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @attention(%q: tensor<1x2x4x64xf32>, %kt: tensor<1x2x64x4xf32>, %v: tensor<1x2x4x64xf32>, %mask: tensor<1x1x4x4xi1>) -> tensor<1x2x4x64xf32> {
  %sqrt_d = onnx.Constant {value = dense<8.0> : tensor<f32>} : tensor<f32>
  %lowest = onnx.Constant {value = dense<-3.40282347E+38> : tensor<f32>} : tensor<f32>
  %0 = onnx.MatMul %q, %kt : (tensor<1x2x4x64xf32>, tensor<1x2x64x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = onnx.Div %0, %sqrt_d : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %2 = onnx.Where %mask, %1, %lowest : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %3 = onnx.Softmax %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %4 = onnx.MatMul %3, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x64xf32>) -> tensor<1x2x4x64xf32>
  return %4 : tensor<1x2x4x64xf32>
}

// Softmax over another axis is not attention.
// CHECK-LABEL: func.func @not_attention
// CHECK-NOT: onnx.ScaledDotProductAttention
func.func @not_attention(%q: tensor<4x8xf32>, %kt: tensor<8x4xf32>, %v: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = onnx.MatMul %q, %kt : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %1 = onnx.Softmax %0 {axis = 0 : si64} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %2 = onnx.MatMul %1, %v : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}
