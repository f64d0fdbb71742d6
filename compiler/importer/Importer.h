//===- Importer.h - ONNX model file -> onnx dialect ---------------------------===//
//
// The public entry of the importer: reads an ONNX model, validates it, and builds
// a module holding one func.func per graph (`main_graph`) made of onnx ops.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_IMPORTER_IMPORTER_H
#define OMC_COMPILER_IMPORTER_IMPORTER_H

#include <map>
#include <string>
#include <vector>

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace omc {

struct ImportOptions {
  // Graph input name -> the shape to compile for, replacing what the model declares
  // (dynamic or symbolic dims made static, for example).
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

// The newest default-domain opset whose operators omc knows.
constexpr int64_t kMaxSupportedOpset = 17;

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext &context, const std::string &path,
                const ImportOptions &options);

} // namespace omc

#endif // OMC_COMPILER_IMPORTER_IMPORTER_H
