// One call of an entry point, made safe: inputs are checked and made dense,
// outputs are checked and made self-owned, contiguous and freeable.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "omc/elem_type.h"
#include "omc/input_check.h"
#include "omc/tensor_layout.h"
#include "runtime/src/cuda_layer.h"
#include "runtime/src/model.h"

namespace omc {
namespace {

// MLIR's memref lowering marks the "allocated" pointer of a memref.get_global
// (a constant) with this value; it must never be passed to free().
const void *const kMlirGlobalMarker = reinterpret_cast<const void *>(0xdeadbeef);

// Owns the dense copies made of strided inputs.
struct DenseInputs {
  std::vector<omc_tensor> tensors;
  std::vector<void *> copies;
  ~DenseInputs() {
    for (void *copy : copies)
      std::free(copy);
  }
};

// Compiled code indexes inputs with the row-major strides of their static shape,
// so a strided view is copied to a dense buffer first.
bool makeDense(const omc_tensor *inputs, int64_t numInputs, DenseInputs &dense) {
  dense.tensors.assign(inputs, inputs + numInputs);
  for (omc_tensor &tensor : dense.tensors) {
    if (isContiguous(tensor)) {
      setContiguousStrides(tensor); // size-1 dims may carry any stride
      continue;
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
  }
  return true;
}

std::string outputWhere(const Entry &entry, int64_t i) {
  return "output " + std::to_string(i) + " ('" + entry.outputs[i].name + "'): ";
}

// nullopt when output i is what the signature promises (and safe to read).
std::optional<std::string> checkOutput(const Entry &entry, int64_t i, const omc_tensor &tensor) {
  const TensorSignature &expected = entry.outputs[i];
  std::string where = "model returned a bad " + outputWhere(entry, i);
  if (tensor.elem_type != expected.elemType)
    return where + "element type " + describeElemType(tensor.elem_type) + ", signature says " +
           describeElemType(expected.elemType);
  if (tensor.rank < 0 || static_cast<size_t>(tensor.rank) != expected.shape.size())
    return where + "rank " + std::to_string(tensor.rank) + ", signature says " +
           std::to_string(expected.shape.size());
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
    if (owned[i] && tensor.data && isContiguous(tensor))
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

// Frees what a run produced before it turned out to be unusable.
void discardOutputs(const std::vector<omc_tensor> &inputs, omc_tensor *outputs,
                    int64_t numOutputs) {
  std::vector<bool> owned(numOutputs);
  for (int64_t i = 0; i < numOutputs; ++i)
    owned[i] = ownsAllocation(inputs, outputs, i);
  for (int64_t i = 0; i < numOutputs; ++i)
    if (owned[i])
      std::free(outputs[i].allocation);
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
  int32_t status = entry.run(dense.tensors.data(), numInputs, outputs, numOutputs);
  // A GPU model's CUDA errors cannot unwind through its code: they wait here.
  std::string cudaError = cuda::takeError();
  if (status >= 2 && static_cast<size_t>(status - 2) < entry.errors.size()) {
    // A check of the model's own failed: it ran to the end with safe values, so its
    // outputs are whole, but wrong. Free them and say what it found.
    for (int64_t i = 0; i < numOutputs; ++i)
      if (checkOutput(entry, i, outputs[i])) {
        std::memset(outputs, 0, sizeof(omc_tensor) * numOutputs);
        return fail(failure, OMC_ERR_RUN_FAILED, "entry point '" + entry.name + "' failed: " +
                                                     entry.errors[status - 2]);
      }
    discardOutputs(dense.tensors, outputs, numOutputs);
    return fail(failure, OMC_ERR_RUN_FAILED,
                "entry point '" + entry.name + "' failed: " + entry.errors[status - 2]);
  }
  if (status == 0 && !cudaError.empty()) {
    discardOutputs(dense.tensors, outputs, numOutputs);
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
      discardOutputs(dense.tensors, outputs, numOutputs);
      return fail(failure, OMC_ERR_RUN_FAILED, *problem);
    }
  if (!normalizeOutputs(dense.tensors, outputs, numOutputs))
    return fail(failure, OMC_ERR_OUT_OF_MEMORY, "out of memory copying outputs");
  return true;
}

} // namespace omc
