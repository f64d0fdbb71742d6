// Checks of a model library file that dlopen does not make safely (private to runtime/src).
#ifndef OMC_RUNTIME_SRC_ELF_CHECK_H
#define OMC_RUNTIME_SRC_ELF_CHECK_H

#include <optional>
#include <string>

namespace omc {

// What makes the file at `path` unsafe to dlopen (not ELF, or cut short of what its
// headers declare), or nullopt when dlopen may judge it.
std::optional<std::string> checkElfFile(const char *path);

} // namespace omc

#endif // OMC_RUNTIME_SRC_ELF_CHECK_H
