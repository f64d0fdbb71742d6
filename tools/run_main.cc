// run: runs a compiled omc model library on tensor files.
//
//   run MODEL.so [--input FILE]... [--output-dir DIR] [--threads N] [--repeat N]
//                [--entry NAME]
//
// Inputs (.pb TensorProto or .npy) are given in graph-input order; outputs are
// written as DIR/output_K.pb in graph-output order, each named after the
// signature's output. A sequence or optional input or output is a .pb
// SequenceProto or OptionalProto (the signature says which). Scripts rely on this contract: every failure is exactly one
// line "run: error: MESSAGE" on stderr and exit status 1.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "omc/runtime.h"
#include "omc/signature.h"
#include "tools/tensor_io/tensor.h"
#include "tools/tensor_io/tensor_file.h"
#include "tools/tensor_io/value.h"

namespace {

constexpr char kUsage[] =
    "usage: run MODEL.so [--input FILE]... [--output-dir DIR] [--threads N] [--repeat N]\n"
    "           [--entry NAME]\n"
    "\n"
    "Runs an entry point of a model library compiled by omc.\n"
    "\n"
    "  --input FILE       an input tensor (.pb TensorProto or .npy), in graph-input order;\n"
    "                     a sequence or optional input is a .pb SequenceProto/OptionalProto\n"
    "  --output-dir DIR   where to write output_0.pb, output_1.pb, ... (default: .)\n"
    "  --threads N        threads for the model's parallel loops, this one included\n"
    "                     (N >= 1; default: every core the process may run on)\n"
    "  --repeat N         run N timed iterations after one warm-up and print\n"
    "                     'latency_ms median=X min=Y'\n"
    "  --entry NAME       the entry point to run (default: the library's first)\n"
    "  --help             print this help\n";

// Every error ends up here, as one exception carrying the message.
struct Failure {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw Failure{std::move(message)}; }

struct Options {
  std::string model;
  std::vector<std::string> inputs;
  std::string outputDir = ".";
  int64_t threads = 0; // 0: every available core (the runtime's default)
  int64_t repeat = 0; // 0: one untimed run
  std::string entry;  // empty: the library's first entry point
};

int64_t parsePositive(const std::string &flag, const std::string &text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1)
    fail(flag + " expects an integer >= 1, got '" + text + "'");
  return value;
}

// Returns false when --help was given (the usage is printed).
bool parseArgs(int argc, char **argv, Options &options) {
  bool haveModel = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return false;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (haveModel)
        fail("unexpected argument '" + arg + "' (the model library is '" + options.model + "')");
      options.model = arg;
      haveModel = true;
      continue;
    }
    // --flag VALUE or --flag=VALUE
    std::string flag = arg, value;
    bool inlineValue = false;
    if (size_t eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inlineValue = true;
    }
    if (flag != "--input" && flag != "--output-dir" && flag != "--threads" &&
        flag != "--repeat" && flag != "--entry")
      fail("unknown flag '" + flag + "' (see run --help)");
    if (!inlineValue) {
      if (i + 1 >= argc)
        fail(flag + " needs a value");
      value = argv[++i];
    }
    if (value.empty())
      fail(flag + " needs a non-empty value");
    if (flag == "--input")
      options.inputs.push_back(value);
    else if (flag == "--output-dir")
      options.outputDir = value;
    else if (flag == "--threads")
      options.threads = parsePositive(flag, value);
    else if (flag == "--repeat")
      options.repeat = parsePositive(flag, value);
    else
      options.entry = value;
  }
  if (!haveModel)
    fail("no model library given (see run --help)");
  return true;
}

// Owns what the C API hands out, so that every exit path releases it.
struct Model {
  omc_model *handle = nullptr;
  ~Model() { omc_model_unload(handle); }
};

struct Outputs {
  std::vector<omc_tensor> tensors;
  void release() {
    for (omc_tensor &t : tensors)
      omc_tensor_release(&t);
  }
  ~Outputs() { release(); }
};

// Throws a Failure with the C API's message when status is not OMC_OK. (Call it
// after the API call, not around it: argument order would read `error` too early.)
void check(omc_status status, char *error) {
  if (status == OMC_OK)
    return;
  std::string message = error ? error : "unknown runtime error";
  omc_free_string(error);
  fail(message);
}

omc::Signature signatureOf(const omc_model *model, const char *entry, bool outputs) {
  const char *json = nullptr;
  char *error = nullptr;
  omc_status status = outputs ? omc_model_output_signature(model, entry, &json, &error)
                               : omc_model_input_signature(model, entry, &json, &error);
  check(status, error);
  // The runtime parsed it already when loading; this cannot fail for a loaded model.
  std::string parseError;
  std::optional<omc::Signature> signature = omc::parseSignature(json, &parseError);
  if (!signature)
    fail("bad signature: " + parseError);
  return *signature;
}

