// The runtime's view of a loaded model library (private to runtime/src).
#ifndef OMC_RUNTIME_SRC_MODEL_H
#define OMC_RUNTIME_SRC_MODEL_H

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "omc/runtime.h"
#include "omc/signature.h"

namespace omc {

using RunFunction = int32_t (*)(const omc_tensor *inputs, int64_t numInputs,
                                omc_tensor *outputs, int64_t numOutputs);

struct Entry {
  std::string name;
  RunFunction run = nullptr;
  std::string inputJson, outputJson; // copies: they outlive nothing but the model
  Signature inputs, outputs;
  // What the run's status k >= 2 means: errors[k - 2] (omc_errors_NAME, optional).
  std::vector<std::string> errors;
};

// Everything a C caller needs to know about an error: the status and the message.
struct Failure {
  omc_status status;
  std::string message;
};

// Loads and validates the library; on failure returns nullptr and fills *failure.
std::unique_ptr<omc_model> loadModel(const char *path, Failure *failure);

// Checks inputs, calls the entry and normalizes its outputs (see omc_model_run).
// Returns false and fills *failure on any problem.
bool runEntry(const Entry &entry, const omc_tensor *inputs, int64_t numInputs,
              omc_tensor *outputs, int64_t numOutputs, Failure *failure);

} // namespace omc

// The opaque handle of the C API. Immutable after loadModel but for `threads`.
struct omc_model {
  std::string path;
  void *library = nullptr; // from dlopen
  bool cudaBound = false;  // an nvptx model whose PTX module the CUDA layer loaded
  // Threads for parallel loops (omc_model_set_threads); 0: every available core.
  // The one setting that changes after loading, hence atomic.
  std::atomic<int64_t> threads{0};
  std::vector<omc::Entry> entries;

  ~omc_model();
  // The entry called `name`, or the first one for nullptr; nullptr if there is none.
  const omc::Entry *findEntry(const char *name) const;
};

#endif // OMC_RUNTIME_SRC_MODEL_H
