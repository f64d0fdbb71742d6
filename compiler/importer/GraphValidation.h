//===- GraphValidation.h - checks of a parsed ModelProto from a stranger ------===//
#ifndef OMC_COMPILER_IMPORTER_GRAPHVALIDATION_H
#define OMC_COMPILER_IMPORTER_GRAPHVALIDATION_H

#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

namespace omc {

// Checks what ONNX's shape inference and the importer take for granted, before either
// reads the model: every value is defined once and before its use (no cycles), tensor
// dims are >= 0, their element counts fit in int64 and inline data holds exactly what
// the dims need, element types are known, attributes have the type their schema
// declares and nodes have an input count their schema allows. Subgraphs too.
llvm::Error validateModel(const ::onnx::ModelProto &model);

// The bytes of one element of an ONNX TensorProto.DataType; 0 for STRING and for
// numbers that are no data type.
int64_t onnxElementBytes(int32_t dataType);

} // namespace omc

#endif // OMC_COMPILER_IMPORTER_GRAPHVALIDATION_H
