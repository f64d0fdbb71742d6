//===- ONNXOps.td - onnx operators ------------------------------*- tablegen -*-===//
//
// Operators of the default ONNX domain. Names, operand order and attribute names
// follow the ONNX schemas (onnx.defs), so the importer can build any op generically
// from a NodeProto.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_ONNX_OPS
#define OMC_ONNX_OPS

include "compiler/dialect/onnx/ONNXDialect.td"

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class ONNX_BinaryBroadcastOp<string mnemonic, string what>
    : ONNX_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # what # " with multidirectional (numpy) broadcasting";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_AddOp : ONNX_BinaryBroadcastOp<"Add", "addition">;
def ONNX_SubOp : ONNX_BinaryBroadcastOp<"Sub", "subtraction">;
def ONNX_MulOp : ONNX_BinaryBroadcastOp<"Mul", "multiplication">;
def ONNX_DivOp : ONNX_BinaryBroadcastOp<"Div", "division">;

def ONNX_ReluOp : ONNX_Op<"Relu", [Pure, SameOperandsAndResultElementType]> {
  let summary = "rectified linear unit: max(X, 0)";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_IdentityOp : ONNX_Op<"Identity", [Pure]> {
  let summary = "the input, unchanged";
  let arguments = (ins AnyTensor:$input);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def ONNX_MatMulOp : ONNX_Op<"MatMul", [Pure]> {
  let summary = "matrix product with numpy.matmul semantics";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ONNX_GemmOp : ONNX_Op<"Gemm", [Pure]> {
  let summary = "general matrix multiply: alpha * A' * B' + beta * C";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, ONNX_Optional<AnyTensor>:$C,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<SI64Attr, "0">:$transA,
                       DefaultValuedAttr<SI64Attr, "0">:$transB);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B `,` $C attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Constants and structure
//===----------------------------------------------------------------------===//

def ONNX_ConstantOp : ONNX_Op<"Constant", [Pure, ConstantLike]> {
  let summary = "a constant tensor";
  let description = [{
    ONNX's Constant in the form every opset can be normalized to: the `value`
    attribute holds the tensor (the importer turns value_float, value_ints, ...
    into it).
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "attr-dict `:` type($output)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def ONNX_NoValueOp : ONNX_Op<"NoValue", [Pure]> {
  let summary = "stands for an optional input the model leaves out";
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
}

#endif // OMC_ONNX_OPS
