/* What the typed entry points of a statically linked model need.
 *
 * `compile --emit=header` (and the Bazel rule onnx_model_library, tools/onnx_model_library.bzl)
 * writes a header per model whose typed functions take each input and output as a contiguous
 * row-major array: they wrap the inputs in omc_tensor views with omc_static_input, call the
 * model's run function, and copy each output into the caller's array with omc_static_output.
 * Header only, and C as well as C++: a model and this header need libc alone.
 */
#ifndef OMC_STATIC_MODEL_H
#define OMC_STATIC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "omc/model_abi.h"

/* Makes `tensor` a view of the contiguous row-major array `data` of the given shape. */
static inline void omc_static_input(omc_tensor *tensor, const void *data, int32_t elem_type,
                                    int32_t rank, const int64_t *shape) {
  int64_t stride = 1;
  int32_t d;
  tensor->data = (void *)data; /* the model only reads its inputs */
  tensor->allocation = NULL;
  tensor->elem_type = elem_type;
  tensor->rank = rank;
  for (d = rank - 1; d >= 0; --d) {
    tensor->shape[d] = shape[d];
    tensor->strides[d] = stride;
    stride *= shape[d];
  }
}

/* Copies the output `tensor` (whatever its strides) into the contiguous row-major array
 * `out`, element by element, then frees the model's block. */
static inline void omc_static_output(omc_tensor *tensor, void *out, size_t elem_size) {
  int64_t index[OMC_MAX_RANK] = {0};
  int64_t count = 1, i;
  int32_t d;
  for (d = 0; d < tensor->rank; ++d)
    count *= tensor->shape[d];
  for (i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (d = 0; d < tensor->rank; ++d)
      offset += index[d] * tensor->strides[d];
    memcpy((char *)out + i * (int64_t)elem_size,
           (const char *)tensor->data + offset * (int64_t)elem_size, elem_size);
    /* The next index, last dimension fastest. */
    for (d = tensor->rank - 1; d >= 0; --d) {
      if (++index[d] < tensor->shape[d])
        break;
      index[d] = 0;
    }
  }
  free(tensor->allocation);
  tensor->allocation = NULL;
}

#endif /* OMC_STATIC_MODEL_H */
