// Reading and writing tensor files by path, with messages that name the file.
#ifndef OMC_TOOLS_TENSOR_IO_TENSOR_FILE_H
#define OMC_TOOLS_TENSOR_IO_TENSOR_FILE_H

#include <optional>
#include <string>

#include "tools/tensor_io/tensor.h"

namespace omc {

// Reads a .npy file (by its name or its magic bytes) or else a TensorProto .pb file. On failure returns
// nullopt with "PATH: why" in *error.
std::optional<DenseTensor> readTensorFile(const std::string &path, std::string *error);

// Writes `tensor` as a TensorProto .pb file (name, dims, data_type, raw_data).
bool writeTensorProtoFile(const DenseTensor &tensor, const std::string &path, std::string *error);

// Writes `bytes` to `path`; false with "cannot write PATH: why" in *error.
bool writeFile(const std::string &path, const std::string &bytes, std::string *error);

// The whole file, or nullopt with "cannot read PATH: why" in *error.
std::optional<std::string> readWholeFile(const std::string &path, std::string *error);

} // namespace omc

#endif // OMC_TOOLS_TENSOR_IO_TENSOR_FILE_H
