//===- Training.cpp - Adagrad, Adam, Momentum -> krnl -----------------------===//
//
// Lowerings of the training-preview optimizer ops (ai.onnx.preview.training). The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateTrainingPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
