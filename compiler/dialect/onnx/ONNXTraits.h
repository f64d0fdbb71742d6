//===- ONNXTraits.h - checks every ONNX schema implies -------------------------===//
//
// The generated ops (ONNXOps.gen.td) attach these traits from the schemas, so that
// each op checks what ONNX says about it with a message that names the operands.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_ONNXTRAITS_H
#define OMC_COMPILER_DIALECT_ONNX_ONNXTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace omc::onnx {

namespace detail {
// What a type constraint such as T ranges over: the element type of a tensor, of a
// sequence's tensors, of an optional's content. Null for `none` (an omitted input).
mlir::Type constrainedElementType(mlir::Type type);

// The values of ODS operand group `index` (>= 0) or result group -(index + 1).
mlir::LogicalResult verifySameElementType(mlir::Operation *op,
                                          llvm::ArrayRef<int> members,
                                          llvm::function_ref<mlir::ValueRange(int)> group);
mlir::LogicalResult verifyMinVariadic(mlir::Operation *op, int index, size_t count,
                                      size_t minimum);
} // namespace detail

// The operands and results of one ONNX type parameter (T, T1, ...) share an element
// type. Members: operand group indices, and -(r + 1) for result group r.
template <int... Members> struct SameElementType {
  template <typename ConcreteOp>
  class Impl : public mlir::OpTrait::TraitBase<ConcreteOp, Impl> {
  public:
    static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
      auto concrete = llvm::cast<ConcreteOp>(op);
      return detail::verifySameElementType(op, {Members...}, [&](int member) {
        return member >= 0 ? mlir::ValueRange(concrete.getODSOperands(member))
                           : mlir::ValueRange(concrete.getODSResults(-member - 1));
      });
    }
  };
};

// A variadic input that ONNX wants at least `Minimum` of (Concat, Sum, Max, ...).
template <int Index, int Minimum> struct MinVariadicOperands {
  template <typename ConcreteOp>
  class Impl : public mlir::OpTrait::TraitBase<ConcreteOp, Impl> {
  public:
    static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
      auto concrete = llvm::cast<ConcreteOp>(op);
      return detail::verifyMinVariadic(op, Index, concrete.getODSOperands(Index).size(),
                                       Minimum);
    }
  };
};

// Markers for the shape inference pass: result 0 has the shape of operand 0
// (elementwise unary ops, Softmax, LayerNormalization's Y, ...), or the numpy broadcast
// of the operands' shapes (Add, Where, Max, ...).
template <typename ConcreteOp>
class SameShapeAsInput : public mlir::OpTrait::TraitBase<ConcreteOp, SameShapeAsInput> {};
template <typename ConcreteOp>
class BroadcastingResult : public mlir::OpTrait::TraitBase<ConcreteOp, BroadcastingResult> {};

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_ONNXTRAITS_H
