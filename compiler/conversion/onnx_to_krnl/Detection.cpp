//===- Detection.cpp - NonMaxSuppression, RoiAlign, MaxRoiPool -> krnl ------===//
//
// Lowerings of the object-detection ops. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateDetectionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
