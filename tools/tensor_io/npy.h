// NumPy .npy files (format versions 1.0, 2.0 and 3.0).
#ifndef OMC_TOOLS_TENSOR_IO_NPY_H
#define OMC_TOOLS_TENSOR_IO_NPY_H

#include <optional>
#include <string>
#include <string_view>

#include "tools/tensor_io/tensor.h"

namespace omc {

// Decodes a .npy file: little-endian (or single-byte) data in C order, of a dtype
// that is an ONNX element type (bool, int8..int64, uint8..uint64, float16/32/64,
// complex64/128). Rejects fortran_order, big-endian, other dtypes, a malformed
// header and a data size that does not match the shape. The tensor has no name.
// On failure returns nullopt with a message (without a file name) in *error.
std::optional<DenseTensor> parseNpy(std::string_view bytes, std::string *error);

} // namespace omc

#endif // OMC_TOOLS_TENSOR_IO_NPY_H
