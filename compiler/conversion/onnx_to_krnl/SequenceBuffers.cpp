//===- SequenceBuffers.cpp - copying and freeing buffers of buffers -----------===//
//
// See Sequence.h for the representation.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
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

Value copyValue(OpBuilder &builder, Location loc, Value value, MemRefType type) {
  if (!isa<MemRefType>(type.getElementType())) {
    Value buffer = allocBuffer(builder, loc, type, getDims(builder, loc, value));
    memref::CopyOp::create(builder, loc, value, buffer);
    return buffer;
  }
  // One element at a time: each is a buffer of its own.
  auto elementType = cast<MemRefType>(type.getElementType());
  Value count = memref::DimOp::create(builder, loc, value, 0);
  Value copy = memref::AllocOp::create(builder, loc, type, ValueRange{count},
                                       builder.getI64IntegerAttr(64));
  auto loop = scf::ForOp::create(builder, loc, indexConstant(builder, loc, 0), count,
                                 indexConstant(builder, loc, 1));
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(loop.getBody()->getTerminator());
  Value i = loop.getInductionVar();
  Value element = memref::LoadOp::create(builder, loc, value, ValueRange{i});
  Value elementCopy = copyValue(builder, loc, element, elementType);
  memref::StoreOp::create(builder, loc, elementCopy, copy, ValueRange{i});
  return copy;
}

void freeValue(OpBuilder &builder, Location loc, Value value) {
  if (isNestedBuffer(value.getType())) {
    Value count = memref::DimOp::create(builder, loc, value, 0);
    auto loop = scf::ForOp::create(builder, loc, indexConstant(builder, loc, 0), count,
                                   indexConstant(builder, loc, 1));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(loop.getBody()->getTerminator());
    Value element =
        memref::LoadOp::create(builder, loc, value, ValueRange{loop.getInductionVar()});
    freeValue(builder, loc, element);
  }
  memref::DeallocOp::create(builder, loc, value);
}

} // namespace omc
