// A failed malloc inside a compiled model (see omc_out_of_memory_handler in
// omc/model_abi.h): the model calls the runtime's handler, which longjmps back to the
// guarded call of the entry point, so that the run fails with a message, not a crash.
#ifndef OMC_RUNTIME_SRC_OUT_OF_MEMORY_H
#define OMC_RUNTIME_SRC_OUT_OF_MEMORY_H

#include <cstdint>

#include "runtime/src/model.h"

namespace omc {

// Stores the runtime's handler in the library's omc_out_of_memory_handler, if it has one.
void installOutOfMemoryHandler(void *library);

// Calls entry.run; false when the model ran out of memory, with the size it asked
// for in *bytes (what it had allocated by then is lost).
bool callGuarded(RunFunction run, const omc_tensor *inputs, int64_t numInputs,
                 omc_tensor *outputs, int64_t numOutputs, int32_t *status, int64_t *bytes);

} // namespace omc

#endif // OMC_RUNTIME_SRC_OUT_OF_MEMORY_H
