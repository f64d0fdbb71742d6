//===- Quantization.cpp - QuantizeLinear, DequantizeLinear and the QLinear/Integer ops -> krnl ===//
//
// Lowerings of the quantization ops. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateQuantizationPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
