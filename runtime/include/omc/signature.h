// The parsed form of a model's signature JSON (format in omc/model_abi.h), for the
// runtime's input checks and for tools that print or build tensors.
#ifndef OMC_SIGNATURE_H
#define OMC_SIGNATURE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omc {

// One input or output of an entry point: a tensor, or a sequence or optional (whose
// omc_tensor has elem_type OMC_SEQUENCE / OMC_OPTIONAL and shape [count], see
// omc/model_abi.h) holding `element`.
struct TensorSignature {
  std::string name;
  int32_t elemType = 0;       // omc_elem_type (ONNX TensorProto.DataType), OMC_SEQUENCE
                              // or OMC_OPTIONAL
  std::vector<int64_t> shape; // kDynamicDim marks a dim of any size; [-1] for a sequence
                              // or optional
  std::vector<TensorSignature> element; // what a sequence or optional holds (one entry)

  bool isTensor() const { return element.empty(); }
};

constexpr int64_t kDynamicDim = -1;

// All inputs (or all outputs) of an entry point, in graph order.
using Signature = std::vector<TensorSignature>;

// Parses `[{"name":"x","type":"float32","elem_type":1,"shape":[-1,4]}, ...]`.
// "name", "elem_type" and "shape" are required; "type", when present, must agree
// with "elem_type"; other keys are ignored so the format can grow. The element
// type must have a fixed size (no "string"), dims are >= -1 and the rank is at
// most OMC_MAX_RANK. On failure returns nullopt and sets *error (if given).
std::optional<Signature> parseSignature(std::string_view json, std::string *error);

// Parses the omc_entry_points() list: a JSON array of distinct, non-empty strings.
std::optional<std::vector<std::string>> parseEntryPoints(std::string_view json,
                                                         std::string *error);

// "[-1,3,224,224]" (the JSON spelling), for messages.
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace omc

#endif // OMC_SIGNATURE_H
