//===- ModelHeader.cpp - the C header of a compiled model (--emit=header) -----===//
//
// The header is generated from the same signatures the object exports (the JSON of
// each krnl.entry_point), so it cannot disagree with the object it comes with.
//
//===----------------------------------------------------------------------===//

#include "compiler/pipeline/ModelHeader.h"

#include <set>

#include "compiler/conversion/krnl_to_llvm/EntryPointABI.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

namespace omc {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// One input or output of an entry point, as its signature describes it.
struct Value {
  std::string name;      // the ONNX name
  std::string parameter; // a C identifier for it, unique in its entry point
  std::string typeName;  // "float32", ...; the kind for a sequence or optional
  int64_t elemType = 0;
  std::vector<int64_t> shape;
  bool isTensor = false;
};

// The C element type of an ONNX element type the typed entry point passes as an array.
std::optional<llvm::StringRef> cElementType(int64_t elemType) {
  switch (elemType) {
  case 1: return llvm::StringRef("float");
  case 2: return llvm::StringRef("uint8_t");
  case 3: return llvm::StringRef("int8_t");
  case 4: return llvm::StringRef("uint16_t");
  case 5: return llvm::StringRef("int16_t");
  case 6: return llvm::StringRef("int32_t");
  case 7: return llvm::StringRef("int64_t");
  case 9: return llvm::StringRef("bool");
  case 10: return llvm::StringRef("uint16_t"); // float16, as its bits
  case 11: return llvm::StringRef("double");
  case 12: return llvm::StringRef("uint32_t");
  case 13: return llvm::StringRef("uint64_t");
  case 16: return llvm::StringRef("uint16_t"); // bfloat16, as its bits
  default: return std::nullopt;                // string, complex
  }
}

// C and C++ keywords (with C++'s alternative tokens: a tensor named "and" is common).
bool isReservedWord(llvm::StringRef word) {
  static const llvm::StringSet<> words = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "restrict", "return", "short", "signed", "sizeof",
      "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
      "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
      "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"};
  return words.contains(word);
}

// A C identifier for tensor `name` that no other of `taken` (upper-cased, since the
// SIZE constants are) has and that cannot clash with the typed function's locals.
std::string parameterName(llvm::StringRef name, std::set<std::string> &taken) {
  std::string base;
  for (char c : name)
    base.push_back(llvm::isAlnum(c) ? c : '_');
  if (base.empty() || llvm::isDigit(base.front()))
    base = "t_" + base;
  if (isReservedWord(base) || llvm::StringRef(base).starts_with("omc_"))
    base += "_";
  std::string candidate = base;
  for (int k = 2; !taken.insert(llvm::StringRef(candidate).upper()).second; ++k)
    candidate = base + "_" + std::to_string(k);
  return candidate;
}

llvm::Expected<std::vector<Value>> parseSignature(llvm::StringRef json, std::set<std::string> &taken) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return parsed.takeError();
  const llvm::json::Array *entries = parsed->getAsArray();
  if (!entries)
    return fail("a signature is not a JSON array");
  std::vector<Value> values;
  for (const llvm::json::Value &entry : *entries) {
    const llvm::json::Object *object = entry.getAsObject();
    std::optional<llvm::StringRef> name = object ? object->getString("name") : std::nullopt;
    if (!name)
      return fail("a signature entry has no name");
    Value value;
    value.name = name->str();
    value.parameter = parameterName(*name, taken);
    std::optional<llvm::StringRef> kind = object->getString("kind");
    value.isTensor = !kind || *kind == "tensor";
    if (!value.isTensor) {
      value.typeName = kind->str();
    } else {
      value.typeName = object->getString("type").value_or("?").str();
      value.elemType = object->getInteger("elem_type").value_or(0);
      if (const llvm::json::Array *dims = object->getArray("shape"))
        for (const llvm::json::Value &dim : *dims)
          value.shape.push_back(dim.getAsInteger().value_or(-1));
    }
    values.push_back(std::move(value));
  }
  return values;
}

// Why `value` cannot be a typed array parameter; empty when it can.
std::string untypedReason(const Value &value) {
  if (!value.isTensor)
    return "'" + value.name + "' is a " + value.typeName;
  if (!cElementType(value.elemType))
    return "'" + value.name + "' has element type " + value.typeName;
  if (llvm::is_contained(value.shape, -1))
    return "'" + value.name + "' has a dynamic dimension (fix it with --shape)";
  return "";
}

std::string describe(const Value &value) {
  std::string text = value.typeName;
  if (value.isTensor) {
    text += "[";
    for (auto [i, dim] : llvm::enumerate(value.shape))
      text += (i ? "," : "") + (dim < 0 ? std::string("?") : std::to_string(dim));
    text += "]";
  }
  return text;
}

int64_t elementCount(const Value &value) {
  int64_t count = 1;
  for (int64_t dim : value.shape)
    count *= dim;
  return count;
}

