// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A reverse RNN: the state H lives in a scratch buffer; each step t = 2 - s (walking the
// sequence backwards) computes X[t] * W^T + Wb and H * R^T + Rb (Rb after Wb in B), then
// H = tanh(sum), written to the state and to Y[t]. Y_h is the final state.
// CHECK-LABEL: func.func @rnn_reverse
// CHECK-SAME: (%[[X:.*]]: memref<3x2x4xf32>, %[[W:.*]]: memref<1x5x4xf32>, %[[R:.*]]: memref<1x5x5xf32>, %[[B:.*]]: memref<1x10xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[Y:.*]] = memref.alloc() {{.*}} : memref<3x1x2x5xf32>
// CHECK: %[[YH:.*]] = memref.alloc() {{.*}} : memref<1x2x5xf32>
// CHECK: %[[H:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: %[[XG:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: %[[HG:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: krnl.store %[[ZERO]], %[[H]]
// CHECK: krnl.iterate({{.*}}) from(%[[C0]]) to(%[[C3]]) {
// CHECK-NEXT: ^bb0(%[[S:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[T:.*]] = arith.subi %[[C2]], %[[S]] : index
// CHECK: ^bb0(%[[BI:[a-z0-9_]+]]: index, %[[J:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[WB:.*]] = krnl.load %[[B]][%[[C0]], %[[J]]]
// CHECK-NEXT: krnl.store %[[WB]], %[[XG]][%[[BI]], %[[J]]]
// CHECK: ^bb0(%[[K:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[WV:.*]] = krnl.load %[[W]][%[[C0]], %[[J]], %[[K]]]
// CHECK-NEXT: %[[XV:.*]] = krnl.load %[[X]][%[[T]], %[[BI]], %[[K]]]
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[XV]], %[[WV]]
// CHECK-NEXT: %[[ACC:.*]] = krnl.load %[[XG]][%[[BI]], %[[J]]]
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK-NEXT: krnl.store %[[SUM]], %[[XG]][%[[BI]], %[[J]]]
// CHECK: ^bb0(%[[BI2:[a-z0-9_]+]]: index, %[[J2:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[RCOL:.*]] = arith.addi %[[J2]], %[[C5]]
// CHECK-NEXT: %[[RB:.*]] = krnl.load %[[B]][%[[C0]], %[[RCOL]]]
// CHECK-NEXT: krnl.store %[[RB]], %[[HG]][%[[BI2]], %[[J2]]]
// CHECK: ^bb0(%[[K2:[a-z0-9_]+]]: index):
// CHECK-NEXT: krnl.load %[[R]][%[[C0]], %[[J2]], %[[K2]]]
// CHECK-NEXT: krnl.load %[[H]][%[[BI2]], %[[K2]]]
// CHECK: ^bb0(%[[BI3:[a-z0-9_]+]]: index, %[[J3:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[HP:.*]] = krnl.load %[[HG]][%[[BI3]], %[[J3]]]
// CHECK-NEXT: %[[XP:.*]] = krnl.load %[[XG]][%[[BI3]], %[[J3]]]
// CHECK-NEXT: %[[PRE:.*]] = arith.addf %[[XP]], %[[HP]]
// CHECK-NEXT: %[[NEW:.*]] = math.tanh %[[PRE]]
// CHECK-NEXT: krnl.store %[[NEW]], %[[H]][%[[BI3]], %[[J3]]]
// CHECK-NEXT: krnl.store %[[NEW]], %[[Y]][%[[T]], %[[C0]], %[[BI3]], %[[J3]]]
// CHECK: ^bb0(%[[BI4:[a-z0-9_]+]]: index, %[[J4:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[FINAL:.*]] = krnl.load %[[H]][%[[BI4]], %[[J4]]]
// CHECK-NEXT: krnl.store %[[FINAL]], %[[YH]][%[[C0]], %[[BI4]], %[[J4]]]
// CHECK: return %[[Y]], %[[YH]]
func.func @rnn_reverse(%x: tensor<3x2x4xf32>, %w: tensor<1x5x4xf32>, %r: tensor<1x5x5xf32>, %b: tensor<1x10xf32>) -> (tensor<3x1x2x5xf32>, tensor<1x2x5xf32>) {
  %none = onnx.NoValue
  %y, %yh = onnx.RNN %x, %w, %r, %b, %none, %none {hidden_size = 5 : si64, direction = "reverse"} : (tensor<3x2x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, none, none) -> (tensor<3x1x2x5xf32>, tensor<1x2x5xf32>)
  return %y, %yh : tensor<3x1x2x5xf32>, tensor<1x2x5xf32>
}

// -----

