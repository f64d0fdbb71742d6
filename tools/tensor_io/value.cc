#include "tools/tensor_io/value.h"

#include <cstring>

#include "onnx/onnx-data_pb.h"
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

std::optional<Value> tensorValue(const onnx::TensorProto &proto, std::string *error) {
  std::optional<Tensor> tensor = parseTensorProto(proto.SerializeAsString(), error);
  if (!tensor)
    return std::nullopt;
  Value value;
  value.tensor = std::move(*tensor);
  return value;
}

std::optional<Value> fromSequence(const onnx::SequenceProto &proto, std::string *error) {
  if (proto.elem_type() != onnx::SequenceProto::TENSOR &&
      !(proto.elem_type() == onnx::SequenceProto::UNDEFINED && proto.tensor_values_size() == 0))
    return fail(error, "only sequences of tensors are supported (elem_type " +
                           std::to_string(proto.elem_type()) + ")");
  Value value;
  value.kind = Value::Kind::Sequence;
  value.name = proto.name();
  for (int i = 0; i < proto.tensor_values_size(); ++i) {
    std::string why;
    std::optional<Value> element = tensorValue(proto.tensor_values(i), &why);
    if (!element)
      return fail(error, "element " + std::to_string(i) + ": " + why);
    if (!value.elements.empty() &&
        element->tensor.elemType() != value.elements.front().tensor.elemType())
      return fail(error, "element " + std::to_string(i) + " has another element type");
    value.elements.push_back(std::move(*element));
  }
  return value;
}

std::optional<Value> fromOptional(const onnx::OptionalProto &proto, std::string *error) {
  Value value;
  value.kind = Value::Kind::Optional;
  value.name = proto.name();
  std::optional<Value> held;
  std::string why;
  switch (proto.elem_type()) {
  case onnx::OptionalProto::UNDEFINED: // empty
    return value;
  case onnx::OptionalProto::TENSOR:
    held = tensorValue(proto.tensor_value(), &why);
    break;
  case onnx::OptionalProto::SEQUENCE:
    held = fromSequence(proto.sequence_value(), &why);
    break;
  default:
    return fail(error, "only optionals of tensors and sequences are supported (elem_type " +
                           std::to_string(proto.elem_type()) + ")");
  }
  if (!held)
    return fail(error, "the optional's value: " + why);
  value.elements.push_back(std::move(*held));
  return value;
}

void toSequence(const Value &value, onnx::SequenceProto &proto) {
  proto.set_name(value.name);
  proto.set_elem_type(onnx::SequenceProto::TENSOR);
  for (const Value &element : value.elements)
    proto.add_tensor_values()->ParseFromString(serializeTensorProto(element.tensor));
}

std::optional<Value> copyAt(const omc_tensor &view, std::string *error, int depth) {
  if (view.elem_type != OMC_SEQUENCE && view.elem_type != OMC_OPTIONAL) {
    std::optional<Tensor> tensor = Tensor::copyOf(view, error);
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
  onnx::SequenceProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail(error, "not a valid SequenceProto");
  return fromSequence(proto, error);
}

std::optional<Value> parseOptionalProto(std::string_view bytes, std::string *error) {
  onnx::OptionalProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail(error, "not a valid OptionalProto");
  return fromOptional(proto, error);
}

std::string serializeValueProto(const Value &value) {
  if (value.kind == Value::Kind::Sequence) {
    onnx::SequenceProto proto;
    toSequence(value, proto);
    return proto.SerializeAsString();
  }
  onnx::OptionalProto proto;
  proto.set_name(value.name);
  if (value.elements.empty()) {
    proto.set_elem_type(onnx::OptionalProto::UNDEFINED);
  } else if (value.elements.front().kind == Value::Kind::Sequence) {
    proto.set_elem_type(onnx::OptionalProto::SEQUENCE);
    toSequence(value.elements.front(), *proto.mutable_sequence_value());
  } else {
    proto.set_elem_type(onnx::OptionalProto::TENSOR);
    proto.mutable_tensor_value()->ParseFromString(
        serializeTensorProto(value.elements.front().tensor));
  }
  return proto.SerializeAsString();
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
