/* A hand-written stand-in for a compiled model library, implementing the ABI of
 * runtime/include/omc/model_abi.h, so the runtime's loader tests need no compiler.
 *
 * Entry points:
 *   main_graph:   C = A + B, all float32 [-1,4]; C is malloc'ed, as compiled code does.
 *   sum_i64:      total = sum(x), x int64 [3], total int64 [] (a rank-0 output).
 *   identity:     y = x, float32 [-1], returned as the input's own memory (as when a
 *                 graph output is a graph input): the runtime must copy it.
 *   constant:     y = [1,2,3] float32 [3] from a global, with MLIR's 0xdeadbeef
 *                 "allocated" marker: the runtime must copy it, never free it.
 *   always_fails: x float32 [1] -> y float32 [1]; returns status 3.
 *   out_of_memory: x float32 [1] -> y float32 [1]; plays a model whose malloc of
 *                 2^50 bytes failed: calls omc_out_of_memory_handler, which the
 *                 runtime set and which must not return (status 4 if it does).
 *
 * Built with these macros it plays a broken library instead:
 *   OMC_FIXTURE_NO_ABI_VERSION   no omc_abi_version: not an omc model
 *   OMC_FIXTURE_ABI_VERSION=N    reports ABI version N
 *   OMC_FIXTURE_BAD_SIGNATURE    main_graph's input signature is malformed JSON
 *   OMC_FIXTURE_CPU_FEATURES=1   needs a CPU feature no runtime can check
 *   OMC_FIXTURE_CPU_FEATURES=2   needs AVX-512 (as x86-avx512 code does)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "omc/model_abi.h"

#ifndef OMC_FIXTURE_ABI_VERSION
#define OMC_FIXTURE_ABI_VERSION OMC_ABI_VERSION
#endif

static void set_contiguous(omc_tensor *t) {
  int64_t stride = 1;
  for (int32_t d = t->rank - 1; d >= 0; --d) {
    t->strides[d] = stride;
    stride *= t->shape[d];
  }
}

const char *omc_entry_points(void) {
  return "[\"main_graph\",\"sum_i64\",\"identity\",\"constant\",\"always_fails\",\"out_of_memory\"]";
}

#ifndef OMC_FIXTURE_NO_ABI_VERSION
int64_t omc_abi_version(void) { return OMC_FIXTURE_ABI_VERSION; }
#endif

#if OMC_FIXTURE_CPU_FEATURES == 1
const char *omc_cpu_features(void) { return "sse4.2,warp-drive"; }
#elif OMC_FIXTURE_CPU_FEATURES == 2
const char *omc_cpu_features(void) { return "sse4.2,avx2,avx512f"; }
#endif

/* main_graph */
const char *omc_signature_in_main_graph(void) {
#ifdef OMC_FIXTURE_BAD_SIGNATURE
  return "[{\"name\":\"A\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]},";
#else
  return "[{\"name\":\"A\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]},"
         "{\"name\":\"B\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]}]";
#endif
}

const char *omc_signature_out_main_graph(void) {
  return "[{\"name\":\"C\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]}]";
}

int32_t omc_run_main_graph(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out) {
  if (n_in != 2 || n_out != 1)
    return 1;
  int64_t rows = in[0].shape[0];
  if (in[1].shape[0] != rows) /* the graph would broadcast; the fixture does not */
    return 2;
  int64_t n = rows * 4;
  float *c = (float *)malloc(n > 0 ? n * sizeof(float) : 1);
  if (!c)
    return 4;
  const float *a = (const float *)in[0].data, *b = (const float *)in[1].data;
  for (int64_t i = 0; i < n; ++i)
    c[i] = a[i] + b[i];
  memset(&out[0], 0, sizeof out[0]);
  out[0].data = c;
  out[0].allocation = c;
  out[0].elem_type = OMC_FLOAT;
  out[0].rank = 2;
  out[0].shape[0] = rows;
  out[0].shape[1] = 4;
  set_contiguous(&out[0]);
  return 0;
}

/* sum_i64 */
const char *omc_signature_in_sum_i64(void) {
  return "[{\"name\":\"x\",\"type\":\"int64\",\"elem_type\":7,\"shape\":[3]}]";
}

const char *omc_signature_out_sum_i64(void) {
  return "[{\"name\":\"total\",\"type\":\"int64\",\"elem_type\":7,\"shape\":[]}]";
}

int32_t omc_run_sum_i64(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out) {
  if (n_in != 1 || n_out != 1)
    return 1;
  int64_t *total = (int64_t *)malloc(sizeof(int64_t));
  if (!total)
    return 4;
  const int64_t *x = (const int64_t *)in[0].data;
  *total = x[0] + x[1] + x[2];
  memset(&out[0], 0, sizeof out[0]);
  out[0].data = total;
  out[0].allocation = total;
  out[0].elem_type = OMC_INT64;
  out[0].rank = 0;
  return 0;
}

/* identity */
const char *omc_signature_in_identity(void) {
  return "[{\"name\":\"x\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1]}]";
}

const char *omc_signature_out_identity(void) {
  return "[{\"name\":\"y\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1]}]";
}

int32_t omc_run_identity(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out) {
  if (n_in != 1 || n_out != 1)
    return 1;
  out[0] = in[0];
  out[0].allocation = in[0].data; /* what a memref of a function argument carries */
  return 0;
}

/* constant */
static float constant_values[3] = {1.0f, 2.0f, 3.0f};

const char *omc_signature_in_constant(void) { return "[]"; }

const char *omc_signature_out_constant(void) {
  return "[{\"name\":\"y\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[3]}]";
}

int32_t omc_run_constant(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out) {
  (void)in;
  if (n_in != 0 || n_out != 1)
    return 1;
  memset(&out[0], 0, sizeof out[0]);
  out[0].data = constant_values;
  out[0].allocation = (void *)(uintptr_t)0xdeadbeef;
  out[0].elem_type = OMC_FLOAT;
  out[0].rank = 1;
  out[0].shape[0] = 3;
  out[0].strides[0] = 1;
  return 0;
}

/* always_fails */
const char *omc_signature_in_always_fails(void) {
  return "[{\"name\":\"x\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[1]}]";
}

const char *omc_signature_out_always_fails(void) {
  return "[{\"name\":\"y\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[1]}]";
}

int32_t omc_run_always_fails(const omc_tensor *in, int64_t n_in, omc_tensor *out,
                             int64_t n_out) {
  (void)in, (void)n_in, (void)out, (void)n_out;
  return 3;
}

/* out_of_memory */
void (*omc_out_of_memory_handler)(int64_t bytes) = NULL;

const char *omc_signature_in_out_of_memory(void) {
  return "[{\"name\":\"x\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[1]}]";
}

const char *omc_signature_out_out_of_memory(void) {
  return "[{\"name\":\"y\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[1]}]";
}

int32_t omc_run_out_of_memory(const omc_tensor *in, int64_t n_in, omc_tensor *out,
                              int64_t n_out) {
  (void)in, (void)n_in, (void)n_out;
  /* Half an output written, as a model may have when it runs out. */
  out[0].rank = 1;
  if (omc_out_of_memory_handler)
    omc_out_of_memory_handler((int64_t)1 << 50);
  return 4;
}
