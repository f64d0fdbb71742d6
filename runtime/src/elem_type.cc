// One table of element types, so names, numbers and sizes cannot drift apart.
#include "omc/elem_type.h"

#include "omc/model_abi.h"

namespace omc {
namespace {

struct ElemTypeInfo {
  int32_t type;
  const char *name;
  int64_t size;
};

// Numbers are ONNX's TensorProto.DataType. STRING has a name but no fixed size:
// it can be described in messages, never passed through the ABI.
constexpr ElemTypeInfo kElemTypes[] = {
    {OMC_FLOAT, "float32", 4},     {OMC_UINT8, "uint8", 1},
    {OMC_INT8, "int8", 1},         {OMC_UINT16, "uint16", 2},
    {OMC_INT16, "int16", 2},       {OMC_INT32, "int32", 4},
    {OMC_INT64, "int64", 8},       {OMC_STRING, "string", 0},
    {OMC_BOOL, "bool", 1},         {OMC_FLOAT16, "float16", 2},
    {OMC_DOUBLE, "float64", 8},    {OMC_UINT32, "uint32", 4},
    {OMC_UINT64, "uint64", 8},     {OMC_COMPLEX64, "complex64", 8},
    {OMC_COMPLEX128, "complex128", 16}, {OMC_BFLOAT16, "bfloat16", 2},
};

const ElemTypeInfo *find(int32_t type) {
  for (const ElemTypeInfo &info : kElemTypes)
    if (info.type == type)
      return &info;
  return nullptr;
}

} // namespace

const char *elemTypeName(int32_t elemType) {
  const ElemTypeInfo *info = find(elemType);
  return info ? info->name : nullptr;
}

int64_t elemTypeSize(int32_t elemType) {
  const ElemTypeInfo *info = find(elemType);
  return info ? info->size : 0;
}

std::optional<int32_t> elemTypeFromName(std::string_view name) {
  for (const ElemTypeInfo &info : kElemTypes)
    if (name == info.name)
      return info.type;
  return std::nullopt;
}

std::string describeElemType(int32_t elemType) {
  if (const char *name = elemTypeName(elemType))
    return name;
  if (elemType == OMC_SEQUENCE)
    return "sequence";
  if (elemType == OMC_OPTIONAL)
    return "optional";
  return "unknown element type " + std::to_string(elemType);
}

} // namespace omc
