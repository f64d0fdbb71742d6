//===- Pipeline.h - from an ONNX file to the requested emission level ---------===//
#ifndef OMC_COMPILER_PIPELINE_PIPELINE_H
#define OMC_COMPILER_PIPELINE_PIPELINE_H

#include <optional>
#include <string>

#include "compiler/importer/Importer.h"
#include "compiler/target/Target.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/Error.h"

namespace omc {

// How far compilation goes, and what is written: MLIR text for onnx, krnl and
// llvm-mlir; LLVM IR text; an object file; the model shared library.
// Ptx: the device code of a GPU target (nvptx), as PTX text. Header: the C/C++ header
// declaring what the object exports (ModelHeader.h), for linking the object statically.
enum class EmitLevel { Onnx, Krnl, LlvmMlir, LlvmIr, Obj, Lib, Ptx, Header };

std::optional<EmitLevel> parseEmitLevel(llvm::StringRef name);

struct CompileOptions {
  std::string modelPath;
  std::string outputPath;
  EmitLevel emit = EmitLevel::Lib;
  const Target *target = nullptr;
  TargetOptions targetOptions;
  ImportOptions importOptions;
  bool verbose = false; // stage timings on stderr
  // MLIR text output elides constants of more than 16 elements (GPT-2's weights would
  // otherwise print as a gigabyte of hex).
  bool elideConstants = false;
  // Replaces "omc" in the exported symbols (omc_run_main_graph -> <prefix>_run_main_graph,
  // ...) so that several models link into one program; must be a C identifier. Empty:
  // "omc", the names the runtime loads a shared library by.
  std::string symbolPrefix;
};

llvm::Error compileModel(const CompileOptions &options);

// Every dialect and interface omc's passes use (for tools and tests).
void registerOmcDialects(mlir::DialectRegistry &registry);
// omc's own passes, for //tools:opt.
void registerOmcPasses();

} // namespace omc

#endif // OMC_COMPILER_PIPELINE_PIPELINE_H
