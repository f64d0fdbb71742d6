//===- KrnlOps.cpp - krnl dialect: registration, builders, verifiers ----------===//

#include "compiler/dialect/krnl/KrnlOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

#include "compiler/dialect/krnl/KrnlDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "compiler/dialect/krnl/KrnlTypes.cpp.inc"

namespace omc::krnl {

void KrnlDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "compiler/dialect/krnl/KrnlTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "compiler/dialect/krnl/KrnlOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// define_loops: `%l:N = krnl.define_loops N`
//===----------------------------------------------------------------------===//

void DefineLoopsOp::build(OpBuilder &builder, OperationState &state, int64_t count) {
  state.addTypes(SmallVector<Type>(count, LoopType::get(builder.getContext())));
}

ParseResult DefineLoopsOp::parse(OpAsmParser &parser, OperationState &result) {
  int64_t count;
  if (parser.parseInteger(count) || parser.parseOptionalAttrDict(result.attributes))
    return failure();
  if (count < 1)
    return parser.emitError(parser.getNameLoc(), "expected at least one loop");
  result.addTypes(SmallVector<Type>(count, LoopType::get(parser.getContext())));
  return success();
}

void DefineLoopsOp::print(OpAsmPrinter &printer) {
  printer << " " << getNumResults();
  printer.printOptionalAttrDict((*this)->getAttrs());
}

//===----------------------------------------------------------------------===//
// iterate
//===----------------------------------------------------------------------===//

void IterateOp::build(
    OpBuilder &builder, OperationState &state, ValueRange loops, ValueRange lowerBounds,
    ValueRange upperBounds,
    function_ref<void(OpBuilder &, Location, ValueRange)> bodyBuilder) {
  state.addOperands(loops);
  state.addOperands(lowerBounds);
  state.addOperands(upperBounds);
  state.getOrAddProperties<Properties>().operandSegmentSizes = {
      static_cast<int32_t>(loops.size()), static_cast<int32_t>(lowerBounds.size()),
      static_cast<int32_t>(upperBounds.size())};
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (size_t i = 0; i < loops.size(); ++i)
    block->addArgument(builder.getIndexType(), state.location);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);
  if (bodyBuilder)
    bodyBuilder(builder, state.location, block->getArguments());
  YieldOp::create(builder, state.location);
}

LogicalResult IterateOp::verify() {
  size_t count = getLoops().size();
  if (count == 0)
    return emitOpError() << "needs at least one loop";
  if (getLowerBounds().size() != count || getUpperBounds().size() != count)
    return emitOpError() << "needs one lower and one upper bound per loop";
  Block *block = getBodyBlock();
  if (block->getNumArguments() != count)
    return emitOpError() << "body needs one induction variable per loop, has "
                         << block->getNumArguments();
  for (BlockArgument arg : block->getArguments())
    if (!arg.getType().isIndex())
      return emitOpError() << "induction variables must be of index type";
  return success();
}

//===----------------------------------------------------------------------===//
// permute, global
//===----------------------------------------------------------------------===//

LogicalResult PermuteOp::verify() {
  ArrayRef<int64_t> map = getMap();
  if (map.size() != getLoops().size())
    return emitOpError() << "map has " << map.size() << " entries for "
                         << getLoops().size() << " loops";
  SmallVector<bool> seen(map.size(), false);
  for (int64_t depth : map) {
    if (depth < 0 || depth >= static_cast<int64_t>(map.size()) || seen[depth])
      return emitOpError() << "map must be a permutation of 0.." << map.size() - 1;
    seen[depth] = true;
  }
  return success();
}

LogicalResult GlobalOp::verify() {
  auto valueType = getValue().getShapedType();
  auto memrefType = getOutput().getType();
  if (valueType.getShape() != memrefType.getShape() ||
      valueType.getElementType() != memrefType.getElementType())
    return emitOpError() << "value of type " << valueType << " does not match "
                         << memrefType;
  return success();
}

Value applyMatmulEpilogue(OpBuilder &b, Location loc, Value value, MatmulEpilogue epilogue) {
  auto bound = [&](double limit) -> Value {
    Type type = value.getType();
    auto element = cast<FloatType>(getElementTypeOrSelf(type));
    Attribute attr = b.getFloatAttr(element, limit);
    if (auto vector = dyn_cast<VectorType>(type))
      attr = DenseElementsAttr::get(vector, attr);
    return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
  };
  value = arith::MaximumFOp::create(b, loc, value, bound(0));
  if (epilogue == MatmulEpilogue::Relu6)
    value = arith::MinimumFOp::create(b, loc, value, bound(6));
  return value;
}

LogicalResult MatmulPanelsOp::verify() {
  auto a = cast<MemRefType>(getA().getType()), panels = cast<MemRefType>(getPanels().getType());
  auto c = cast<MemRefType>(getC().getType());
  if (a.getRank() != 2 || panels.getRank() != 3 || c.getRank() != 2)
    return emitOpError() << "expects A [M, K], panels [P, K, W] and C [M, N]";
  if (a.getElementType() != panels.getElementType() ||
      a.getElementType() != c.getElementType())
    return emitOpError() << "expects one element type for A, panels and C";
  // Sizes that are both known must agree.
  auto mismatch = [](int64_t x, int64_t y) {
    return !ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y;
  };
  if (mismatch(a.getDimSize(0), c.getDimSize(0)))
    return emitOpError() << "has " << a.getDimSize(0) << " rows in A but "
                         << c.getDimSize(0) << " in C";
  if (mismatch(a.getDimSize(1), panels.getDimSize(1)))
    return emitOpError() << "has K = " << a.getDimSize(1) << " in A but "
                         << panels.getDimSize(1) << " in the panels";
  if (Value bias = getBias()) {
    auto type = cast<MemRefType>(bias.getType());
    if (type.getRank() != 1 || type.getElementType() != c.getElementType() ||
        mismatch(type.getDimSize(0), c.getDimSize(0)))
      return emitOpError() << "expects a bias of one element per row of C, not " << type;
  }
  if (Value addend = getAddend()) {
    auto type = cast<MemRefType>(addend.getType());
    if (type.getRank() != 2 || type.getElementType() != c.getElementType() ||
        mismatch(type.getDimSize(0), c.getDimSize(0)) ||
        mismatch(type.getDimSize(1), c.getDimSize(1)))
      return emitOpError() << "expects an addend of C's shape, not " << type;
  }
  if (!panels.hasStaticShape() || panels.getDimSize(2) < 1)
    return emitOpError() << "expects panels of a static shape";
  int64_t count = panels.getDimSize(0), width = panels.getDimSize(2), n = c.getDimSize(1);
  // Just enough panels for C's columns.
  if (!ShapedType::isDynamic(n) && (count * width < n || (count - 1) * width >= n))
    return emitOpError() << count << " panels of " << width << " columns do not fit N = " << n;
  return success();
}

} // namespace omc::krnl

#define GET_OP_CLASSES
#include "compiler/dialect/krnl/KrnlOps.cpp.inc"
