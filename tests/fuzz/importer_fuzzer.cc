// libFuzzer target: bytes from a stranger as an ONNX model file, through everything
// //tools:compile does before the passes (parse, validation, opset upgrade, ONNX's
// shape inference, import into the onnx dialect, the ops' verifiers). Any outcome
// but an llvm::Error or a failed verification is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/importer/GraphImporter.h"
#include "compiler/importer/ModelLoader.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  ::onnx::ModelProto model;
  if (llvm::Error error = omc::loadModelBytes(bytes, "fuzz.onnx", {}, model)) {
    llvm::consumeError(std::move(error));
    return 0;
  }
  // A fresh context per input: interned names and types of one input never pile up.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<omc::onnx::ONNXDialect, mlir::func::FuncDialect>();
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  // External data resolves against a folder that does not exist: every file is missing.
  if (llvm::Error error = omc::importGraph(*module, model, "/nonexistent-omc-fuzz", "main_graph")) {
    llvm::consumeError(std::move(error));
    return 0;
  }
  (void)mlir::verify(*module);
  return 0;
}
