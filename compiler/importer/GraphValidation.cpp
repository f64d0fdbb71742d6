//===- GraphValidation.cpp - checks of a parsed ModelProto from a stranger ----===//
//
// ONNX's shape inference, its version converter and the importer all assume a
// well-formed graph: values defined once and in order, tensors whose data matches
// their dims. A file from a stranger need not be one, so this runs first and names
// the first problem it finds.
//
//===----------------------------------------------------------------------===//

#include "compiler/importer/GraphValidation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "onnx/defs/schema.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"

namespace omc {

int64_t onnxElementBytes(int32_t dataType) {
  switch (dataType) {
  case ::onnx::TensorProto::UINT8:
  case ::onnx::TensorProto::INT8:
  case ::onnx::TensorProto::BOOL: return 1;
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16: return 2;
  case ::onnx::TensorProto::FLOAT:
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32: return 4;
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
  case ::onnx::TensorProto::DOUBLE:
  case ::onnx::TensorProto::COMPLEX64: return 8;
  case ::onnx::TensorProto::COMPLEX128: return 16;
  default: return 0;
  }
}

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string quoted(const std::string &name) { return "'" + name + "'"; }

std::string describe(const ::onnx::NodeProto &node) {
  return node.op_type() + " node " + quoted(node.name());
}

std::string dataTypeName(int32_t dataType) {
  if (::onnx::TensorProto::DataType_IsValid(dataType))
    return ::onnx::TensorProto::DataType_Name(
        static_cast<::onnx::TensorProto::DataType>(dataType));
  return std::to_string(dataType);
}

// `a * b` for a, b >= 0, or false when it does not fit in int64.
bool multiply(int64_t a, int64_t b, int64_t &product) {
  return !__builtin_mul_overflow(a, b, &product);
}

// The number of values in the typed field a tensor of this type keeps its data in.
int64_t typedFieldSize(const ::onnx::TensorProto &t) {
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT:
  case ::onnx::TensorProto::COMPLEX64: return t.float_data_size();
  case ::onnx::TensorProto::DOUBLE:
  case ::onnx::TensorProto::COMPLEX128: return t.double_data_size();
  case ::onnx::TensorProto::INT64: return t.int64_data_size();
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::UINT64: return t.uint64_data_size();
  case ::onnx::TensorProto::STRING: return t.string_data_size();
  default: return t.int32_data_size();
  }
}

bool isNonNegativeInteger(const std::string &text) {
  uint64_t value;
  return !text.empty() && !llvm::StringRef(text).getAsInteger(10, value) &&
         value <= static_cast<uint64_t>(INT64_MAX);
}

llvm::Error checkTensor(const ::onnx::TensorProto &t, const std::string &what) {
  int32_t type = t.data_type();
  if (type == ::onnx::TensorProto::UNDEFINED || !::onnx::TensorProto::DataType_IsValid(type))
    return fail(what + " has element type " + dataTypeName(type) + ", which is no ONNX data type");
  int64_t count = 1;
  std::string dims;
  for (int64_t dim : t.dims()) {
    dims += (dims.empty() ? "" : ",") + std::to_string(dim);
    if (dim < 0)
      return fail(what + " has a negative dim (" + llvm::Twine(dim) + ")");
    if (!multiply(count, dim, count))
      return fail(what + " has dims whose element count overflows int64");
  }
  int64_t bytes = 0;
  if (!multiply(count, std::max<int64_t>(onnxElementBytes(type), 1), bytes))
    return fail(what + " has dims [" + dims + "] whose size in bytes overflows int64");

  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    bool hasLocation = false;
    for (const auto &entry : t.external_data()) {
      if (entry.key() == "location")
        hasLocation = !entry.value().empty();
      else if ((entry.key() == "offset" || entry.key() == "length") &&
               !isNonNegativeInteger(entry.value()))
        return fail(what + " has external data " + entry.key() + " '" + entry.value() +
                    "', which is not an integer >= 0");
    }
    if (!hasLocation)
      return fail(what + " has external data without a location");
    return llvm::Error::success();
  }
  if (type == ::onnx::TensorProto::STRING) {
    if (t.string_data_size() != count)
      return fail(what + " has dims [" + dims + "] (" + llvm::Twine(count) +
                  " elements) but holds " + llvm::Twine(t.string_data_size()) + " strings");
    return llvm::Error::success();
  }
  if (!t.raw_data().empty() || typedFieldSize(t) == 0) {
    if (static_cast<int64_t>(t.raw_data().size()) != bytes)
      return fail(what + " has dims [" + dims + "] of " + dataTypeName(type) + " (" +
                  llvm::Twine(bytes) + " bytes) but holds " + llvm::Twine(t.raw_data().size()) +
                  " bytes of data");
    return llvm::Error::success();
  }
  bool complex = type == ::onnx::TensorProto::COMPLEX64 || type == ::onnx::TensorProto::COMPLEX128;
  int64_t want = complex ? 2 * count : count;
  if (typedFieldSize(t) != want)
    return fail(what + " has dims [" + dims + "] (" + llvm::Twine(count) +
                " elements) but holds " + llvm::Twine(typedFieldSize(t)) + " values");
  return llvm::Error::success();
}

