// One call of an entry point, made safe: inputs are checked and made dense,
// outputs are checked and made self-owned, contiguous and freeable.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include "omc/elem_type.h"
#include "omc/input_check.h"
#include "omc/tensor_layout.h"
#include "runtime/src/cuda_layer.h"
#include "runtime/src/model.h"
#include "runtime/src/out_of_memory.h"

namespace omc {
namespace {

// MLIR's memref lowering marks the "allocated" pointer of a memref.get_global
// (a constant) with this value; it must never be passed to free().
const void *const kMlirGlobalMarker = reinterpret_cast<const void *>(0xdeadbeef);

bool isNested(const omc_tensor &tensor) {
  return tensor.elem_type == OMC_SEQUENCE || tensor.elem_type == OMC_OPTIONAL;
}

// Owns the dense copies made of strided inputs (and the element arrays of sequences
// and optionals, copied so that their elements can be made dense too).
struct DenseInputs {
  std::vector<omc_tensor> tensors;
  std::vector<void *> copies;
  std::deque<std::vector<omc_tensor>> arrays; // a deque: growing it moves no array
  ~DenseInputs() {
    for (void *copy : copies)
      std::free(copy);
  }
};

// Compiled code indexes inputs with the row-major strides of their static shape,
// so a strided view is copied to a dense buffer first.
bool makeTensorDense(omc_tensor &tensor, DenseInputs &dense) {
  if (isNested(tensor)) {
    const omc_tensor *elements = static_cast<const omc_tensor *>(tensor.data);
    dense.arrays.emplace_back(elements, elements + tensor.shape[0]); // checked by checkInputs
    std::vector<omc_tensor> &array = dense.arrays.back();
    for (omc_tensor &element : array)
      if (!makeTensorDense(element, dense))
        return false;
    tensor.data = array.data();
    return true;
  }
  if (isContiguous(tensor)) {
    setContiguousStrides(tensor); // size-1 dims may carry any stride
    return true;
  }
  int64_t elemSize = elemTypeSize(tensor.elem_type);
  int64_t count = *numElements(tensor, elemSize); // checked by checkInputs
  void *copy = std::malloc(count * elemSize);
  if (!copy)
    return false;
  dense.copies.push_back(copy);
  copyToContiguous(tensor, elemSize, copy);
  tensor.data = copy;
  tensor.allocation = nullptr;
  setContiguousStrides(tensor);
  return true;
}

bool makeDense(const omc_tensor *inputs, int64_t numInputs, DenseInputs &dense) {
  dense.tensors.assign(inputs, inputs + numInputs);
  for (omc_tensor &tensor : dense.tensors)
    if (!makeTensorDense(tensor, dense))
      return false;
  return true;
}

// Frees a sequence or optional output: its elements, then its array.
void releaseNested(omc_tensor &tensor) {
  if (isNested(tensor) && tensor.rank == 1 && tensor.data)
    for (int64_t i = 0; i < tensor.shape[0]; ++i)
      releaseNested(static_cast<omc_tensor *>(tensor.data)[i]);
  std::free(tensor.allocation);
  tensor.allocation = nullptr;
}

std::string outputWhere(const Entry &entry, int64_t i) {
  return "output " + std::to_string(i) + " ('" + entry.outputs[i].name + "'): ";
}

// nullopt when an output value is what the signature promises (and safe to read).
std::optional<std::string> checkOutputValue(const TensorSignature &expected,
                                            const std::string &where, const omc_tensor &tensor) {
  if (tensor.elem_type != expected.elemType)
    return where + "element type " + describeElemType(tensor.elem_type) + ", signature says " +
           describeElemType(expected.elemType);
  if (tensor.rank < 0 || static_cast<size_t>(tensor.rank) != expected.shape.size())
    return where + "rank " + std::to_string(tensor.rank) + ", signature says " +
           std::to_string(expected.shape.size());
  if (!expected.isTensor()) {
    if (tensor.shape[0] < 0 || (tensor.shape[0] > 0 && !tensor.data) ||
        (expected.elemType == OMC_OPTIONAL && tensor.shape[0] > 1))
      return where + "bad element count " + std::to_string(tensor.shape[0]);
    for (int64_t k = 0; k < tensor.shape[0]; ++k)
      if (std::optional<std::string> problem = checkOutputValue(
              expected.element[0], where + "element " + std::to_string(k) + ": ",
              static_cast<const omc_tensor *>(tensor.data)[k]))
        return problem;
    return std::nullopt;
  }
  for (int32_t d = 0; d < tensor.rank; ++d)
    if (tensor.shape[d] < 0 ||
        (expected.shape[d] != kDynamicDim && tensor.shape[d] != expected.shape[d]))
      return where + "dim " + std::to_string(d) + " is " + std::to_string(tensor.shape[d]) +
             ", signature says " + formatShape(expected.shape);
  std::optional<int64_t> count = numElements(tensor, elemTypeSize(tensor.elem_type));
  if (!count)
    return where + "too many elements";
  if (*count > 0 && !tensor.data)
    return where + "data is NULL";
  return std::nullopt;
}

std::optional<std::string> checkOutput(const Entry &entry, int64_t i, const omc_tensor &tensor) {
  return checkOutputValue(entry.outputs[i], "model returned a bad " + outputWhere(entry, i),
                          tensor);
}

// Row-major strides on every element of a sequence or optional output (whose buffers
// the model allocated for it alone: nothing to copy).
void setNestedStrides(omc_tensor &tensor) {
  if (!isNested(tensor)) {
    setContiguousStrides(tensor);
    return;
  }
  for (int64_t k = 0; k < tensor.shape[0]; ++k)
    setNestedStrides(static_cast<omc_tensor *>(tensor.data)[k]);
}

// Whether output i may be released with free(allocation): it is a real block,
// not a constant, not an input's memory and not shared with an earlier output.
bool ownsAllocation(const std::vector<omc_tensor> &inputs, const omc_tensor *outputs, int64_t i) {
  const void *allocation = outputs[i].allocation;
  if (!allocation || allocation == kMlirGlobalMarker)
    return false;
  for (const omc_tensor &input : inputs) {
    const char *begin, *end;
    byteSpan(input, elemTypeSize(input.elem_type), &begin, &end);
    const char *p = static_cast<const char *>(allocation);
    if (allocation == input.allocation || allocation == input.data || (p >= begin && p < end))
      return false;
  }
  for (int64_t j = 0; j < i; ++j)
    if (outputs[j].allocation == allocation)
      return false;
  return true;
}

// Gives every output its own dense malloc'ed block: outputs that alias inputs,
// constants or each other are copied, strided ones are compacted. All copies are
// made before any block is freed, since one output may read from another's block.
bool normalizeOutputs(const std::vector<omc_tensor> &inputs, omc_tensor *outputs,
                      int64_t numOutputs) {
  std::vector<bool> owned(numOutputs);
  for (int64_t i = 0; i < numOutputs; ++i)
    owned[i] = ownsAllocation(inputs, outputs, i);
  std::vector<void *> copies(numOutputs, nullptr);
  bool ok = true;
  for (int64_t i = 0; i < numOutputs && ok; ++i) {
    const omc_tensor &tensor = outputs[i];
    if (isNested(tensor) || (owned[i] && tensor.data && isContiguous(tensor)))
      continue;
    int64_t elemSize = elemTypeSize(tensor.elem_type);
    int64_t count = *numElements(tensor, elemSize); // checked by checkOutput
    // At least one byte, so that data is never NULL, even with no elements.
    copies[i] = std::malloc(count > 0 ? count * elemSize : 1);
    if (copies[i])
      copyToContiguous(tensor, elemSize, copies[i]);
    else
      ok = false;
  }
  for (int64_t i = 0; i < numOutputs; ++i) {
    if (isNested(outputs[i])) {
      if (ok)
        setNestedStrides(outputs[i]);
      else
        releaseNested(outputs[i]);
      continue;
    }
    if (owned[i] && (copies[i] || !ok))
      std::free(outputs[i].allocation);
    if (!ok) {
      std::free(copies[i]);
      continue;
    }
    if (copies[i])
      outputs[i].data = outputs[i].allocation = copies[i];
    setContiguousStrides(outputs[i]);
  }
  if (!ok)
    std::memset(outputs, 0, sizeof(omc_tensor) * numOutputs);
  return ok;
}

// Frees what a run produced before it turned out to be unusable, whether the model
// failed one of its own checks or returned something its signature rules out. A
// sequence or optional that breaks its signature cannot be walked (its count may lie):
// it is forgotten, a leak rather than a free of something that may not be a block.
void discardOutputs(const Entry &entry, const std::vector<omc_tensor> &inputs,
                    omc_tensor *outputs, int64_t numOutputs) {
  std::vector<bool> owned(numOutputs);
  for (int64_t i = 0; i < numOutputs; ++i)
    owned[i] = ownsAllocation(inputs, outputs, i);
  for (int64_t i = 0; i < numOutputs; ++i)
    if (isNested(outputs[i])) {
      if (!checkOutput(entry, i, outputs[i]))
        releaseNested(outputs[i]);
    } else if (owned[i]) {
      std::free(outputs[i].allocation);
    }
  std::memset(outputs, 0, sizeof(omc_tensor) * numOutputs);
}

bool fail(Failure *failure, omc_status status, std::string message) {
  failure->status = status;
  failure->message = std::move(message);
  return false;
}

} // namespace

bool runEntry(const Entry &entry, const omc_tensor *inputs, int64_t numInputs,
              omc_tensor *outputs, int64_t numOutputs, Failure *failure) {
  if (numOutputs > 0 && !outputs)
    return fail(failure, OMC_ERR_INVALID_ARGUMENT, "outputs is NULL");
  // Outputs own nothing unless the run succeeds. Never zero more than the
  // signature's count: a wrong num_outputs may overstate the array.
  int64_t toZero = std::min<int64_t>(std::max<int64_t>(numOutputs, 0), entry.outputs.size());
  if (toZero > 0)
    std::memset(outputs, 0, sizeof(omc_tensor) * toZero);
  if (std::optional<std::string> problem = checkInputs(entry.inputs, inputs, numInputs))
    return fail(failure, OMC_ERR_INPUT_MISMATCH, *problem);
  if (numOutputs < 0 || static_cast<size_t>(numOutputs) != entry.outputs.size())
    return fail(failure, OMC_ERR_INPUT_MISMATCH,
                "expected room for " + countOf(entry.outputs.size(), "output") + ", got " +
                    std::to_string(numOutputs));

  DenseInputs dense;
  if (!makeDense(inputs, numInputs, dense))
    return fail(failure, OMC_ERR_OUT_OF_MEMORY, "out of memory copying strided inputs");

  cuda::clearError();
  int32_t status = 0;
  int64_t bytes = 0;
  if (!callGuarded(entry.run, dense.tensors.data(), numInputs, outputs, numOutputs, &status,
                   &bytes)) {
    // Whatever the model had written to outputs may be half done: forget it.
    std::memset(outputs, 0, sizeof(omc_tensor) * numOutputs);
    cuda::clearError();
    // -1: a buffer whose dims (from the data) are negative or need over 2^63 bytes.
    std::string what = bytes >= 0 ? "out of memory allocating " + std::to_string(bytes) +
                                         " bytes"
                                   : "a buffer's dims are negative or need over 2^63 bytes";
    return fail(failure, OMC_ERR_OUT_OF_MEMORY,
                "entry point '" + entry.name + "' failed: " + what);
  }
  // A GPU model's CUDA errors cannot unwind through its code: they wait here.
  std::string cudaError = cuda::takeError();
  if (status >= 2 && static_cast<size_t>(status - 2) < entry.errors.size()) {
    // A check of the model's own failed: it ran to the end with safe values, so its
    // outputs are whole, but wrong. Free them and say what it found.
    discardOutputs(entry, dense.tensors, outputs, numOutputs);
    return fail(failure, OMC_ERR_RUN_FAILED,
                "entry point '" + entry.name + "' failed: " + entry.errors[status - 2]);
  }
  if (status == 0 && !cudaError.empty()) {
    discardOutputs(entry, dense.tensors, outputs, numOutputs);
    return fail(failure, OMC_ERR_RUN_FAILED,
                "entry point '" + entry.name + "' failed on the GPU: " + cudaError);
  }
  if (status != 0) {
    // What a failing entry left in outputs is unspecified: leak it rather than
    // free a pointer that may not be a block.
    std::memset(outputs, 0, sizeof(omc_tensor) * numOutputs);
    return fail(failure, OMC_ERR_RUN_FAILED,
                "entry point '" + entry.name + "' failed with status " + std::to_string(status));
  }
  for (int64_t i = 0; i < numOutputs; ++i)
    if (std::optional<std::string> problem = checkOutput(entry, i, outputs[i])) {
      discardOutputs(entry, dense.tensors, outputs, numOutputs);
      return fail(failure, OMC_ERR_RUN_FAILED, *problem);
    }
  if (!normalizeOutputs(dense.tensors, outputs, numOutputs))
    return fail(failure, OMC_ERR_OUT_OF_MEMORY, "out of memory copying outputs");
  return true;
}

} // namespace omc
