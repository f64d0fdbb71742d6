//===- GraphImporter.cpp - an ONNX GraphProto -> func.func of onnx ops --------===//

#include "compiler/importer/GraphImporter.h"

#include <map>

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/importer/TypeConversion.h"
#include "mlir/IR/Builders.h"
#include "onnx/defs/schema.h"

using namespace mlir;

namespace omc {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// The version of the default ONNX domain the model imports.
int defaultOpset(const ::onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return static_cast<int>(opset.version());
  return 1;
}

class GraphImporter {
public:
  GraphImporter(ModuleOp module, const ::onnx::ModelProto &model, const std::string &modelDir)
      : context(*module.getContext()), builder(module.getBodyRegion()), module(module),
        graph(model.graph()), modelDir(modelDir), opsetVersion(defaultOpset(model)) {}

  llvm::Error run(StringRef funcName);

private:
  llvm::Error collectValueTypes();
  llvm::Error importInitializers();
  llvm::Error importNode(const ::onnx::NodeProto &node);
  llvm::Expected<NamedAttribute> convertAttribute(const ::onnx::AttributeProto &attr);
  llvm::Error importConstantNode(const ::onnx::NodeProto &node);
  llvm::Expected<Type> resultType(const std::string &name, const ::onnx::NodeProto &node);
  Location nodeLoc(const ::onnx::NodeProto &node);

  MLIRContext &context;
  OpBuilder builder;
  ModuleOp module;
  const ::onnx::GraphProto &graph;
  std::string modelDir;
  int opsetVersion;
  std::map<std::string, Value> values;
  std::map<std::string, const ::onnx::TypeProto *> valueTypes;
};

Location GraphImporter::nodeLoc(const ::onnx::NodeProto &node) {
  std::string name = node.name().empty() ? node.op_type() : node.name();
  return NameLoc::get(builder.getStringAttr(name));
}

llvm::Error GraphImporter::collectValueTypes() {
  for (const auto &info : graph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const auto &info : graph.output())
    valueTypes[info.name()] = &info.type();
  return llvm::Error::success();
}

llvm::Error GraphImporter::importInitializers() {
  for (const auto &init : graph.initializer()) {
    auto value = convertTensor(context, init, modelDir);
    if (!value)
      return value.takeError();
    values[init.name()] = onnx::ConstantOp::create(
        builder, NameLoc::get(builder.getStringAttr(init.name())), value->getType(), *value);
  }
  return llvm::Error::success();
}

llvm::Expected<NamedAttribute>
GraphImporter::convertAttribute(const ::onnx::AttributeProto &attr) {
  auto named = [&](Attribute value) { return builder.getNamedAttr(attr.name(), value); };
  auto si64 = [&](int64_t v) {
    return builder.getIntegerAttr(builder.getIntegerType(64, /*isSigned=*/true), v);
  };
  switch (attr.type()) {
  case ::onnx::AttributeProto::INT:
    return named(si64(attr.i()));
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
  default:
    return fail("attribute '" + attr.name() + "' has a type omc does not support yet (" +
                ::onnx::AttributeProto::AttributeType_Name(attr.type()) + ")");
  }
}

// Constant's value may come in any of its opset forms; the dialect keeps `value`.
llvm::Error GraphImporter::importConstantNode(const ::onnx::NodeProto &node) {
  if (node.attribute_size() != 1 || node.output_size() != 1)
    return fail("Constant node '" + node.name() + "' needs exactly one value attribute");
  const ::onnx::AttributeProto &attr = node.attribute(0);
  DenseElementsAttr value;
  if (attr.name() == "value") {
    auto tensor = convertTensor(context, attr.t(), modelDir);
    if (!tensor)
      return tensor.takeError();
    value = *tensor;
  } else if (attr.name() == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, builder.getF32Type()), attr.f());
  } else if (attr.name() == "value_floats") {
    SmallVector<float> data(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)data.size()}, builder.getF32Type()),
        ArrayRef<float>(data));
  } else if (attr.name() == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, builder.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (attr.name() == "value_ints") {
    SmallVector<int64_t> data(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)data.size()}, builder.getI64Type()),
        ArrayRef<int64_t>(data));
  } else {
    return fail("Constant node '" + node.name() + "': attribute '" + attr.name() +
                "' is not supported yet");
  }
  values[node.output(0)] =
      onnx::ConstantOp::create(builder, nodeLoc(node), value.getType(), value);
  return llvm::Error::success();
}