llvm::Error checkType(const ::onnx::TypeProto &type, const std::string &what) {
  switch (type.value_case()) {
  case ::onnx::TypeProto::kTensorType: {
    const auto &tensor = type.tensor_type();
    int32_t elem = tensor.elem_type();
    if (elem != 0 && (!::onnx::TensorProto::DataType_IsValid(elem)))
      return fail(what + " has element type " + llvm::Twine(elem) +
                  ", which is no ONNX data type");
    if (!tensor.has_shape())
      return llvm::Error::success();
    int64_t count = 1;
    for (const auto &dim : tensor.shape().dim())
      if (dim.has_dim_value() && dim.dim_value() > 0 && !multiply(count, dim.dim_value(), count))
        return fail(what + " has dims whose element count overflows int64");
    return llvm::Error::success();
  }
  case ::onnx::TypeProto::kSequenceType:
    return checkType(type.sequence_type().elem_type(), what);
  case ::onnx::TypeProto::kOptionalType:
    return checkType(type.optional_type().elem_type(), what);
  default:
    return llvm::Error::success(); // the importer names what it does not support
  }
}

class Validator {
public:
  explicit Validator(const ::onnx::ModelProto &model) {
    for (const auto &opset : model.opset_import())
      opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] =
          static_cast<int>(std::min<int64_t>(opset.version(), INT32_MAX));
  }

  llvm::Error checkGraph(const ::onnx::GraphProto &graph, bool isMain);

private:
  // Where each visible value comes from: "graph input", "initializer", or a node.
  using Scope = std::map<std::string, std::string>;
  const std::string *find(const std::string &name) const {
    for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope)
      if (auto it = scope->find(name); it != scope->end())
        return &it->second;
    return nullptr;
  }
  llvm::Error define(const std::string &name, const std::string &by);
  llvm::Error checkNode(const ::onnx::NodeProto &node,
                        const std::map<std::string, const ::onnx::NodeProto *> &laterOutputs);
  llvm::Error checkSchema(const ::onnx::NodeProto &node);
  llvm::Error checkDeclaredRanks(const ::onnx::NodeProto &node) const;

  std::map<std::string, int> opsets;
  std::vector<Scope> scopes;
  // The ranks that graph inputs, initializers and value_info declare (whatever is
  // inferred from them is consistent; these come straight from the file).
  std::map<std::string, int> declaredRanks;
};

llvm::Error Validator::define(const std::string &name, const std::string &by) {
  auto [it, inserted] = scopes.back().emplace(name, by);
  if (!inserted)
    return fail(quoted(name) + " is defined more than once: by " + it->second + " and by " + by);
  return llvm::Error::success();
}

llvm::Error Validator::checkSchema(const ::onnx::NodeProto &node) {
  const std::string &domain = node.domain() == "ai.onnx" ? "" : node.domain();
  auto opset = opsets.find(domain);
  if (opset == opsets.end())
    return llvm::Error::success(); // the importer reports the domain
  const ::onnx::OpSchema *schema =
      ::onnx::OpSchemaRegistry::Schema(node.op_type(), opset->second, domain);
  if (!schema)
    return llvm::Error::success(); // the importer reports the op by name
  if (node.input_size() < schema->min_input() || node.input_size() > schema->max_input())
    return fail(describe(node) + " has " + llvm::Twine(node.input_size()) +
                " inputs; its schema allows " + llvm::Twine(schema->min_input()) + " to " +
                llvm::Twine(schema->max_input()));
  if (node.output_size() > schema->max_output())
    return fail(describe(node) + " has " + llvm::Twine(node.output_size()) +
                " outputs; its schema allows at most " + llvm::Twine(schema->max_output()));
  // ONNX's shape inference functions read required attributes without looking.
  for (const auto &[name, formal] : schema->attributes())
    if (formal.required &&
        std::none_of(node.attribute().begin(), node.attribute().end(),
                     [&, &name = name](const auto &attr) { return attr.name() == name; }))
      return fail(describe(node) + " lacks its required attribute " + quoted(name));
  for (const auto &attr : node.attribute()) {
    auto formal = schema->attributes().find(attr.name());
    if (formal == schema->attributes().end())
      continue;
    if (attr.type() != formal->second.type)
      return fail(describe(node) + ": attribute " + quoted(attr.name()) + " has type " +
                  ::onnx::AttributeProto::AttributeType_Name(attr.type()) +
                  "; its schema wants " +
                  ::onnx::AttributeProto::AttributeType_Name(formal->second.type));
  }
  return llvm::Error::success();
}

