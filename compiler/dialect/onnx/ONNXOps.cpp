//===- ONNXOps.cpp - onnx dialect: registration, verifiers, folders -----------===//

#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

#include "compiler/dialect/onnx/ONNXDialect.cpp.inc"
#include "compiler/dialect/onnx/ShapeInferenceInterface.cpp.inc"

namespace omc::onnx {

void ONNXDialect::initialize() {
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "compiler/dialect/onnx/ONNXOps.cpp.inc"
      >();
}

Operation *ONNXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  // A fold may know more than the result type says (a Shape of a now-static input):
  // the constant takes the value's type, which refines the result's.
  auto elements = dyn_cast<ElementsAttr>(value);
  auto tensorType = dyn_cast<TensorType>(type);
  if (!elements || !tensorType || elements.getElementType() != tensorType.getElementType())
    return nullptr;
  if (tensorType.hasRank() && tensorType.getShape() != elements.getShapedType().getShape() &&
      failed(verifyCompatibleShape(tensorType, elements.getShapedType())))
    return nullptr;
  return ConstantOp::create(builder, loc, elements.getType(), elements);
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

static std::string shapeString(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return "[*]";
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shaped.getShape())) {
    if (i)
      text += ",";
    text += ShapedType::isDynamic(dim) ? std::string("?") : std::to_string(dim);
  }
  return text + "]";
}

// Static dims must broadcast (numpy rules). Element types are the schema's business
// (the generated SameElementType trait).
static LogicalResult verifyBroadcastOperands(Operation *op, Value lhs, Value rhs) {
  auto lhsType = cast<ShapedType>(lhs.getType());
  auto rhsType = cast<ShapedType>(rhs.getType());
  if (!lhsType.hasRank() || !rhsType.hasRank())
    return success();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(), rhsType.getShape(),
                                          shape))
    return op->emitOpError() << "operand shapes " << shapeString(lhsType) << " and "
                             << shapeString(rhsType) << " cannot broadcast";
  return success();
}

#define OMC_VERIFY_BINARY(OpName)                                                \
  LogicalResult OpName::verify() {                                               \
    return verifyBroadcastOperands(*this, getA(), getB());                       \
  }
OMC_VERIFY_BINARY(AddOp)
OMC_VERIFY_BINARY(SubOp)
OMC_VERIFY_BINARY(MulOp)
OMC_VERIFY_BINARY(DivOp)
#undef OMC_VERIFY_BINARY

// Two static dims that must be equal, reported with what they are.
static LogicalResult verifyContractionDims(Operation *op, int64_t lhs, int64_t rhs) {
  if (ShapedType::isDynamic(lhs) || ShapedType::isDynamic(rhs) || lhs == rhs)
    return success();
  return op->emitOpError() << "contraction dims differ: " << lhs << " vs " << rhs;
}

LogicalResult MatMulOp::verify() {
  auto aType = cast<ShapedType>(getA().getType());
  auto bType = cast<ShapedType>(getB().getType());
  if (!aType.hasRank() || !bType.hasRank())
    return success();
  if (aType.getRank() < 1 || bType.getRank() < 1)
    return emitOpError() << "operands must have rank >= 1";
  int64_t k = aType.getShape().back();
  int64_t kB = bType.getRank() == 1 ? bType.getShape()[0]
                                    : bType.getShape()[bType.getRank() - 2];
  return verifyContractionDims(*this, k, kB);
}

LogicalResult GemmOp::verify() {
  auto aType = cast<ShapedType>(getA().getType());
  auto bType = cast<ShapedType>(getB().getType());
  if (!aType.hasRank() || !bType.hasRank())
    return success();
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return emitOpError() << "A and B must have rank 2, got " << shapeString(aType)
                         << " and " << shapeString(bType);
  int64_t kA = aType.getShape()[getTransA() ? 0 : 1];
  int64_t kB = bType.getShape()[getTransB() ? 1 : 0];
  return verifyContractionDims(*this, kA, kB);
}

LogicalResult ConstantOp::verify() {
  auto valueType = getValue().getShapedType();
  auto resultType = cast<ShapedType>(getOutput().getType());
  if (valueType.getElementType() != resultType.getElementType() ||
      (resultType.hasRank() && valueType.getShape() != resultType.getShape()))
    return emitOpError() << "value of type " << valueType
                         << " does not match result type " << resultType;
  return success();
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError() << "approximate must be \"none\" or \"tanh\", got \""
                         << getApproximate() << "\"";
  return success();
}

LogicalResult ScaledDotProductAttentionOp::verify() {
  if (isa<NoneType>(getMask().getType()) != isa<NoneType>(getMaskedValue().getType()))
    return emitOpError() << "mask and masked_value come together or not at all";
  if (auto value = dyn_cast<RankedTensorType>(getMaskedValue().getType());
      value && value.hasStaticShape() && value.getNumElements() != 1)
    return emitOpError() << "masked_value must be a scalar, got " << value;
  return success();
}

LogicalResult ConvAddOp::verify() {
  if (getZ().getType() != getY().getType())
    return emitOpError() << "Z must have the result's type " << getY().getType() << ", got "
                         << getZ().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

} // namespace omc::onnx

#define GET_OP_CLASSES
#include "compiler/dialect/onnx/ONNXOps.cpp.inc"
