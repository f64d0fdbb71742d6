// A program with a model linked in: examples/mlp/mlp.onnx, compiled during the build by
// onnx_model_library (examples/BUILD.bazel), called through its typed entry point. No
// runtime library, no dlopen: the model is code like any other.
//
//   bazel run //examples:mlp_demo
#include <cmath>
#include <cstdio>

#include "examples/mlp.h"

int main() {
  float x[MLP_MAIN_GRAPH_X_SIZE];
  for (int i = 0; i < MLP_MAIN_GRAPH_X_SIZE; ++i)
    x[i] = std::sin(0.37f * static_cast<float>(i));
  float probabilities[MLP_MAIN_GRAPH_PROBABILITIES_SIZE];
  if (int32_t status = mlp_main_graph(x, probabilities)) {
    std::fprintf(stderr, "mlp_demo: error: the model returned status %d\n", status);
    return 1;
  }
  // Two rows of ten class probabilities (shapes fixed by the rule's `shapes`).
  const int classes = MLP_MAIN_GRAPH_PROBABILITIES_SIZE / 2;
  for (int row = 0; row < 2; ++row) {
    int best = 0;
    for (int k = 0; k < classes; ++k)
      if (probabilities[row * classes + k] > probabilities[row * classes + best])
        best = k;
    std::printf("row %d: class %d, probability %.4f\n", row, best,
                probabilities[row * classes + best]);
  }
  return 0;
}
