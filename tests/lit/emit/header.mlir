// RUN: omc-compile --emit=header --symbol-prefix=add -o - %testdata/node/test_add/model.onnx | FileCheck %s --check-prefix=ADD
// RUN: omc-compile --emit=header -o - %testdata/node/test_and2d/model.onnx | FileCheck %s --check-prefix=BOOL
// RUN: omc-compile --emit=header --symbol-prefix=gather -o - %testdata/node/test_gather_0/model.onnx | FileCheck %s --check-prefix=ERRORS
// RUN: omc-compile --emit=header --symbol-prefix=seq -o - %testdata/node/test_sequence_insert_at_back/model.onnx | FileCheck %s --check-prefix=SEQ
// RUN: omc-compile --emit=header --symbol-prefix=f16 -o - %testdata/node/test_cast_FLOAT_to_FLOAT16/model.onnx | FileCheck %s --check-prefix=F16
// RUN: not omc-compile --emit=header --symbol-prefix=2-add -o - %testdata/node/test_add/model.onnx 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not omc-compile --emit=obj --symbol-prefix= -o - %testdata/node/test_add/model.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY

// `compile --emit=header`: the C header of what `--emit=obj` exports, from the signatures.
// The raw ABI under the prefix, then a typed entry point over row-major arrays.
// ADD: #ifndef OMC_MODEL_ADD_H
// ADD: #include "omc/static_model.h"
// ADD: const char *add_entry_points(void);
// ADD-NEXT: int64_t add_abi_version(void);
// ADD: int32_t add_run_main_graph(const omc_tensor *inputs, int64_t num_inputs, omc_tensor *outputs,
// ADD: const char *add_signature_in_main_graph(void);
// ADD-NEXT: const char *add_signature_out_main_graph(void);
// ADD-NOT: add_errors_main_graph
// ADD: *   in  x: float32[3,4,5] ('x')
// ADD-NEXT: *   in  y: float32[3,4,5] ('y')
// ADD-NEXT: *   out sum: float32[3,4,5] ('sum')
// ADD: #define ADD_MAIN_GRAPH_X_SIZE 60
// ADD-NEXT: #define ADD_MAIN_GRAPH_Y_SIZE 60
// ADD-NEXT: #define ADD_MAIN_GRAPH_SUM_SIZE 60
// ADD-NEXT: static inline int32_t add_main_graph(const float *x, const float *y, float *sum) {
// ADD: static const int64_t omc_shape_0[3] = {3, 4, 5};
// ADD: omc_static_input(&omc_inputs[0], x, 1, 3, omc_shape_0);
// ADD: omc_static_input(&omc_inputs[1], y, 1, 3, omc_shape_1);
// ADD: omc_status = add_run_main_graph(omc_inputs, 2, omc_outputs, 1);
// ADD: omc_static_output(&omc_outputs[0], sum, sizeof(float));
// ADD: #endif /* OMC_MODEL_ADD_H */

// Without --symbol-prefix, the names the runtime loads a shared library by; bool is bool.
// BOOL: int32_t omc_run_main_graph(
// BOOL: static inline int32_t omc_main_graph(const bool *x, const bool *y, bool *and_) {

// A model that checks values while it runs (Gather's indices) also exports its messages.
// ERRORS: const char *gather_errors_main_graph(void);
// ERRORS: or k >= 2 when a check the model makes while it runs failed
// ERRORS: static inline int32_t gather_main_graph(const float *data, const int64_t *indices, float *y) {

// float16 crosses as its bits.
// F16: *   out output: float16[3,4] ('output')
// F16: static inline int32_t f16_main_graph(const float *input, uint16_t *output) {

// A sequence has no typed entry point; the comment says why.
// SEQ: int32_t seq_run_main_graph(
// SEQ: /* No typed seq_main_graph: 'sequence' is a sequence. */

// BAD: compile: error: --symbol-prefix '2-add' is not a C identifier (letters, digits and _, not starting with a digit)
// EMPTY: compile: error: --symbol-prefix expects a C identifier, got nothing
