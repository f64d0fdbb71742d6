//===- Text.cpp - TfIdfVectorizer -> krnl -----------------------------------===//
//
// Lowerings of the text ops over token ids (n-gram counting). The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateTextPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
