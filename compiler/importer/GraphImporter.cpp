//===- GraphImporter.cpp - an ONNX GraphProto -> func.func of onnx ops --------===//
//
// Nodes become onnx ops generically: the op named "onnx.<op_type>" (ops of the
// training preview domain "onnx.training.<op_type>") with the node's inputs,
// attributes and outputs in the schema's order. Optional inputs and outputs the node
// leaves out become `none`, so every op has its schema's operand and result count.
// Subgraph attributes (If branches, Loop and Scan bodies) become regions whose block
// arguments are the subgraph's inputs and which end in onnx.Yield; they use outer
// values directly, as ONNX's outer scope allows.
//
//===----------------------------------------------------------------------===//

#include "compiler/importer/GraphImporter.h"

#include <map>
#include <set>

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/importer/TypeConversion.h"
#include "mlir/IR/Builders.h"
#include "onnx/defs/data_type_utils.h"
#include "onnx/defs/schema.h"

using namespace mlir;

namespace omc {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// The version of `domain` the model imports (0 when it imports none).
int opsetOf(const ::onnx::ModelProto &model, llvm::StringRef domain) {
  for (const auto &opset : model.opset_import()) {
    // Both arms StringRefs: `cond ? "" : std::string` would make a temporary string.
    llvm::StringRef name =
        opset.domain() == "ai.onnx" ? llvm::StringRef() : llvm::StringRef(opset.domain());
    if (name == domain)
      return static_cast<int>(opset.version());
  }
  return 0;
}

// The dialect name of a node's op, or "" for a domain omc does not know.
std::string dialectOpName(const ::onnx::NodeProto &node) {
  const std::string &domain = node.domain();
  if (domain.empty() || domain == "ai.onnx")
    return "onnx." + node.op_type();
  if (domain == "ai.onnx.preview.training")
    return "onnx.training." + node.op_type();
  return "";
}

std::string describeNode(const ::onnx::NodeProto &node) {
  return node.op_type() + " node '" + node.name() + "'";
}

class GraphImporter {
public:
  GraphImporter(ModuleOp module, const ::onnx::ModelProto &model, const std::string &modelDir)
      : context(*module.getContext()), builder(module.getBodyRegion()), model(model),
        modelDir(modelDir) {
    collectValueTypes(model.graph());
  }

  llvm::Error importMainGraph(StringRef funcName);

private:
  void collectValueTypes(const ::onnx::GraphProto &graph);
  llvm::Error importInitializers(const ::onnx::GraphProto &graph);
  llvm::Error importNodes(const ::onnx::GraphProto &graph);
  llvm::Error importNode(const ::onnx::NodeProto &node);
  llvm::Error importConstantNode(const ::onnx::NodeProto &node);
  llvm::Error importSubgraph(const ::onnx::NodeProto &node, const ::onnx::GraphProto &graph,
                             Region &region);
  llvm::Expected<std::optional<NamedAttribute>>
  convertAttribute(const ::onnx::NodeProto &node, const ::onnx::AttributeProto &attr);
  llvm::Expected<Type> resultType(const ::onnx::NodeProto &node, int index,
                                  const ::onnx::OpSchema *schema, ValueRange operands);
  Value lookup(const std::string &name) const;
  Value noValue(Location loc) {
    return onnx::NoValueOp::create(builder, loc, builder.getNoneType());
  }
  Location nodeLoc(const ::onnx::NodeProto &node) {
    return NameLoc::get(builder.getStringAttr(node.name().empty() ? node.op_type()
                                                                  : node.name()));
  }

  MLIRContext &context;
  OpBuilder builder;
  const ::onnx::ModelProto &model;
  std::string modelDir;
  // Innermost last: a subgraph sees its own values, then its parents'.
  std::vector<std::map<std::string, Value>> scopes;
  // Types ONNX's shape inference recorded for every value of every (sub)graph.
  std::map<std::string, const ::onnx::TypeProto *> valueTypes;
};

void GraphImporter::collectValueTypes(const ::onnx::GraphProto &graph) {
  for (const auto &info : graph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const auto &info : graph.output())
    valueTypes[info.name()] = &info.type();
  for (const auto &node : graph.node())
    for (const auto &attr : node.attribute()) {
      if (attr.has_g())
        collectValueTypes(attr.g());
      for (const auto &subgraph : attr.graphs())
        collectValueTypes(subgraph);
    }
}

Value GraphImporter::lookup(const std::string &name) const {
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
    auto it = scope->find(name);
    if (it != scope->end())
      return it->second;
  }
  return {};
}

