//===- ONNXTraits.cpp - checks every ONNX schema implies ----------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace omc::onnx::detail {

Type constrainedElementType(Type type) {
  if (isa<NoneType>(type))
    return {};
  if (auto seq = dyn_cast<SeqType>(type))
    return constrainedElementType(seq.getElementType());
  if (auto opt = dyn_cast<OptType>(type))
    return constrainedElementType(opt.getElementType());
  return getElementTypeOrSelf(type);
}

static std::string memberName(int member, size_t position, size_t count) {
  std::string name = member >= 0 ? "operand #" + std::to_string(member)
                                 : "result #" + std::to_string(-member - 1);
  if (count > 1)
    name += "[" + std::to_string(position) + "]";
  return name;
}

LogicalResult verifySameElementType(Operation *op, ArrayRef<int> members,
                                    llvm::function_ref<ValueRange(int)> group) {
  Type first;
  std::string firstName;
  for (int member : members) {
    ValueRange values = group(member);
    for (auto [position, value] : llvm::enumerate(values)) {
      Type element = constrainedElementType(value.getType());
      if (!element)
        continue; // an omitted optional input or output
      std::string name = memberName(member, position, values.size());
      if (!first) {
        first = element;
        firstName = name;
      } else if (element != first) {
        return op->emitOpError()
               << firstName << " and " << name
               << " must have the same element type (one type parameter of the ONNX "
                  "schema), got "
               << first << " and " << element;
      }
    }
  }
  return success();
}

LogicalResult verifyMinVariadic(Operation *op, int index, size_t count, size_t minimum) {
  if (count >= minimum)
    return success();
  return op->emitOpError() << "needs at least " << minimum << " value(s) for operand group #"
                           << index << ", got " << count;
}

} // namespace omc::onnx::detail
