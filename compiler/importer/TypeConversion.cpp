//===- TypeConversion.cpp - ONNX types and tensors -> MLIR --------------------===//

#include "compiler/importer/TypeConversion.h"

#include "compiler/dialect/onnx/ONNXOps.h"

#include <cstring>
#include <fstream>

#include "mlir/IR/Builders.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace omc {

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<Type> convertElementType(MLIRContext &context, int32_t dataType) {
  Builder b(&context);
  switch (dataType) {
  case ::onnx::TensorProto::FLOAT: return b.getF32Type();
  case ::onnx::TensorProto::DOUBLE: return b.getF64Type();
  case ::onnx::TensorProto::FLOAT16: return b.getF16Type();
  case ::onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  // Signed ONNX ints are signless (the arith convention); unsigned ones keep their
  // signedness so lowerings pick unsigned division, comparison and conversion.
  case ::onnx::TensorProto::INT8: return b.getIntegerType(8);
  case ::onnx::TensorProto::INT16: return b.getIntegerType(16);
  case ::onnx::TensorProto::INT32: return b.getIntegerType(32);
  case ::onnx::TensorProto::INT64: return b.getIntegerType(64);
  case ::onnx::TensorProto::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case ::onnx::TensorProto::UINT16: return b.getIntegerType(16, /*isSigned=*/false);
  case ::onnx::TensorProto::UINT32: return b.getIntegerType(32, /*isSigned=*/false);
  case ::onnx::TensorProto::UINT64: return b.getIntegerType(64, /*isSigned=*/false);
  case ::onnx::TensorProto::BOOL: return b.getI1Type();
  case ::onnx::TensorProto::STRING: return onnx::StringType::get(&context);
  case ::onnx::TensorProto::COMPLEX64: return ComplexType::get(b.getF32Type());
  case ::onnx::TensorProto::COMPLEX128: return ComplexType::get(b.getF64Type());
  default:
    return fail("unsupported ONNX element type " +
                (::onnx::TensorProto::DataType_IsValid(dataType)
                     ? ::onnx::TensorProto::DataType_Name(
                           static_cast<::onnx::TensorProto::DataType>(dataType))
                     : std::to_string(dataType)));
  }
}

llvm::Expected<TensorType> convertTensorType(MLIRContext &context,
                                             const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return fail("expected a tensor type, got a " + typeKind(type));
  auto elementType = convertElementType(context, type.tensor_type().elem_type());
  if (!elementType)
    return elementType.takeError();
  if (!type.tensor_type().has_shape())
    return UnrankedTensorType::get(*elementType);
  SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value()
                                                                : ShapedType::kDynamic);
  return RankedTensorType::get(shape, *elementType);
}

std::string typeKind(const ::onnx::TypeProto &type) {
  switch (type.value_case()) {
  case ::onnx::TypeProto::kTensorType: return "tensor";
  case ::onnx::TypeProto::kSequenceType: return "sequence";
  case ::onnx::TypeProto::kMapType: return "map";
  case ::onnx::TypeProto::kOptionalType: return "optional";
  case ::onnx::TypeProto::kSparseTensorType: return "sparse tensor";
  default: return "type without a value";
  }
}

llvm::Expected<Type> convertType(MLIRContext &context, const ::onnx::TypeProto &type) {
  switch (type.value_case()) {
  case ::onnx::TypeProto::kTensorType: {
    auto tensor = convertTensorType(context, type);
    if (!tensor)
      return tensor.takeError();
    return Type(*tensor);
  }
  case ::onnx::TypeProto::kSequenceType: {
    auto element = convertType(context, type.sequence_type().elem_type());
    if (!element)
      return element.takeError();
    return Type(onnx::SeqType::get(&context, *element));
  }
  case ::onnx::TypeProto::kOptionalType: {
    auto element = convertType(context, type.optional_type().elem_type());
    if (!element)
      return element.takeError();
    return Type(onnx::OptType::get(&context, *element));
  }
  default:
    return fail("omc does not support ONNX " + typeKind(type) + " values");
  }
}

// Reads the `needed` bytes of a tensor's external data, refusing any location outside
// the model's folder, by name or through a symbolic link.
static llvm::Expected<std::string> readExternalData(const ::onnx::TensorProto &tensor,
                                                    const std::string &modelDir,
                                                    int64_t needed) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    int64_t *number = entry.key() == "offset" ? &offset
                      : entry.key() == "length" ? &length
                                                : nullptr;
    if (entry.key() == "location")
      location = entry.value();
    else if (number && (llvm::StringRef(entry.value()).getAsInteger(10, *number) || *number < 0))
      return fail("tensor '" + tensor.name() + "' has external data " + entry.key() + " '" +
                  entry.value() + "', which is not an integer >= 0");
  }
  if (location.empty())
    return fail("tensor '" + tensor.name() + "' has external data without a location");
  if (llvm::sys::path::is_absolute(location) || llvm::StringRef(location).contains(".."))
    return fail("external data location '" + location + "' of tensor '" + tensor.name() +
                "' escapes the model's folder");
  llvm::SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  llvm::SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(modelDir, realDir) || llvm::sys::fs::real_path(path, realPath))
    return fail("cannot open external data file " + path + " of tensor '" + tensor.name() + "'");
  if (!llvm::StringRef(realPath).starts_with((realDir + "/").str()))
    return fail("external data location '" + location + "' of tensor '" + tensor.name() +
                "' escapes the model's folder (it resolves to " + realPath + ")");
  if (!llvm::sys::fs::is_regular_file(realPath))
    return fail("external data location " + path + " of tensor '" + tensor.name() +
                "' is not a regular file");
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(realPath, size))
    return fail("cannot open external data file " + path);
  if (length >= 0 && length != needed)
    return fail("tensor '" + tensor.name() + "' declares " + llvm::Twine(length) +
                " bytes of external data; its dims and type need " + llvm::Twine(needed));
  if (static_cast<uint64_t>(offset) > size || size - offset < static_cast<uint64_t>(needed))
    return fail("external data file " + path + " is shorter than tensor '" + tensor.name() +
                "' declares: " + llvm::Twine(needed) + " bytes from offset " +
                llvm::Twine(offset) + ", the file has " + llvm::Twine(size));
  std::ifstream file(std::string(realPath), std::ios::binary);
  std::string bytes(needed, '\0');
  if (!file.seekg(offset) || !file.read(bytes.data(), needed))
    return fail("cannot read external data file " + path);
  return bytes;
}

