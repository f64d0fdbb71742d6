//===- ControlFlow.cpp - If, Loop, Scan -> krnl -----------------------------===//
//
// Lowerings of the control-flow ops, whose subgraphs become loops and branches. The family's patterns are added here as they land.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

using namespace mlir;

namespace omc {

void populateControlFlowPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  (void)converter;
  (void)patterns;
}

} // namespace omc
