// Checks caller tensors against an entry's signature before compiled code sees
// them: compiled code trusts its inputs, so this is where a wrong count, type,
// rank or shape becomes a message instead of a crash.
#ifndef OMC_INPUT_CHECK_H
#define OMC_INPUT_CHECK_H

#include <cstdint>
#include <optional>
#include <string>

#include "omc/model_abi.h"
#include "omc/signature.h"

namespace omc {

// nullopt when `tensor` fits `expected`, else a message naming input `index`, e.g.
//   input 1 ('B'): expected element type float32, got int64
//   input 0 ('x'): expected rank 2, got 3
//   input 0 ('x'): dim 1 is 5, expected 4
// Dynamic dims accept any size >= 0. Data may be NULL only when there are no elements.
std::optional<std::string> checkInput(const TensorSignature &expected, int64_t index,
                                      const omc_tensor &tensor);

// Checks the count ("expected 2 inputs, got 1"), then every input in order.
std::optional<std::string> checkInputs(const Signature &signature, const omc_tensor *inputs,
                                       int64_t numInputs);

// "1 input", "2 outputs": for count messages.
std::string countOf(int64_t count, const char *noun);

} // namespace omc

#endif // OMC_INPUT_CHECK_H
