#include "tools/tensor_io/value.h"

#include <cstring>

#include "tools/tensor_io/protobuf_wire.h"
#include "tools/tensor_io/tensor_proto.h"

namespace omc {
namespace {

// Values nest no deeper than an optional of a sequence of tensors.
constexpr int kMaxDepth = 4;

std::nullopt_t fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return std::nullopt;
}

// Field numbers and elem_type values shared by SequenceProto and OptionalProto
// (onnx-data.proto). Read with protobuf_wire so that tools/run needs no libprotobuf.
enum ValueField : uint32_t {
  kName = 1,
  kElemType = 2,
  kTensors = 3,        // SequenceProto.tensor_values, OptionalProto.tensor_value
  kSequences = 5,      // SequenceProto.sequence_values, OptionalProto.sequence_value
};
enum ValueElemType : uint64_t { kUndefined = 0, kTensor = 1, kSequence = 3 };

// The fields of a SequenceProto or OptionalProto that omc understands; any other
// field present (sparse tensors, maps, nested optionals) makes `unsupported` true.
struct ValueProtoFields {
  std::string name;
  uint64_t elemType = kUndefined;
  std::vector<std::string_view> tensors, sequences;
  bool unsupported = false;
};

bool decode(std::string_view bytes, ValueProtoFields &proto) {
  wire::Reader reader(bytes);
  wire::Field field;
  while (reader.next(field)) {
    bool delimited = field.wireType == wire::kLengthDelimited;
    switch (field.fieldNumber) {
    case kName:
      if (!delimited)
        return false;
      proto.name = std::string(field.bytes);
      break;
    case kElemType:
      if (field.wireType != wire::kVarint)
        return false;
      proto.elemType = field.number;
      break;
    case kTensors:
      if (!delimited)
        return false;
      proto.tensors.push_back(field.bytes);
      break;
    case kSequences:
      if (!delimited)
        return false;
      proto.sequences.push_back(field.bytes);
      break;
    default:
      proto.unsupported = true;
    }
  }
  return reader.ok();
}

std::optional<Value> tensorValue(std::string_view bytes, std::string *error) {
  std::optional<DenseTensor> tensor = parseTensorProto(bytes, error);
  if (!tensor)
    return std::nullopt;
  Value value;
  value.tensor = std::move(*tensor);
  return value;
}

std::optional<Value> fromSequence(std::string_view bytes, std::string *error) {
  ValueProtoFields proto;
  if (!decode(bytes, proto))
    return fail(error, "not a valid SequenceProto");
  if (proto.unsupported || !proto.sequences.empty() ||
      (proto.elemType != kTensor && !(proto.elemType == kUndefined && proto.tensors.empty())))
    return fail(error, "only sequences of tensors are supported (elem_type " +
                           std::to_string(proto.elemType) + ")");
  Value value;
  value.kind = Value::Kind::Sequence;
  value.name = proto.name;
  for (size_t i = 0; i < proto.tensors.size(); ++i) {
    std::string why;
    std::optional<Value> element = tensorValue(proto.tensors[i], &why);
    if (!element)
      return fail(error, "element " + std::to_string(i) + ": " + why);
    if (!value.elements.empty() &&
        element->tensor.elemType() != value.elements.front().tensor.elemType())
      return fail(error, "element " + std::to_string(i) + " has another element type");
    value.elements.push_back(std::move(*element));
  }
  return value;
}

std::optional<Value> fromOptional(std::string_view bytes, std::string *error) {
  ValueProtoFields proto;
  if (!decode(bytes, proto))
    return fail(error, "not a valid OptionalProto");
  Value value;
  value.kind = Value::Kind::Optional;
  value.name = proto.name;
  std::optional<Value> held;
  std::string why;
  if (proto.unsupported || proto.tensors.size() + proto.sequences.size() > 1)
    return fail(error, "only optionals of tensors and sequences are supported");
  switch (proto.elemType) {
  case kUndefined: // empty
    return value;
  case kTensor:
    if (proto.tensors.empty())
      return fail(error, "an optional of elem_type TENSOR holds no tensor_value");
    held = tensorValue(proto.tensors.front(), &why);
    break;
  case kSequence:
    if (proto.sequences.empty())
      return fail(error, "an optional of elem_type SEQUENCE holds no sequence_value");
    held = fromSequence(proto.sequences.front(), &why);
    break;
  default:
    return fail(error, "only optionals of tensors and sequences are supported (elem_type " +
                           std::to_string(proto.elemType) + ")");
  }
  if (!held)
    return fail(error, "the optional's value: " + why);
  value.elements.push_back(std::move(*held));
  return value;
}

std::string serializeSequence(const Value &value) {
  std::string out;
  wire::writeBytesField(out, kName, value.name);
  wire::writeVarintField(out, kElemType, kTensor);
  for (const Value &element : value.elements)
    wire::writeBytesField(out, kTensors, serializeTensorProto(element.tensor));
  return out;
}

std::optional<Value> copyAt(const omc_tensor &view, std::string *error, int depth) {
  if (view.elem_type != OMC_SEQUENCE && view.elem_type != OMC_OPTIONAL) {
    std::optional<DenseTensor> tensor = DenseTensor::copyOf(view, error);
    if (!tensor)
      return std::nullopt;
    Value value;
    value.tensor = std::move(*tensor);
    return value;
  }
  if (depth >= kMaxDepth)
    return fail(error, "values nest too deep");
  if (view.rank != 1 || view.shape[0] < 0 || (view.shape[0] > 0 && !view.data))
    return fail(error, "malformed sequence or optional");
  Value value;
  value.kind = view.elem_type == OMC_SEQUENCE ? Value::Kind::Sequence : Value::Kind::Optional;
  for (int64_t i = 0; i < view.shape[0]; ++i) {
    std::optional<Value> element =
        copyAt(static_cast<const omc_tensor *>(view.data)[i], error, depth + 1);
    if (!element)
      return std::nullopt;
    value.elements.push_back(std::move(*element));
  }
  return value;
}

} // namespace