// GRU without linear_before_reset: the state products stop before the hidden gate
// (columns 0..9 of 15); r = sigmoid(column 5 + j) times H goes to its own buffer, whose
// product with R's rows 10 + j makes the hidden gate's state part; then
// H = (1 - z) * tanh(hidden gate) + z * H.
// CHECK-LABEL: func.func @gru
// CHECK-SAME: (%[[X:.*]]: memref<3x2x4xf32>, %[[W:.*]]: memref<1x15x4xf32>, %[[R:.*]]: memref<1x15x5xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK-DAG: %[[C15:.*]] = arith.constant 15 : index
// CHECK: %[[H:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: %[[XG:.*]] = memref.alloc() {{.*}} : memref<2x15xf32>
// CHECK: %[[HG:.*]] = memref.alloc() {{.*}} : memref<2x15xf32>
// CHECK: %[[RH:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: to(%{{.*}}, %[[C15]])
// CHECK: krnl.load %[[W]]
// CHECK: to(%{{.*}}, %[[C10]])
// CHECK: krnl.load %[[R]]
// CHECK: ^bb0(%[[BI:[a-z0-9_]+]]: index, %[[K:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[RCOL:.*]] = arith.addi %[[K]], %[[C5]]
// CHECK-NEXT: %[[RHP:.*]] = krnl.load %[[HG]][%[[BI]], %[[RCOL]]]
// CHECK-NEXT: %[[RXP:.*]] = krnl.load %[[XG]][%[[BI]], %[[RCOL]]]
// CHECK-NEXT: %[[RPRE:.*]] = arith.addf %[[RXP]], %[[RHP]]
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[RPRE]]
// CHECK-NEXT: %[[EXP:.*]] = math.exp %[[NEG]]
// CHECK-NEXT: %[[DEN:.*]] = arith.addf %[[EXP]], %[[ONE]]
// CHECK-NEXT: %[[RESET:.*]] = arith.divf %[[ONE]], %[[DEN]]
// CHECK-NEXT: %[[HV:.*]] = krnl.load %[[H]][%[[BI]], %[[K]]]
// CHECK-NEXT: %[[RHV:.*]] = arith.mulf %[[RESET]], %[[HV]]
// CHECK-NEXT: krnl.store %[[RHV]], %[[RH]][%[[BI]], %[[K]]]
// CHECK: ^bb0(%[[BI2:[a-z0-9_]+]]: index, %[[J2:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %[[J2]], %[[C10]]
// CHECK: ^bb0(%[[K2:[a-z0-9_]+]]: index):
// CHECK-NEXT: krnl.load %[[R]][%{{.*}}, %[[ROW]], %[[K2]]]
// CHECK-NEXT: krnl.load %[[RH]][%[[BI2]], %[[K2]]]
// CHECK: ^bb0(%[[BI3:[a-z0-9_]+]]: index, %[[J3:[a-z0-9_]+]]: index):
// CHECK: %[[PREV:.*]] = krnl.load %[[H]][%[[BI3]], %[[J3]]]
// CHECK: %[[Z:.*]] = arith.divf %[[ONE]]
// CHECK: %[[CAND:.*]] = math.tanh
// CHECK-NEXT: %[[ZH:.*]] = arith.mulf %[[Z]], %[[PREV]]
// CHECK-NEXT: %[[OMZ:.*]] = arith.subf %[[ONE]], %[[Z]]
// CHECK-NEXT: %[[KEEP:.*]] = arith.mulf %[[OMZ]], %[[CAND]]
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[KEEP]], %[[ZH]]
// CHECK-NEXT: krnl.store %[[NEW]], %[[H]][%[[BI3]], %[[J3]]]
func.func @gru(%x: tensor<3x2x4xf32>, %w: tensor<1x15x4xf32>, %r: tensor<1x15x5xf32>) -> tensor<1x2x5xf32> {
  %none = onnx.NoValue
  %y, %yh = onnx.GRU %x, %w, %r, %none, %none, %none {hidden_size = 5 : si64} : (tensor<3x2x4xf32>, tensor<1x15x4xf32>, tensor<1x15x5xf32>, none, none, none) -> (none, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

// A bidirectional batch-first LSTM with sequence_lens and peepholes: two time loops, the
// second walking backwards over W[1], R[1]; X is read at [b, t], Y written at [b, t, dir].
// Peepholes P[i] at column j, P[f] at 10 + j (on C_{t-1}), P[o] at 5 + j (on C_t). Past an
// entry's length the state stays and Y gets zero. Y_c is the final cell state.
// CHECK-LABEL: func.func @lstm
// CHECK-SAME: (%[[X:.*]]: memref<2x3x4xf32>, %[[W:.*]]: memref<2x20x4xf32>, %[[R:.*]]: memref<2x20x5xf32>, %[[LENS:.*]]: memref<2xi32>, %[[P:.*]]: memref<2x15xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK-DAG: %[[C15:.*]] = arith.constant 15 : index
// CHECK: %[[Y:.*]] = memref.alloc() {{.*}} : memref<2x3x2x5xf32>
// CHECK: %[[YC:.*]] = memref.alloc() {{.*}} : memref<2x2x5xf32>
// CHECK: %[[H:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: %[[C:.*]] = memref.alloc() {{.*}} : memref<2x5xf32>
// CHECK: ^bb0(%[[T:[a-z0-9_]+]]: index):
// CHECK: krnl.load %[[W]][%[[C0]], %{{.*}}, %{{.*}}]
// CHECK-NEXT: krnl.load %[[X]][%{{.*}}, %[[T]], %{{.*}}]
// CHECK: krnl.load %[[R]][%[[C0]], %{{.*}}, %{{.*}}]
// CHECK: ^bb0(%[[BI:[a-z0-9_]+]]: index, %[[J:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[COLO:.*]] = arith.addi %[[J]], %[[C5]]
// CHECK-NEXT: %[[COLF:.*]] = arith.addi %[[J]], %[[C10]]
// CHECK-NEXT: arith.addi %[[J]], %[[C15]]
// CHECK-NEXT: %[[PREVH:.*]] = krnl.load %[[H]][%[[BI]], %[[J]]]
// CHECK-NEXT: %[[PREVC:.*]] = krnl.load %[[C]][%[[BI]], %[[J]]]
// CHECK: %[[PI:.*]] = krnl.load %[[P]][%[[C0]], %[[J]]]
// CHECK-NEXT: arith.mulf %[[PI]], %[[PREVC]]
// CHECK: %[[PF:.*]] = krnl.load %[[P]][%[[C0]], %[[COLF]]]
// CHECK-NEXT: arith.mulf %[[PF]], %[[PREVC]]
// CHECK: %[[FC:.*]] = arith.mulf %{{.*}}, %[[PREVC]]
// CHECK-NEXT: %[[NEWC:.*]] = arith.addf %[[FC]], %{{.*}}
// CHECK: %[[PO:.*]] = krnl.load %[[P]][%[[C0]], %[[COLO]]]
// CHECK-NEXT: arith.mulf %[[PO]], %[[NEWC]]
// CHECK: %[[TC:.*]] = math.tanh %[[NEWC]]
// CHECK-NEXT: %[[NEWH:.*]] = arith.mulf %{{.*}}, %[[TC]]
// CHECK-NEXT: %[[LEN:.*]] = krnl.load %[[LENS]][%[[BI]]]
// CHECK-NEXT: %[[LENI:.*]] = arith.index_cast %[[LEN]] : i32 to index
// CHECK-NEXT: %[[ACTIVE:.*]] = arith.cmpi slt, %[[T]], %[[LENI]]
// CHECK-NEXT: %[[SH:.*]] = arith.select %[[ACTIVE]], %[[NEWH]], %[[PREVH]]
// CHECK-NEXT: %[[SC:.*]] = arith.select %[[ACTIVE]], %[[NEWC]], %[[PREVC]]
// CHECK-NEXT: krnl.store %[[SH]], %[[H]][%[[BI]], %[[J]]]
// CHECK-NEXT: krnl.store %[[SC]], %[[C]][%[[BI]], %[[J]]]
// CHECK-NEXT: %[[OUT:.*]] = arith.select %[[ACTIVE]], %[[NEWH]], %[[ZERO]]
// CHECK-NEXT: krnl.store %[[OUT]], %[[Y]][%[[BI]], %[[T]], %[[C0]], %[[J]]]
// CHECK: krnl.load %[[C]]
// CHECK-NEXT: krnl.store %{{.*}}, %[[YC]][%{{.*}}, %[[C0]], %{{.*}}]
// CHECK: ^bb0(%[[S2:[a-z0-9_]+]]: index):
// CHECK-NEXT: %[[T2:.*]] = arith.subi %[[C2]], %[[S2]]
// CHECK: krnl.load %[[W]][%[[C1]], %{{.*}}, %{{.*}}]
// CHECK-NEXT: krnl.load %[[X]][%{{.*}}, %[[T2]], %{{.*}}]
// CHECK: krnl.load %[[R]][%[[C1]], %{{.*}}, %{{.*}}]
// CHECK: krnl.load %[[P]][%[[C1]], %{{.*}}]
// CHECK: krnl.store %{{.*}}, %[[Y]][%{{.*}}, %[[T2]], %[[C1]], %{{.*}}]
// CHECK: krnl.store %{{.*}}, %[[YC]][%{{.*}}, %[[C1]], %{{.*}}]
// CHECK: return %[[Y]], %[[YC]]
func.func @lstm(%x: tensor<2x3x4xf32>, %w: tensor<2x20x4xf32>, %r: tensor<2x20x5xf32>, %lens: tensor<2xi32>, %p: tensor<2x15xf32>) -> (tensor<2x3x2x5xf32>, tensor<2x2x5xf32>) {
  %none = onnx.NoValue
  %y, %yh, %yc = onnx.LSTM %x, %w, %r, %none, %lens, %none, %none, %p {hidden_size = 5 : si64, direction = "bidirectional", layout = 1 : si64} : (tensor<2x3x4xf32>, tensor<2x20x4xf32>, tensor<2x20x5xf32>, none, tensor<2xi32>, none, none, tensor<2x15xf32>) -> (tensor<2x3x2x5xf32>, none, tensor<2x2x5xf32>)
  return %y, %yc : tensor<2x3x2x5xf32>, tensor<2x2x5xf32>
}

// -----

// clip bounds each gate input before its activation; input_forget makes f = 1 - i;
// activation_alpha/beta go, in order, to the activations that take them (ScaledTanh
// takes alpha 1.5 and beta 0.5: 1.5 * tanh(0.5 * x)).
// CHECK-LABEL: func.func @lstm_clip_forget
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[CLIP:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[NCLIP:.*]] = arith.constant -2.000000e+00 : f32
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-DAG: %[[BETA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[LOW:.*]] = arith.maximumf %{{.*}}, %[[NCLIP]]
// CHECK-NEXT: %[[CL:.*]] = arith.minimumf %[[LOW]], %[[CLIP]]
// CHECK-NEXT: arith.negf %[[CL]]
// CHECK: %[[I:.*]] = arith.divf %[[ONE]]
// CHECK-NEXT: %[[F:.*]] = arith.subf %[[ONE]], %[[I]]
// CHECK: %[[SX:.*]] = arith.mulf %{{.*}}, %[[BETA]]
// CHECK-NEXT: %[[TH:.*]] = math.tanh %[[SX]]
// CHECK-NEXT: arith.mulf %[[TH]], %[[ALPHA]]
func.func @lstm_clip_forget(%x: tensor<3x2x4xf32>, %w: tensor<1x20x4xf32>, %r: tensor<1x20x5xf32>) -> tensor<1x2x5xf32> {
  %none = onnx.NoValue
  %y, %yh, %yc = onnx.LSTM %x, %w, %r, %none, %none, %none, %none, %none {hidden_size = 5 : si64, clip = 2.0 : f32, input_forget = 1 : si64, activations = ["Sigmoid", "ScaledTanh", "Tanh"], activation_alpha = [1.5 : f32], activation_beta = [0.5 : f32]} : (tensor<3x2x4xf32>, tensor<1x20x4xf32>, tensor<1x20x5xf32>, none, none, none, none, none) -> (none, tensor<1x2x5xf32>, none)
  return %yh : tensor<1x2x5xf32>
}

// -----

// An activation ONNX does not name fails the pattern (a clear error, no crash).
func.func @rnn_bad_activation(%x: tensor<3x2x4xf32>, %w: tensor<1x5x4xf32>, %r: tensor<1x5x5xf32>) -> tensor<1x2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.RNN'}}
  %y, %yh = onnx.RNN %x, %w, %r, %none, %none, %none {hidden_size = 5 : si64, activations = ["Swish"]} : (tensor<3x2x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, none, none, none) -> (none, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// -----

// W with one direction for a bidirectional net would read past its end.
func.func @gru_direction_mismatch(%x: tensor<3x2x4xf32>, %w: tensor<1x15x4xf32>, %r: tensor<1x15x5xf32>) -> tensor<2x2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.GRU'}}
  %y, %yh = onnx.GRU %x, %w, %r, %none, %none, %none {hidden_size = 5 : si64, direction = "bidirectional"} : (tensor<3x2x4xf32>, tensor<1x15x4xf32>, tensor<1x15x5xf32>, none, none, none) -> (none, tensor<2x2x5xf32>)
  return %yh : tensor<2x2x5xf32>
}

// -----

// B with too few columns (LSTM needs 2 * 4 * hidden_size) would be read past its end.
func.func @lstm_short_bias(%x: tensor<3x2x4xf32>, %w: tensor<1x20x4xf32>, %r: tensor<1x20x5xf32>, %b: tensor<1x20xf32>) -> tensor<1x2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.LSTM'}}
  %y, %yh, %yc = onnx.LSTM %x, %w, %r, %b, %none, %none, %none, %none {hidden_size = 5 : si64} : (tensor<3x2x4xf32>, tensor<1x20x4xf32>, tensor<1x20x5xf32>, tensor<1x20xf32>, none, none, none, none) -> (none, tensor<1x2x5xf32>, none)
  return %yh : tensor<1x2x5xf32>
}
