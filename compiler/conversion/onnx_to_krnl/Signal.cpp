//===- Signal.cpp - DFT, STFT, window functions, MelWeightMatrix -> krnl ----===//
//
// Lowerings of the signal-processing ops. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateSignalPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
