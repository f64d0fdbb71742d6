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

// The converted type of `result` when it is a buffer of buffers (a sequence or an
// optional whose element ranks are known), else null: the guard of every lowering
// that makes one.
mlir::MemRefType nestedResultType(const mlir::TypeConverter *converter, mlir::Value result);

// The buffer type of the elements of the buffer of buffers `sequence`.
mlir::MemRefType elementBufferTypeOf(mlir::Value sequence);

// How many elements the buffer of buffers `sequence` holds.
mlir::Value elementCount(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value sequence);

// A new buffer of buffers of `type` with room for `count` elements, none stored yet.
mlir::Value allocSequence(mlir::OpBuilder &builder, mlir::Location loc, mlir::MemRefType type,
                          mlir::Value count);

// Stores a copy of `value` as element `index` of `sequence`, which owns (and will free) it.
void storeElementCopy(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value sequence,
                      mlir::Value index, mlir::Value value);

// Builds `body` once per element position in [begin, end), inside an scf.for; the
// builder comes back positioned after the loop.
void forEachElement(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value begin,
                    mlir::Value end,
                    llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> body);

// Stores deep copies of the elements [begin, end) of the buffer of buffers `from` into
// `to`, element i at i + shift.
void copyElements(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value from,
                  mlir::Value to, mlir::Value begin, mlir::Value end, int64_t shift);

// The converted type of `result` when it is a one-element buffer of static shape (a
// scalar result such as a length or a flag), else null.
mlir::MemRefType scalarResultType(const mlir::TypeConverter *converter, mlir::Value result);

// A new buffer of the one-element `type` (see scalarResultType) holding `value`.
mlir::Value scalarBuffer(mlir::OpBuilder &builder, mlir::Location loc, mlir::MemRefType type,
                         mlir::Value value);

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
