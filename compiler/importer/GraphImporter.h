//===- GraphImporter.h - an ONNX GraphProto -> func.func of onnx ops ----------===//
#ifndef OMC_COMPILER_IMPORTER_GRAPHIMPORTER_H
#define OMC_COMPILER_IMPORTER_GRAPHIMPORTER_H

#include <string>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"

namespace omc {

// Builds `funcName` in `module` from the typed (shape-inferred) `model`'s graph.
// Graph inputs that are not initializers become arguments, initializers become
// onnx.Constant, each node becomes the onnx op of the same name, and the graph
// outputs are returned. Input and output names are kept as `omc.input_names` and
// `omc.output_names` on the function.
llvm::Error importGraph(mlir::ModuleOp module, const ::onnx::ModelProto &model,
                        const std::string &modelDir, llvm::StringRef funcName);

} // namespace omc

#endif // OMC_COMPILER_IMPORTER_GRAPHIMPORTER_H
