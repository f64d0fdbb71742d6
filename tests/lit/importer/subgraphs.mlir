// RUN: omc-compile --emit=onnx -o - %testdata/node/test_if/model.onnx | FileCheck %s --check-prefix=IF
// RUN: omc-compile --emit=onnx -o - %testdata/node/test_loop11/model.onnx | FileCheck %s --check-prefix=LOOP

// If's branches are regions (else_branch first: ODS orders them by name) ending in
// onnx.Yield; they use the outer constants directly.
// IF: %[[THEN:.*]] = onnx.Constant {value = dense<[1.000000e+00, 2.000000e+00
// IF: %[[ELSE:.*]] = onnx.Constant {value = dense<[5.000000e+00, 4.000000e+00
// IF: "onnx.If"(%arg0) ({
// IF-NEXT: onnx.Yield %[[ELSE]] : tensor<5xf32>
// IF-NEXT: }, {
// IF-NEXT: onnx.Yield %[[THEN]] : tensor<5xf32>
// IF-NEXT: }) : (tensor<i1>) -> tensor<5xf32>

// Loop's body gets the iteration number, the condition and the carried values as block
// arguments, and reads an outer-scope tensor.
// LOOP: %[[X:.*]] = onnx.Constant {value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00]> : tensor<5xf32>}
// LOOP: "onnx.Loop"(%arg0, %arg1, %arg2) ({
// LOOP-NEXT: ^bb0(%[[I:.*]]: tensor<i64>, %[[COND:.*]]: tensor<i1>, %[[Y:.*]]: tensor<1xf32>):
// LOOP: onnx.Slice %[[X]]
// LOOP: onnx.Yield %[[COND]], %{{.*}}, %{{.*}} : tensor<i1>, tensor<1xf32>, tensor<1xf32>
// LOOP: }) : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<1xf32>, tensor<5x1xf32>)
