/* mlp_demo.cc in C: the generated header is C as well as C++.
 *
 *   bazel run //examples:mlp_demo_c
 */
#include <math.h>
#include <stdio.h>

#include "examples/mlp.h"

int main(void) {
  float x[MLP_MAIN_GRAPH_X_SIZE];
  float probabilities[MLP_MAIN_GRAPH_PROBABILITIES_SIZE];
  int32_t status;
  int i;
  for (i = 0; i < MLP_MAIN_GRAPH_X_SIZE; ++i)
    x[i] = sinf(0.37f * (float)i);
  status = mlp_main_graph(x, probabilities);
  if (status != 0) {
    fprintf(stderr, "mlp_demo_c: error: the model returned status %d\n", (int)status);
    return 1;
  }
  for (i = 0; i < MLP_MAIN_GRAPH_PROBABILITIES_SIZE; ++i)
    printf("%.4f%c", probabilities[i], i % 10 == 9 ? '\n' : ' ');
  return 0;
}
