//===- Random.h - random numbers for the ops that draw them ------------------===//
//
// Part of the tensor-creation family: RandomUniform, RandomNormal, their Like forms,
// Bernoulli and Multinomial (Random.cpp), and Dropout in training (TensorCreation.cpp).
// The numbers are counter-based: each element's is a pure function of a salt and the
// element's index, so loop nests need no generator state and may run in any order.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RANDOM_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RANDOM_H

#include <optional>

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace omc {

// The i64 salt of one random op. With a seed (its bits), a constant of it: the same numbers on every
// run (ours, not those of another runtime for that seed). Without one, new numbers on
// every run: the op gets a counter of its own in a global, bumped atomically per run
// (a model may run on several threads at once), mixed with the counter's address, which
// differs between processes where the system randomizes addresses.
mlir::Value randomSalt(mlir::OpBuilder &builder, mlir::Operation *op,
                       std::optional<uint64_t> seed);

// A key for element `linear` (an index) of stream `stream` (0, 1, ...) under `salt`.
mlir::Value randomKey(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value salt,
                      mlir::Value linear, int64_t stream = 0, int64_t streams = 1);

// An f32 in [0, 1) from a key: the top 24 bits of splitmix64's finalizer.
mlir::Value uniformOf(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value key);

// The row-major position of `ivs` in a buffer of `dims`, as an index.
mlir::Value linearIndex(mlir::OpBuilder &builder, mlir::Location loc, mlir::ValueRange ivs,
                        mlir::ValueRange dims);

void populateRandomPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RANDOM_H
