// Whether this CPU runs a model library's code (omc_cpu_features in omc/model_abi.h).
#ifndef OMC_RUNTIME_SRC_CPU_CHECK_H
#define OMC_RUNTIME_SRC_CPU_CHECK_H

#include <optional>
#include <string>

namespace omc {

// What stops this CPU from running code that needs `features` (comma-separated names
// of OMC_X86_CPU_FEATURES), e.g. "needs avx512f, avx512bw, which this CPU lacks", or
// nullopt when nothing does.
std::optional<std::string> cpuFeatureProblem(const std::string &features);

} // namespace omc

#endif // OMC_RUNTIME_SRC_CPU_CHECK_H
