//===- Signature.h - the JSON signature of an entry point ---------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SIGNATURE_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SIGNATURE_H

#include <string>

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeRange.h"

namespace omc {

// `[{"name":"x","type":"float32","elem_type":1,"shape":[-1,4]}, ...]` for tensors
// of `types` named by `names`; a sequence or optional is
// `{"name":"s","kind":"sequence","element":{"type":...,"elem_type":...,"shape":[...]}}`
// (see runtime/include/omc/model_abi.h). Fails on a type the ABI cannot describe
// (an element of unknown rank among them).
mlir::FailureOr<std::string> buildSignatureJson(mlir::TypeRange types, mlir::ArrayAttr names);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SIGNATURE_H
