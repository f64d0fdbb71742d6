// See cpu_check.h. __builtin_cpu_supports takes only string literals, hence the table
// from OMC_X86_CPU_FEATURES rather than a lookup by name; it also checks that the OS
// saves the vector registers that AVX and AVX-512 need.
#include "runtime/src/cpu_check.h"

#include <vector>

#include "omc/model_abi.h"

namespace omc {
namespace {

struct Feature {
  const char *name;
  bool present;
};

std::vector<Feature> hostFeatures() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#define OMC_HOST_FEATURE(name) Feature{name, __builtin_cpu_supports(name) != 0},
  return {OMC_X86_CPU_FEATURES(OMC_HOST_FEATURE)};
#undef OMC_HOST_FEATURE
#else
  return {}; // no x86 feature can be checked, so a library that lists one is refused
#endif
}

std::string joined(const std::vector<std::string> &names) {
  std::string text;
  for (const std::string &name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

} // namespace

std::optional<std::string> cpuFeatureProblem(const std::string &features) {
  static const std::vector<Feature> host = hostFeatures();
  std::vector<std::string> missing, unknown;
  size_t start = 0;
  while (start <= features.size()) {
    size_t end = features.find(',', start);
    if (end == std::string::npos)
      end = features.size();
    std::string name = features.substr(start, end - start);
    start = end + 1;
    if (name.empty())
      continue;
    const Feature *known = nullptr;
    for (const Feature &feature : host)
      if (name == feature.name)
        known = &feature;
    if (!known)
      unknown.push_back(name);
    else if (!known->present)
      missing.push_back(name);
  }
  if (!unknown.empty())
    return "needs CPU features this runtime cannot check: " + joined(unknown);
  if (!missing.empty())
    return "needs CPU features this CPU lacks: " + joined(missing);
  return std::nullopt;
}

} // namespace omc
