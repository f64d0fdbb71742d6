//===- DeviceWeights.cpp - one device copy of each weight per loaded library -===//

#include "targets/nvptx/DeviceWeights.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;

namespace omc::nvptx {
namespace {

// Bytes per element as the host lowering stores them, or nothing.
std::optional<int64_t> elementBytes(Type type) {
  if (type.isIndex())
    return 8;
  if (type.isIntOrFloat())
    return (type.getIntOrFloatBitWidth() + 7) / 8;
  return std::nullopt;
}

LLVM::LLVMFuncOp deviceWeightFunction(SymbolTable &symbols) {
  if (auto existing = symbols.lookup<LLVM::LLVMFuncOp>(kDeviceWeightFunction))
    return existing;
  auto module = cast<ModuleOp>(symbols.getOp());
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  MLIRContext *context = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto type = LLVM::LLVMFunctionType::get(ptr, {ptr, ptr, IntegerType::get(context, 64)});
  auto function = LLVM::LLVMFuncOp::create(builder, module.getLoc(), kDeviceWeightFunction, type);
  symbols.insert(function);
  return function;
}

} // namespace

Value createDeviceWeight(OpBuilder &builder, memref::GetGlobalOp weight, SymbolTable &symbols) {
  MemRefType type = weight.getType();
  std::optional<int64_t> bytesPerElement = elementBytes(type.getElementType());
  if (!bytesPerElement || !type.hasStaticShape() || !type.getLayout().isIdentity())
    return nullptr;
  MLIRContext *context = builder.getContext();
  Location loc = weight.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context);
  Type i64 = builder.getI64Type();

  // The slot: a pointer-sized global of this library, 0 until the first run.
  auto module = cast<ModuleOp>(symbols.getOp());
  OpBuilder atModule = OpBuilder::atBlockBegin(module.getBody());
  auto slot = LLVM::GlobalOp::create(atModule, loc, i64, /*isConstant=*/false,
                                     LLVM::Linkage::Internal,
                                     (weight.getName() + "_on_device").str(),
                                     builder.getI64IntegerAttr(0));
  symbols.insert(slot); // renamed if the name is taken

  Value slotAddress = LLVM::AddressOfOp::create(builder, loc, slot);
  Value hostAddress = memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, weight);
  hostAddress = arith::IndexCastOp::create(builder, loc, i64, hostAddress);
  hostAddress = LLVM::IntToPtrOp::create(builder, loc, ptr, hostAddress);
  Value bytes = LLVM::ConstantOp::create(builder, loc, i64,
                                         type.getNumElements() * *bytesPerElement);
  Value device = LLVM::CallOp::create(builder, loc, deviceWeightFunction(symbols),
                                      ValueRange{slotAddress, hostAddress, bytes})
                     .getResult();

  // A memref over the device copy: the descriptor that the host lowering makes of a
  // memref of this type, cast back (reconcile-unrealized-casts folds the pair).
  LLVMTypeConverter converter(context);
  Value descriptor = MemRefDescriptor::fromStaticShape(builder, loc, converter, type, device);
  return UnrealizedConversionCastOp::create(builder, loc, TypeRange{type}, descriptor)
      .getResult(0);
}

} // namespace omc::nvptx
