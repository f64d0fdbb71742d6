// RUN: omc-opt %s --canonicalize | FileCheck %s

// Ops on small constants fold to constants; no-ops fold to their input.

// CHECK-LABEL: func.func @shape_of_static
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>}
// CHECK-NEXT: return %[[C]]
func.func @shape_of_static(%a: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %0 = onnx.Shape %a {start = 1 : si64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func.func @gather_concat_slice
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<[7, 5]> : tensor<2xi64>}
// CHECK-NEXT: return %[[C]]
func.func @gather_concat_slice() -> tensor<2xi64> {
  %a = onnx.Constant {value = dense<[5, 6, 7]> : tensor<3xi64>} : tensor<3xi64>
  %i = onnx.Constant {value = dense<[2, -3]> : tensor<2xi64>} : tensor<2xi64>
  %g = onnx.Gather %a, %i {axis = 0 : si64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %c = onnx.Concat %g, %a {axis = 0 : si64} : (tensor<2xi64>, tensor<3xi64>) -> tensor<5xi64>
  %s = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %e = onnx.Constant {value = dense<[2]> : tensor<1xi64>} : tensor<1xi64>
  %none = onnx.NoValue
  %r = onnx.Slice %c, %s, %e, %none, %none : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// CHECK-LABEL: func.func @arith_broadcast
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<{{\[}}[11, 22], [13, 24]]> : tensor<2x2xi64>}
// CHECK-NEXT: return %[[C]]
func.func @arith_broadcast() -> tensor<2x2xi64> {
  %a = onnx.Constant {value = dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>} : tensor<2x2xi64>
  %b = onnx.Constant {value = dense<[10, 20]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Add %a, %b : (tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// Integer division by zero is left for the runtime.
// CHECK-LABEL: func.func @div_by_zero
// CHECK: onnx.Div
func.func @div_by_zero() -> tensor<i64> {
  %a = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %b = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %0 = onnx.Div %a, %b : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @range_cast_constant_of_shape
// CHECK-DAG: onnx.Constant {value = dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>}
// CHECK-DAG: onnx.Constant {value = dense<7> : tensor<2x3xi32>}
// CHECK-NOT: onnx.Range
func.func @range_cast_constant_of_shape() -> (tensor<2xf32>, tensor<2x3xi32>) {
  %s = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %l = onnx.Constant {value = dense<5> : tensor<i64>} : tensor<i64>
  %d = onnx.Constant {value = dense<2> : tensor<i64>} : tensor<i64>
  %r = onnx.Range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2xi64>
  %f = onnx.Cast %r {to = 1 : si64} : (tensor<2xi64>) -> tensor<2xf32>
  %shape = onnx.Constant {value = dense<[2, 3]> : tensor<2xi64>} : tensor<2xi64>
  %c = onnx.ConstantOfShape %shape {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  return %f, %c : tensor<2xf32>, tensor<2x3xi32>
}

// CHECK-LABEL: func.func @where_equal_transpose
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<{{\[}}[1, 0], [2, 0]]> : tensor<2x2xi64>}
// CHECK-NEXT: return %[[C]]
func.func @where_equal_transpose() -> tensor<2x2xi64> {
  %a = onnx.Constant {value = dense<[[1, 2], [0, 0]]> : tensor<2x2xi64>} : tensor<2x2xi64>
  %t = onnx.Transpose %a : (tensor<2x2xi64>) -> tensor<2x2xi64>
  %zero = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %e = onnx.Equal %t, %zero : (tensor<2x2xi64>, tensor<i64>) -> tensor<2x2xi1>
  %w = onnx.Where %e, %zero, %t : (tensor<2x2xi1>, tensor<i64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  return %w : tensor<2x2xi64>
}

// No-ops: a Cast to the same type, an identity Transpose, a Reshape to the same shape.
// CHECK-LABEL: func.func @no_ops
// CHECK-NEXT: return %arg0
func.func @no_ops(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Cast %a {to = 1 : si64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Transpose %0 {perm = [0, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %shape = onnx.Constant {value = dense<[2, 3]> : tensor<2xi64>} : tensor<2xi64>
  %2 = onnx.Reshape %1, %shape : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// Weights are not duplicated: large constants do not fold.
// CHECK-LABEL: func.func @too_large
// CHECK: onnx.Transpose
func.func @too_large(%a: tensor<512x256xf32>) -> tensor<256x512xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<512x256xf32>} : tensor<512x256xf32>
  %0 = onnx.Transpose %w : (tensor<512x256xf32>) -> tensor<256x512xf32>
  return %0 : tensor<256x512xf32>
}

// CHECK-LABEL: func.func @more_shape_folds
// CHECK-DAG: onnx.Constant {value = dense<6> : tensor<i64>}
// CHECK-DAG: onnx.Constant {value = dense<{{\[}}[1, 2, 3]]> : tensor<1x3xi64>}
// CHECK-DAG: onnx.Constant {value = dense<[1, 2, 3]> : tensor<3xi64>}
// CHECK-DAG: onnx.Constant {value = dense<{{\[}}[1, 2, 3], [1, 2, 3]]> : tensor<2x3xi64>}
// CHECK-NOT: onnx.Size
// CHECK-NOT: onnx.Unsqueeze
// CHECK-NOT: onnx.Squeeze
// CHECK-NOT: onnx.Expand
func.func @more_shape_folds(%a: tensor<2x3xf32>) -> (tensor<i64>, tensor<1x3xi64>, tensor<3xi64>, tensor<2x3xi64>) {
  %size = onnx.Size %a : (tensor<2x3xf32>) -> tensor<i64>
  %v = onnx.Constant {value = dense<[1, 2, 3]> : tensor<3xi64>} : tensor<3xi64>
  %axes = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %u = onnx.Unsqueeze %v, %axes : (tensor<3xi64>, tensor<1xi64>) -> tensor<1x3xi64>
  %s = onnx.Squeeze %u, %axes : (tensor<1x3xi64>, tensor<1xi64>) -> tensor<3xi64>
  %shape = onnx.Constant {value = dense<[2, 1]> : tensor<2xi64>} : tensor<2xi64>
  %e = onnx.Expand %v, %shape : (tensor<3xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  return %size, %u, %s, %e : tensor<i64>, tensor<1x3xi64>, tensor<3xi64>, tensor<2x3xi64>
}

// CHECK-LABEL: func.func @float_arith_compare
// CHECK-DAG: onnx.Constant {value = dense<[-3.000000e+00, 3.750000e+00]> : tensor<2xf32>}
// CHECK-DAG: onnx.Constant {value = dense<[true, false]> : tensor<2xi1>}
// CHECK-DAG: onnx.Constant {value = dense<[false, true]> : tensor<2xi1>}
func.func @float_arith_compare() -> (tensor<2xf32>, tensor<2xi1>, tensor<2xi1>) {
  %a = onnx.Constant {value = dense<[0.5, 4.0]> : tensor<2xf32>} : tensor<2xf32>
  %b = onnx.Constant {value = dense<[2.0, 1.5]> : tensor<2xf32>} : tensor<2xf32>
  %d = onnx.Sub %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %m = onnx.Mul %d, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %r = onnx.Div %m, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %p = onnx.Mul %r, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %lt = onnx.Less %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  %gt = onnx.Greater %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %p, %lt, %gt : tensor<2xf32>, tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func.func @unary_float
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<[2.000000e+00, 0.000000e+00]> : tensor<2xf32>}
// CHECK-NEXT: return %[[C]]
func.func @unary_float() -> tensor<2xf32> {
  %a = onnx.Constant {value = dense<[4.0, -9.0]> : tensor<2xf32>} : tensor<2xf32>
  %r = onnx.Relu %a : (tensor<2xf32>) -> tensor<2xf32>
  %s = onnx.Sqrt %r : (tensor<2xf32>) -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// Dropout at inference is its input.
// CHECK-LABEL: func.func @dropout
// CHECK-NEXT: return %arg0
func.func @dropout(%a: tensor<2xf32>) -> tensor<2xf32> {
  %none = onnx.NoValue
  %0, %mask = onnx.Dropout %a, %none, %none : (tensor<2xf32>, none, none) -> (tensor<2xf32>, none)
  return %0 : tensor<2xf32>
}

// A constant Reshape is a reshaped constant.
// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = onnx.Constant {value = dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>}
func.func @reshape_constant() -> tensor<2x2xi64> {
  %v = onnx.Constant {value = dense<[1, 2, 3, 4]> : tensor<4xi64>} : tensor<4xi64>
  %shape = onnx.Constant {value = dense<[-1, 2]> : tensor<2xi64>} : tensor<2xi64>
  %r = onnx.Reshape %v, %shape : (tensor<4xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %r : tensor<2x2xi64>
}
