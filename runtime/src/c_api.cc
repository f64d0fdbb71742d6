// The extern "C" surface of runtime.h: argument checks, exceptions turned into
// statuses (nothing may unwind into C), and messages copied out to the caller.
#include <cstdlib>
#include <cstring>
#include <new>

#include "omc/elem_type.h"
#include "omc/runtime.h"
#include "omc/tensor_layout.h"
#include "runtime/src/model.h"
#include "runtime/src/parallel_hook.h"
#include "runtime/src/thread_pool.h"

namespace {

// A malloc'ed copy (omc_free_string frees it), or NULL when memory is out.
char *copyString(const std::string &text) {
  char *copy = static_cast<char *>(std::malloc(text.size() + 1));
  if (copy)
    std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

omc_status report(char **error, omc_status status, const std::string &message) {
  if (error)
    *error = copyString(message);
  return status;
}

omc_status succeed(char **error) {
  if (error)
    *error = nullptr;
  return OMC_OK;
}

// Runs `body` (which returns an omc_status) with C++ exceptions turned into statuses.
template <typename Body>
omc_status guarded(char **error, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return report(error, OMC_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return report(error, OMC_ERR_RUN_FAILED, std::string("internal error: ") + e.what());
  } catch (...) {
    return report(error, OMC_ERR_RUN_FAILED, "internal error");
  }
}

// The entry called `name` (or the first), or an error status naming the choices.
omc_status findEntry(const omc_model *model, const char *name, const omc::Entry **entry,
                     char **error) {
  if (!model)
    return report(error, OMC_ERR_INVALID_ARGUMENT, "model is NULL");
  *entry = model->findEntry(name);
  if (*entry)
    return OMC_OK;
  std::string names;
  for (const omc::Entry &e : model->entries)
    names += (names.empty() ? "" : ", ") + e.name;
  return report(error, OMC_ERR_INVALID_ARGUMENT,
                "model library " + model->path + " has no entry point '" +
                    (name ? name : "") + "' (it has: " + names + ")");
}

omc_status signature(const omc_model *model, const char *entryName, bool outputs,
                     const char **json, char **error) {
  return guarded(error, [&] {
    if (!json)
      return report(error, OMC_ERR_INVALID_ARGUMENT, "json is NULL");
    *json = nullptr;
    const omc::Entry *entry;
    if (omc_status status = findEntry(model, entryName, &entry, error))
      return status;
    *json = (outputs ? entry->outputJson : entry->inputJson).c_str();
    return succeed(error);
  });
}

} // namespace

extern "C" {

omc_status omc_model_load(const char *path, omc_model **model, char **error) {
  return guarded(error, [&] {
    if (!model)
      return report(error, OMC_ERR_INVALID_ARGUMENT, "model is NULL");
    *model = nullptr;
    if (!path)
      return report(error, OMC_ERR_INVALID_ARGUMENT, "path is NULL");
    omc::Failure failure{OMC_OK, ""};
    std::unique_ptr<omc_model> loaded = omc::loadModel(path, &failure);
    if (!loaded)
      return report(error, failure.status, failure.message);
    *model = loaded.release();
    return succeed(error);
  });
}

void omc_model_unload(omc_model *model) { delete model; }

int64_t omc_model_num_entry_points(const omc_model *model) {
  return model ? static_cast<int64_t>(model->entries.size()) : 0;
}

const char *omc_model_entry_point(const omc_model *model, int64_t index) {
  if (!model || index < 0 || index >= static_cast<int64_t>(model->entries.size()))
    return nullptr;
  return model->entries[index].name.c_str();
}

omc_status omc_model_input_signature(const omc_model *model, const char *entry,
                                     const char **json, char **error) {
  return signature(model, entry, /*outputs=*/false, json, error);
}

omc_status omc_model_output_signature(const omc_model *model, const char *entry,
                                      const char **json, char **error) {
  return signature(model, entry, /*outputs=*/true, json, error);
}

omc_status omc_model_run(const omc_model *model, const char *entryName,
                         const omc_tensor *inputs, int64_t numInputs, omc_tensor *outputs,
                         int64_t numOutputs, char **error) {
  return guarded(error, [&] {
    const omc::Entry *entry;
    if (omc_status status = findEntry(model, entryName, &entry, error))
      return status;
    omc::Failure failure{OMC_OK, ""};
    omc::ThreadBudget budget(omc_model_threads(model));
    if (!omc::runEntry(*entry, inputs, numInputs, outputs, numOutputs, &failure))
      return report(error, failure.status, failure.message);
    return succeed(error);
  });
}

omc_status omc_model_set_threads(omc_model *model, int64_t threads, char **error) {
  if (!model)
    return report(error, OMC_ERR_INVALID_ARGUMENT, "model is NULL");
  if (threads < 0)
    return report(error, OMC_ERR_INVALID_ARGUMENT,
                  "threads must be >= 1 (or 0 for every core), got " + std::to_string(threads));
  model->threads.store(threads);
  return succeed(error);
}

int64_t omc_model_threads(const omc_model *model) {
  if (!model)
    return 0;
  int64_t threads = model->threads.load();
  return threads > 0 ? threads : omc::availableCores();
}

int64_t omc_available_cores(void) { return omc::availableCores(); }

void omc_tensor_release(omc_tensor *tensor) {
  if (!tensor)
    return;
  // A sequence or optional owns its elements (model_abi.h): they go first.
  if ((tensor->elem_type == OMC_SEQUENCE || tensor->elem_type == OMC_OPTIONAL) &&
      tensor->allocation && tensor->data && tensor->rank == 1)
    for (int64_t i = 0; i < tensor->shape[0]; ++i)
      omc_tensor_release(static_cast<omc_tensor *>(tensor->data) + i);
  std::free(tensor->allocation);
  std::memset(tensor, 0, sizeof *tensor);
}

omc_status omc_tensor_init(omc_tensor *tensor, void *data, int32_t elemType, int32_t rank,
                           const int64_t *shape) {
  if (!tensor || rank < 0 || rank > OMC_MAX_RANK || (rank > 0 && !shape))
    return OMC_ERR_INVALID_ARGUMENT;
  for (int32_t d = 0; d < rank; ++d)
    if (shape[d] < 0)
      return OMC_ERR_INVALID_ARGUMENT;
  std::memset(tensor, 0, sizeof *tensor);
  tensor->data = data;
  tensor->elem_type = elemType;
  tensor->rank = rank;
  for (int32_t d = 0; d < rank; ++d)
    tensor->shape[d] = shape[d];
  omc::setContiguousStrides(*tensor);
  return OMC_OK;
}

const char *omc_elem_type_name(int32_t elemType) { return omc::elemTypeName(elemType); }

int64_t omc_elem_type_size(int32_t elemType) { return omc::elemTypeSize(elemType); }

void omc_free_string(char *text) { std::free(text); }

} // extern "C"
