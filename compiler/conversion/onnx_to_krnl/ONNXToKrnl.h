//===- ONNXToKrnl.h - onnx -> krnl patterns and the helpers they share --------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace omc::krnl {
enum class MatmulEpilogue; // KrnlOps.h
} // namespace omc::krnl

namespace omc {

// Tensors become identity-layout memrefs of the same shape; unsigned integer
// element types become signless (the ops keep the signedness on their tensors).
class ONNXToKrnlTypeConverter : public mlir::TypeConverter {
public:
  ONNXToKrnlTypeConverter();
};

// One populate function per op family, each in its own file.
void populateElementwisePatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateMatMulPatterns(mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populateGemmPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateConstantPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateSoftmaxPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateArgMinMaxPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateTriluPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateLayerNormPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateLossPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateScatterPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateSelectionPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateCumSumPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateEinsumPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateSlicingPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateTensorCreationPatterns(mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateResizePatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateAttentionPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateQuantizationPatterns(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateDetectionPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateSignalPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateControlFlowPatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateTextPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateTrainingPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);

inline void populateONNXToKrnlConversionPatterns(mlir::TypeConverter &converter,
                                                 mlir::RewritePatternSet &patterns) {
  populateElementwisePatterns(converter, patterns);
  populateMatMulPatterns(converter, patterns);
  populateGemmPatterns(converter, patterns);
  populateConstantPatterns(converter, patterns);
  populateDataMovementPatterns(converter, patterns);
  populateReductionPatterns(converter, patterns);
  populateSoftmaxPatterns(converter, patterns);
  populateArgMinMaxPatterns(converter, patterns);
  populateTriluPatterns(converter, patterns);
  populateLayerNormPatterns(converter, patterns);
  populateLossPatterns(converter, patterns);
  populateIndexingPatterns(converter, patterns);
  populateScatterPatterns(converter, patterns);
  populateSelectionPatterns(converter, patterns);
  populateCumSumPatterns(converter, patterns);
  populateEinsumPatterns(converter, patterns);
  populateSlicingPatterns(converter, patterns);
  populateTensorCreationPatterns(converter, patterns);
  populateConvPatterns(converter, patterns);
  populatePoolingPatterns(converter, patterns);
  populateNormalizationPatterns(converter, patterns);
  populateResizePatterns(converter, patterns);
  populateAttentionPatterns(converter, patterns);
  populateRecurrentPatterns(converter, patterns);
  populateQuantizationPatterns(converter, patterns);
  populateDetectionPatterns(converter, patterns);
  populateSignalPatterns(converter, patterns);
  populateControlFlowPatterns(converter, patterns);
  populateTextPatterns(converter, patterns);
  populateTrainingPatterns(converter, patterns);
}

//===----------------------------------------------------------------------===//
// Helpers shared by the patterns (LoweringHelpers.cpp)
//===----------------------------------------------------------------------===//

// The buffer type the onnx value `result` converts to; null when it is not a ranked tensor.
mlir::MemRefType convertedResult(const mlir::TypeConverter *converter, mlir::Value result);

// An `index` constant.
mlir::Value indexConstant(mlir::OpBuilder &builder, mlir::Location loc, int64_t value);

// The type arithmetic on elements of `element` runs in: f16 and bf16 widen to f32 (16-bit
// sums and variances lose too much), every other type is its own.
mlir::Type floatComputeType(mlir::Type element);

// The float `value` extended or truncated to the float type `type`.
mlir::Value castFloat(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value value,
                      mlir::Type type);

// The size of every dim of `memref`, as index values (constants where static).
llvm::SmallVector<mlir::Value> getDims(mlir::OpBuilder &builder, mlir::Location loc,
                                       mlir::Value memref);

// Allocates a buffer of `type`, taking the dynamic sizes from `dims` (one per dim).
mlir::Value allocBuffer(mlir::OpBuilder &builder, mlir::Location loc,
                        mlir::MemRefType type, mlir::ValueRange dims);

// Builds a krnl nest from 0 to each of `upperBounds` and calls `body` with the
// induction variables; with no bounds, calls `body` once, in place.
void buildLoopNest(mlir::OpBuilder &builder, mlir::Location loc,
                   mlir::ValueRange upperBounds,
                   llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                                           mlir::ValueRange)> body);

// Dims of the numpy broadcast of `operands` (all ranked memrefs) into `resultType`.
llvm::SmallVector<mlir::Value> broadcastDims(mlir::OpBuilder &builder, mlir::Location loc,
                                             mlir::ValueRange operands,
                                             mlir::MemRefType resultType);

// The indices into `operand` of the element that broadcasts to the result element
// at `resultIndices` (operand dims align to the right; size-1 dims read index 0).
llvm::SmallVector<mlir::Value> broadcastIndices(mlir::OpBuilder &builder,
                                                mlir::Location loc, mlir::Value operand,
                                                mlir::ValueRange resultIndices);

// Whether onnx-fuse-activation folded a Relu into `op` (omc.activation = "relu"); failure
// for an activation this lowering does not know.
mlir::FailureOr<bool> foldedRelu(mlir::Operation *op);

// The activation onnx-fuse-activation folded into a convolution: "relu" or "relu6" (a
// Clip to [0, 6]), as the matmul epilogue that applies it; failure for any other.
mlir::FailureOr<krnl::MatmulEpilogue> foldedConvActivation(mlir::Operation *op);

// A constant of `type` (int or float) holding `value`.
mlir::Value constantOf(mlir::OpBuilder &builder, mlir::Location loc, mlir::Type type,
                       double value);

// The index an element read from an index tensor stands for: integers are
// sign- or zero-extended, floats truncated toward zero (as a cast to int64 does).
mlir::Value toIndex(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value value,
                    bool isUnsigned = false);

// `index` counted from the end of a dim of size `dim` when it is negative.
mlir::Value wrapNegativeIndex(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value index,
                              mlir::Value dim);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H
