#include "tools/tensor_io/tensor_proto.h"

#include <cstring>
#include <limits>

#include "omc/elem_type.h"
#include "onnx/onnx_pb.h"

// raw_data is little-endian; so are the hosts omc runs on (x86-64, aarch64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tensor_io assumes a little-endian host");

namespace omc {
namespace {

std::nullopt_t fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return std::nullopt;
}

// Stores `values` (a repeated field) as elements of T, checking the count and
// that every value fits T's range (for float16/bfloat16: their 16-bit patterns).
template <typename T, typename Field>
bool copyValues(const Field &values, int64_t perElement, Tensor &tensor, const char *field,
                std::string *error, int64_t low = 0, int64_t high = 0) {
  int64_t expected = tensor.numElements() * perElement;
  if (values.size() != expected) {
    fail(error, std::string(field) + " holds " + std::to_string(values.size()) +
                    " values, the dims say " + std::to_string(expected));
    return false;
  }
  T *out = static_cast<T *>(tensor.data());
  for (int64_t i = 0; i < expected; ++i) {
    auto value = values.Get(static_cast<int>(i));
    if constexpr (std::is_integral_v<decltype(value)>) {
      if (low < high && (static_cast<int64_t>(value) < low || static_cast<int64_t>(value) > high)) {
        fail(error, std::string(field) + "[" + std::to_string(i) + "] = " + std::to_string(value) +
                        " is out of range for " + describeElemType(tensor.elemType()));
        return false;
      }
    }
    out[i] = static_cast<T>(value);
  }
  return true;
}

// The values stored in the typed field that ONNX uses for this element type.
bool copyTypedField(const onnx::TensorProto &proto, Tensor &tensor, std::string *error) {
  switch (tensor.elemType()) {
  case OMC_FLOAT:
    return copyValues<float>(proto.float_data(), 1, tensor, "float_data", error);
  case OMC_COMPLEX64:
    return copyValues<float>(proto.float_data(), 2, tensor, "float_data", error);
  case OMC_DOUBLE:
    return copyValues<double>(proto.double_data(), 1, tensor, "double_data", error);
  case OMC_COMPLEX128:
    return copyValues<double>(proto.double_data(), 2, tensor, "double_data", error);
  case OMC_INT64:
    return copyValues<int64_t>(proto.int64_data(), 1, tensor, "int64_data", error);
  case OMC_UINT64:
    return copyValues<uint64_t>(proto.uint64_data(), 1, tensor, "uint64_data", error);
  case OMC_UINT32:
    return copyValues<uint32_t>(proto.uint64_data(), 1, tensor, "uint64_data", error, 0,
                                std::numeric_limits<uint32_t>::max());
  case OMC_INT32:
    return copyValues<int32_t>(proto.int32_data(), 1, tensor, "int32_data", error);
  case OMC_INT16:
    return copyValues<int16_t>(proto.int32_data(), 1, tensor, "int32_data", error, INT16_MIN,
                               INT16_MAX);
  case OMC_INT8:
    return copyValues<int8_t>(proto.int32_data(), 1, tensor, "int32_data", error, INT8_MIN,
                              INT8_MAX);
  case OMC_UINT16:
  case OMC_FLOAT16:
  case OMC_BFLOAT16:
    return copyValues<uint16_t>(proto.int32_data(), 1, tensor, "int32_data", error, 0,
                                UINT16_MAX);
  case OMC_UINT8:
    return copyValues<uint8_t>(proto.int32_data(), 1, tensor, "int32_data", error, 0,
                               UINT8_MAX);
  case OMC_BOOL:
    return copyValues<uint8_t>(proto.int32_data(), 1, tensor, "int32_data", error, 0, 1);
  }
  fail(error, "cannot read " + describeElemType(tensor.elemType()));
  return false;
}

// How many values the typed fields hold in all; with raw_data they must be empty.
int64_t typedValueCount(const onnx::TensorProto &proto) {
  return int64_t(proto.float_data_size()) + proto.int32_data_size() + proto.int64_data_size() +
         proto.double_data_size() + proto.uint64_data_size() + proto.string_data_size();
}

} // namespace

std::optional<Tensor> parseTensorProto(std::string_view bytes, std::string *error) {
  if (bytes.empty())
    return fail(error, "empty file, not a TensorProto");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return fail(error, "too large for a TensorProto (2 GiB or more)");
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail(error, "not a TensorProto (malformed or truncated protobuf)");

  // Garbage sometimes parses as a protobuf of unknown fields: then nothing says
  // what the tensor is.
  if (!proto.has_data_type() || proto.data_type() == OMC_UNDEFINED)
    return fail(error, "not a TensorProto (no data_type)");
  int32_t elemType = proto.data_type();
  if (elemType == OMC_STRING)
    return fail(error, "string tensors are not supported");
  if (elemTypeSize(elemType) == 0)
    return fail(error, "unsupported data_type " + std::to_string(elemType));
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return fail(error, "tensors with external data are not supported");
  if (proto.has_segment())
    return fail(error, "segmented tensors are not supported");

  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  std::string shapeError;
  std::optional<Tensor> tensor = Tensor::create(elemType, dims, &shapeError);
  if (!tensor)
    return fail(error, "bad dims: " + shapeError);
  tensor->setName(proto.name());

  if (proto.has_raw_data()) {
    if (typedValueCount(proto) != 0)
      return fail(error, "both raw_data and typed data fields are set");
    const std::string &raw = proto.raw_data();
    if (static_cast<int64_t>(raw.size()) != tensor->numBytes())
      return fail(error, "raw_data holds " + std::to_string(raw.size()) +
                             " bytes, the dims and data_type say " +
                             std::to_string(tensor->numBytes()));
    std::memcpy(tensor->data(), raw.data(), raw.size());
  } else if (!copyTypedField(proto, *tensor, error)) {
    return std::nullopt;
  }
  return tensor;
}

std::string serializeTensorProto(const Tensor &tensor) {
  onnx::TensorProto proto;
  proto.set_name(tensor.name());
  proto.set_data_type(tensor.elemType());
  for (int64_t dim : tensor.shape())
    proto.add_dims(dim);
  proto.set_raw_data(tensor.data(), tensor.numBytes());
  return proto.SerializeAsString();
}

} // namespace omc
