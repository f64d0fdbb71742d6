// The C++ API over the C API: ownership in destructors, statuses into exceptions.
#include "omc/execution_session.h"

#include <cstdlib>
#include <utility>

#include "omc/elem_type.h"
#include "omc/tensor_layout.h"

namespace omc {
namespace {

// Throws the C API's failure as an omc::Error, freeing its message. Call it after the
// C call, not around it: `error` must be read once the call has set it.
void check(omc_status status, char *error) {
  if (status == OMC_OK)
    return;
  std::string message = error ? error : "omc runtime error " + std::to_string(status);
  omc_free_string(error);
  throw Error(status, message);
}

[[noreturn]] void invalid(const std::string &message) {
  throw Error(OMC_ERR_INVALID_ARGUMENT, message);
}

// A contiguous omc_tensor of `shape` over `data`, after checking what omc_tensor_init
// checks plus the element type.
omc_tensor describe(void *data, int32_t elemType, const std::vector<int64_t> &shape,
                    const char *who) {
  if (elemTypeSize(elemType) <= 0)
    invalid(std::string(who) + ": element type " + describeElemType(elemType) +
            " cannot be held in a tensor");
  if (shape.size() > OMC_MAX_RANK)
    invalid(std::string(who) + ": rank " + std::to_string(shape.size()) +
            " is more than OMC_MAX_RANK (" + std::to_string(OMC_MAX_RANK) + ")");
  omc_tensor raw;
  if (omc_tensor_init(&raw, data, elemType, static_cast<int32_t>(shape.size()), shape.data()) !=
      OMC_OK)
    invalid(std::string(who) + ": bad shape " + formatShape(shape));
  return raw;
}

} // namespace

// ---- Tensor ----

Tensor::Tensor() noexcept { std::memset(&raw_, 0, sizeof raw_); }

Tensor::~Tensor() { omc_tensor_release(&raw_); }

Tensor::Tensor(Tensor &&other) noexcept : raw_(other.raw_) {
  std::memset(&other.raw_, 0, sizeof other.raw_);
}

Tensor &Tensor::operator=(Tensor &&other) noexcept {
  if (this != &other) {
    omc_tensor_release(&raw_);
    raw_ = other.raw_;
    std::memset(&other.raw_, 0, sizeof other.raw_);
  }
  return *this;
}

Tensor Tensor::zeros(int32_t elemType, const std::vector<int64_t> &shape) {
  omc_tensor raw = describe(nullptr, elemType, shape, "Tensor::zeros");
  std::optional<int64_t> count = omc::numElements(raw, elemTypeSize(elemType));
  if (!count)
    invalid("Tensor::zeros: shape " + formatShape(shape) + " is too large");
  // At least one byte, so that data is never NULL (as for the runtime's outputs).
  void *block = std::calloc(*count > 0 ? *count : 1, elemTypeSize(elemType));
  if (!block)
    throw Error(OMC_ERR_OUT_OF_MEMORY, "Tensor::zeros: out of memory for shape " +
                                           formatShape(shape));
  raw.data = raw.allocation = block;
  Tensor tensor;
  tensor.raw_ = raw;
  return tensor;
}

Tensor Tensor::view(void *data, int32_t elemType, const std::vector<int64_t> &shape,
                    const std::vector<int64_t> &strides) {
  omc_tensor raw = describe(data, elemType, shape, "Tensor::view");
  if (!strides.empty()) {
    if (strides.size() != shape.size())
      invalid("Tensor::view: " + std::to_string(strides.size()) + " strides for rank " +
              std::to_string(shape.size()));
    for (size_t d = 0; d < strides.size(); ++d)
      raw.strides[d] = strides[d];
  }
  std::optional<int64_t> count = omc::numElements(raw, elemTypeSize(elemType));
  if (!count)
    invalid("Tensor::view: shape " + formatShape(shape) + " is too large");
  if (*count > 0 && !data)
    invalid("Tensor::view: data is NULL for shape " + formatShape(shape));
  Tensor tensor;
  tensor.raw_ = raw;
  return tensor;
}

Tensor Tensor::adopt(const omc_tensor &raw) noexcept {
  Tensor tensor;
  tensor.raw_ = raw;
  return tensor;
}

Tensor Tensor::clone() const {
  Tensor copy = zeros(elemType(), shape());
  if (numElements() > 0)
    copyContiguousTo(copy.data());
  return copy;
}

int64_t Tensor::numElements() const {
  std::optional<int64_t> count = omc::numElements(raw_, elemTypeSize(raw_.elem_type));
  return count ? *count : 0;
}

int64_t Tensor::elemSize() const { return elemTypeSize(raw_.elem_type); }

void *Tensor::releaseAllocation() noexcept {
  void *block = raw_.allocation;
  raw_.allocation = nullptr;
  return block;
}

void Tensor::checkType(int32_t expected) const {
  if (raw_.elem_type != expected)
    throw Error(OMC_ERR_INVALID_ARGUMENT, "tensor holds " + describeElemType(raw_.elem_type) +
                                              ", not " + describeElemType(expected));
}

void Tensor::copyContiguousTo(void *dst) const {
  copyToContiguous(raw_, elemSize(), dst);
}

// ---- ExecutionSession ----

ExecutionSession::ExecutionSession(const std::string &path, const std::string &entryPoint)
    : path_(path) {
  omc_model *model = nullptr;
  char *error = nullptr;
  omc_status status = omc_model_load(path.c_str(), &model, &error);
  check(status, error);
  model_.reset(model);

  if (entryPoint.empty()) {
    const char *first = omc_model_entry_point(model, 0);
    if (!first)
      throw Error(OMC_ERR_NOT_A_MODEL, "model library " + path + " has no entry point");
    entryPoint_ = first;
  } else {
    entryPoint_ = entryPoint;
  }

  const char *json = nullptr;
  status = omc_model_input_signature(model, entryPoint_.c_str(), &json, &error);
  check(status, error);
  inputJson_ = json;
  status = omc_model_output_signature(model, entryPoint_.c_str(), &json, &error);
  check(status, error);
  outputJson_ = json;

  // The C API validated both when loading; parse failures here would be a runtime bug.
  std::string problem;
  std::optional<Signature> inputs = parseSignature(inputJson_, &problem);
  std::optional<Signature> outputs = inputs ? parseSignature(outputJson_, &problem) : inputs;
  if (!inputs || !outputs)
    throw Error(OMC_ERR_BAD_SIGNATURE, "model library " + path + ": entry point '" +
                                           entryPoint_ + "': " + problem);
  inputs_ = std::move(*inputs);
  outputs_ = std::move(*outputs);
}

ExecutionSession::~ExecutionSession() = default;
ExecutionSession::ExecutionSession(ExecutionSession &&) noexcept = default;
ExecutionSession &ExecutionSession::operator=(ExecutionSession &&) noexcept = default;

void ExecutionSession::setThreads(int64_t threads) {
  char *error = nullptr;
  omc_status status = omc_model_set_threads(model_.get(), threads, &error);
  if (status != OMC_OK) {
    std::string message = error ? error : "cannot set the thread count";
    omc_free_string(error);
    throw Error(status, message);
  }
}

int64_t ExecutionSession::threads() const { return omc_model_threads(model_.get()); }

std::vector<std::string> ExecutionSession::entryPoints() const {
  std::vector<std::string> names;
  int64_t count = omc_model_num_entry_points(model_.get());
  for (int64_t i = 0; i < count; ++i)
    names.emplace_back(omc_model_entry_point(model_.get(), i));
  return names;
}

std::vector<Tensor> ExecutionSession::run(const std::vector<Tensor> &inputs) const {
  std::vector<omc_tensor> raw;
  raw.reserve(inputs.size());
  for (const Tensor &input : inputs)
    raw.push_back(input.raw());
  return run(raw.data(), raw.size());
}

void ExecutionSession::requireTensorsOnly() const {
  for (const Signature *signature : {&inputs_, &outputs_})
    for (size_t i = 0; i < signature->size(); ++i) {
      const TensorSignature &value = (*signature)[i];
      if (value.isTensor())
        continue;
      throw Error(OMC_ERR_INPUT_MISMATCH,
                  std::string(signature == &inputs_ ? "input " : "output ") +
                      std::to_string(i) + " ('" + value.name + "') of entry point '" +
                      entryPoint_ + "' is a" +
                      (value.elemType == OMC_SEQUENCE ? " sequence" : "n optional") +
                      ": sessions run tensors only (use omc_model_run or tools/run)");
    }
}

std::vector<Tensor> ExecutionSession::run(const omc_tensor *inputs, size_t numInputs) const {
  if (!model_)
    invalid("ExecutionSession::run on a session that was moved from");
  requireTensorsOnly();
  std::vector<omc_tensor> outputs(outputs_.size());
  std::vector<Tensor> result;
  result.reserve(outputs.size()); // nothing may throw between the run and the adoption
  char *error = nullptr;
  omc_status status = omc_model_run(model_.get(), entryPoint_.c_str(), inputs,
                                    static_cast<int64_t>(numInputs), outputs.data(),
                                    static_cast<int64_t>(outputs.size()), &error);
  check(status, error);
  for (const omc_tensor &output : outputs)
    result.push_back(Tensor::adopt(output));
  return result;
}

} // namespace omc
