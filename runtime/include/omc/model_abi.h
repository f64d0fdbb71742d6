/* The C ABI between a compiled omc model library (.so) and the runtime.
 *
 * A model library exports, for every graph entry point NAME (default "main_graph"):
 *   int32_t     omc_run_NAME(const omc_tensor *inputs, int64_t num_inputs,
 *                            omc_tensor *outputs, int64_t num_outputs);
 *   const char *omc_signature_in_NAME(void);   JSON, see below
 *   const char *omc_signature_out_NAME(void);  JSON, see below
 *   const char *omc_errors_NAME(void);         optional: JSON array of messages, see below
 * and once per library:
 *   const char *omc_entry_points(void);        JSON array of entry point names
 *   int64_t     omc_abi_version(void);         OMC_ABI_VERSION at compile time
 *   void      (*omc_out_of_memory_handler)(int64_t bytes);  optional, see below
 *   const char *omc_cpu_features(void);        optional: the CPU features the code needs
 *
 * Signature JSON: an array with one object per tensor, in graph order:
 *   [{"name":"x","type":"float32","elem_type":1,"shape":[-1,3,224,224]}, ...]
 * "elem_type" is the ONNX TensorProto.DataType number; -1 in "shape" is a dynamic dim.
 * A sequence of tensors or an optional (of a tensor or a sequence) has a "kind" and
 * describes what it holds in "element" (an object of the same form, without "name"):
 *   {"name":"s","kind":"sequence","element":{"type":"float32","elem_type":1,"shape":[-1,3]}}
 *   {"name":"o","kind":"optional","element":{"kind":"sequence","element":{...}}}
 * Every element of a sequence has the element's rank; its "shape" holds for each of them.
 *
 * Sequences and optionals cross the boundary as omc_tensors too, with
 *   elem_type  OMC_SEQUENCE or OMC_OPTIONAL,
 *   rank 1, shape[0] the number of elements (0 or 1 for an optional: 0 is "empty"),
 *   strides[0] 1, and data pointing at an array of shape[0] omc_tensors (the elements,
 *   each a tensor, or a sequence inside an optional).
 * An input's arrays and elements are the caller's. An output's `allocation` is the
 * malloc'ed array itself and every element owns its own allocation: omc_tensor_release
 * frees the elements first, then the array. The struct's layout is unchanged from
 * tensor-only models: a runtime that predates sequences rejects such a model's
 * signature when loading it.
 *
 * omc_run_NAME trusts its inputs: the runtime (omc_model_run in runtime.h) checks
 * them against the signature first. Inputs are strided views that the caller owns;
 * the model reads them in place. Outputs are written by the model: `data` points at
 * the first element, `allocation` is the block to release with free() (the runtime
 * does this), and shape/strides are filled in. The return value is 0 on success,
 * 1 when num_inputs or num_outputs is wrong (nothing is written), and k >= 2 when a
 * check the model makes while it runs failed (a Gather index out of range):
 * omc_errors_NAME()[k - 2] says which; the model finished with safe values, so the
 * outputs are filled in and must be freed, but are meaningless.
 *
 * omc_out_of_memory_handler is a writable pointer, NULL in the library. A host that
 * stores a function there gets it called, with the size asked for, when malloc fails
 * inside the model, or with -1 when a buffer's dims (taken from the data) are negative
 * or need over 2^63 bytes; the function must not return (the runtime longjmps back to
 * its call of omc_run_NAME and reports the failure; what the run had allocated leaks).
 *
 * omc_cpu_features lists, comma-separated, the features of OMC_X86_CPU_FEATURES that
 * the library's code may use (x86-avx512: "...,avx2,fma,avx512f,avx512bw,..."). The
 * runtime refuses to load a library that needs one the CPU lacks, or one it cannot
 * check, so that the mistake is one clear error rather than an illegal instruction in
 * the middle of a run. A library without the function runs on any CPU of its
 * architecture.
 */
#ifndef OMC_MODEL_ABI_H
#define OMC_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OMC_ABI_VERSION 1

/* The x86 CPU features a library may list in omc_cpu_features: X(name) for each, with
 * the name that LLVM's target features and GCC's and Clang's __builtin_cpu_supports
 * share. The compiler lists those its code may use; the runtime checks those. */
#define OMC_X86_CPU_FEATURES(X)                                                         \
  X("popcnt") X("sse4.2") X("avx") X("avx2") X("fma") X("f16c") X("bmi") X("bmi2")        \
  X("lzcnt") X("movbe") X("avx512f") X("avx512bw") X("avx512dq") X("avx512vl")          \
  X("avx512cd") X("avx512vnni") X("avx512bf16") X("avx512fp16") X("avx512vbmi")
#define OMC_MAX_RANK 16

/* Element types: the values of ONNX's TensorProto.DataType. */
typedef enum omc_elem_type {
  OMC_UNDEFINED = 0,
  OMC_FLOAT = 1,
  OMC_UINT8 = 2,
  OMC_INT8 = 3,
  OMC_UINT16 = 4,
  OMC_INT16 = 5,
  OMC_INT32 = 6,
  OMC_INT64 = 7,
  OMC_STRING = 8,
  OMC_BOOL = 9,
  OMC_FLOAT16 = 10,
  OMC_DOUBLE = 11,
  OMC_UINT32 = 12,
  OMC_UINT64 = 13,
  OMC_COMPLEX64 = 14,
  OMC_COMPLEX128 = 15,
  OMC_BFLOAT16 = 16
} omc_elem_type;

/* The elem_type of an omc_tensor that is a sequence / an optional (see above); no
 * ONNX TensorProto.DataType has these numbers. */
#define OMC_SEQUENCE 1000
#define OMC_OPTIONAL 1001

/* A tensor crossing the boundary. Strides are in elements, not bytes. */
typedef struct omc_tensor {
  void *data;           /* first element */
  void *allocation;     /* block to free() when the tensor owns its data, else NULL */
  int32_t elem_type;    /* omc_elem_type */
  int32_t rank;         /* 0 .. OMC_MAX_RANK */
  int64_t shape[OMC_MAX_RANK];
  int64_t strides[OMC_MAX_RANK];
} omc_tensor;

#ifdef __cplusplus
}
#endif

#endif /* OMC_MODEL_ABI_H */
