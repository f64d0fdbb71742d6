//===- Recurrent.cpp - RNN, GRU, LSTM -> krnl -------------------------------===//
//
// Lowerings of the recurrent nets, every direction and layout. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateRecurrentPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
