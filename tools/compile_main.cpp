//===- compile_main.cpp - the omc compiler driver -----------------------------===//
//
//   compile [--target=NAME] [--cpu=CPU] [--features=+a,-b]
//           [--emit=onnx|krnl|llvm-mlir|llvm-ir|obj|lib|ptx] [--shape=NAME=D0xD1x...]...
//           [--symbol-prefix=NAME] [--matmul-tiles=R,C,K,M,N] [-O0..-O3] [-v]
//           -o OUT MODEL.onnx
//
// Every failure prints one line, `compile: error: <what>`, and exits with 1.
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <string>

#include "compiler/pipeline/Pipeline.h"
#include "compiler/target/TargetRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace {

constexpr const char *kUsage = R"(usage: compile [options] -o OUT MODEL.onnx

Compiles an ONNX model into a shared library that //tools:run and the omc runtime load.

options:
  --target=NAME        hardware target (default: the best one for this host)
  --cpu=CPU            CPU to tune and select instructions for (target's default)
  --features=LIST      extra CPU features, e.g. +avx512bf16,-avx512vl
  --emit=LEVEL         onnx | krnl | llvm-mlir | llvm-ir | obj | lib | ptx | header
                       (default: lib); header: the C/C++ header declaring what obj exports
  --shape=NAME=DIMS    compile graph input NAME with shape DIMS (e.g. 1x3x224x224)
  --symbol-prefix=NAME export NAME_run_main_graph, ... instead of omc_run_main_graph, ...
                       so that several models link into one program (a C identifier)
  --matmul-tiles=R,C,K,M,N
                       replace the target's fp32 matmul tiles: R rows x C columns of C
                       in registers, blocks of K x M (A) and K x N (B) for the caches
  -O0 .. -O3           optimization level (default: -O2)
  -o OUT               output file
  -v                   print the time each stage takes
  --elide-constants    in MLIR text output, print constants of more than 16 elements
                       as dense_resource<__elided__> (for reading large models)
  --list-targets       print the registered targets, marking those whose code this
                       host runs "runs here", and exit
  --help               print this help and exit
)";

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "compile: error: " << message << "\n";
  llvm::errs().flush();
  std::exit(1);
}

// "x=1x3x224x224" -> {"x", {1,3,224,224}}
std::pair<std::string, std::vector<int64_t>> parseShape(llvm::StringRef text) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || dims == text)
    fail("--shape expects NAME=D0xD1x..., got '" + text + "'");
  std::vector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      fail("--shape " + text + ": '" + part + "' is not a dimension (a number >= 0)");
    shape.push_back(dim);
  }
  return {name.str(), shape};
}

// "8,32,1024,128,512" -> rows, columns, block_k, block_m, block_n
omc::MatmulTiles parseMatmulTiles(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  if (parts.size() != 5)
    fail("--matmul-tiles expects R,C,K,M,N (five numbers), got '" + text + "'");
  unsigned values[5];
  for (auto [part, value] : llvm::zip(parts, values))
    if (part.getAsInteger(10, value) || value == 0 || value > 65536)
      fail("--matmul-tiles " + text + ": '" + part + "' is not a number from 1 to 65536");
  return {values[0], values[1], values[2], values[3], values[4]};
}

} // namespace

int main(int argc, char **argv) {
  omc::CompileOptions options;
  std::string targetName;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    auto value = [&](llvm::StringRef flag) -> llvm::StringRef {
      if (arg.consume_front(flag))
        return arg;
      if (i + 1 >= argc)
        fail("missing value for " + flag.drop_back());
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      llvm::outs() << kUsage;
      return 0;
    } else if (arg == "--list-targets") {
      // NAME, summary and, for those whose code this host runs, "runs here".
      for (const omc::Target *target : omc::registeredTargets())
        llvm::outs() << target->name() << "\t" << target->summary()
                     << (target->hostScore() > 0 ? "\truns here" : "") << "\n";
      return 0;
    } else if (arg.starts_with("--target=")) {
      targetName = value("--target=").str();
    } else if (arg.starts_with("--cpu=")) {
      options.targetOptions.cpu = value("--cpu=").str();
    } else if (arg.starts_with("--features=")) {
      options.targetOptions.features = value("--features=").str();
    } else if (arg.starts_with("--matmul-tiles=")) {
      options.targetOptions.matmulTiles = parseMatmulTiles(value("--matmul-tiles="));
    } else if (arg.starts_with("--emit=")) {
      llvm::StringRef level = value("--emit=");
      auto emit = omc::parseEmitLevel(level);
      if (!emit)
        fail("unknown --emit level '" + level +
             "' (expected onnx, krnl, llvm-mlir, llvm-ir, obj, lib, ptx or header)");
      options.emit = *emit;
    } else if (arg.starts_with("--symbol-prefix=")) {
      options.symbolPrefix = value("--symbol-prefix=").str();
      if (options.symbolPrefix.empty())
        fail("--symbol-prefix expects a C identifier, got nothing");
    } else if (arg.starts_with("--shape=")) {
      auto [name, shape] = parseShape(value("--shape="));
      options.importOptions.inputShapes[name] = shape;
    } else if (arg.size() == 3 && arg.starts_with("-O") && arg[2] >= '0' && arg[2] <= '3') {
      options.targetOptions.optLevel = arg[2] - '0';
    } else if (arg == "-o") {
      if (i + 1 >= argc)
        fail("missing value for -o");
      options.outputPath = argv[++i];
    } else if (arg == "-v") {
      options.verbose = true;
    } else if (arg == "--elide-constants") {
      options.elideConstants = true;
    } else if (arg.starts_with("-") && arg != "-") {
      fail("unknown option '" + arg + "' (see --help)");
    } else if (options.modelPath.empty()) {
      options.modelPath = arg.str();
    } else {
      fail("more than one model given: '" + options.modelPath + "' and '" + arg + "'");
    }
  }
  if (options.modelPath.empty())
    fail("no model given (see --help)");
  if (options.outputPath.empty())
    fail("no output given: pass -o OUT");

  auto target = targetName.empty() ? omc::defaultTarget() : omc::lookupTarget(targetName);
  if (!target)
    fail(llvm::toString(target.takeError()));
  options.target = *target;

  if (llvm::Error error = omc::compileModel(options))
    fail(llvm::toString(std::move(error)));
  return 0;
}
