#include "tools/tensor_io/tensor_proto.h"

#include <cstring>
#include <limits>
#include <vector>

#include <type_traits>

#include "omc/elem_type.h"
#include "tools/tensor_io/protobuf_wire.h"

// raw_data is little-endian; so are the hosts omc runs on (x86-64, aarch64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tensor_io assumes a little-endian host");

namespace omc {
namespace {

std::nullopt_t fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return std::nullopt;
}

// The fields of onnx.TensorProto (onnx/onnx.proto, proto2) that tensor files use.
struct TensorProtoFields {
  enum : uint32_t {
    kDims = 1, kDataType = 2, kSegment = 3, kFloatData = 4, kInt32Data = 5, kStringData = 6,
    kInt64Data = 7, kName = 8, kRawData = 9, kDoubleData = 10, kUint64Data = 11,
    kExternalData = 13, kDataLocation = 14
  };
  static constexpr uint64_t kExternal = 1; // TensorProto.DataLocation.EXTERNAL

  std::vector<int64_t> dims;
  bool hasDataType = false;
  int32_t dataType = 0;
  bool hasSegment = false;
  std::vector<float> floatData;
  std::vector<int32_t> int32Data;
  size_t stringCount = 0;
  std::vector<int64_t> int64Data;
  std::string_view name;
  bool hasRawData = false;
  std::string_view rawData;
  std::vector<double> doubleData;
  std::vector<uint64_t> uint64Data;
  uint64_t dataLocation = 0;
};

// A value of a repeated scalar field, unpacked (one per field) or packed (all in
// one length-delimited field), as protobuf accepts both; a field of another wire
// type is an unknown field and ignored. False on a malformed packed field.
template <typename T>
bool appendScalars(const wire::Field &field, uint32_t scalarType, std::vector<T> &values) {
  auto convert = [&](uint64_t bits) {
    if constexpr (std::is_same_v<T, float>) {
      uint32_t narrow = static_cast<uint32_t>(bits);
      float value;
      std::memcpy(&value, &narrow, sizeof value);
      values.push_back(value);
    } else if constexpr (std::is_same_v<T, double>) {
      double value;
      std::memcpy(&value, &bits, sizeof value);
      values.push_back(value);
    } else {
      values.push_back(static_cast<T>(bits)); // int32: the low 32 bits, as protobuf does
    }
  };
  if (field.wireType == scalarType) {
    convert(field.number);
    return true;
  }
  if (field.wireType != wire::kLengthDelimited)
    return true;
  std::string_view packed = field.bytes;
  while (!packed.empty()) {
    uint64_t bits;
    bool ok = scalarType == wire::kVarint ? wire::Reader::readVarint(packed, bits)
                                          : wire::Reader::readFixed(
                                                packed, scalarType == wire::kFixed64 ? 8 : 4, bits);
    if (!ok)
      return false;
    convert(bits);
  }
  return true;
}

// Whether `bytes` is a well-formed message (its fields are not needed).
bool wellFormed(std::string_view bytes) {
  wire::Reader reader(bytes);
  wire::Field field;
  while (reader.next(field)) {
  }
  return reader.ok();
}

// Decodes the fields; false on malformed or truncated protobuf.
bool decode(std::string_view bytes, TensorProtoFields &proto) {
  using F = TensorProtoFields;
  wire::Reader reader(bytes);
  wire::Field field;
  while (reader.next(field)) {
    bool varint = field.wireType == wire::kVarint;
    bool delimited = field.wireType == wire::kLengthDelimited;
    bool ok = true;
    switch (field.fieldNumber) {
    case F::kDims:
      ok = appendScalars(field, wire::kVarint, proto.dims);
      break;
    case F::kDataType:
      if (varint) {
        proto.hasDataType = true;
        proto.dataType = static_cast<int32_t>(field.number);
      }
      break;
    case F::kSegment:
    case F::kExternalData:
      if (delimited) {
        ok = wellFormed(field.bytes);
        proto.hasSegment |= field.fieldNumber == F::kSegment;
      }
      break;
    case F::kFloatData:
      ok = appendScalars(field, wire::kFixed32, proto.floatData);
      break;
    case F::kInt32Data:
      ok = appendScalars(field, wire::kVarint, proto.int32Data);
      break;
    case F::kStringData:
      proto.stringCount += delimited;
      break;
    case F::kInt64Data:
      ok = appendScalars(field, wire::kVarint, proto.int64Data);
      break;
    case F::kName:
      if (delimited)
        proto.name = field.bytes;
      break;
    case F::kRawData:
      if (delimited) {
        proto.hasRawData = true;
        proto.rawData = field.bytes;
      }
      break;
    case F::kDoubleData:
      ok = appendScalars(field, wire::kFixed64, proto.doubleData);
      break;
    case F::kUint64Data:
      ok = appendScalars(field, wire::kVarint, proto.uint64Data);
      break;
    case F::kDataLocation:
      // proto2 keeps an enum value it does not know as an unknown field.
      if (varint && field.number <= F::kExternal)
        proto.dataLocation = field.number;
      break;
    default:
      break; // doc_string, and fields of newer ONNX versions
    }
    if (!ok)
      return false;
  }
  return reader.ok();
}

// Stores `values` (a repeated field) as elements of T, checking the count and
// that every value fits T's range (for float16/bfloat16: their 16-bit patterns).
template <typename T, typename Value>
bool copyValues(const std::vector<Value> &values, int64_t perElement, DenseTensor &tensor, const char *field,
                std::string *error, int64_t low = 0, int64_t high = 0) {
  int64_t expected = tensor.numElements() * perElement;
  if (static_cast<int64_t>(values.size()) != expected) {
    fail(error, std::string(field) + " holds " + std::to_string(values.size()) +
                    " values, the dims say " + std::to_string(expected));
    return false;
  }
  T *out = static_cast<T *>(tensor.data());
  for (int64_t i = 0; i < expected; ++i) {
    Value value = values[i];
    if constexpr (std::is_integral_v<Value>) {
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
bool copyTypedField(const TensorProtoFields &proto, DenseTensor &tensor, std::string *error) {
  switch (tensor.elemType()) {
  case OMC_FLOAT:
    return copyValues<float>(proto.floatData, 1, tensor, "float_data", error);
  case OMC_COMPLEX64:
    return copyValues<float>(proto.floatData, 2, tensor, "float_data", error);
  case OMC_DOUBLE:
    return copyValues<double>(proto.doubleData, 1, tensor, "double_data", error);
  case OMC_COMPLEX128:
    return copyValues<double>(proto.doubleData, 2, tensor, "double_data", error);
  case OMC_INT64:
    return copyValues<int64_t>(proto.int64Data, 1, tensor, "int64_data", error);
  case OMC_UINT64:
    return copyValues<uint64_t>(proto.uint64Data, 1, tensor, "uint64_data", error);
  case OMC_UINT32:
    return copyValues<uint32_t>(proto.uint64Data, 1, tensor, "uint64_data", error, 0,
                                std::numeric_limits<uint32_t>::max());
  case OMC_INT32:
    return copyValues<int32_t>(proto.int32Data, 1, tensor, "int32_data", error);
  case OMC_INT16:
    return copyValues<int16_t>(proto.int32Data, 1, tensor, "int32_data", error, INT16_MIN,
                               INT16_MAX);
  case OMC_INT8:
    return copyValues<int8_t>(proto.int32Data, 1, tensor, "int32_data", error, INT8_MIN,
                              INT8_MAX);
  case OMC_UINT16:
  case OMC_FLOAT16:
  case OMC_BFLOAT16:
    return copyValues<uint16_t>(proto.int32Data, 1, tensor, "int32_data", error, 0,
                                UINT16_MAX);
  case OMC_UINT8:
    return copyValues<uint8_t>(proto.int32Data, 1, tensor, "int32_data", error, 0,
                               UINT8_MAX);
  case OMC_BOOL:
    return copyValues<uint8_t>(proto.int32Data, 1, tensor, "int32_data", error, 0, 1);
  }
  fail(error, "cannot read " + describeElemType(tensor.elemType()));
  return false;
}

// How many values the typed fields hold in all; with raw_data they must be empty.
int64_t typedValueCount(const TensorProtoFields &proto) {
  return int64_t(proto.floatData.size() + proto.int32Data.size() + proto.int64Data.size() +
                 proto.doubleData.size() + proto.uint64Data.size() + proto.stringCount);
}

} // namespace

std::optional<DenseTensor> parseTensorProto(std::string_view bytes, std::string *error) {
  if (bytes.empty())
    return fail(error, "empty file, not a TensorProto");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return fail(error, "too large for a TensorProto (2 GiB or more)");
  TensorProtoFields proto;
  if (!decode(bytes, proto))
    return fail(error, "not a TensorProto (malformed or truncated protobuf)");

  // Garbage sometimes parses as a protobuf of unknown fields: then nothing says
  // what the tensor is.
  if (!proto.hasDataType || proto.dataType == OMC_UNDEFINED)
    return fail(error, "not a TensorProto (no data_type)");
  int32_t elemType = proto.dataType;
  if (elemType == OMC_STRING)
    return fail(error, "string tensors are not supported");
  if (elemTypeSize(elemType) == 0)
    return fail(error, "unsupported data_type " + std::to_string(elemType));
  if (proto.dataLocation == TensorProtoFields::kExternal)
    return fail(error, "tensors with external data are not supported");
  if (proto.hasSegment)
    return fail(error, "segmented tensors are not supported");

  std::vector<int64_t> dims = proto.dims;
  std::string shapeError;
  std::optional<DenseTensor> tensor = DenseTensor::create(elemType, dims, &shapeError);
  if (!tensor)
    return fail(error, "bad dims: " + shapeError);
  tensor->setName(std::string(proto.name));

  if (proto.hasRawData) {
    if (typedValueCount(proto) != 0)
      return fail(error, "both raw_data and typed data fields are set");
    std::string_view raw = proto.rawData;
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

std::string serializeTensorProto(const DenseTensor &tensor) {
  // Fields in number order, as protobuf writes them (dims is not packed in proto2).
  using F = TensorProtoFields;
  std::string out;
  for (int64_t dim : tensor.shape())
    wire::writeVarintField(out, F::kDims, static_cast<uint64_t>(dim));
  wire::writeVarintField(out, F::kDataType, static_cast<uint64_t>(int64_t(tensor.elemType())));
  wire::writeBytesField(out, F::kName, tensor.name());
  wire::writeBytesField(out, F::kRawData,
                        std::string_view(static_cast<const char *>(tensor.data()),
                                         static_cast<size_t>(tensor.numBytes())));
  return out;
}

} // namespace omc
