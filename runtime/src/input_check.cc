#include "omc/input_check.h"

#include "omc/elem_type.h"
#include "omc/tensor_layout.h"

namespace omc {

std::string countOf(int64_t count, const char *noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

namespace {

// "a sequence", "an optional" or "element type float32", for messages.
std::string kindOf(int32_t elemType) {
  if (elemType == OMC_SEQUENCE)
    return "a sequence";
  if (elemType == OMC_OPTIONAL)
    return "an optional";
  return "element type " + describeElemType(elemType);
}

// A sequence or optional input: the omc_tensor of model_abi.h, then every element.
std::optional<std::string> checkNested(const TensorSignature &expected, const std::string &where,
                                       const omc_tensor &tensor);

std::optional<std::string> checkValue(const TensorSignature &expected, const std::string &where,
                                      const omc_tensor &tensor) {
  // The rank bounds come first: shape[] must not be read past OMC_MAX_RANK.
  if (tensor.rank < 0 || tensor.rank > OMC_MAX_RANK)
    return where + "rank " + std::to_string(tensor.rank) + " is outside 0.." +
           std::to_string(OMC_MAX_RANK);
  if (tensor.elem_type != expected.elemType)
    return where + "expected " + kindOf(expected.elemType) + ", got " +
           (expected.isTensor() && tensor.elem_type != OMC_SEQUENCE &&
                    tensor.elem_type != OMC_OPTIONAL
                ? describeElemType(tensor.elem_type)
                : kindOf(tensor.elem_type));
  if (!expected.isTensor())
    return checkNested(expected, where, tensor);
  if (static_cast<size_t>(tensor.rank) != expected.shape.size())
    return where + "expected rank " + std::to_string(expected.shape.size()) + " (shape " +
           formatShape(expected.shape) + "), got rank " + std::to_string(tensor.rank);
  for (int32_t d = 0; d < tensor.rank; ++d) {
    int64_t dim = tensor.shape[d], want = expected.shape[d];
    if (dim < 0)
      return where + "dim " + std::to_string(d) + " is " + std::to_string(dim) +
             ", a size must be >= 0";
    if (want != kDynamicDim && dim != want)
      return where + "dim " + std::to_string(d) + " is " + std::to_string(dim) + ", expected " +
             std::to_string(want) + " (shape " + formatShape(expected.shape) + ")";
  }
  std::optional<int64_t> count = numElements(tensor, elemTypeSize(tensor.elem_type));
  if (!count)
    return where + "too many elements";
  if (!tensor.data && *count > 0)
    return where + "data is NULL";
  if (!spanFits(tensor, elemTypeSize(tensor.elem_type)))
    return where + "strides reach beyond any address (element offsets overflow int64)";
  return std::nullopt;
}

std::optional<std::string> checkNested(const TensorSignature &expected, const std::string &where,
                                       const omc_tensor &tensor) {
  bool optional = expected.elemType == OMC_OPTIONAL;
  const char *what = optional ? "an optional" : "a sequence";
  if (tensor.rank != 1)
    return where + what + " must have rank 1 (its shape is [count]), got rank " +
           std::to_string(tensor.rank);
  int64_t count = tensor.shape[0];
  if (count < 0 || (optional && count > 1))
    return where + what + " cannot hold " + std::to_string(count) + " elements" +
           (optional ? " (0 or 1)" : "");
  if (count > 0 && !tensor.data)
    return where + "data is NULL";
  const omc_tensor *elements = static_cast<const omc_tensor *>(tensor.data);
  for (int64_t i = 0; i < count; ++i)
    if (std::optional<std::string> problem =
            checkValue(expected.element[0], where + "element " + std::to_string(i) + ": ",
                       elements[i]))
      return problem;
  return std::nullopt;
}

} // namespace

std::optional<std::string> checkInput(const TensorSignature &expected, int64_t index,
                                      const omc_tensor &tensor) {
  return checkValue(expected, "input " + std::to_string(index) + " ('" + expected.name + "'): ",
                    tensor);
}

std::optional<std::string> checkInputs(const Signature &signature, const omc_tensor *inputs,
                                       int64_t numInputs) {
  if (numInputs < 0 || static_cast<uint64_t>(numInputs) != signature.size())
    return "expected " + countOf(signature.size(), "input") + ", got " +
           std::to_string(numInputs);
  if (numInputs > 0 && !inputs)
    return std::string("inputs is NULL");
  for (int64_t i = 0; i < numInputs; ++i)
    if (std::optional<std::string> problem = checkInput(signature[i], i, inputs[i]))
      return problem;
  return std::nullopt;
}

} // namespace omc
