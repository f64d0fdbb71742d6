//===- ONNXDialect.td - the onnx dialect ------------------------*- tablegen -*-===//
//
// The onnx dialect mirrors the ONNX operator set: one op per ONNX operator of the
// default domain, on tensors, with ONNX's attribute names. It is what the importer
// produces and what shape inference and the onnx -> krnl conversion consume.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_ONNX_DIALECT
#define OMC_ONNX_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "compiler/dialect/onnx/ShapeInferenceInterface.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let summary = "The ONNX operator set as MLIR operations on tensors.";
  let cppNamespace = "::omc::onnx";
  let hasConstantMaterializer = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
  }];
}

// Base class of every onnx op. Ops that refine their result types from their operands'
// add DeclareOpInterfaceMethods<ShapeInferenceOpInterface>; the others keep the types the
// importer gave them (from ONNX's own shape inference).
class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits>;

// The members of one ONNX type parameter (operand groups, and -(r + 1) for result group r)
// share an element type. See ONNXTraits.h.
class ONNX_SameElementType<string members>
    : ParamNativeOpTrait<"SameElementType", members> {
  let cppNamespace = "::omc::onnx";
}

// Markers the shape inference pass reads (see ONNXTraits.h).
def ONNX_SameShapeAsInput : NativeOpTrait<"SameShapeAsInput"> {
  let cppNamespace = "::omc::onnx";
}
def ONNX_BroadcastingResult : NativeOpTrait<"BroadcastingResult"> {
  let cppNamespace = "::omc::onnx";
}

// A variadic operand group ("index, minimum") that needs at least `minimum` values.
class ONNX_MinVariadicOperands<string indexAndMinimum>
    : ParamNativeOpTrait<"MinVariadicOperands", indexAndMinimum> {
  let cppNamespace = "::omc::onnx";
}

// An input ONNX marks optional: a tensor, or `none` when the model leaves it out.
class ONNX_Optional<Type type> : AnyTypeOf<[type, NoneType]>;

#endif // OMC_ONNX_DIALECT
