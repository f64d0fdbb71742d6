// The model linked through onnx_model_library, twice (-O2 as :mlp, -O0 as :mlp_o0, under two
// symbol prefixes in one binary), run on the example's test data set and compared with the
// output torch computed for it (examples/mlp/export_mlp.py; onnxruntime agrees, see
// //examples:mlp_reference_test). Also checks the raw ABI the header declares.
//
//   mlp_test INPUT_0.pb OUTPUT_0.pb
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "examples/mlp.h"
#include "examples/mlp_o0.h"
#include "tools/tensor_io/tensor_file.h"

namespace {

int failures = 0;

void check(bool ok, const std::string &what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
  }
}

// Every element within rtol 1e-4 / atol 1e-6 of the reference.
void compare(const char *name, const float *actual, const omc::DenseTensor &expected) {
  const float *want = static_cast<const float *>(expected.data());
  int bad = 0;
  for (int64_t i = 0; i < expected.numElements(); ++i)
    if (!(std::fabs(actual[i] - want[i]) <= 1e-6f + 1e-4f * std::fabs(want[i]))) {
      if (bad++ < 3)
        std::fprintf(stderr, "%s[%lld] = %g, expected %g\n", name, static_cast<long long>(i),
                     actual[i], want[i]);
    }
  check(bad == 0, std::string(name) + ": " + std::to_string(bad) + " elements differ");
  std::printf("%s: %lld elements compared, %d differ\n", name,
              static_cast<long long>(expected.numElements()), bad);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mlp_test INPUT_0.pb OUTPUT_0.pb\n");
    return 2;
  }
  std::string error;
  auto input = omc::readTensorFile(argv[1], &error);
  auto expected = input ? omc::readTensorFile(argv[2], &error) : std::nullopt;
  if (!input || !expected) {
    std::fprintf(stderr, "mlp_test: error: %s\n", error.c_str());
    return 1;
  }
  // The header's sizes come from the signature with the rule's shapes applied.
  check(input->elemType() == OMC_FLOAT && input->numElements() == MLP_MAIN_GRAPH_X_SIZE,
        "the test input is float32 with MLP_MAIN_GRAPH_X_SIZE elements");
  check(expected->elemType() == OMC_FLOAT &&
            expected->numElements() == MLP_MAIN_GRAPH_PROBABILITIES_SIZE,
        "the expected output is float32 with MLP_MAIN_GRAPH_PROBABILITIES_SIZE elements");
  if (failures)
    return 1;
  const float *x = static_cast<const float *>(input->data());

  std::vector<float> probabilities(MLP_MAIN_GRAPH_PROBABILITIES_SIZE, NAN);
  check(mlp_main_graph(x, probabilities.data()) == 0, "mlp_main_graph returns 0");
  compare("mlp (-O2)", probabilities.data(), *expected);

  std::vector<float> probabilitiesO0(MLP_O0_MAIN_GRAPH_PROBABILITIES_SIZE, NAN);
  check(mlp_o0_main_graph(x, probabilitiesO0.data()) == 0, "mlp_o0_main_graph returns 0");
  compare("mlp_o0 (-O0)", probabilitiesO0.data(), *expected);

  // The raw ABI under the prefix: what the runtime would find in a shared library.
  check(mlp_abi_version() == OMC_ABI_VERSION, "mlp_abi_version() is OMC_ABI_VERSION");
  check(std::strcmp(mlp_entry_points(), "[\"main_graph\"]") == 0,
        std::string("mlp_entry_points() is [\"main_graph\"], got ") + mlp_entry_points());
  check(std::strstr(mlp_signature_in_main_graph(), "\"shape\":[2,16]") != nullptr,
        std::string("the input signature has the fixed shape: ") + mlp_signature_in_main_graph());
  // A wrong count is status 1 and nothing written.
  omc_tensor outputs[1];
  std::memset(outputs, 0, sizeof(outputs));
  check(mlp_run_main_graph(nullptr, 0, outputs, 1) == 1 && outputs[0].data == nullptr,
        "mlp_run_main_graph with no inputs returns 1 and writes nothing");

  if (failures)
    return 1;
  std::printf("PASS\n");
  return 0;
}
