// Opening a model library: dlopen, then every check that tells "an omc model of
// this ABI version" apart from any other shared object, and the signatures parsed
// once so that runs only compare numbers.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "omc/json.h"
#include "omc/signature.h"
#include "runtime/src/cpu_check.h"
#include "runtime/src/cuda_layer.h"
#include "runtime/src/elf_check.h"
#include "runtime/src/heap_policy.h"
#include "runtime/src/model.h"
#include "runtime/src/out_of_memory.h"
#include "runtime/src/parallel_hook.h"

namespace omc {
namespace {

using StringGetter = const char *(*)();
using VersionGetter = int64_t (*)();

std::unique_ptr<omc_model> fail(Failure *failure, omc_status status, std::string message) {
  failure->status = status;
  failure->message = std::move(message);
  return nullptr;
}

// The address of `name` in the library, or nullptr when it does not export it.
void *symbol(void *library, const std::string &name) {
  dlerror();
  return dlsym(library, name.c_str());
}

bool loadEntry(omc_model &model, const std::string &name, Failure *failure) {
  Entry entry;
  entry.name = name;
  entry.run = reinterpret_cast<RunFunction>(symbol(model.library, "omc_run_" + name));
  auto in = reinterpret_cast<StringGetter>(symbol(model.library, "omc_signature_in_" + name));
  auto out = reinterpret_cast<StringGetter>(symbol(model.library, "omc_signature_out_" + name));
  std::string where = "model library " + model.path + ", entry point '" + name + "': ";
  if (!entry.run || !in || !out) {
    failure->status = OMC_ERR_BAD_SIGNATURE;
    failure->message = where + "missing omc_run_" + name + ", omc_signature_in_" + name +
                       " or omc_signature_out_" + name;
    return false;
  }
  const char *inText = in();
  const char *outText = out();
  if (!inText || !outText) {
    failure->status = OMC_ERR_BAD_SIGNATURE;
    failure->message = where + "a signature function returned NULL";
    return false;
  }
  entry.inputJson = inText;
  entry.outputJson = outText;
  std::string error;
  std::optional<Signature> inputs = parseSignature(entry.inputJson, &error);
  if (!inputs) {
    failure->status = OMC_ERR_BAD_SIGNATURE;
    failure->message = where + "bad input signature: " + error;
    return false;
  }
  std::optional<Signature> outputs = parseSignature(entry.outputJson, &error);
  if (!outputs) {
    failure->status = OMC_ERR_BAD_SIGNATURE;
    failure->message = where + "bad output signature: " + error;
    return false;
  }
  // The messages of the errors the model checks for while it runs (older models
  // and models without such checks do not export them).
  if (auto errors = reinterpret_cast<StringGetter>(symbol(model.library, "omc_errors_" + name))) {
    const char *errorsText = errors();
    std::optional<json::Value> list = json::parse(errorsText ? errorsText : "", &error);
    if (!list || !list->isArray()) {
      failure->status = OMC_ERR_BAD_SIGNATURE;
      failure->message = where + "bad error message list" + (list ? "" : ": " + error);
      return false;
    }
    for (const json::Value &message : list->array())
      entry.errors.push_back(message.isString() ? message.string() : "(not a string)");
  }
  entry.inputs = std::move(*inputs);
  entry.outputs = std::move(*outputs);
  model.entries.push_back(std::move(entry));
  return true;
}

} // namespace

std::unique_ptr<omc_model> loadModel(const char *path, Failure *failure) {
  // dlopen would check first, but its messages for a missing file or a folder
  // are less clear than these.
  struct stat info;
  if (stat(path, &info) != 0)
    return fail(failure, OMC_ERR_LOAD,
                std::string("cannot open model library ") + path + ": " + std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return fail(failure, OMC_ERR_LOAD,
                std::string("cannot open model library ") + path + ": is a directory");

  if (std::optional<std::string> problem = checkElfFile(path))
    return fail(failure, OMC_ERR_LOAD,
                std::string("cannot load model library ") + path + ": " + *problem);

  keepFreedBuffersForReuse();
  auto model = std::make_unique<omc_model>();
  model->path = path;
  // Without a '/', dlopen searches the library path instead of the working directory.
  std::string openPath = std::strchr(path, '/') ? path : std::string("./") + path;
  model->library = dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->library) {
    const char *why = dlerror();
    return fail(failure, OMC_ERR_LOAD,
                std::string("cannot load model library ") + path + ": " +
                    (why ? why : "dlopen failed"));
  }

  auto version = reinterpret_cast<VersionGetter>(symbol(model->library, "omc_abi_version"));
  auto entryPoints = reinterpret_cast<StringGetter>(symbol(model->library, "omc_entry_points"));
  if (!version || !entryPoints)
    return fail(failure, OMC_ERR_NOT_A_MODEL, "not an omc model library: " + model->path);
  int64_t abiVersion = version();
  if (abiVersion != OMC_ABI_VERSION)
    return fail(failure, OMC_ERR_NOT_A_MODEL,
                "not an omc model library: " + model->path + " (ABI version " +
                    std::to_string(abiVersion) + ", this runtime supports " +
                    std::to_string(OMC_ABI_VERSION) + ")");

  // Before any of its code runs: a library built for a wider CPU would die of an
  // illegal instruction in the middle of a run.
  if (auto features = reinterpret_cast<StringGetter>(symbol(model->library, "omc_cpu_features")))
    if (std::optional<std::string> problem = cpuFeatureProblem(features() ? features() : ""))
      return fail(failure, OMC_ERR_LOAD,
                  "cannot run model library " + model->path + " on this CPU: it " + *problem +
                      " (compile it for this CPU, e.g. without --target)");

  const char *listText = entryPoints();
  std::string error;
  std::optional<std::vector<std::string>> names =
      parseEntryPoints(listText ? listText : "", &error);
  if (!names)
    return fail(failure, OMC_ERR_BAD_SIGNATURE,
                "model library " + model->path + ": bad entry point list: " + error);
  if (names->empty())
    return fail(failure, OMC_ERR_BAD_SIGNATURE,
                "model library " + model->path + " has no entry points");
  for (const std::string &name : *names)
    if (!loadEntry(*model, name, failure))
      return nullptr;
  installOutOfMemoryHandler(model->library);
  // A GPU model loads its PTX once, here, for all its runs.
  if (!cuda::bindModel(model->library, model->path, &model->cudaBound, &error))
    return fail(failure, OMC_ERR_LOAD, error);
  // A CPU model's parallel loops reach the thread pool through this.
  bindThreads(model->library);
  return model;
}

} // namespace omc

omc_model::~omc_model() {
  if (cudaBound)
    omc::cuda::unbindModel(library);
  if (library)
    dlclose(library);
}

const omc::Entry *omc_model::findEntry(const char *name) const {
  if (!name)
    return entries.empty() ? nullptr : &entries.front();
  for (const omc::Entry &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}
