//===- Composites.h - recognizing composite computations as single ops --------===//
//
// Exporters spell LayerNormalization, GELU, Softmax, attention and biased matrix products as
// chains of small ops. These patterns put the single op back so that lowering can emit
// one fused, vectorized pass over memory for it.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_COMPOSITES_COMPOSITES_H
#define OMC_COMPILER_DIALECT_ONNX_COMPOSITES_COMPOSITES_H

#include "mlir/IR/PatternMatch.h"

namespace omc::onnx {

// ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) -> LayerNormalization.
void populateLayerNormPatterns(mlir::RewritePatternSet &patterns);
// x * 0.5 * (1 + erf(x / sqrt 2)) and its tanh approximation -> onnx.Gelu.
void populateGeluPatterns(mlir::RewritePatternSet &patterns);
// exp(x - max) / sum(exp(x - max)) -> Softmax.
void populateSoftmaxPatterns(mlir::RewritePatternSet &patterns);
// MatMul(Softmax(Where(mask, MatMul(Q, Kt) / c, v)), V) -> ScaledDotProductAttention.
void populateAttentionPatterns(mlir::RewritePatternSet &patterns);
// MatMul of matrices + bias -> Gemm.
void populateGemmPatterns(mlir::RewritePatternSet &patterns);

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_COMPOSITES_COMPOSITES_H
