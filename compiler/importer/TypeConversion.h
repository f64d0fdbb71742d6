//===- TypeConversion.h - ONNX types and tensors -> MLIR types and attributes -===//
#ifndef OMC_COMPILER_IMPORTER_TYPECONVERSION_H
#define OMC_COMPILER_IMPORTER_TYPECONVERSION_H

#include <string>

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

namespace omc {

// The MLIR element type of an ONNX TensorProto.DataType (signed ints are signless,
// unsigned ones unsigned; strings are !onnx.string, complex numbers complex<f32/f64>).
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext &context, int32_t dataType);

// A tensor TypeProto as a ranked tensor type (unknown or symbolic dims are dynamic),
// or an unranked one when the type has no shape.
llvm::Expected<mlir::TensorType> convertTensorType(mlir::MLIRContext &context,
                                                   const ::onnx::TypeProto &type);

// Any ONNX value type omc supports: a tensor, a sequence (!onnx.seq) or an optional
// (!onnx.opt). Maps and sparse tensors are an error naming them.
llvm::Expected<mlir::Type> convertType(mlir::MLIRContext &context, const ::onnx::TypeProto &type);

// "tensor", "sequence", "map", ...: for messages.
std::string typeKind(const ::onnx::TypeProto &type);

// A TensorProto's contents as a dense attribute. `modelDir` resolves external data.
llvm::Expected<mlir::DenseElementsAttr> convertTensor(mlir::MLIRContext &context,
                                                      const ::onnx::TensorProto &tensor,
                                                      const std::string &modelDir);

} // namespace omc

#endif // OMC_COMPILER_IMPORTER_TYPECONVERSION_H
