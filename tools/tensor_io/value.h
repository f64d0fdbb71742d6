// Graph values beyond tensors: sequences of tensors and optionals, as the ONNX backend
// test data stores them (SequenceProto, OptionalProto .pb files) and as they cross the
// model ABI (omc_tensors of elem_type OMC_SEQUENCE / OMC_OPTIONAL, see omc/model_abi.h).
#ifndef OMC_TOOLS_TENSOR_IO_VALUE_H
#define OMC_TOOLS_TENSOR_IO_VALUE_H

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omc/model_abi.h"
#include "tools/tensor_io/tensor.h"

namespace omc {

struct Value {
  enum class Kind { Tensor, Sequence, Optional };
  Kind kind = Kind::Tensor;
  DenseTensor tensor;          // a tensor's
  std::vector<Value> elements; // a sequence's, or an optional's 0 or 1
  std::string name;
};

// Decodes a serialized SequenceProto (of tensors) or OptionalProto (of a tensor or a
// sequence of tensors). On failure returns nullopt with a message in *error.
std::optional<Value> parseSequenceProto(std::string_view bytes, std::string *error);
std::optional<Value> parseOptionalProto(std::string_view bytes, std::string *error);

// The SequenceProto / OptionalProto of a sequence / optional `value`, serialized.
std::string serializeValueProto(const Value &value);

// A deep copy of an output (a tensor, sequence or optional omc_tensor).
std::optional<Value> copyValueOf(const omc_tensor &view, std::string *error);

// An omc_tensor view of `value` for omc_model_run; the arrays of element views it
// needs are kept in `arrays` (which must outlive the view). nullopt when a rank
// exceeds OMC_MAX_RANK.
std::optional<omc_tensor> viewOf(const Value &value, std::deque<std::vector<omc_tensor>> &arrays);

} // namespace omc

#endif // OMC_TOOLS_TENSOR_IO_VALUE_H
