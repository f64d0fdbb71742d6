//===- LoweringHelpers.cpp - buffers, loop nests and broadcasting -------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/conversion/onnx_to_krnl/Sequence.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {

ONNXToKrnlTypeConverter::ONNXToKrnlTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    Type element = type.getElementType();
    if (auto integer = dyn_cast<IntegerType>(element); integer && !integer.isSignless())
      element = IntegerType::get(type.getContext(), integer.getWidth());
    return MemRefType::get(type.getShape(), element);
  });
  // Sequences and optionals: buffers of buffers (Sequence.h). Elements of unknown rank
  // have no buffer type (refineSequenceTypes infers the ranks it can).
  addConversion([](onnx::SeqType type) -> Type {
    auto tensor = dyn_cast<RankedTensorType>(type.getElementType());
    if (!tensor)
      return nullptr;
    return MemRefType::get({ShapedType::kDynamic}, elementBufferType(tensor));
  });
  addConversion([this](onnx::OptType type) -> Type {
    Type held = type.getElementType();
    Type buffer = isa<RankedTensorType>(held)
                      ? Type(elementBufferType(cast<RankedTensorType>(held)))
                      : (isa<onnx::SeqType>(held) ? convertType(held) : Type());
    if (!buffer)
      return nullptr;
    return MemRefType::get({ShapedType::kDynamic}, buffer);
  });
  auto cast = [](OpBuilder &builder, Type type, ValueRange inputs, Location loc) -> Value {
    return UnrealizedConversionCastOp::create(builder, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

MemRefType convertedResult(const TypeConverter *converter, Value result) {
  return dyn_cast_or_null<MemRefType>(converter->convertType(result.getType()));
}

Value indexConstant(OpBuilder &builder, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(builder, loc, value);
}

Type floatComputeType(Type element) {
  if (isa<FloatType>(element) && element.getIntOrFloatBitWidth() < 32)
    return Float32Type::get(element.getContext());
  return element;
}

Value castFloat(OpBuilder &builder, Location loc, Value value, Type type) {
  unsigned from = value.getType().getIntOrFloatBitWidth(), to = type.getIntOrFloatBitWidth();
  if (value.getType() == type)
    return value;
  if (from < to)
    return arith::ExtFOp::create(builder, loc, type, value);
  return arith::TruncFOp::create(builder, loc, type, value);
}

SmallVector<Value> getDims(OpBuilder &builder, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (type.isDynamicDim(i))
      dims.push_back(memref::DimOp::create(builder, loc, memref, i));
    else
      dims.push_back(arith::ConstantIndexOp::create(builder, loc, type.getDimSize(i)));
  }
  return dims;
}

Value allocBuffer(OpBuilder &builder, Location loc, MemRefType type, ValueRange dims) {
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamic.push_back(dims[i]);
  // 64-byte alignment: one cache line, and room for the widest vector loads.
  return memref::AllocOp::create(builder, loc, type, dynamic, builder.getI64IntegerAttr(64));
}

void buildLoopNest(OpBuilder &builder, Location loc, ValueRange upperBounds,
                   function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  if (upperBounds.empty()) {
    body(builder, loc, {});
    return;
  }
  auto loops = krnl::DefineLoopsOp::create(builder, loc, upperBounds.size());
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  SmallVector<Value> lowerBounds(upperBounds.size(), zero);
  krnl::IterateOp::create(builder, loc, loops.getResults(), lowerBounds, upperBounds, body);
}

SmallVector<Value> broadcastDims(OpBuilder &builder, Location loc, ValueRange operands,
                                 MemRefType resultType) {
  int64_t rank = resultType.getRank();
  SmallVector<Value> dims(rank);
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims[d] = arith::ConstantIndexOp::create(builder, loc, resultType.getDimSize(d));
      continue;
    }
    // A dynamic result dim: the operand dims that are not 1 (they must agree).
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    Value dim = one;
    for (Value operand : operands) {
      auto type = cast<MemRefType>(operand.getType());
      int64_t k = d - (rank - type.getRank());
      if (k < 0)
        continue;
      Value operandDim = getDims(builder, loc, operand)[k];
      Value isOne = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, dim, one);
      dim = arith::SelectOp::create(builder, loc, isOne, operandDim, dim);
    }
    dims[d] = dim;
  }
  return dims;
}

SmallVector<Value> broadcastIndices(OpBuilder &builder, Location loc, Value operand,
                                    ValueRange resultIndices) {
  auto type = cast<MemRefType>(operand.getType());
  int64_t offset = resultIndices.size() - type.getRank();
  SmallVector<Value> indices;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    Value index = resultIndices[offset + k];
    if (type.isDynamicDim(k)) {
      Value dim = memref::DimOp::create(builder, loc, operand, k);
      Value one = arith::ConstantIndexOp::create(builder, loc, 1);
      Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
      Value isOne = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, dim, one);
      index = arith::SelectOp::create(builder, loc, isOne, zero, index);
    } else if (type.getDimSize(k) == 1) {
      index = arith::ConstantIndexOp::create(builder, loc, 0);
    }
    indices.push_back(index);
  }
  return indices;
}

Value constantOf(OpBuilder &builder, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(builder, loc, builder.getFloatAttr(type, value));
  return arith::ConstantOp::create(builder, loc,
                                   builder.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value toIndex(OpBuilder &builder, Location loc, Value value, bool isUnsigned) {
  if (value.getType().isIndex())
    return value;
  if (isa<FloatType>(value.getType()))
    value = arith::FPToSIOp::create(builder, loc, builder.getI64Type(), value);
  else if (isUnsigned)
    return arith::IndexCastUIOp::create(builder, loc, builder.getIndexType(), value);
  return arith::IndexCastOp::create(builder, loc, builder.getIndexType(), value);
}

Value wrapNegativeIndex(OpBuilder &builder, Location loc, Value index, Value dim) {
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value negative = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, index, zero);
  return arith::SelectOp::create(builder, loc, negative,
                                 arith::AddIOp::create(builder, loc, index, dim), index);
}

FailureOr<krnl::MatmulEpilogue> foldedConvActivation(Operation *op) {
  auto activation = op->getAttrOfType<StringAttr>(onnx::kActivationAttr);
  if (!activation)
    return krnl::MatmulEpilogue::None;
  krnl::MatmulEpilogue epilogue = krnl::matmulEpilogueNamed(activation.getValue());
  if (epilogue == krnl::MatmulEpilogue::Unknown)
    return failure();
  return epilogue;
}

FailureOr<bool> foldedRelu(Operation *op) {
  FailureOr<krnl::MatmulEpilogue> activation = foldedConvActivation(op);
  if (failed(activation) || *activation == krnl::MatmulEpilogue::Relu6)
    return failure();
  return *activation == krnl::MatmulEpilogue::Relu;
}

} // namespace omc
