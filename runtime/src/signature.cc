// Turns signature JSON into TensorSignatures, checking the schema as well as the
// syntax: a model library is input we did not write.
#include "omc/signature.h"

#include "omc/elem_type.h"
#include "omc/json.h"
#include "omc/model_abi.h"

namespace omc {
namespace {

bool setError(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return false;
}

// Sequences in optionals are as deep as values nest in ONNX; a bound keeps a hostile
// signature from recursing without end.
constexpr int kMaxNesting = 4;

bool parseValueType(const json::Value &value, const std::string &where, TensorSignature &out,
                    std::string *error, int depth);

bool parseTensor(const json::Value &value, size_t index, TensorSignature &out,
                 std::string *error) {
  std::string where = "tensor " + std::to_string(index) + ": ";
  if (!value.isObject())
    return setError(error, where + "expected an object");

  const json::Value *name = value.find("name");
  if (!name || !name->isString())
    return setError(error, where + "\"name\" must be a string");
  out.name = name->string();
  return parseValueType(value, where, out, error, 0);
}

// The fields after "name": a tensor's, or a sequence's or optional's "kind" and "element".
bool parseValueType(const json::Value &value, const std::string &where, TensorSignature &out,
                    std::string *error, int depth) {
  if (!value.isObject())
    return setError(error, where + "expected an object");
  std::string kind = "tensor";
  if (const json::Value *kindValue = value.find("kind")) {
    if (!kindValue->isString())
      return setError(error, where + "\"kind\" must be a string");
    kind = kindValue->string();
  }
  if (kind == "sequence" || kind == "optional") {
    if (depth >= kMaxNesting)
      return setError(error, where + "values nest too deep");
    const json::Value *element = value.find("element");
    if (!element)
      return setError(error, where + "a " + kind + " needs an \"element\"");
    out.elemType = kind == "sequence" ? OMC_SEQUENCE : OMC_OPTIONAL;
    out.shape = {kDynamicDim};
    out.element.resize(1);
    if (!parseValueType(*element, where + kind + " element: ", out.element[0], error,
                        depth + 1))
      return false;
    if (kind == "sequence" && !out.element[0].isTensor())
      return setError(error, where + "a sequence must hold tensors");
    return true;
  }
  if (kind != "tensor")
    return setError(error, where + "unknown \"kind\" '" + kind + "'");

  const json::Value *elemType = value.find("elem_type");
  if (!elemType || !elemType->integer() || *elemType->integer() < INT32_MIN ||
      *elemType->integer() > INT32_MAX)
    return setError(error, where + "\"elem_type\" must be an integer");
  out.elemType = static_cast<int32_t>(*elemType->integer());
  if (elemTypeSize(out.elemType) == 0)
    return setError(error, where + "unsupported " + describeElemType(out.elemType));

  if (const json::Value *typeName = value.find("type")) {
    if (!typeName->isString() || typeName->string() != elemTypeName(out.elemType))
      return setError(error, where + "\"type\" does not match \"elem_type\" " +
                                 std::to_string(out.elemType) + " (" +
                                 elemTypeName(out.elemType) + ")");
  }

  const json::Value *shape = value.find("shape");
  if (!shape || !shape->isArray())
    return setError(error, where + "\"shape\" must be an array");
  if (shape->array().size() > OMC_MAX_RANK)
    return setError(error, where + "rank " + std::to_string(shape->array().size()) +
                               " exceeds the maximum " + std::to_string(OMC_MAX_RANK));
  out.shape.clear();
  for (const json::Value &dim : shape->array()) {
    if (!dim.integer() || *dim.integer() < kDynamicDim)
      return setError(error, where + "\"shape\" must hold integers >= -1");
    out.shape.push_back(*dim.integer());
  }
  return true;
}

// `text` parsed as a JSON array of `what`, or nothing with the error set.
std::optional<json::Value> parseArray(std::string_view text, const char *what,
                                      std::string *error) {
  std::string syntaxError;
  std::optional<json::Value> value = json::parse(text, &syntaxError);
  if (!value) {
    setError(error, "malformed JSON " + syntaxError);
    return std::nullopt;
  }
  if (!value->isArray()) {
    setError(error, std::string("expected a JSON array of ") + what);
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<Signature> parseSignature(std::string_view text, std::string *error) {
  std::optional<json::Value> value = parseArray(text, "tensors", error);
  if (!value)
    return std::nullopt;
  Signature signature(value->array().size());
  for (size_t i = 0; i < signature.size(); ++i)
    if (!parseTensor(value->array()[i], i, signature[i], error))
      return std::nullopt;
  return signature;
}

std::optional<std::vector<std::string>> parseEntryPoints(std::string_view text,
                                                         std::string *error) {
  std::optional<json::Value> value = parseArray(text, "entry point names", error);
  if (!value)
    return std::nullopt;
  std::vector<std::string> names;
  for (const json::Value &item : value->array()) {
    // Names become parts of C symbol names (omc_run_NAME): no empty ones, no NULs.
    if (!item.isString() || item.string().empty() ||
        item.string().find('\0') != std::string::npos) {
      setError(error, "entry point names must be non-empty strings");
      return std::nullopt;
    }
    for (const std::string &seen : names)
      if (seen == item.string()) {
        setError(error, "entry point '" + seen + "' is listed twice");
        return std::nullopt;
      }
    names.push_back(item.string());
  }
  return names;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

} // namespace omc
