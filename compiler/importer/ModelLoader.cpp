//===- ModelLoader.cpp - read, validate and type an ONNX ModelProto -----------===//

#include "compiler/importer/ModelLoader.h"

#include "compiler/importer/GraphValidation.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"
#include "llvm/Support/FileSystem.h"

namespace omc {

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static llvm::Error readFile(const std::string &path, std::string &bytes) {
  if (!llvm::sys::fs::exists(path))
    return fail("no such file: " + path);
  if (llvm::sys::fs::is_directory(path))
    return fail("is a directory, not an ONNX model: " + path);
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return fail("cannot open " + path);
  bytes.assign((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return llvm::Error::success();
}

static llvm::Error parseBytes(const std::string &bytes, const std::string &name,
                              ::onnx::ModelProto &model) {
  if (bytes.empty())
    return fail("empty file, not an ONNX model: " + name);
  // Protobuf caps a message at 2 GiB; larger weights belong in external data.
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return fail("model file over 2 GiB (keep large weights in external data): " + name);
  google::protobuf::io::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT32_MAX);
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return fail("not a valid ONNX model (protobuf parse failed, the file is truncated or "
                "not a ModelProto): " + name);
  if (!model.has_graph() || model.graph().node_size() + model.graph().output_size() == 0)
    return fail("not a valid ONNX model (no graph): " + name);
  return llvm::Error::success();
}

static llvm::Error checkOpsets(const ::onnx::ModelProto &model) {
  if (model.opset_import_size() == 0)
    return fail("model declares no opset_import");
  for (const auto &opset : model.opset_import()) {
    const std::string &domain = opset.domain();
    if ((domain.empty() || domain == "ai.onnx") && opset.version() > kMaxSupportedOpset)
      return fail("model uses opset " + llvm::Twine(opset.version()) +
                  " of the default ONNX domain; omc supports up to " +
                  llvm::Twine(kMaxSupportedOpset));
  }
  return llvm::Error::success();
}

static llvm::Error applyShapeOverrides(const ImportOptions &options,
                                       ::onnx::GraphProto &graph) {
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  for (const auto &[name, dims] : options.inputShapes) {
    ::onnx::ValueInfoProto *input = nullptr;
    for (auto &candidate : *graph.mutable_input())
      if (candidate.name() == name && !initializers.count(name))
        input = &candidate;
    if (!input)
      return fail("--shape names '" + name + "', which is not a graph input");
    if (!input->type().has_tensor_type())
      return fail("--shape names '" + name + "', which is not a tensor input");
    auto *shape = input->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != 0 && shape->dim_size() != static_cast<int>(dims.size()))
      return fail("--shape gives input '" + name + "' rank " + llvm::Twine(dims.size()) +
                  ", the model declares rank " + llvm::Twine(shape->dim_size()));
    shape->clear_dim();
    for (int64_t dim : dims)
      shape->add_dim()->set_dim_value(dim);
  }
  return llvm::Error::success();
}

// Whether some node (in any subgraph too) is of an op whose schema at `version` differs
// from the one at kMaxSupportedOpset.
static bool needsUpgrade(const ::onnx::GraphProto &graph, int version) {
  for (const auto &node : graph.node()) {
    if (node.domain().empty() || node.domain() == "ai.onnx") {
      const auto *have = ::onnx::OpSchemaRegistry::Schema(node.op_type(), version);
      const auto *want = ::onnx::OpSchemaRegistry::Schema(node.op_type(), kMaxSupportedOpset);
      // An op ONNX does not know is left for the importer to report by name.
      if (have && want && have->SinceVersion() != want->SinceVersion())
        return true;
    }
    for (const auto &attr : node.attribute()) {
      if (attr.has_g() && needsUpgrade(attr.g(), version))
        return true;
      for (const auto &subgraph : attr.graphs())
        if (needsUpgrade(subgraph, version))
          return true;
    }
  }
  return false;
}

// ONNX's converter goes through an IR that keeps only tensor types: give the graph's
// inputs and outputs back the sequence and optional types they had.
static void restoreValueTypes(const ::onnx::GraphProto &original, ::onnx::GraphProto &graph) {
  auto restore = [](const auto &from, auto &to) {
    for (auto &info : to) {
      if (info.type().value_case() != ::onnx::TypeProto::VALUE_NOT_SET)
        continue;
      for (const auto &old : from)
        if (old.name() == info.name())
          *info.mutable_type() = old.type();
    }
  };
  restore(original.input(), *graph.mutable_input());
  restore(original.output(), *graph.mutable_output());
}

// The rank of value `name` as the graph (after shape inference) records it, or -1.
static int recordedRank(const ::onnx::GraphProto &graph, const std::string &name) {
  for (const auto *infos : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const auto &info : *infos)
      if (info.name() == name && info.type().tensor_type().has_shape())
        return info.type().tensor_type().shape().dim_size();
  return -1;
}

// Before opset 7, PRelu's slope of shape [C] applied per channel (dim 1); from opset 7 on
// it broadcasts numpy-style, from the right. ONNX's converter keeps the shape, which
// changes the meaning: give such a slope (an initializer only PRelu reads) the shape
// [C, 1, ..., 1] that means the same under broadcasting.
static void keepPReluPerChannel(::onnx::GraphProto &graph) {
  std::map<std::string, int> readers;
  for (const auto &node : graph.node())
    for (const auto &input : node.input())
      ++readers[input];
  for (const auto &node : graph.node()) {
    if (node.op_type() != "PRelu" || node.input_size() != 2 || readers[node.input(1)] != 1)
      continue;
    int rank = recordedRank(graph, node.input(0));
    for (auto &init : *graph.mutable_initializer()) {
      if (init.name() != node.input(1) || init.dims_size() != 1 || rank < 3)
        continue;
      for (int i = 2; i < rank; ++i)
        init.add_dims(1);
      for (auto &info : *graph.mutable_input())
        if (info.name() == init.name())
          info.clear_type(); // re-inferred from the initializer
    }
  }
}

// The dialect holds each op in its opset-17 form (attributes that later opsets moved to
// inputs are inputs, and so on). A model of an older opset whose ops all kept their
// schema is simply relabeled; others are brought there by ONNX's own version converter.
static llvm::Error upgradeOpset(::onnx::ModelProto &model) {
  ::onnx::OperatorSetIdProto *defaultOpset = nullptr;
  for (auto &opset : *model.mutable_opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      defaultOpset = &opset;
  if (!defaultOpset || defaultOpset->version() >= kMaxSupportedOpset)
    return llvm::Error::success();
  int version = static_cast<int>(defaultOpset->version());
  if (!needsUpgrade(model.graph(), version)) {
    defaultOpset->set_version(kMaxSupportedOpset);
    return llvm::Error::success();
  }
  try {
    // The converter needs the shapes of some inputs (Softmax, Gemm, ...).
    ::onnx::shape_inference::InferShapes(model);
    if (version < 7)
      keepPReluPerChannel(*model.mutable_graph());
    ::onnx::ModelProto upgraded =
        ::onnx::version_conversion::ConvertVersion(model, kMaxSupportedOpset);
    restoreValueTypes(model.graph(), *upgraded.mutable_graph());
    model = std::move(upgraded);
  } catch (const std::exception &error) {
    std::string message = error.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    return fail("cannot upgrade the model from opset " + llvm::Twine(version) + " to " +
                llvm::Twine(kMaxSupportedOpset) + " with ONNX's version converter: " + message);
  }
  return llvm::Error::success();
}

llvm::Error loadModel(const std::string &path, const ImportOptions &options,
                      ::onnx::ModelProto &model) {
  std::string bytes;
  if (llvm::Error error = readFile(path, bytes))
    return error;
  return loadModelBytes(bytes, path, options, model);
}

llvm::Error loadModelBytes(const std::string &bytes, const std::string &name,
                           const ImportOptions &options, ::onnx::ModelProto &model) {
  if (llvm::Error error = parseBytes(bytes, name, model))
    return error;
  if (llvm::Error error = checkOpsets(model))
    return error;
  if (llvm::Error error = validateModel(model))
    return error;
  if (llvm::Error error = applyShapeOverrides(options, *model.mutable_graph()))
    return error;
  if (llvm::Error error = upgradeOpset(model))
    return error;
  // ONNX's shape inference types every intermediate value; it reports problems it
  // finds in the graph (inconsistent declared shapes, bad attributes) by throwing.
  try {
    // Data propagation computes the values of small shape tensors (Shape -> Gather ->
    // Concat -> Reshape chains), so more dims come out static.
    ::onnx::shape_inference::InferShapes(model, ::onnx::OpSchemaRegistry::Instance(),
                                         ::onnx::ShapeInferenceOptions(
                                             /*check_type_val=*/false, /*strict_mode_val=*/0,
                                             /*data_prop_val=*/true));
  } catch (const std::exception &error) {
    std::string message = error.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    return fail("ONNX shape inference failed: " + message);
  }
  return llvm::Error::success();
}

} // namespace omc