std::optional<Value> parseSequenceProto(std::string_view bytes, std::string *error) {
  return fromSequence(bytes, error);
}

std::optional<Value> parseOptionalProto(std::string_view bytes, std::string *error) {
  return fromOptional(bytes, error);
}

std::string serializeValueProto(const Value &value) {
  if (value.kind == Value::Kind::Sequence)
    return serializeSequence(value);
  std::string out;
  wire::writeBytesField(out, kName, value.name);
  if (value.elements.empty()) {
    wire::writeVarintField(out, kElemType, kUndefined);
  } else if (value.elements.front().kind == Value::Kind::Sequence) {
    wire::writeVarintField(out, kElemType, kSequence);
    wire::writeBytesField(out, kSequences, serializeSequence(value.elements.front()));
  } else {
    wire::writeVarintField(out, kElemType, kTensor);
    wire::writeBytesField(out, kTensors, serializeTensorProto(value.elements.front().tensor));
  }
  return out;
}

std::optional<Value> copyValueOf(const omc_tensor &view, std::string *error) {
  return copyAt(view, error, 0);
}

std::optional<omc_tensor> viewOf(const Value &value, std::deque<std::vector<omc_tensor>> &arrays) {
  if (value.kind == Value::Kind::Tensor)
    return value.tensor.view();
  std::vector<omc_tensor> elements;
  for (const Value &element : value.elements) {
    std::optional<omc_tensor> view = viewOf(element, arrays);
    if (!view)
      return std::nullopt;
    elements.push_back(*view);
  }
  arrays.push_back(std::move(elements));
  omc_tensor t;
  std::memset(&t, 0, sizeof t);
  t.data = arrays.back().data();
  t.elem_type = value.kind == Value::Kind::Sequence ? OMC_SEQUENCE : OMC_OPTIONAL;
  t.rank = 1;
  t.shape[0] = static_cast<int64_t>(value.elements.size());
  t.strides[0] = 1;
  return t;
}

} // namespace omc
