// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl | FileCheck %s

// Adagrad: the decayed rate R / (1 + T * decay_factor) is computed once, before the nest;
// each element then updates h' = h + g'^2 and x' = x - rate * g' / (sqrt(h') + epsilon),
// with g' = norm_coefficient * x + g.
// CHECK-LABEL: func.func @adagrad
// CHECK-DAG: %[[R:.*]] = krnl.load %arg0[] : memref<f32>
// CHECK-DAG: %[[T:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: %[[TF:.*]] = arith.sitofp %[[T]] : i64 to f32
// CHECK: %[[TD:.*]] = arith.mulf %[[TF]], %{{.*}} : f32
// CHECK: %[[DEN:.*]] = arith.addf %{{.*}}, %[[TD]] : f32
// CHECK: %[[RATE:.*]] = arith.divf %[[R]], %[[DEN]] : f32
// CHECK: %[[XN:.*]] = memref.alloc() {{.*}} : memref<3xf32>
// CHECK: %[[HN:.*]] = memref.alloc() {{.*}} : memref<3xf32>
// CHECK: krnl.iterate
// CHECK: %[[X:.*]] = krnl.load %arg2[%[[I:.*]]] : memref<3xf32>
// CHECK: %[[G:.*]] = krnl.load %arg3[%[[I]]] : memref<3xf32>
// CHECK: %[[H:.*]] = krnl.load %arg4[%[[I]]] : memref<3xf32>
// CHECK: %[[NX:.*]] = arith.mulf %{{.*}}, %[[X]] : f32
// CHECK: %[[GR:.*]] = arith.addf %[[NX]], %[[G]] : f32
// CHECK: %[[G2:.*]] = arith.mulf %[[GR]], %[[GR]] : f32
// CHECK: %[[H2:.*]] = arith.addf %[[H]], %[[G2]] : f32
// CHECK: %[[SQ:.*]] = math.sqrt %[[H2]] : f32
// CHECK: %[[SC:.*]] = arith.addf %[[SQ]], %{{.*}} : f32
// CHECK: %[[RG:.*]] = arith.mulf %[[RATE]], %[[GR]] : f32
// CHECK: %[[ST:.*]] = arith.divf %[[RG]], %[[SC]] : f32
// CHECK: %[[X2:.*]] = arith.subf %[[X]], %[[ST]] : f32
// CHECK: krnl.store %[[X2]], %[[XN]][%[[I]]] : memref<3xf32>
// CHECK: krnl.store %[[H2]], %[[HN]][%[[I]]] : memref<3xf32>
// CHECK: return
func.func @adagrad(%r: tensor<f32>, %t: tensor<i64>, %x: tensor<3xf32>, %g: tensor<3xf32>, %h: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0:2 = onnx.training.Adagrad %r, %t, %x, %g, %h {decay_factor = 1.000000e-01 : f32, epsilon = 1.000000e-05 : f32, norm_coefficient = 1.000000e-03 : f32} : (tensor<f32>, tensor<i64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Two tensors optimized at once (X1, X2, G1, G2, V1, V2, H1, H2): one nest per tensor,
// each over its own shape. Bias correction R * sqrt(1 - beta^T) / (1 - alpha^T) applies
// only when T > 0; norm_coefficient_post scales the new X last.
// CHECK-LABEL: func.func @adam_multiple
// CHECK: %[[T:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: math.powf
// CHECK: math.powf
// CHECK: %[[POS:.*]] = arith.cmpi sgt, %[[T]], %{{.*}} : i64
// CHECK: %[[RATE:.*]] = arith.select %[[POS]], %{{.*}}, %{{.*}} : f32
// CHECK: %[[X1N:.*]] = memref.alloc() {{.*}} : memref<1xf32>
// CHECK: %[[V1N:.*]] = memref.alloc() {{.*}} : memref<1xf32>
// CHECK: %[[H1N:.*]] = memref.alloc() {{.*}} : memref<1xf32>
// CHECK: krnl.iterate
// CHECK: krnl.load %arg2
// CHECK: krnl.load %arg4
// CHECK: krnl.load %arg6
// CHECK: krnl.load %arg8
// CHECK: %[[Q:.*]] = arith.divf
// CHECK: %[[STEP:.*]] = arith.mulf %[[RATE]], %[[Q]] : f32
// CHECK: %[[XS:.*]] = arith.subf %{{.*}}, %[[STEP]] : f32
// CHECK: %[[XP:.*]] = arith.mulf %{{.*}}, %[[XS]] : f32
// CHECK: krnl.store %[[XP]], %[[X1N]]
// CHECK: krnl.store %{{.*}}, %[[V1N]]
// CHECK: krnl.store %{{.*}}, %[[H1N]]
// CHECK: memref.alloc() {{.*}} : memref<2xf32>
// CHECK: krnl.iterate
// CHECK: krnl.load %arg3
// CHECK: krnl.load %arg5
// CHECK: krnl.load %arg7
// CHECK: krnl.load %arg9
func.func @adam_multiple(%r: tensor<f32>, %t: tensor<i64>, %x1: tensor<1xf32>, %x2: tensor<2xf32>, %g1: tensor<1xf32>, %g2: tensor<2xf32>, %v1: tensor<1xf32>, %v2: tensor<2xf32>, %h1: tensor<1xf32>, %h2: tensor<2xf32>) -> (tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>) {
  %0:6 = onnx.training.Adam %r, %t, %x1, %x2, %g1, %g2, %v1, %v2, %h1, %h2 {alpha = 0.949999988 : f32, beta = 8.500000e-01 : f32, epsilon = 1.000000e-02 : f32, norm_coefficient = 1.000000e-03 : f32, norm_coefficient_post = 1.000000e-01 : f32} : (tensor<f32>, tensor<i64>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>) -> (tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>)
  return %0#0, %0#1, %0#2, %0#3, %0#4, %0#5 : tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<2xf32>
}

// -----

// Momentum: the gradient's weight is beta once T > 0 and 1 on the first step;
// standard mode steps along v' itself.
// CHECK-LABEL: func.func @momentum
// CHECK: %[[T:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: %[[POS:.*]] = arith.cmpi sgt, %[[T]], %{{.*}} : i64
// CHECK: %[[W:.*]] = arith.select %[[POS]], %{{.*}}, %{{.*}} : f64
// CHECK: krnl.iterate
// CHECK: %[[X:.*]] = krnl.load %arg2[%{{.*}}, %{{.*}}] : memref<2x3xf64>
// CHECK: %[[V:.*]] = krnl.load %arg4[%{{.*}}, %{{.*}}] : memref<2x3xf64>
// CHECK-DAG: %[[AV:.*]] = arith.mulf %{{.*}}, %[[V]] : f64
// CHECK-DAG: %[[WG:.*]] = arith.mulf %[[W]], %{{.*}} : f64
// CHECK: %[[VN:.*]] = arith.addf %[[AV]], %[[WG]] : f64
// CHECK: %[[RV:.*]] = arith.mulf %{{.*}}, %[[VN]] : f64
// CHECK: %[[XN:.*]] = arith.subf %[[X]], %[[RV]] : f64
// CHECK: krnl.store %[[XN]]
// CHECK: krnl.store %[[VN]]
func.func @momentum(%r: tensor<f32>, %t: tensor<i64>, %x: tensor<2x3xf64>, %g: tensor<2x3xf64>, %v: tensor<2x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xf64>) {
  %0:2 = onnx.training.Momentum %r, %t, %x, %g, %v {alpha = 0.949999988 : f32, beta = 1.000000e-01 : f32, mode = "standard", norm_coefficient = 1.000000e-03 : f32} : (tensor<f32>, tensor<i64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xf64>)
  return %0#0, %0#1 : tensor<2x3xf64>, tensor<2x3xf64>
}

// -----

// Nesterov mode steps along g' + alpha * v'.
// CHECK-LABEL: func.func @nesterov
// CHECK: krnl.iterate
// CHECK: %[[VN:.*]] = arith.addf
// CHECK: %[[AV:.*]] = arith.mulf %{{.*}}, %[[VN]] : f32
// CHECK: %[[D:.*]] = arith.addf %{{.*}}, %[[AV]] : f32
// CHECK: %[[RD:.*]] = arith.mulf %{{.*}}, %[[D]] : f32
// CHECK: arith.subf %{{.*}}, %[[RD]] : f32
func.func @nesterov(%r: tensor<f32>, %t: tensor<i64>, %x: tensor<3xf32>, %g: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0:2 = onnx.training.Momentum %r, %t, %x, %g, %v {alpha = 0.949999988 : f32, beta = 1.000000e-01 : f32, mode = "nesterov", norm_coefficient = 0.000000e+00 : f32} : (tensor<f32>, tensor<i64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// A mode other than standard and nesterov is refused, not guessed at.
func.func @momentum_bad_mode(%r: tensor<f32>, %t: tensor<i64>, %x: tensor<3xf32>, %g: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  // expected-error @+1 {{failed to legalize operation 'onnx.training.Momentum'}}
  %0:2 = onnx.training.Momentum %r, %t, %x, %g, %v {alpha = 0.949999988 : f32, beta = 1.000000e-01 : f32, mode = "heavy_ball", norm_coefficient = 0.000000e+00 : f32} : (tensor<f32>, tensor<i64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xf32>
}
