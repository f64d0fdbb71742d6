//===- Attention.cpp - ScaledDotProductAttention -> krnl --------------------===//
//
// Lowerings of the attention composite that onnx-recognize-composites builds. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateAttentionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