llvm::Error GraphImporter::importInitializers(const ::onnx::GraphProto &graph) {
  for (const auto &init : graph.initializer()) {
    auto value = convertTensor(context, init, modelDir);
    if (!value)
      return fail("initializer '" + init.name() + "': " + llvm::toString(value.takeError()));
    scopes.back()[init.name()] = onnx::ConstantOp::create(
        builder, NameLoc::get(builder.getStringAttr(init.name())), value->getType(), *value);
  }
  return llvm::Error::success();
}

// One ONNX attribute as an MLIR attribute; nothing for what the dialect does not keep
// (a TYPE_PROTO, which the result type carries). GRAPH attributes are regions, not
// attributes: importNode handles them.
llvm::Expected<std::optional<NamedAttribute>>
GraphImporter::convertAttribute(const ::onnx::NodeProto &node,
                                const ::onnx::AttributeProto &attr) {
  auto named = [&](Attribute value) -> std::optional<NamedAttribute> {
    return builder.getNamedAttr(attr.name(), value);
  };
  switch (attr.type()) {
  case ::onnx::AttributeProto::INT:
    return named(builder.getIntegerAttr(builder.getIntegerType(64, /*isSigned=*/true),
                                        attr.i()));
  case ::onnx::AttributeProto::FLOAT:
    return named(builder.getF32FloatAttr(attr.f()));
  case ::onnx::AttributeProto::STRING:
    return named(builder.getStringAttr(attr.s()));
  case ::onnx::AttributeProto::INTS:
    return named(builder.getI64ArrayAttr(
        SmallVector<int64_t>(attr.ints().begin(), attr.ints().end())));
  case ::onnx::AttributeProto::FLOATS:
    return named(builder.getF32ArrayAttr(
        SmallVector<float>(attr.floats().begin(), attr.floats().end())));
  case ::onnx::AttributeProto::STRINGS: {
    SmallVector<StringRef> strings(attr.strings().begin(), attr.strings().end());
    return named(builder.getStrArrayAttr(strings));
  }
  case ::onnx::AttributeProto::TENSOR: {
    auto tensor = convertTensor(context, attr.t(), modelDir);
    if (!tensor)
      return tensor.takeError();
    return named(*tensor);
  }
  case ::onnx::AttributeProto::TYPE_PROTO:
    return std::optional<NamedAttribute>();
  default:
    return fail(describeNode(node) + ": attribute '" + attr.name() + "' has type " +
                ::onnx::AttributeProto::AttributeType_Name(attr.type()) +
                ", which omc does not support");
  }
}

