// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl --canonicalize | FileCheck %s

// Per-tensor QuantizeLinear to uint8: x / scale rounded half to even, plus the zero point
// (zero-extended), saturated to [0, 255] (NaN to 0) and narrowed through i32.
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME: (%[[X:.*]]: memref<6xf32>, %[[S:.*]]: memref<f32>, %[[Z:.*]]: memref<i8>) -> memref<6xi8>
// CHECK-DAG: %[[HIGH:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-DAG: %[[LOW:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<6xi8>
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c6)
// CHECK-NEXT: ^bb0(%[[I:.*]]: index):
// CHECK-NEXT: %[[XV:.*]] = krnl.load %[[X]][%[[I]]]
// CHECK-NEXT: %[[SV:.*]] = krnl.load %[[S]][]
// CHECK-NEXT: %[[ZV:.*]] = krnl.load %[[Z]][]
// CHECK-NEXT: %[[ZF:.*]] = arith.uitofp %[[ZV]] : i8 to f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[XV]], %[[SV]]
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[Q]]
// CHECK-NEXT: %[[RZ:.*]] = arith.addf %[[R]], %[[ZF]]
// CHECK-NEXT: %[[BELOW:.*]] = arith.cmpf ult, %[[RZ]], %[[LOW]]
// CHECK-NEXT: %[[C1:.*]] = arith.select %[[BELOW]], %[[LOW]], %[[RZ]]
// CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpf ogt, %[[C1]], %[[HIGH]]
// CHECK-NEXT: %[[C2:.*]] = arith.select %[[ABOVE]], %[[HIGH]], %[[C1]]
// CHECK-NEXT: %[[I32:.*]] = arith.fptosi %[[C2]] : f32 to i32
// CHECK-NEXT: %[[I8:.*]] = arith.trunci %[[I32]] : i32 to i8
// CHECK-NEXT: krnl.store %[[I8]], %[[Y]][%[[I]]]
func.func @quantize_per_tensor(%x: tensor<6xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<6xui8> {
  %0 = onnx.QuantizeLinear %x, %s, %z : (tensor<6xf32>, tensor<f32>, tensor<ui8>) -> tensor<6xui8>
  return %0 : tensor<6xui8>
}

// -----

// Per-axis to int8 along axis -2 (dim 1): scale and zero point are read at that dim's
// index, the zero point sign-extended, the range [-128, 127].
// CHECK-LABEL: func.func @quantize_axis_int8
// CHECK-DAG: arith.constant 1.270000e+02 : f32
// CHECK-DAG: arith.constant -1.280000e+02 : f32
// CHECK: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[W:.*]]: index):
// CHECK-NEXT: krnl.load %arg0[%[[N]], %[[C]], %[[W]]]
// CHECK-NEXT: krnl.load %arg1[%[[C]]] : memref<3xf32>
// CHECK-NEXT: %[[Z:.*]] = krnl.load %arg2[%[[C]]] : memref<3xi8>
// CHECK-NEXT: arith.sitofp %[[Z]] : i8 to f32
func.func @quantize_axis_int8(%x: tensor<1x3x2xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<1x3x2xi8> {
  %0 = onnx.QuantizeLinear %x, %s, %z {axis = -2 : si64} : (tensor<1x3x2xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3x2xi8>
  return %0 : tensor<1x3x2xi8>
}

// -----

// No zero point: 0, so the rounded quotient saturates directly.
// CHECK-LABEL: func.func @quantize_no_zero_point
// CHECK: %[[Q:.*]] = arith.divf
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[Q]]
// CHECK-NEXT: arith.cmpf ult, %[[R]]
func.func @quantize_no_zero_point(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xui8> {
  %none = onnx.NoValue
  %0 = onnx.QuantizeLinear %x, %s, %none : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Per-axis DequantizeLinear: (x - zero_point) * scale, both uint8 values zero-extended.
// CHECK-LABEL: func.func @dequantize_axis
// CHECK: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[W:.*]]: index):
// CHECK-NEXT: %[[XV:.*]] = krnl.load %arg0[%[[N]], %[[C]], %[[W]]]
// CHECK-NEXT: %[[SV:.*]] = krnl.load %arg1[%[[C]]]
// CHECK-NEXT: %[[ZV:.*]] = krnl.load %arg2[%[[C]]]
// CHECK-NEXT: %[[ZF:.*]] = arith.uitofp %[[ZV]] : i8 to f32
// CHECK-NEXT: %[[XF:.*]] = arith.uitofp %[[XV]] : i8 to f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XF]], %[[ZF]]
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[D]], %[[SV]]
// CHECK-NEXT: krnl.store %[[Y]]
func.func @dequantize_axis(%x: tensor<1x3x2xui8>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<1x3x2xf32> {
  %0 = onnx.DequantizeLinear %x, %s, %z : (tensor<1x3x2xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<1x3x2xf32>
  return %0 : tensor<1x3x2xf32>
}

// -----

// int32 input, no zero point: x * scale.
// CHECK-LABEL: func.func @dequantize_int32
// CHECK: %[[XV:.*]] = krnl.load %arg0
// CHECK-NEXT: %[[SV:.*]] = krnl.load %arg1[]
// CHECK-NEXT: %[[XF:.*]] = arith.sitofp %[[XV]] : i32 to f32
// CHECK-NEXT: arith.mulf %[[XF]], %[[SV]]
func.func @dequantize_int32(%x: tensor<4xi32>, %s: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.NoValue
  %0 = onnx.DequantizeLinear %x, %s, %none : (tensor<4xi32>, tensor<f32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// DynamicQuantizeLinear: min and max start at 0 (the range includes it); then
// scale = (max - min) / 255, zero_point = saturate(round((0 - min) / scale)), and a
// second nest quantizes x with them.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK-DAG: %[[C255:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[MIN:.*]] = memref.alloca() : memref<f32>
// CHECK: %[[MAX:.*]] = memref.alloca() : memref<f32>
// CHECK: krnl.store %[[ZERO]], %[[MIN]][]
// CHECK: krnl.store %[[ZERO]], %[[MAX]][]
// CHECK: krnl.iterate
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[LO:.*]] = krnl.load %[[MIN]][]
// CHECK-NEXT: %[[HI:.*]] = krnl.load %[[MAX]][]
// CHECK-NEXT: %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]]
// CHECK-NEXT: %[[SCALE:.*]] = arith.divf %[[RANGE]], %[[C255]]
// CHECK-NEXT: %[[NEG:.*]] = arith.subf %[[ZERO]], %[[LO]]
// CHECK-NEXT: %[[ZQ:.*]] = arith.divf %[[NEG]], %[[SCALE]]
// CHECK-NEXT: math.roundeven %[[ZQ]]
// CHECK: %[[POINT:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK: %[[SOUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<f32>
// CHECK-NEXT: krnl.store %[[SCALE]], %[[SOUT]][]
// CHECK-NEXT: %[[ZOUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<i8>
// CHECK-NEXT: krnl.store %[[POINT]], %[[ZOUT]][]
// CHECK-NEXT: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x3xi8>
// CHECK-NEXT: %[[PF:.*]] = arith.uitofp %[[POINT]] : i8 to f32
// CHECK: krnl.iterate
// CHECK: %[[XQ:.*]] = arith.divf %{{.*}}, %[[SCALE]]
// CHECK-NEXT: %[[XR:.*]] = math.roundeven %[[XQ]]
// CHECK-NEXT: arith.addf %[[XR]], %[[PF]]
// CHECK: return %[[Y]], %[[SOUT]], %[[ZOUT]]
func.func @dynamic_quantize(%x: tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = onnx.DynamicQuantizeLinear %x : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<2x3xui8>, tensor<f32>, tensor<ui8>
}

// -----

// QLinearMatMul: the MatMul nest sums (a - a_zero) * (b - b_zero) in an i32 scalar
// (B's zero point one per column), then each sum is requantized by
// a_scale * b_scale[j] / y_scale.
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x3xi8>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<i32>
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT: krnl.store %c0_i32, %[[ACC]][]
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: %[[A:.*]] = krnl.load %arg0[%[[I]], %[[K]]]
// CHECK-NEXT: %[[B:.*]] = krnl.load %arg3[%[[K]], %[[J]]]
// CHECK-NEXT: %[[AW:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK-NEXT: %[[AZ:.*]] = krnl.load %arg2[]
// CHECK-NEXT: %[[AZW:.*]] = arith.extui %[[AZ]] : i8 to i32
// CHECK-NEXT: %[[AC:.*]] = arith.subi %[[AW]], %[[AZW]]
// CHECK-NEXT: %[[BW:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK-NEXT: %[[BZ:.*]] = krnl.load %arg5[%[[J]]]
// CHECK-NEXT: %[[BZW:.*]] = arith.extsi %[[BZ]] : i8 to i32
// CHECK-NEXT: %[[BC:.*]] = arith.subi %[[BW]], %[[BZW]]
// CHECK-NEXT: %[[OLD:.*]] = krnl.load %[[ACC]][]
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[AC]], %[[BC]] : i32
// CHECK-NEXT: %[[NEW:.*]] = arith.addi %[[OLD]], %[[P]] : i32
// CHECK-NEXT: krnl.store %[[NEW]], %[[ACC]][]
// CHECK: %[[SUM:.*]] = krnl.load %[[ACC]][]
// CHECK-NEXT: %[[AS:.*]] = krnl.load %arg1[]
// CHECK-NEXT: %[[BS:.*]] = krnl.load %arg4[%[[J]]]
// CHECK-NEXT: %[[YS:.*]] = krnl.load %arg6[]
// CHECK-NEXT: %[[YZ:.*]] = krnl.load %arg7[]
// CHECK-NEXT: %[[IN:.*]] = arith.mulf %[[AS]], %[[BS]]
// CHECK-NEXT: %[[M:.*]] = arith.divf %[[IN]], %[[YS]]
// CHECK-NEXT: %[[SF:.*]] = arith.sitofp %[[SUM]] : i32 to f32
// CHECK-NEXT: %[[REAL:.*]] = arith.mulf %[[SF]], %[[M]]
// CHECK-NEXT: %[[YZF:.*]] = arith.uitofp %[[YZ]] : i8 to f32
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[REAL]]
// CHECK-NEXT: arith.addf %[[R]], %[[YZF]]
// CHECK: %[[OUT:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK-NEXT: krnl.store %[[OUT]], %[[Y]][%[[I]], %[[J]]]
func.func @qlinear_matmul(%a: tensor<2x4xui8>, %as: tensor<f32>, %az: tensor<ui8>, %b: tensor<4x3xi8>, %bs: tensor<3xf32>, %bz: tensor<3xi8>, %ys: tensor<f32>, %yz: tensor<ui8>) -> tensor<2x3xui8> {
  %0 = onnx.QLinearMatMul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// ConvInteger: the Conv nest over i32, summing in place. X's element minus its zero
// point is what the padding replaces by 0 (so padding reads as the zero point); W has
// no zero point here.
// CHECK-LABEL: func.func @conv_integer
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x1x4x4xi32>
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index):
// CHECK-NEXT: krnl.store %c0_i32, %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
// CHECK: ^bb0(%[[C:.*]]: index, %[[KH:.*]]: index, %[[KW:.*]]: index):
// CHECK: arith.select %{{.*}}, %{{.*}}, %c0 : index
// CHECK: arith.select %{{.*}}, %{{.*}}, %c0 : index
// CHECK-NEXT: %[[OK:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK-NEXT: %[[XV:.*]] = krnl.load %arg0[%[[N]], %[[C]], %{{.*}}, %{{.*}}]
// CHECK-NEXT: %[[XW:.*]] = arith.extui %[[XV]] : i8 to i32
// CHECK-NEXT: %[[XZ:.*]] = krnl.load %arg2[]
// CHECK-NEXT: %[[XZW:.*]] = arith.extui %[[XZ]] : i8 to i32
// CHECK-NEXT: %[[XC:.*]] = arith.subi %[[XW]], %[[XZW]]
// CHECK-NEXT: %[[XP:.*]] = arith.select %[[OK]], %[[XC]], %c0_i32
// CHECK-NEXT: %[[WV:.*]] = krnl.load %arg1[%[[M]], %[[C]], %[[KH]], %[[KW]]]
// CHECK-NEXT: %[[WW:.*]] = arith.extui %[[WV]] : i8 to i32
// CHECK-NEXT: %[[ACC:.*]] = krnl.load %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XP]], %[[WW]] : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT: krnl.store %[[S]], %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
func.func @conv_integer(%x: tensor<1x1x3x3xui8>, %w: tensor<1x1x2x2xui8>, %xz: tensor<ui8>) -> tensor<1x1x4x4xi32> {
  %none = onnx.NoValue
  %0 = onnx.ConvInteger %x, %w, %xz, %none {pads = [1, 1, 1, 1]} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>, none) -> tensor<1x1x4x4xi32>
  return %0 : tensor<1x1x4x4xi32>
}

// -----

// QLinearConv, int8 with a bias and a W zero point and scale per output channel: the
// sum starts at B[m] in an i32 scalar and is requantized by x_scale * w_scale[m] / y_scale.
// CHECK-LABEL: func.func @qlinear_conv
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x3x3xi8>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<i32>
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index):
// CHECK-NEXT: %[[BIAS:.*]] = krnl.load %arg8[%[[M]]]
// CHECK-NEXT: krnl.store %[[BIAS]], %[[ACC]][]
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[WZ:.*]] = krnl.load %arg5[%[[M]]] : memref<4xi8>
// CHECK: krnl.store %{{.*}}, %[[ACC]][]
// CHECK-NEXT: }
// CHECK-NEXT: %[[SUM:.*]] = krnl.load %[[ACC]][]
// CHECK-NEXT: %[[XS:.*]] = krnl.load %arg1[]
// CHECK-NEXT: %[[WS:.*]] = krnl.load %arg4[%[[M]]]
// CHECK-NEXT: %[[YS:.*]] = krnl.load %arg6[]
// CHECK-NEXT: %[[YZ:.*]] = krnl.load %arg7[]
// CHECK-NEXT: %[[IN:.*]] = arith.mulf %[[XS]], %[[WS]]
// CHECK-NEXT: %[[MUL:.*]] = arith.divf %[[IN]], %[[YS]]
// CHECK-NEXT: %[[SF:.*]] = arith.sitofp %[[SUM]] : i32 to f32
// CHECK-NEXT: arith.mulf %[[SF]], %[[MUL]]
// CHECK-NEXT: arith.sitofp %[[YZ]] : i8 to f32
// CHECK: arith.cmpf ult, %{{.*}}, %cst_0
// CHECK: %[[OUT:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK-NEXT: krnl.store %[[OUT]], %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
func.func @qlinear_conv(%x: tensor<1x2x3x3xi8>, %xs: tensor<f32>, %xz: tensor<i8>, %w: tensor<4x2x1x1xi8>, %ws: tensor<4xf32>, %wz: tensor<4xi8>, %ys: tensor<f32>, %yz: tensor<i8>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi8> {
  %0 = onnx.QLinearConv %x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b : (tensor<1x2x3x3xi8>, tensor<f32>, tensor<i8>, tensor<4x2x1x1xi8>, tensor<4xf32>, tensor<4xi8>, tensor<f32>, tensor<i8>, tensor<4xi32>) -> tensor<1x4x3x3xi8>
  return %0 : tensor<1x4x3x3xi8>
}

// -----

// A 2-D scale is neither per tensor nor per axis: the op is left, with an error.
func.func @quantize_2d_scale(%x: tensor<2x3xf32>, %s: tensor<2x3xf32>) -> tensor<2x3xui8> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.QuantizeLinear'}}
  %0 = onnx.QuantizeLinear %x, %s, %none : (tensor<2x3xf32>, tensor<2x3xf32>, none) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// A per-axis scale whose size is not the axis dim's.
func.func @dequantize_scale_size(%x: tensor<2x3xui8>, %s: tensor<2xf32>, %z: tensor<2xui8>) -> tensor<2x3xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.DequantizeLinear'}}
  %0 = onnx.DequantizeLinear %x, %s, %z {axis = 1 : si64} : (tensor<2x3xui8>, tensor<2xf32>, tensor<2xui8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
