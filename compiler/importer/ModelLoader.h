//===- ModelLoader.h - read, validate and type an ONNX ModelProto -------------===//
#ifndef OMC_COMPILER_IMPORTER_MODELLOADER_H
#define OMC_COMPILER_IMPORTER_MODELLOADER_H

#include <string>

#include "compiler/importer/Importer.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

namespace omc {

// Parses `path` into `model`, applies the shape overrides to the graph inputs and
// runs ONNX's own shape inference so that every value carries a type.
llvm::Error loadModel(const std::string &path, const ImportOptions &options,
                      ::onnx::ModelProto &model);

// The same for a model already in memory; `name` stands for the file in messages.
llvm::Error loadModelBytes(const std::string &bytes, const std::string &name,
                           const ImportOptions &options, ::onnx::ModelProto &model);

} // namespace omc

#endif // OMC_COMPILER_IMPORTER_MODELLOADER_H
