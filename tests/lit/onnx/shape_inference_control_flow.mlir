// RUN: omc-opt %s --onnx-shape-inference | FileCheck %s

// If: the rank both branches yield, with the dims they agree on.
// CHECK-LABEL: func.func @if_join
// CHECK: }) : (tensor<i1>) -> tensor<?x3xf32>
func.func @if_join(%c: tensor<i1>, %a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<*xf32> {
  %0 = "onnx.If"(%c) ({
    onnx.Yield %a : tensor<2x3xf32>
  }, {
    onnx.Yield %b : tensor<4x3xf32>
  }) : (tensor<i1>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// Loop: an untyped carried input takes the initial value's rank (dims dynamic); the
// carried result joins initial and yielded types, a scan output gets a leading dim.
// CHECK-LABEL: func.func @loop_ranks
// CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<?xf32>):
// CHECK: onnx.Concat {{.*}} -> tensor<?xf32>
// CHECK: }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<?xf32>, tensor<?x?xf32>)
func.func @loop_ranks(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %0:2 = "onnx.Loop"(%m, %c, %x) ({
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %v: tensor<*xf32>):
    %1 = onnx.Concat %v, %v {axis = 0 : si64} : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
    onnx.Yield %ci, %1, %1 : tensor<i1>, tensor<*xf32>, tensor<*xf32>
  }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return %0#0, %0#1 : tensor<*xf32>, tensor<*xf32>
}
