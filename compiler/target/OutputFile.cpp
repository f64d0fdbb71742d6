//===- OutputFile.cpp - writing one output file, failures included -------------===//

#include "compiler/target/OutputFile.h"

#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace omc {

llvm::Error writeOutputFile(llvm::StringRef path, llvm::sys::fs::OpenFlags flags,
                            llvm::function_ref<llvm::Error(llvm::raw_pwrite_stream &)> write) {
  auto cannotWrite = [&](const std::error_code &ec) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write " + path + ": " + ec.message());
  };
  std::error_code ec;
  llvm::ToolOutputFile output(path, ec, flags);
  if (ec)
    return cannotWrite(ec);
  // ToolOutputFile removes what it is not told to keep, on failure: only a regular file,
  // never a device or a pipe.
  if (!llvm::sys::fs::is_regular_file(path))
    output.keep();
  if (llvm::Error error = write(output.os()))
    return error;
  // Closing reports what the last writes left (on NFS, say); stdout stays open.
  if (path == "-")
    output.os().flush();
  else
    output.os().close();
  if (output.os().has_error()) {
    std::error_code failure = output.os().error();
    output.os().clear_error();
    return cannotWrite(failure);
  }
  output.keep();
  return llvm::Error::success();
}

} // namespace omc