void createOutputDir(const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    fail("cannot create output directory " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec))
    fail("cannot create output directory " + dir + ": not a directory");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int run(int argc, char **argv) {
  Options options;
  if (!parseArgs(argc, argv, options))
    return 0;

  Model model;
  char *error = nullptr;
  omc_status status = omc_model_load(options.model.c_str(), &model.handle, &error);
  check(status, error);
  if (options.threads > 0) {
    status = omc_model_set_threads(model.handle, options.threads, &error);
    check(status, error);
  }
  const char *entry = options.entry.empty() ? nullptr : options.entry.c_str();
  omc::Signature outputSignature = signatureOf(model.handle, entry, /*outputs=*/true);
  omc::Signature inputSignature = signatureOf(model.handle, entry, /*outputs=*/false);

  std::deque<omc::Value> inputs;
  std::deque<std::vector<omc_tensor>> elementViews;
  std::vector<omc_tensor> views;
  for (size_t k = 0; k < options.inputs.size(); ++k) {
    const std::string &path = options.inputs[k];
    std::string readError;
    // The signature says how to read a .pb file: tensor, sequence or optional. (A count
    // that does not match is the runtime's to report.)
    int32_t kind = k < inputSignature.size() ? inputSignature[k].elemType : OMC_UNDEFINED;
    omc::Value value;
    if (kind == OMC_SEQUENCE || kind == OMC_OPTIONAL) {
      std::optional<std::string> bytes = omc::readWholeFile(path, &readError);
      if (!bytes)
        fail(readError);
      std::optional<omc::Value> parsed = kind == OMC_SEQUENCE
                                             ? omc::parseSequenceProto(*bytes, &readError)
                                             : omc::parseOptionalProto(*bytes, &readError);
      if (!parsed)
        fail(path + ": input " + std::to_string(k) + " is " +
             (kind == OMC_SEQUENCE ? "a sequence" : "an optional") + ": " + readError);
      value = std::move(*parsed);
    } else {
      std::optional<omc::DenseTensor> tensor = omc::readTensorFile(path, &readError);
      if (!tensor)
        fail(readError);
      value.tensor = std::move(*tensor);
    }
    inputs.push_back(std::move(value));
    std::optional<omc_tensor> view = omc::viewOf(inputs.back(), elementViews);
    if (!view)
      fail(path + ": a rank exceeds the maximum " + std::to_string(OMC_MAX_RANK));
    views.push_back(*view);
  }
  createOutputDir(options.outputDir);

  Outputs outputs;
  outputs.tensors.resize(outputSignature.size());
  auto runOnce = [&] {
    outputs.release();
    char *runError = nullptr;
    omc_status runStatus =
        omc_model_run(model.handle, entry, views.data(), static_cast<int64_t>(views.size()),
                      outputs.tensors.data(), static_cast<int64_t>(outputs.tensors.size()),
                      &runError);
    check(runStatus, runError);
  };
  std::vector<double> latencies;
  runOnce(); // the only run, or the warm-up
  for (int64_t i = 0; i < options.repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    runOnce();
    auto stop = std::chrono::steady_clock::now();
    latencies.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }

  for (size_t i = 0; i < outputs.tensors.size(); ++i) {
    std::string copyError;
    std::optional<omc::Value> value = omc::copyValueOf(outputs.tensors[i], &copyError);
    if (!value)
      fail("output " + std::to_string(i) + ": " + copyError);
    std::string path = (std::filesystem::path(options.outputDir) /
                        ("output_" + std::to_string(i) + ".pb"))
                           .string();
    std::string writeError;
    if (value->kind == omc::Value::Kind::Tensor) {
      value->tensor.setName(outputSignature[i].name);
      if (!omc::writeTensorProtoFile(value->tensor, path, &writeError))
        fail(writeError);
    } else {
      value->name = outputSignature[i].name;
      if (!omc::writeFile(path, omc::serializeValueProto(*value), &writeError))
        fail(writeError);
    }
  }

  if (!latencies.empty())
    std::printf("latency_ms median=%.3f min=%.3f\n", median(latencies),
                *std::min_element(latencies.begin(), latencies.end()));
  return 0;
}

// One line, whatever the message holds.
void printError(std::string message) {
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  std::fprintf(stderr, "run: error: %s\n", message.c_str());
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const Failure &failure) {
    printError(failure.message);
  } catch (const std::bad_alloc &) {
    printError("out of memory");
  } catch (const std::exception &e) {
    printError(std::string("internal error: ") + e.what());
  }
  return 1;
}
