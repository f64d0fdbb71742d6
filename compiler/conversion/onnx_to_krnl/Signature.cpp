//===- Signature.cpp - the JSON signature of an entry point -------------------===//

#include "compiler/conversion/onnx_to_krnl/Signature.h"

#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace omc {

namespace {
struct ElementTypeName {
  const char *name;
  int onnxType; // TensorProto.DataType
};
} // namespace

static std::optional<ElementTypeName> describe(Type type) {
  if (type.isF32()) return ElementTypeName{"float32", 1};
  if (type.isF64()) return ElementTypeName{"float64", 11};
  if (type.isF16()) return ElementTypeName{"float16", 10};
  if (type.isBF16()) return ElementTypeName{"bfloat16", 16};
  if (type.isInteger(1)) return ElementTypeName{"bool", 9};
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 8: return isUnsigned ? ElementTypeName{"uint8", 2} : ElementTypeName{"int8", 3};
    case 16: return isUnsigned ? ElementTypeName{"uint16", 4} : ElementTypeName{"int16", 5};
    case 32: return isUnsigned ? ElementTypeName{"uint32", 12} : ElementTypeName{"int32", 6};
    case 64: return isUnsigned ? ElementTypeName{"uint64", 13} : ElementTypeName{"int64", 7};
    }
  }
  return std::nullopt;
}

static void writeJsonString(llvm::raw_ostream &os, StringRef text) {
  os << '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      os << '\\' << c;
    else if (c < 0x20)
      os << llvm::format("\\u%04x", c);
    else
      os << c;
  }
  os << '"';
}

// The fields that describe `type` (after the name): a tensor's
// "type","elem_type","shape", or a sequence's or optional's "kind" and "element".
static LogicalResult writeValueType(llvm::raw_ostream &os, Type type) {
  if (auto seq = dyn_cast<onnx::SeqType>(type)) {
    os << "\"kind\":\"sequence\",\"element\":{";
    if (!isa<TensorType>(seq.getElementType()) ||
        failed(writeValueType(os, seq.getElementType())))
      return failure();
    os << '}';
    return success();
  }
  if (auto opt = dyn_cast<onnx::OptType>(type)) {
    os << "\"kind\":\"optional\",\"element\":{";
    if (failed(writeValueType(os, opt.getElementType())))
      return failure();
    os << '}';
    return success();
  }
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return failure();
  auto element = describe(tensor.getElementType());
  if (!element)
    return failure();
  os << "\"type\":\"" << element->name << "\",\"elem_type\":" << element->onnxType
     << ",\"shape\":[";
  for (auto [d, dim] : llvm::enumerate(tensor.getShape()))
    os << (d ? "," : "") << (ShapedType::isDynamic(dim) ? int64_t(-1) : dim);
  os << ']';
  return success();
}

FailureOr<std::string> buildSignatureJson(TypeRange types, ArrayAttr names) {
  std::string json;
  llvm::raw_string_ostream os(json);
  os << '[';
  for (auto [i, type] : llvm::enumerate(types)) {
    if (i)
      os << ',';
    os << "{\"name\":";
    auto name = names && i < names.size() ? dyn_cast<StringAttr>(names[i]) : StringAttr();
    writeJsonString(os, name ? name.getValue().str() : "value_" + std::to_string(i));
    os << ',';
    if (failed(writeValueType(os, type)))
      return failure();
    os << '}';
  }
  os << ']';
  return json;
}

} // namespace omc
