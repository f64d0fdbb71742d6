//===- Sequence.h - ONNX sequences and optionals as buffers of buffers --------===//
//
// A sequence of tensors lowers to a buffer of buffers: `!onnx.seq<tensor<?x3xf32>>`
// becomes `memref<?xmemref<?x?xf32>>`, dim 0 counting the elements; every element
// buffer has all dims dynamic, so that elements of any shape (and values coming from
// different branches or iterations) share one type. An optional is a buffer of 0 or 1
// of what it holds: `!onnx.opt<tensor<4xf32>>` becomes `memref<?xmemref<?xf32>>`,
// `!onnx.opt<!onnx.seq<...>>` a buffer of one sequence buffer.
//
// Ownership: a sequence (or optional) owns its elements; every op makes a new one with
// copies, so values stay immutable and each has one owner, as tensor buffers do. Copying
// and freeing such a value goes down into the elements (copyValue, freeValue).
// The buffers allocated for elements outside any loop carry kOwnedBySequence, so the
// block-level clean-ups (freeTemporaries, the control-flow yields) leave them to their
// sequence.
//
// Element ranks must be known to lower: refineSequenceTypes infers the ranks that ONNX
// leaves out (`!onnx.seq<tensor<*xf32>>`) from the tensors that go into and come out of
// each sequence, before the conversion.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SEQUENCE_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SEQUENCE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace omc {

// Marks an element buffer that its sequence frees (see the top).
constexpr const char *kOwnedBySequence = "omc.owned_by_sequence";

// The buffer type of one element of a sequence of `tensor`: all dims dynamic.
mlir::MemRefType elementBufferType(mlir::RankedTensorType tensor);

// Whether `type` is a buffer of buffers (a lowered sequence or optional).
bool isNestedBuffer(mlir::Type type);

// A new buffer of `type` holding a deep copy of `value` (a buffer or buffer of buffers
// of a compatible shape).
mlir::Value copyValue(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value value,
                      mlir::MemRefType type);

// Frees `value` and, for a buffer of buffers, every element first.
void freeValue(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value value);

// Fills in the element ranks of sequence- and optional-typed values (and of function
// signatures) that can be inferred from the tensors around them.
void refineSequenceTypes(mlir::ModuleOp module);

void populateSequencePatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateSequenceMapPatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateOptionalPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_SEQUENCE_H
