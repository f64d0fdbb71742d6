#include "tools/tensor_io/tensor_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "tools/tensor_io/npy.h"
#include "tools/tensor_io/tensor_proto.h"

namespace omc {
namespace {

bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct CloseFile {
  void operator()(FILE *f) const { std::fclose(f); }
};

} // namespace

std::optional<std::string> readWholeFile(const std::string &path, std::string *error) {
  auto fail = [&](const std::string &why) -> std::optional<std::string> {
    if (error)
      *error = "cannot read " + path + ": " + why;
    return std::nullopt;
  };
  struct stat info;
  if (stat(path.c_str(), &info) != 0)
    return fail(std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return fail("is a directory");
  std::unique_ptr<FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return fail(std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    bytes.append(buffer, n);
  if (std::ferror(file.get()))
    return fail(std::strerror(errno));
  return bytes;
}

std::optional<DenseTensor> readTensorFile(const std::string &path, std::string *error) {
  std::optional<std::string> bytes = readWholeFile(path, error);
  if (!bytes)
    return std::nullopt;
  // The magic decides where the name cannot (a pipe, a file without extension).
  bool npy = endsWith(path, ".npy") || bytes->compare(0, 6, "\x93NUMPY") == 0;
  std::string why;
  std::optional<DenseTensor> tensor = npy ? parseNpy(*bytes, &why) : parseTensorProto(*bytes, &why);
  if (!tensor && error)
    *error = path + ": " + why;
  return tensor;
}

bool writeTensorProtoFile(const DenseTensor &tensor, const std::string &path, std::string *error) {
  return writeFile(path, serializeTensorProto(tensor), error);
}

bool writeFile(const std::string &path, const std::string &bytes, std::string *error) {
  std::unique_ptr<FILE, CloseFile> file(std::fopen(path.c_str(), "wb"));
  bool ok = file && std::fwrite(bytes.data(), 1, bytes.size(), file.get()) == bytes.size();
  // fclose flushes: its failure (a full disk) is a failed write too.
  ok = file && std::fclose(file.release()) == 0 && ok;
  if (!ok && error)
    *error = "cannot write " + path + ": " + std::strerror(errno);
  return ok;
}

} // namespace omc
