//===- ONNXTypes.cpp - string, sequence and optional types --------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#define GET_TYPEDEF_CLASSES
#include "compiler/dialect/onnx/ONNXTypes.cpp.inc"

namespace omc::onnx {

void ONNXDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "compiler/dialect/onnx/ONNXTypes.cpp.inc"
      >();
}

} // namespace omc::onnx
