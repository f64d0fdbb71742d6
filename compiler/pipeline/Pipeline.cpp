//===- Pipeline.cpp - from an ONNX file to the requested emission level -------===//

#include "compiler/pipeline/Pipeline.h"

#include <chrono>

#include "compiler/conversion/krnl_to_llvm/EntryPointABI.h"
#include "compiler/conversion/onnx_to_krnl/Passes.h"
#include "compiler/pipeline/ModelHeader.h"
#include "compiler/dialect/onnx/Passes.h"
#include "compiler/target/OutputFile.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"

namespace omc {

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// Prints "compile: <stage> done in N ms" when verbose.
class StageTimer {
public:
  explicit StageTimer(bool verbose) : verbose(verbose) {}
  void done(llvm::StringRef stage) {
    auto now = std::chrono::steady_clock::now();
    if (verbose)
      llvm::errs() << "compile: " << stage << " done in "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()
                   << " ms\n";
    start = now;
  }

private:
  bool verbose;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

// Keeps the first error MLIR reports, as one line: "<location>: <message>".
class FirstErrorCapture {
public:
  explicit FirstErrorCapture(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &diagnostic) {
          if (diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error && message.empty()) {
            std::string location;
            llvm::raw_string_ostream os(location);
            diagnostic.getLocation().print(os);
            message = location + ": " + diagnostic.str();
            std::replace(message.begin(), message.end(), '\n', ' ');
          }
          return mlir::success();
        }) {}
  llvm::Error error(llvm::StringRef stage) const {
    return fail(stage + " failed" + (message.empty() ? "" : ": " + message));
  }

private:
  std::string message;
  mlir::ScopedDiagnosticHandler handler;
};

llvm::Error writeText(llvm::StringRef path, llvm::function_ref<void(llvm::raw_ostream &)> print) {
  return writeOutputFile(path, llvm::sys::fs::OF_Text, [&](llvm::raw_pwrite_stream &os) {
    print(os);
    return llvm::Error::success();
  });
}

} // namespace

std::optional<EmitLevel> parseEmitLevel(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<EmitLevel>>(name)
      .Case("onnx", EmitLevel::Onnx)
      .Case("krnl", EmitLevel::Krnl)
      .Case("llvm-mlir", EmitLevel::LlvmMlir)
      .Case("llvm-ir", EmitLevel::LlvmIr)
      .Case("obj", EmitLevel::Obj)
      .Case("lib", EmitLevel::Lib)
      .Case("ptx", EmitLevel::Ptx)
      .Case("header", EmitLevel::Header)
      .Default(std::nullopt);
}

llvm::Error compileModel(const CompileOptions &options) {
  if (!options.symbolPrefix.empty() && !isCIdentifier(options.symbolPrefix))
    return fail("--symbol-prefix '" + options.symbolPrefix +
                "' is not a C identifier (letters, digits and _, not starting with a digit)");
  llvm::StringRef prefix =
      options.symbolPrefix.empty() ? llvm::StringRef(kDefaultSymbolPrefix) : options.symbolPrefix;
  StageTimer timer(options.verbose);
  auto description = options.target->describe(options.targetOptions);
  if (!description)
    return description.takeError();
  if (options.targetOptions.matmulTiles)
    if (llvm::Error error = description->overrideMatmulTiles(*options.targetOptions.matmulTiles))
      return error;

  mlir::DialectRegistry registry;
  registerOmcDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  FirstErrorCapture diagnostics(context);

  auto module = importModelFile(context, options.modelPath, options.importOptions);
  if (!module)
    return module.takeError();
  // Every op checks its operands and attributes against its ONNX schema here.
  if (mlir::failed(mlir::verify(**module)))
    return diagnostics.error("verifying the imported model");
  timer.done("import");

  auto print = [&](mlir::ModuleOp op) {
    mlir::OpPrintingFlags flags;
    if (options.elideConstants)
      flags.elideLargeElementsAttrs(16);
    return writeText(options.outputPath, [&](llvm::raw_ostream &os) { op.print(os, flags); });
  };
  auto runPasses = [&](llvm::StringRef stage,
                       llvm::function_ref<void(mlir::PassManager &)> build) -> llvm::Error {
    mlir::PassManager pm(&context);
    build(pm);
    if (mlir::failed(pm.run(**module)))
      return diagnostics.error(stage);
    timer.done(stage);
    return llvm::Error::success();
  };

  (**module)->setAttr("omc.target", description->toAttribute(context));
  if (llvm::Error error = runPasses("onnx shape inference", [](mlir::PassManager &pm) {
        pm.addNestedPass<mlir::func::FuncOp>(onnx::createONNXShapeInference());
        pm.addNestedPass<mlir::func::FuncOp>(onnx::createONNXRecognizeComposites());
        pm.addPass(mlir::createCanonicalizerPass());
        pm.addNestedPass<mlir::func::FuncOp>(onnx::createONNXFuseResidual());
        pm.addNestedPass<mlir::func::FuncOp>(onnx::createONNXFuseActivation());
      }))
    return error;
  if (options.emit == EmitLevel::Onnx)
    return print(**module);

  if (llvm::Error error = runPasses("onnx to krnl", [](mlir::PassManager &pm) {
        pm.addPass(createConvertONNXToKrnl());
        pm.addPass(mlir::createCanonicalizerPass());
      }))
    return error;
  if (options.emit == EmitLevel::Krnl)
    return print(**module);
  if (options.emit == EmitLevel::Header) {
    std::string header;
    llvm::raw_string_ostream os(header);
    if (llvm::Error error = writeModelHeader(**module, prefix,
                                             llvm::sys::path::filename(options.modelPath), os))
      return error;
    return writeText(options.outputPath, [&](llvm::raw_ostream &out) { out << header; });
  }
  (**module)->setAttr(kSymbolPrefixAttr, mlir::StringAttr::get(&context, prefix));

  if (llvm::Error error = runPasses(
          "code generation for " + description->name,
          [&](mlir::PassManager &pm) { options.target->buildCodegenPipeline(pm, *description); }))
    return error;
  if (options.emit == EmitLevel::LlvmMlir)
    return print(**module);
  if (options.emit == EmitLevel::Ptx) {
    // A GPU target's pipeline leaves its device code on the module.
    auto code = (**module)->getAttrOfType<mlir::StringAttr>("omc.device_code");
    if (!code)
      return fail("--emit=ptx needs a GPU target (--target=nvptx); " + description->name +
                  " has no device code");
    return writeText(options.outputPath, [&](llvm::raw_ostream &os) { os << code.getValue(); });
  }

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = mlir::translateModuleToLLVMIR(**module, llvmContext);
  if (!llvmModule)
    return diagnostics.error("translation to LLVM IR");
  timer.done("translation to LLVM IR");
  if (options.emit == EmitLevel::LlvmIr)
    return writeText(options.outputPath,
                     [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  if (options.emit == EmitLevel::Obj) {
    if (llvm::Error error = options.target->emitObject(*llvmModule, *description,
                                                       options.targetOptions.optLevel,
                                                       options.outputPath))
      return error;
    timer.done("object emission");
    return llvm::Error::success();
  }

  llvm::SmallString<128> objectPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("omc-model", "o", objectPath))
    return fail("cannot create a temporary object file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  if (llvm::Error error = options.target->emitObject(
          *llvmModule, *description, options.targetOptions.optLevel, objectPath))
    return error;
  timer.done("object emission");
  if (llvm::Error error = options.target->linkSharedLibrary({std::string(objectPath)},
                                                            options.outputPath, *description))
    return error;
  timer.done("link");
  return llvm::Error::success();
}

} // namespace omc
