//===- opt_main.cpp - runs omc's and MLIR's passes on .mlir files -------------===//
//
// `opt FILE.mlir --pass-pipeline=...` (or individual pass flags) for FileCheck
// tests of each pass.
//
//===----------------------------------------------------------------------===//

#include "compiler/pipeline/Pipeline.h"
#include "targets/nvptx/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  omc::registerOmcDialects(registry);
  omc::registerOmcPasses();
  omc::nvptx::registerNvptxDialects(registry);
  omc::nvptx::registerNvptxPasses();
  mlir::affine::registerAffinePasses();
  mlir::registerGPUPasses();
  mlir::registerTransformsPasses();
  mlir::registerLowerAffinePass();
  mlir::registerSCFToControlFlowPass();
  mlir::registerReconcileUnrealizedCastsPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "omc optimizer driver\n", registry));
}
