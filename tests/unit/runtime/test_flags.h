// The runtime tests' own flags: paths handed in as --name=PATH after gtest's flags
// (BUILD.bazel fills them with $(rootpath ...)), parsed by the tests' main().
#ifndef OMC_TESTS_UNIT_RUNTIME_TEST_FLAGS_H
#define OMC_TESTS_UNIT_RUNTIME_TEST_FLAGS_H

#include <cstdio>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace omc_test {

inline std::map<std::string, std::string> &flags() {
  static std::map<std::string, std::string> values;
  return values;
}

// Reads every remaining argument as --name=value; false (after saying why) on anything else.
inline bool parseFlags(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "unexpected argument %s\n", argv[i]);
      return false;
    }
    flags()[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  return true;
}

// The value of --name, or "" and a test failure when it was not given.
inline std::string flag(const std::string &name) {
  auto found = flags().find(name);
  if (found == flags().end()) {
    ADD_FAILURE() << "missing flag --" << name << "=PATH";
    return "";
  }
  return found->second;
}

} // namespace omc_test

#endif // OMC_TESTS_UNIT_RUNTIME_TEST_FLAGS_H