// Ranks that ONNX 1.12's shape inference functions index into without checking
// (found by tests/fuzz/importer_fuzzer: each of these crashed it).
llvm::Error Validator::checkDeclaredRanks(const ::onnx::NodeProto &node) const {
  auto rankOf = [&](int i) {
    auto it = i < node.input_size() ? declaredRanks.find(node.input(i)) : declaredRanks.end();
    return it == declaredRanks.end() ? -1 : it->second;
  };
  if (node.op_type() == "Conv" || node.op_type() == "ConvTranspose" ||
      node.op_type() == "ConvInteger" || node.op_type() == "QLinearConv") {
    int x = rankOf(0), w = rankOf(node.op_type() == "QLinearConv" ? 3 : 1);
    if ((x >= 0 && x < 3) || (w >= 0 && w < 3) || (x >= 0 && w >= 0 && x != w))
      return fail(describe(node) + " needs input and weights of one rank >= 3, got ranks " +
                  llvm::Twine(x) + " and " + llvm::Twine(w));
  }
  return llvm::Error::success();
}

llvm::Error Validator::checkNode(
    const ::onnx::NodeProto &node,
    const std::map<std::string, const ::onnx::NodeProto *> &laterOutputs) {
  for (const std::string &input : node.input()) {
    if (input.empty() || find(input))
      continue;
    auto later = laterOutputs.find(input);
    if (later != laterOutputs.end())
      return fail(describe(node) + " uses " + quoted(input) + " before " +
                  describe(*later->second) +
                  " defines it (the nodes are out of order or form a cycle)");
    return fail(describe(node) + " uses " + quoted(input) +
                ", which no node, graph input or initializer defines");
  }
  if (llvm::Error error = checkSchema(node))
    return error;
  if (llvm::Error error = checkDeclaredRanks(node))
    return error;
  for (const auto &attr : node.attribute()) {
    std::string what = describe(node) + ": attribute " + quoted(attr.name());
    if (attr.has_t())
      if (llvm::Error error = checkTensor(attr.t(), what))
        return error;
    for (const auto &tensor : attr.tensors())
      if (llvm::Error error = checkTensor(tensor, what))
        return error;
    if (attr.has_g())
      if (llvm::Error error = checkGraph(attr.g(), /*isMain=*/false))
        return error;
    for (const auto &graph : attr.graphs())
      if (llvm::Error error = checkGraph(graph, /*isMain=*/false))
        return error;
  }
  for (const std::string &output : node.output())
    if (!output.empty())
      if (llvm::Error error = define(output, describe(node)))
        return error;
  return llvm::Error::success();
}

llvm::Error Validator::checkGraph(const ::onnx::GraphProto &graph, bool isMain) {
  scopes.emplace_back();
  std::string where = isMain ? "graph" : "subgraph " + quoted(graph.name());
  for (const auto &input : graph.input()) {
    std::string what = where + " input " + quoted(input.name());
    if (llvm::Error error = checkType(input.type(), what))
      return error;
    if (llvm::Error error = define(input.name(), what))
      return error;
    if (input.type().tensor_type().has_shape())
      declaredRanks[input.name()] = input.type().tensor_type().shape().dim_size();
  }
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer()) {
    std::string what = "initializer " + quoted(init.name());
    if (!initializers.insert(init.name()).second)
      return fail(what + " is defined more than once");
    if (llvm::Error error = checkTensor(init, what))
      return error;
    // An initializer may give a graph input its default.
    scopes.back().emplace(init.name(), what);
    declaredRanks[init.name()] = init.dims_size();
  }
  for (const auto &info : graph.value_info()) {
    if (llvm::Error error = checkType(info.type(), "value " + quoted(info.name())))
      return error;
    if (info.type().tensor_type().has_shape())
      declaredRanks[info.name()] = info.type().tensor_type().shape().dim_size();
  }

  std::map<std::string, const ::onnx::NodeProto *> laterOutputs;
  for (const auto &node : graph.node())
    for (const std::string &output : node.output())
      laterOutputs.emplace(output, &node);
  for (const auto &node : graph.node())
    if (llvm::Error error = checkNode(node, laterOutputs))
      return error;

  for (const auto &output : graph.output()) {
    std::string what = where + " output " + quoted(output.name());
    if (llvm::Error error = checkType(output.type(), what))
      return error;
    if (!find(output.name()))
      return fail(what + " is not defined by any node, input or initializer");
  }
  scopes.pop_back();
  return llvm::Error::success();
}

} // namespace

llvm::Error validateModel(const ::onnx::ModelProto &model) {
  return Validator(model).checkGraph(model.graph(), /*isMain=*/true);
}

} // namespace omc
