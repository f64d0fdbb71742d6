// ONNX TensorProto files (.pb), as in the ONNX backend test data.
#ifndef OMC_TOOLS_TENSOR_IO_TENSOR_PROTO_H
#define OMC_TOOLS_TENSOR_IO_TENSOR_PROTO_H

#include <optional>
#include <string>
#include <string_view>

#include "tools/tensor_io/tensor.h"

namespace omc {

// Decodes a serialized TensorProto: dims, data_type, name, and the values from
// raw_data or from the typed field ONNX keeps that type in (float_data,
// int32_data for every type of 16 bits or less, int64_data, double_data,
// uint64_data). Rejects malformed protobuf, missing or unsupported types (string),
// external data, and value counts that do not match the dims. On failure returns
// nullopt with a message (without a file name) in *error.
std::optional<DenseTensor> parseTensorProto(std::string_view bytes, std::string *error);

// The TensorProto (name, dims, data_type, raw_data) of `tensor`, serialized.
std::string serializeTensorProto(const DenseTensor &tensor);

} // namespace omc

#endif // OMC_TOOLS_TENSOR_IO_TENSOR_PROTO_H
