// A look at a library file before dlopen maps it: the dynamic loader trusts the
// ELF headers, and a file cut short (a partial download, a full disk) makes it
// touch mapped pages past the end of the file, which kills the process with
// SIGBUS or SIGSEGV instead of giving an error.
#include "runtime/src/elf_check.h"

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace omc {
namespace {

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};

bool readAt(std::FILE *file, uint64_t offset, void *into, size_t size) {
  return std::fseek(file, static_cast<long>(offset), SEEK_SET) == 0 &&
         std::fread(into, 1, size, file) == size;
}

} // namespace

std::optional<std::string> checkElfFile(const char *path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path, "rb"));
  if (!file)
    return std::nullopt; // dlopen says why
  if (std::fseek(file.get(), 0, SEEK_END) != 0)
    return std::nullopt;
  long end = std::ftell(file.get());
  if (end < 0)
    return std::nullopt;
  uint64_t size = static_cast<uint64_t>(end);

  Elf64_Ehdr header;
  if (!readAt(file.get(), 0, &header, sizeof header) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return std::string("not an ELF shared library");
  if (header.e_ident[EI_CLASS] != ELFCLASS64)
    return std::nullopt; // dlopen names the wrong class
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0)
    return std::string("ELF file without valid program headers");
  uint64_t tableEnd = header.e_phoff + uint64_t(header.e_phnum) * sizeof(Elf64_Phdr);
  if (header.e_phoff > size || tableEnd > size)
    return "ELF file is truncated: its program headers end at byte " + std::to_string(tableEnd) +
           ", the file has " + std::to_string(size);
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    if (!readAt(file.get(), header.e_phoff + uint64_t(i) * sizeof segment, &segment,
                sizeof segment))
      return std::string("ELF file is truncated: cannot read its program headers");
    uint64_t segmentEnd = segment.p_offset + segment.p_filesz;
    if (segment.p_type != PT_NULL &&
        (segmentEnd < segment.p_offset || segmentEnd > size))
      return "ELF file is truncated: segment " + std::to_string(i) + " ends at byte " +
             std::to_string(segmentEnd) + ", the file has " + std::to_string(size);
  }
  return std::nullopt;
}

} // namespace omc
