//===- SequenceBuffers.cpp - making, copying and freeing buffers of buffers ----===//
//
// See Sequence.h for the representation. The pieces every sequence and optional
// lowering shares live here.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {

MemRefType elementBufferType(RankedTensorType tensor) {
  Type element = tensor.getElementType();
  if (auto integer = dyn_cast<IntegerType>(element); integer && !integer.isSignless())
    element = IntegerType::get(tensor.getContext(), integer.getWidth());
  SmallVector<int64_t> shape(tensor.getRank(), ShapedType::kDynamic);
  return MemRefType::get(shape, element);
}

bool isNestedBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && isa<MemRefType>(memref.getElementType());
}

MemRefType nestedResultType(const TypeConverter *converter, Value result) {
  auto type = dyn_cast_or_null<MemRefType>(converter->convertType(result.getType()));
  return type && isNestedBuffer(type) ? type : MemRefType();
}

MemRefType elementBufferTypeOf(Value sequence) {
  return cast<MemRefType>(cast<MemRefType>(sequence.getType()).getElementType());
}

Value elementCount(OpBuilder &builder, Location loc, Value sequence) {
  return memref::DimOp::create(builder, loc, sequence, 0);
}

Value allocSequence(OpBuilder &builder, Location loc, MemRefType type, Value count) {
  return memref::AllocOp::create(builder, loc, type, ValueRange{count},
                                 builder.getI64IntegerAttr(64));
}

void storeElementCopy(OpBuilder &builder, Location loc, Value sequence, Value index,
                      Value value) {
  Value copy = copyValue(builder, loc, value, elementBufferTypeOf(sequence));
  copy.getDefiningOp()->setAttr(kOwnedBySequence, builder.getUnitAttr());
  memref::StoreOp::create(builder, loc, copy, sequence, ValueRange{index});
}

void forEachElement(OpBuilder &builder, Location loc, Value begin, Value end,
                    function_ref<void(OpBuilder &, Value)> body) {
  auto loop = scf::ForOp::create(builder, loc, begin, end, indexConstant(builder, loc, 1));
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(loop.getBody()->getTerminator());
  body(builder, loop.getInductionVar());
}

MemRefType scalarResultType(const TypeConverter *converter, Value result) {
  MemRefType type = convertedResult(converter, result);
  return type && type.hasStaticShape() && type.getNumElements() == 1 ? type : MemRefType();
}

Value scalarBuffer(OpBuilder &builder, Location loc, MemRefType type, Value value) {
  Value buffer =
      memref::AllocOp::create(builder, loc, type, ValueRange{}, builder.getI64IntegerAttr(64));
  SmallVector<Value> zeros(type.getRank(), indexConstant(builder, loc, 0));
  krnl::StoreOp::create(builder, loc, value, buffer, zeros);
  return buffer;
}

// Copies the elements [begin, end) of `from` to `to`, element i to i + shift.
void copyElements(OpBuilder &builder, Location loc, Value from, Value to, Value begin,
                  Value end, int64_t shift) {
  MemRefType elementType = elementBufferTypeOf(to);
  forEachElement(builder, loc, begin, end, [&](OpBuilder &builder, Value i) {
    Value element = memref::LoadOp::create(builder, loc, from, ValueRange{i});
    Value at = shift ? Value(arith::AddIOp::create(builder, loc, i,
                                                   indexConstant(builder, loc, shift)))
                     : i;
    memref::StoreOp::create(builder, loc, copyValue(builder, loc, element, elementType), to,
                            ValueRange{at});
  });
}

Value copyValue(OpBuilder &builder, Location loc, Value value, MemRefType type) {
  if (!isa<MemRefType>(type.getElementType())) {
    Value buffer = allocBuffer(builder, loc, type, getDims(builder, loc, value));
    memref::CopyOp::create(builder, loc, value, buffer);
    return buffer;
  }
  // One element at a time: each is a buffer of its own.
  Value count = elementCount(builder, loc, value);
  Value copy = allocSequence(builder, loc, type, count);
  copyElements(builder, loc, value, copy, indexConstant(builder, loc, 0), count, 0);
  return copy;
}

void freeValue(OpBuilder &builder, Location loc, Value value) {
  if (isNestedBuffer(value.getType()))
    forEachElement(builder, loc, indexConstant(builder, loc, 0),
                   elementCount(builder, loc, value), [&](OpBuilder &builder, Value i) {
                     freeValue(builder, loc,
                               memref::LoadOp::create(builder, loc, value, ValueRange{i}));
                   });
  memref::DeallocOp::create(builder, loc, value);
}

} // namespace omc
