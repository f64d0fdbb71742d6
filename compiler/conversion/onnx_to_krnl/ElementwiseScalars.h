//===- ElementwiseScalars.h - the scalar computation of each elementwise op ---===//
//
// Elementwise.cpp builds one loop nest per op and asks emitScalar for the value of one
// element. Values are signless (an unsigned ONNX type lives in a signless memref);
// ScalarTypes carries the ONNX element types, which say how to compute.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ELEMENTWISESCALARS_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ELEMENTWISESCALARS_H

#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/IR/Builders.h"

namespace omc {

struct ScalarTypes {
  llvm::SmallVector<mlir::Type> operands; // ONNX element type of each operand (none: null)
  mlir::Type result;                      // ONNX element type of the result
};

// Every elementwise op omc lowers, as X(OpName).
#define OMC_ELEMENTWISE_OPS(X)                                                           \
  X(Abs) X(Acos) X(Acosh) X(Add) X(And) X(Asin) X(Asinh) X(Atan) X(Atanh) X(BitShift)   \
  X(Cast) X(CastLike) X(Ceil) X(Celu) X(Clip) X(Cos) X(Cosh) X(Div) X(Elu) X(Equal)      \
  X(Erf) X(Exp) X(Floor) X(Gelu) X(Greater) X(GreaterOrEqual) X(HardSigmoid)             \
  X(HardSwish) X(IsInf) X(IsNaN) X(LeakyRelu) X(Less) X(LessOrEqual) X(Log) X(Max)       \
  X(Mean) X(Min) X(Mod) X(Mul) X(Neg) X(Not) X(Or) X(Pow) X(PRelu) X(Reciprocal)        \
  X(Relu) X(Round) X(Selu) X(Sigmoid) X(Sign) X(Sin) X(Sinh) X(Softplus) X(Softsign)     \
  X(Sqrt) X(Sub) X(Sum) X(Tan) X(Tanh) X(ThresholdedRelu) X(Where) X(Xor)

// The value of one result element from the operands' elements (null for a `none`
// operand), or null when the op's types are not supported (the pattern then fails).
#define OMC_DECLARE_EMIT_SCALAR(Name)                                                   \
  mlir::Value emitScalar(onnx::Name##Op op, const ScalarTypes &types,                   \
                         mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args);
OMC_ELEMENTWISE_OPS(OMC_DECLARE_EMIT_SCALAR)
#undef OMC_DECLARE_EMIT_SCALAR

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_ELEMENTWISESCALARS_H
