// RUN: omc-compile --emit=onnx -o - %testdata/node/test_sequence_insert_at_back/model.onnx | FileCheck %s --check-prefix=SEQ
// RUN: omc-compile --emit=onnx -o - %testdata/node/test_optional_has_element/model.onnx | FileCheck %s --check-prefix=OPT
// RUN: omc-compile --emit=onnx -o - %testdata/node/test_cast_FLOAT_to_STRING/model.onnx | FileCheck %s --check-prefix=STR
// RUN: omc-compile --emit=onnx -o - %testdata/node/test_dropout_default_mask/model.onnx | FileCheck %s --check-prefix=DROPOUT

// Sequences, optionals and strings have types of their own; an optional input the node
// leaves out is a `none` operand, so operand positions are the schema's.
// SEQ: func.func @main_graph(%arg0: !onnx.seq<tensor<*xi64>>, %arg1: tensor<3xi64>) -> !onnx.seq<tensor<*xi64>>
// SEQ: %[[NONE:.*]] = onnx.NoValue
// SEQ: onnx.SequenceInsert %arg0, %arg1, %[[NONE]] : (!onnx.seq<tensor<*xi64>>, tensor<3xi64>, none) -> !onnx.seq<tensor<*xi64>>

// OPT: func.func @main_graph(%arg0: !onnx.opt<tensor<4xf32>>) -> tensor<i1>
// OPT: onnx.OptionalHasElement %arg0 : (!onnx.opt<tensor<4xf32>>) -> tensor<i1>

// STR: onnx.Cast %arg0 {to = 8 : si64} : (tensor<3x4xf32>) -> tensor<3x4x!onnx.string>

// Both of Dropout's results exist; the seed makes it impure, so it stays.
// DROPOUT: %{{.*}}, %{{.*}} = onnx.Dropout %arg0, %{{.*}}, %{{.*}} {seed = 0 : si64} : (tensor<3x4x5xf32>, none, none) -> (tensor<3x4x5xf32>, tensor<3x4x5xi1>)
