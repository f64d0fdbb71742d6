//===- OutputFile.h - writing one output file, failures included ---------------===//
//
// A compiler output (an object, a text level, a header) written so that a failed write,
// such as a full disk or a file-size limit, is one error naming the file and leaves no
// partial file behind. Unchecked, raw_fd_ostream's destructor turned it into a fatal
// "IO failure on output stream" that named no file.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_TARGET_OUTPUTFILE_H
#define OMC_COMPILER_TARGET_OUTPUTFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

namespace llvm {
class raw_pwrite_stream;
} // namespace llvm

namespace omc {

// Opens `path` ("-": stdout), lets `write` fill it, and checks that every byte reached it.
// On any failure the file is removed, unless it is not a regular file (-o /dev/stdout).
llvm::Error writeOutputFile(llvm::StringRef path, llvm::sys::fs::OpenFlags flags,
                            llvm::function_ref<llvm::Error(llvm::raw_pwrite_stream &)> write);

} // namespace omc

#endif // OMC_COMPILER_TARGET_OUTPUTFILE_H
