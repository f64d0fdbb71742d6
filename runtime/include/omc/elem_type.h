// Element types of omc tensors: names and sizes (the C API's omc_elem_type_name /
// omc_elem_type_size, plus the reverse lookup that the signature parser needs).
#ifndef OMC_ELEM_TYPE_H
#define OMC_ELEM_TYPE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omc {

// "float32", "int64", "bool", ... or nullptr for a number that is no omc_elem_type.
// The names are numpy's (ONNX's DOUBLE is "float64"), as in the signature JSON.
const char *elemTypeName(int32_t elemType);

// Bytes per element; 0 for UNDEFINED, STRING and unknown numbers.
int64_t elemTypeSize(int32_t elemType);

// The inverse of elemTypeName.
std::optional<int32_t> elemTypeFromName(std::string_view name);

// The name, or "unknown element type N", for error messages.
std::string describeElemType(int32_t elemType);

} // namespace omc

#endif // OMC_ELEM_TYPE_H