// Constant's value may come in any of its opset forms; the dialect keeps `value`.
llvm::Error GraphImporter::importConstantNode(const ::onnx::NodeProto &node) {
  if (node.attribute_size() != 1 || node.output_size() != 1)
    return fail(describeNode(node) + " needs exactly one value attribute and one output");
  const ::onnx::AttributeProto &attr = node.attribute(0);
  auto vector = [&](int64_t size, Type element) {
    return RankedTensorType::get({size}, element);
  };
  auto scalar = [&](Type element) { return RankedTensorType::get({}, element); };
  DenseElementsAttr value;
  if (attr.name() == "value") {
    auto tensor = convertTensor(context, attr.t(), modelDir);
    if (!tensor)
      return fail(describeNode(node) + ": " + llvm::toString(tensor.takeError()));
    value = *tensor;
  } else if (attr.name() == "value_float") {
    value = DenseElementsAttr::get(scalar(builder.getF32Type()), attr.f());
  } else if (attr.name() == "value_floats") {
    SmallVector<float> data(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(vector(data.size(), builder.getF32Type()),
                                   ArrayRef<float>(data));
  } else if (attr.name() == "value_int") {
    value = DenseElementsAttr::get(scalar(builder.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (attr.name() == "value_ints") {
    SmallVector<int64_t> data(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(vector(data.size(), builder.getI64Type()),
                                   ArrayRef<int64_t>(data));
  } else if (attr.name() == "value_string") {
    StringRef text = attr.s();
    value = DenseElementsAttr::get(scalar(onnx::StringType::get(&context)),
                                   ArrayRef<StringRef>(text));
  } else if (attr.name() == "value_strings") {
    SmallVector<StringRef> data(attr.strings().begin(), attr.strings().end());
    value = DenseElementsAttr::get(vector(data.size(), onnx::StringType::get(&context)),
                                   ArrayRef<StringRef>(data));
  } else {
    return fail(describeNode(node) + ": attribute '" + attr.name() +
                "' is not supported (sparse constants are not)");
  }
  scopes.back()[node.output(0)] =
      onnx::ConstantOp::create(builder, nodeLoc(node), value.getType(), value);
  return llvm::Error::success();
}

// The type of output `index`: what ONNX's shape inference recorded, else what the schema
// implies (a single allowed type, or the element type of an input of the same type
// parameter), else an error. An output the node leaves out is `none`.
llvm::Expected<Type> GraphImporter::resultType(const ::onnx::NodeProto &node, int index,
                                               const ::onnx::OpSchema *schema,
                                               ValueRange operands) {
  if (index >= node.output_size() || node.output(index).empty())
    return Type(builder.getNoneType());
  const std::string &name = node.output(index);
  auto it = valueTypes.find(name);
  if (it != valueTypes.end() && it->second->value_case() != ::onnx::TypeProto::VALUE_NOT_SET &&
      !(it->second->has_tensor_type() && it->second->tensor_type().elem_type() == 0))
    return convertType(context, *it->second);

  if (schema && !schema->outputs().empty()) {
    const auto &formals = schema->outputs();
    const auto &formal = formals[std::min<size_t>(index, formals.size() - 1)];
    const auto &allowed = formal.GetTypes();
    if (allowed.size() == 1) {
      const ::onnx::TypeProto &type = ::onnx::Utils::DataTypeUtils::ToTypeProto(*allowed.begin());
      if (type.has_tensor_type()) {
        auto element = convertElementType(context, type.tensor_type().elem_type());
        if (element)
          return Type(UnrankedTensorType::get(*element));
        llvm::consumeError(element.takeError());
      }
    }
    for (auto [i, input] : llvm::enumerate(schema->inputs())) {
      if (input.GetTypeStr() != formal.GetTypeStr() || i >= operands.size())
        continue;
      Type operand = operands[i].getType();
      if (auto tensor = dyn_cast<TensorType>(operand))
        return Type(UnrankedTensorType::get(tensor.getElementType()));
    }
  }
  return fail("cannot determine the type of '" + name + "', output " + llvm::Twine(index) +
              " of " + describeNode(node));
}

llvm::Error GraphImporter::importSubgraph(const ::onnx::NodeProto &node,
                                          const ::onnx::GraphProto &graph, Region &region) {
  OpBuilder::InsertionGuard guard(builder);
  Block *block = builder.createBlock(&region);
  scopes.emplace_back();
  for (const auto &input : graph.input()) {
    auto type = convertType(context, input.type());
    if (!type)
      return fail(describeNode(node) + ": subgraph input '" + input.name() +
                  "': " + llvm::toString(type.takeError()));
    scopes.back()[input.name()] = block->addArgument(*type, nodeLoc(node));
  }
  if (llvm::Error error = importInitializers(graph))
    return error;
  if (llvm::Error error = importNodes(graph))
    return error;
  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    Value value = lookup(output.name());
    if (!value)
      return fail(describeNode(node) + ": subgraph output '" + output.name() +
                  "' is not defined");
    results.push_back(value);
  }
  onnx::YieldOp::create(builder, nodeLoc(node), results);
  scopes.pop_back();
  return llvm::Error::success();
}

llvm::Error GraphImporter::importNode(const ::onnx::NodeProto &node) {
  std::string opName = dialectOpName(node);
  if (opName.empty())
    return fail("unknown ONNX operator '" + node.op_type() + "' of domain '" + node.domain() +
                "' (node '" + node.name() + "')");
  if (opName == "onnx.Constant")
    return importConstantNode(node);
  if (!RegisteredOperationName::lookup(opName, &context))
    return fail("unknown ONNX operator '" + node.op_type() + "' (node '" + node.name() +
                "'): omc does not support it");

  const std::string &domain = node.domain() == "ai.onnx" ? "" : node.domain();
  int opset = opsetOf(model, domain);
  const ::onnx::OpSchema *schema =
      ::onnx::OpSchemaRegistry::Schema(node.op_type(), opset ? opset : 1, domain);

  Location loc = nodeLoc(node);
  OperationState state(loc, opName);
  for (const std::string &input : node.input()) {
    if (input.empty()) {
      state.operands.push_back(noValue(loc));
      continue;
    }
    Value value = lookup(input);
    if (!value)
      return fail(describeNode(node) + " uses '" + input +
                  "', which no earlier node, input or initializer defines");
    state.operands.push_back(value);
  }
  // Trailing optional inputs the node leaves out are `none` operands of the op.
  if (schema) {
    const auto &formals = schema->inputs();
    for (size_t i = node.input_size(); i < formals.size(); ++i) {
      if (formals[i].GetOption() == ::onnx::OpSchema::Single)
        return fail(describeNode(node) + " lacks its required input '" +
                    formals[i].GetName() + "'");
      if (formals[i].GetOption() == ::onnx::OpSchema::Optional)
        state.operands.push_back(noValue(loc));
    }
  }

  std::vector<const ::onnx::AttributeProto *> graphs;
  for (const auto &attr : node.attribute()) {
    if (attr.type() == ::onnx::AttributeProto::GRAPH) {
      graphs.push_back(&attr);
      continue;
    }
    auto named = convertAttribute(node, attr);
    if (!named)
      return named.takeError();
    if (*named)
      state.attributes.push_back(**named);
  }

  // Results: the node's outputs, then `none` for trailing optional outputs it omits.
  int numResults = node.output_size();
  if (schema) {
    const auto &formals = schema->outputs();
    bool variadic = !formals.empty() && formals.back().GetOption() == ::onnx::OpSchema::Variadic;
    if (!variadic)
      numResults = std::max<int>(numResults, formals.size());
  }
  for (int i = 0; i < numResults; ++i) {
    auto type = resultType(node, i, schema, state.operands);
    if (!type)
      return type.takeError();
    state.types.push_back(*type);
  }

  // Regions in the order the op declares them: ODS sorts GRAPH attributes by name, and so
  // does the generator (tools/onnx_ods/gen_onnx_ops.py).
  std::sort(graphs.begin(), graphs.end(),
            [](const auto *a, const auto *b) { return a->name() < b->name(); });
  for (size_t i = 0; i < graphs.size(); ++i)
    state.addRegion();
  Operation *op = builder.create(state);
  for (auto [attr, region] : llvm::zip(graphs, op->getRegions()))
    if (llvm::Error error = importSubgraph(node, attr->g(), region))
      return error;

  for (auto [name, result] : llvm::zip(node.output(), op->getResults()))
    if (!name.empty())
      scopes.back()[name] = result;
  return llvm::Error::success();
}

llvm::Error GraphImporter::importNodes(const ::onnx::GraphProto &graph) {
  for (const auto &node : graph.node())
    if (llvm::Error error = importNode(node))
      return error;
  return llvm::Error::success();
}

llvm::Error GraphImporter::importMainGraph(StringRef funcName) {
  const ::onnx::GraphProto &graph = model.graph();
  // A graph input that also has an initializer is a constant with a default: omc
  // compiles it as the constant.
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());

  SmallVector<Type> inputTypes;
  SmallVector<Attribute> inputNames;
  SmallVector<std::string> inputValueNames;
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    auto type = convertType(context, input.type());
    if (!type)
      return fail("graph input '" + input.name() + "': " + llvm::toString(type.takeError()));
    inputTypes.push_back(*type);
    inputNames.push_back(builder.getStringAttr(input.name()));
    inputValueNames.push_back(input.name());
  }

  auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), funcName,
                                   builder.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  scopes.emplace_back();
  for (auto [name, arg] : llvm::zip(inputValueNames, entry->getArguments()))
    scopes.back()[name] = arg;

  if (llvm::Error error = importInitializers(graph))
    return error;
  if (llvm::Error error = importNodes(graph))
    return error;

  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  for (const auto &output : graph.output()) {
    Value value = lookup(output.name());
    if (!value)
      return fail("graph output '" + output.name() + "' is not produced by any node");
    results.push_back(value);
    outputNames.push_back(builder.getStringAttr(output.name()));
  }
  if (results.empty())
    return fail("the graph has no outputs");
  func::ReturnOp::create(builder, builder.getUnknownLoc(), results);
  func.setType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  func->setAttr("omc.input_names", builder.getArrayAttr(inputNames));
  func->setAttr("omc.output_names", builder.getArrayAttr(outputNames));
  return llvm::Error::success();
}

} // namespace

llvm::Error importGraph(ModuleOp module, const ::onnx::ModelProto &model,
                        const std::string &modelDir, StringRef funcName) {
  return GraphImporter(module, model, modelDir).importMainGraph(funcName);
}

} // namespace omc
