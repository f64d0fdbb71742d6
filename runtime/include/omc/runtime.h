/* The omc runtime's C API: load a compiled model library, describe it, run it.
 *
 * Every fallible function returns an omc_status and takes a last `char **error`:
 * on failure *error receives a one-line message (release it with omc_free_string),
 * on success *error is set to NULL. Passing error == NULL is allowed (the message
 * is dropped). Messages are handed to the caller rather than kept in the handle so
 * that one model can be run from several threads at once.
 *
 * Every pointer argument is checked; a NULL or out-of-range argument is an
 * OMC_ERR_INVALID_ARGUMENT, never a crash.
 *
 *   omc_model *model;
 *   char *error;
 *   if (omc_model_load("model.so", &model, &error) != OMC_OK) { puts(error); omc_free_string(error); }
 *   ... omc_model_run(model, NULL, inputs, 2, outputs, 1, &error) ...
 *   omc_tensor_release(&outputs[0]);
 *   omc_model_unload(model);
 */
#ifndef OMC_RUNTIME_H
#define OMC_RUNTIME_H

#include <stdint.h>

#include "omc/model_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum omc_status {
  OMC_OK = 0,
  OMC_ERR_INVALID_ARGUMENT = 1, /* a NULL pointer, a bad index, an unknown entry point */
  OMC_ERR_LOAD = 2,             /* the file is missing or dlopen refused it */
  OMC_ERR_NOT_A_MODEL = 3,      /* a shared library, but not an omc model (or another ABI version) */
  OMC_ERR_BAD_SIGNATURE = 4,    /* the library's signature or entry point JSON is malformed */
  OMC_ERR_INPUT_MISMATCH = 5,   /* inputs/outputs do not match the entry's signature */
  OMC_ERR_RUN_FAILED = 6,       /* the model returned non-zero or produced malformed outputs */
  OMC_ERR_OUT_OF_MEMORY = 7
} omc_status;

/* A loaded model library. Immutable after loading but for its thread count
 * (omc_model_set_threads): safe to share between threads. */
typedef struct omc_model omc_model;

/* Loads the model library at `path` (dlopen RTLD_NOW | RTLD_LOCAL; a path without
 * '/' is taken relative to the working directory, not searched for), checks that it
 * is an omc model of this ABI version and parses every entry's signatures. */
omc_status omc_model_load(const char *path, omc_model **model, char **error);

/* Closes the library. NULL is allowed. Outputs already returned stay valid (they
 * live in malloc'ed memory), but signature strings of this model do not. */
void omc_model_unload(omc_model *model);

/* Entry points, in the order the library lists them. Returns NULL for a NULL model
 * or an index out of range. The strings live as long as the model. */
int64_t omc_model_num_entry_points(const omc_model *model);
const char *omc_model_entry_point(const omc_model *model, int64_t index);

/* The JSON signature of an entry's inputs / outputs (format in model_abi.h).
 * entry == NULL names the first entry point. *json lives as long as the model. */
omc_status omc_model_input_signature(const omc_model *model, const char *entry,
                                     const char **json, char **error);
omc_status omc_model_output_signature(const omc_model *model, const char *entry,
                                      const char **json, char **error);

/* Runs `entry` (NULL: the first entry point). Every input is checked against the
 * signature first (count, element type, rank, static dims, data pointer); the
 * error names the input, e.g. "input 0 ('x'): dim 1 is 5, expected 4".
 * Inputs may be strided views (a non-contiguous one is copied first); the caller
 * keeps owning them. num_outputs must equal the signature's output count. On
 * OMC_OK every outputs[i] owns its own malloc'ed block (release with
 * omc_tensor_release); on failure the outputs are zeroed and own nothing. */
omc_status omc_model_run(const omc_model *model, const char *entry,
                         const omc_tensor *inputs, int64_t num_inputs,
                         omc_tensor *outputs, int64_t num_outputs, char **error);

/* Threads that runs of `model` use for its parallel loops, the calling thread
 * included (it works too; the others come from one thread pool per process, created
 * on first use). 0, the default, means every core the process may run on
 * (omc_available_cores); a negative count is OMC_ERR_INVALID_ARGUMENT. Runs already
 * going on keep their count. Results do not depend on the count: only loops with
 * independent iterations are split, never a reduction. */
omc_status omc_model_set_threads(omc_model *model, int64_t threads, char **error);

/* The thread count runs of `model` use now (>= 1); 0 for a NULL model. */
int64_t omc_model_threads(const omc_model *model);

/* The online cores, capped by the process's CPU affinity mask; at least 1. */
int64_t omc_available_cores(void);

/* Frees an output's allocation and zeroes the tensor. NULL is allowed. */
void omc_tensor_release(omc_tensor *tensor);

/* Fills `tensor` as a row-major contiguous view of `data` (strides computed
 * from the shape; allocation NULL). Returns OMC_ERR_INVALID_ARGUMENT for a NULL
 * tensor, a rank outside 0..OMC_MAX_RANK, a NULL shape with rank > 0 or a
 * negative dim. */
omc_status omc_tensor_init(omc_tensor *tensor, void *data, int32_t elem_type, int32_t rank,
                           const int64_t *shape);

/* "float32", "int64", "bool", ... (numpy's names; ONNX DOUBLE is "float64"), or
 * NULL for a number that is not an omc_elem_type. */
const char *omc_elem_type_name(int32_t elem_type);

/* Bytes per element, or 0 for types without a fixed size (UNDEFINED, STRING, unknown). */
int64_t omc_elem_type_size(int32_t elem_type);

/* Releases a message from an `error` out-parameter. NULL is allowed. */
void omc_free_string(char *text);

#ifdef __cplusplus
}
#endif

#endif /* OMC_RUNTIME_H */
