//===- ONNXTypes.td - ONNX's types beyond tensors -----------------*- tablegen -*-===//
//
// ONNX values are tensors, sequences of tensors or optionals of either; tensors may hold
// strings. Numbers map to builtin element types (f32, i64, ui8, complex<f32>, ...); these
// are the rest.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_ONNX_TYPES
#define OMC_ONNX_TYPES

include "compiler/dialect/onnx/ONNXDialect.td"
include "mlir/IR/AttrTypeBase.td"

class ONNX_Type<string name, string typeMnemonic> : TypeDef<ONNX_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def ONNX_StringType : ONNX_Type<"String", "string"> {
  let summary = "the element type of ONNX string tensors";
}

def ONNX_SeqType : ONNX_Type<"Seq", "seq"> {
  let summary = "an ONNX sequence: any number of tensors of one element type";
  let description = [{
    `!onnx.seq<tensor<?x3xf32>>`: the tensor type says what every element has in common
    (shapes may differ between elements: their differing dims are dynamic).
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def ONNX_OptType : ONNX_Type<"Opt", "opt"> {
  let summary = "an ONNX optional: a tensor or sequence, or nothing";
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

// Type constraints the generated ops use.
def ONNX_String : Type<CPred<"::llvm::isa<::omc::onnx::StringType>($_self)">, "string",
                       "::omc::onnx::StringType">;

class ONNX_SeqOf<list<Type> elementTypes>
    : Type<And<[CPred<"::llvm::isa<::omc::onnx::SeqType>($_self)">,
                SubstLeaves<"$_self", "::llvm::cast<::omc::onnx::SeqType>($_self).getElementType()",
                            TensorOf<elementTypes>.predicate>]>,
           "sequence of " # TensorOf<elementTypes>.summary, "::omc::onnx::SeqType">;

class ONNX_OptOf<Type type>
    : Type<And<[CPred<"::llvm::isa<::omc::onnx::OptType>($_self)">,
                SubstLeaves<"$_self", "::llvm::cast<::omc::onnx::OptType>($_self).getElementType()",
                            type.predicate>]>,
           "optional of " # type.summary, "::omc::onnx::OptType">;

#endif // OMC_ONNX_TYPES
