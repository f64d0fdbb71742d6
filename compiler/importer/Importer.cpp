//===- Importer.cpp - ONNX model file -> onnx dialect -------------------------===//

#include "compiler/importer/Importer.h"

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/importer/GraphImporter.h"
#include "compiler/importer/ModelLoader.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Path.h"

namespace omc {

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext &context, const std::string &path,
                const ImportOptions &options) {
  context.loadDialect<onnx::ONNXDialect, mlir::func::FuncDialect>();
  ::onnx::ModelProto model;
  if (llvm::Error error = loadModel(path, options, model))
    return std::move(error);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::FileLineColLoc::get(&context, path, 0, 0));
  std::string modelDir = llvm::sys::path::parent_path(path).str();
  if (modelDir.empty())
    modelDir = ".";
  if (llvm::Error error = importGraph(*module, model, modelDir, "main_graph"))
    return std::move(error);
  return std::move(module);
}

} // namespace omc