llvm::Expected<Type> GraphImporter::resultType(const std::string &name,
                                               const ::onnx::NodeProto &node) {
  auto it = valueTypes.find(name);
  if (it == valueTypes.end() || !it->second->has_tensor_type() ||
      it->second->tensor_type().elem_type() == 0)
    return fail("cannot determine the type of '" + name + "', output of " +
                node.op_type() + " node '" + node.name() + "'");
  auto type = convertTensorType(context, *it->second);
  if (!type)
    return type.takeError();
  return Type(*type);
}

llvm::Error GraphImporter::importNode(const ::onnx::NodeProto &node) {
  const std::string &domain = node.domain();
  if (!domain.empty() && domain != "ai.onnx")
    return fail("unknown ONNX operator '" + node.op_type() + "' of domain '" + domain +
                "' (node '" + node.name() + "')");
  if (node.op_type() == "Constant")
    return importConstantNode(node);

  std::string opName = "onnx." + node.op_type();
  if (!RegisteredOperationName::lookup(opName, &context))
    return fail("unknown ONNX operator '" + node.op_type() + "' (node '" + node.name() +
                "'): omc does not support it yet");

  OperationState state(nodeLoc(node), opName);
  for (const std::string &input : node.input()) {
    if (input.empty()) {
      state.operands.push_back(onnx::NoValueOp::create(builder, state.location, builder.getNoneType()));
      continue;
    }
    auto it = values.find(input);
    if (it == values.end())
      return fail("node '" + node.name() + "' (" + node.op_type() + ") uses '" + input +
                  "', which no earlier node, input or initializer defines");
    state.operands.push_back(it->second);
  }
  // Trailing optional inputs the node leaves out are `none` operands of the op.
  if (const auto *schema = ::onnx::OpSchemaRegistry::Schema(node.op_type(), opsetVersion,
                                                             node.domain())) {
    const auto &formals = schema->inputs();
    for (size_t i = node.input_size(); i < formals.size(); ++i) {
      if (formals[i].GetOption() != ::onnx::OpSchema::Optional)
        return fail(node.op_type() + " node '" + node.name() + "' lacks its required input '" +
                    formals[i].GetName() + "'");
      state.operands.push_back(
          onnx::NoValueOp::create(builder, state.location, builder.getNoneType()));
    }
  }
  for (const auto &attr : node.attribute()) {
    auto named = convertAttribute(attr);
    if (!named)
      return named.takeError();
    state.attributes.push_back(*named);
  }
  for (const std::string &output : node.output()) {
    auto type = resultType(output, node);
    if (!type)
      return type.takeError();
    state.types.push_back(*type);
  }
  Operation *op = builder.create(state);
  for (auto [name, result] : llvm::zip(node.output(), op->getResults()))
    values[name] = result;
  return llvm::Error::success();
}

llvm::Error GraphImporter::run(StringRef funcName) {
  if (llvm::Error error = collectValueTypes())
    return error;

  std::map<std::string, bool> isInitializer;
  for (const auto &init : graph.initializer())
    isInitializer[init.name()] = true;

  SmallVector<Type> inputTypes;
  SmallVector<Attribute> inputNames;
  SmallVector<std::string> inputValueNames;
  for (const auto &input : graph.input()) {
    if (isInitializer.count(input.name()))
      continue;
    auto type = convertTensorType(context, input.type());
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
  for (auto [name, arg] : llvm::zip(inputValueNames, entry->getArguments()))
    values[name] = arg;

  if (llvm::Error error = importInitializers())
    return error;
  for (const auto &node : graph.node())
    if (llvm::Error error = importNode(node))
      return error;

  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return fail("graph output '" + output.name() + "' is not produced by any node");
    results.push_back(it->second);
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
  return GraphImporter(module, model, modelDir).run(funcName);
}

} // namespace omc