// Typed fields: ONNX keeps small ints, bool and 16-bit floats in int32_data.
template <typename T, typename Field>
static std::vector<char> packField(const Field &field) {
  std::vector<char> bytes(field.size() * sizeof(T));
  for (int i = 0; i < field.size(); ++i) {
    T value = static_cast<T>(field.Get(i));
    std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
  }
  return bytes;
}

static llvm::Expected<std::vector<char>> typedFieldBytes(const ::onnx::TensorProto &t) {
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT: return packField<float>(t.float_data());
  case ::onnx::TensorProto::DOUBLE: return packField<double>(t.double_data());
  case ::onnx::TensorProto::INT64: return packField<int64_t>(t.int64_data());
  case ::onnx::TensorProto::UINT64: return packField<uint64_t>(t.uint64_data());
  case ::onnx::TensorProto::INT32: return packField<int32_t>(t.int32_data());
  case ::onnx::TensorProto::UINT32: return packField<uint32_t>(t.uint64_data());
  case ::onnx::TensorProto::INT16: return packField<int16_t>(t.int32_data());
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16: return packField<uint16_t>(t.int32_data());
  case ::onnx::TensorProto::INT8: return packField<int8_t>(t.int32_data());
  case ::onnx::TensorProto::UINT8:
  case ::onnx::TensorProto::BOOL: return packField<uint8_t>(t.int32_data());
  // Complex numbers are (real, imaginary) pairs in the float fields.
  case ::onnx::TensorProto::COMPLEX64: return packField<float>(t.float_data());
  case ::onnx::TensorProto::COMPLEX128: return packField<double>(t.double_data());
  default: return fail("tensor '" + t.name() + "' has an unsupported element type");
  }
}

llvm::Expected<DenseElementsAttr> convertTensor(MLIRContext &context,
                                                const ::onnx::TensorProto &tensor,
                                                const std::string &modelDir) {
  auto elementType = convertElementType(context, tensor.data_type());
  if (!elementType)
    return elementType.takeError();
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return fail("tensor '" + tensor.name() + "' has a negative dim");
    if (dim != 0 && count > INT64_MAX / dim)
      return fail("tensor '" + tensor.name() + "' has more elements than fit in 64 bits");
    count *= dim;
  }
  auto type = RankedTensorType::get(shape, *elementType);

  if (isa<onnx::StringType>(*elementType)) {
    if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL)
      return fail("string tensor '" + tensor.name() + "' cannot live in external data");
    if (tensor.string_data_size() != count)
      return fail("string tensor '" + tensor.name() + "' holds " +
                  llvm::Twine(tensor.string_data_size()) + " strings; its dims need " +
                  llvm::Twine(count));
    SmallVector<StringRef> strings(tensor.string_data().begin(), tensor.string_data().end());
    return DenseElementsAttr::get(type, ArrayRef<StringRef>(strings));
  }
  int64_t elementBytes = 0;
  if (auto complex = dyn_cast<ComplexType>(*elementType))
    elementBytes = 2 * complex.getElementType().getIntOrFloatBitWidth() / 8;
  else
    elementBytes = std::max<int64_t>(1, elementType->getIntOrFloatBitWidth() / 8);
  int64_t needed = 0;
  if (__builtin_mul_overflow(count, elementBytes, &needed))
    return fail("tensor '" + tensor.name() + "' has more bytes than fit in 64 bits");

  std::vector<char> bytes;
  if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL) {
    auto external = readExternalData(tensor, modelDir, needed);
    if (!external)
      return external.takeError();
    bytes.assign(external->begin(), external->end());
  } else if (tensor.has_raw_data()) {
    bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
  } else {
    auto typed = typedFieldBytes(tensor);
    if (!typed)
      return typed.takeError();
    bytes = std::move(*typed);
  }

  if (static_cast<int64_t>(bytes.size()) != needed)
    return fail("tensor '" + tensor.name() + "' holds " + llvm::Twine(bytes.size()) +
                " bytes of data; its dims and type need " + llvm::Twine(needed));

  // MLIR packs i1 as bits; ONNX keeps one byte per bool.
  if (elementType->isInteger(1)) {
    SmallVector<bool> values(bytes.begin(), bytes.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(bytes));
}

} // namespace omc