void writeTypedEntry(llvm::raw_ostream &os, llvm::StringRef prefix, llvm::StringRef entry,
                     const std::vector<Value> &inputs, const std::vector<Value> &outputs,
                     bool hasErrors) {
  std::string function = (prefix + "_" + entry).str();
  std::string macro = llvm::StringRef(function).upper();
  os << "/* " << function << "(";
  llvm::interleaveComma(llvm::concat<const Value>(inputs, outputs), os,
                        [&](const Value &value) { os << value.parameter; });
  os << ") runs " << entry << " on contiguous row-major arrays:\n";
  for (const Value &value : inputs)
    os << " *   in  " << value.parameter << ": " << describe(value) << " ('" << value.name
       << "')\n";
  for (const Value &value : outputs)
    os << " *   out " << value.parameter << ": " << describe(value) << " ('" << value.name
       << "')\n";
  os << " * It returns " << prefix << "_run_" << entry << "'s status: 0";
  if (hasErrors)
    os << ", or k >= 2 when a check the model makes while it runs failed\n * ("
       << prefix << "_errors_" << entry << "()[k - 2] says which; the outputs are then "
       << "meaningless)";
  os << ". */\n";
  for (const Value &value : llvm::concat<const Value>(inputs, outputs))
    os << "#define " << macro << "_" << llvm::StringRef(value.parameter).upper() << "_SIZE "
       << elementCount(value) << "\n";

  os << "static inline int32_t " << function << "(";
  bool first = true;
  for (const Value &value : inputs) {
    os << (first ? "" : ", ") << "const " << *cElementType(value.elemType) << " *"
       << value.parameter;
    first = false;
  }
  for (const Value &value : outputs) {
    os << (first ? "" : ", ") << *cElementType(value.elemType) << " *" << value.parameter;
    first = false;
  }
  if (first)
    os << "void";
  os << ") {\n";
  os << "  omc_tensor omc_inputs[" << std::max<size_t>(inputs.size(), 1) << "];\n";
  os << "  omc_tensor omc_outputs[" << std::max<size_t>(outputs.size(), 1) << "];\n";
  os << "  int32_t omc_status;\n";
  for (auto [i, value] : llvm::enumerate(inputs)) {
    os << "  static const int64_t omc_shape_" << i << "[" << std::max<size_t>(value.shape.size(), 1)
       << "] = {";
    if (value.shape.empty())
      os << "0";
    llvm::interleaveComma(value.shape, os);
    os << "};\n";
  }
  for (auto [i, value] : llvm::enumerate(inputs))
    os << "  omc_static_input(&omc_inputs[" << i << "], " << value.parameter << ", "
       << value.elemType << ", " << value.shape.size() << ", omc_shape_" << i << ");\n";
  os << "  omc_status = " << prefix << "_run_" << entry << "(omc_inputs, " << inputs.size()
     << ", omc_outputs, " << outputs.size() << ");\n";
  os << "  if (omc_status == 1)\n    return omc_status;\n";
  for (auto [i, value] : llvm::enumerate(outputs))
    os << "  omc_static_output(&omc_outputs[" << i << "], " << value.parameter << ", sizeof("
       << *cElementType(value.elemType) << "));\n";
  os << "  return omc_status;\n}\n";
}

} // namespace

llvm::Error writeModelHeader(mlir::ModuleOp module, llvm::StringRef prefix,
                             llvm::StringRef modelName, llvm::raw_ostream &os) {
  std::string guard = ("OMC_MODEL_" + prefix.upper() + "_H");
  os << "/* The model " << modelName << " compiled by omc, its symbols prefixed \"" << prefix
     << "\".\n * Generated by `compile --emit=header`; do not edit. Link the object of the same "
        "compile\n * (onnx_model_library does): it needs libc and libm only. */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include \"omc/static_model.h\"\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "/* The model ABI (omc/model_abi.h), under the prefix \"" << prefix << "\". */\n";
  os << "const char *" << prefix << "_entry_points(void);\n";
  os << "int64_t " << prefix << "_abi_version(void);\n";
  auto target = module->getAttrOfType<mlir::DictionaryAttr>("omc.target");
  auto features = target ? target.getAs<mlir::StringAttr>("host_features") : nullptr;
  if (features && !features.getValue().empty())
    os << "/* The CPU features the code needs, which the program must check: \""
       << features.getValue() << "\". */\n"
       << "const char *" << prefix << "_cpu_features(void);\n";

  for (krnl::EntryPointOp entry : module.getOps<krnl::EntryPointOp>()) {
    llvm::StringRef name = entry.getName();
    os << "\n/* Entry point \"" << name << "\". */\n";
    if (!isCIdentifier(name)) {
      os << "/* Not declared: \"" << name << "\" is not a C identifier. */\n";
      continue;
    }
    auto func = module.lookupSymbol<mlir::func::FuncOp>(entry.getFunc());
    bool hasErrors = func && func->hasAttr("omc.error_messages");
    os << "int32_t " << prefix << "_run_" << name
       << "(const omc_tensor *inputs, int64_t num_inputs, omc_tensor *outputs,\n    int64_t "
          "num_outputs);\n";
    os << "const char *" << prefix << "_signature_in_" << name << "(void);\n";
    os << "const char *" << prefix << "_signature_out_" << name << "(void);\n";
    if (hasErrors)
      os << "const char *" << prefix << "_errors_" << name << "(void);\n";

    std::set<std::string> taken;
    auto inputs = parseSignature(entry.getSignatureIn(), taken);
    if (!inputs)
      return fail("entry point '" + name + "': " + llvm::toString(inputs.takeError()));
    auto outputs = parseSignature(entry.getSignatureOut(), taken);
    if (!outputs)
      return fail("entry point '" + name + "': " + llvm::toString(outputs.takeError()));
    std::string reason;
    for (const Value &value : llvm::concat<const Value>(*inputs, *outputs))
      if (reason.empty())
        reason = untypedReason(value);
    if (!reason.empty()) {
      os << "/* No typed " << prefix << "_" << name << ": " << reason << ". */\n";
      continue;
    }
    writeTypedEntry(os, prefix, name, *inputs, *outputs, hasErrors);
  }
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return llvm::Error::success();
}

} // namespace omc
