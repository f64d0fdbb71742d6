//===- ONNXToKrnl.h - onnx -> krnl patterns and the helpers they share --------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

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
void populateResizePatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

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
  populateResizePatterns(converter, patterns);
}

//===----------------------------------------------------------------------===//
// Helpers shared by the patterns (LoweringHelpers.cpp)
//===----------------------------------------------------------------------===//

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

// A constant of `type` (int or float) holding `value`.
mlir::Value constantOf(mlir::OpBuilder &builder, mlir::Location loc, mlir::Type type,
                       double value);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ONNXTOKRNL_H
