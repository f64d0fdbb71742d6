//===- CheckedAllocation.cpp - a model's malloc that fails cleanly -------------===//

#include "compiler/conversion/krnl_to_llvm/CheckedAllocation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace omc {

static constexpr llvm::StringLiteral kHandler = "omc_out_of_memory_handler";
static constexpr llvm::StringLiteral kCheckedMalloc = "omc_checked_malloc";
static constexpr llvm::StringLiteral kCheckSize = "omc_check_allocation_size";

// An upper bound of the bytes one element takes; a buffer of buffers holds descriptors.
static int64_t elementBytes(Type element) {
  if (element.isIntOrFloat())
    return std::max<int64_t>(1, (element.getIntOrFloatBitWidth() + 7) / 8);
  if (element.isIndex())
    return 8;
  return 8 * (3 + 2 * 16); // a memref descriptor of the largest rank
}

void checkAllocationSizes(ModuleOp module) {
  SmallVector<memref::AllocOp> allocs;
  module.walk([&](memref::AllocOp alloc) {
    if (!alloc.getDynamicSizes().empty())
      allocs.push_back(alloc);
  });
  if (allocs.empty() || module.lookupSymbol(kCheckSize))
    return;
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToStart(module.getBody());
  auto check = func::FuncOp::create(builder, module.getLoc(), kCheckSize,
                                    builder.getFunctionType({builder.getI1Type()}, {}));
  check.setPrivate();
  Type i64Type = builder.getI64Type();
  for (memref::AllocOp alloc : allocs) {
    builder.setInsertionPoint(alloc);
    Location loc = alloc.getLoc();
    MemRefType type = alloc.getType();
    Value zero = arith::ConstantIntOp::create(builder, loc, 0, 64);
    Value bytes = arith::ConstantIntOp::create(builder, loc, elementBytes(type.getElementType()), 64);
    Value bad = arith::ConstantIntOp::create(builder, loc, 0, 1);
    auto dynamicSizes = alloc.getDynamicSizes();
    unsigned next = 0;
    for (int64_t dim : type.getShape()) {
      Value size;
      if (ShapedType::isDynamic(dim)) {
        size = arith::IndexCastOp::create(builder, loc, i64Type, dynamicSizes[next++]);
        Value negative = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, size, zero);
        bad = arith::OrIOp::create(builder, loc, bad, negative);
      } else {
        size = arith::ConstantIntOp::create(builder, loc, dim, 64);
      }
      // The high half of the unsigned product is 0 while the count fits in 64 bits.
      auto product = arith::MulUIExtendedOp::create(builder, loc, bytes, size);
      bytes = product.getLow();
      Value overflow = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ne,
                                             product.getHigh(), zero);
      bad = arith::OrIOp::create(builder, loc, bad, overflow);
    }
    Value tooLarge = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, bytes, zero);
    bad = arith::OrIOp::create(builder, loc, bad, tooLarge);
    func::CallOp::create(builder, loc, check, ValueRange{bad});
  }
}

// void omc_check_allocation_size(i1 bad): the handler with -1 bytes when bad.
static void defineCheckSize(OpBuilder &builder, LLVM::LLVMFuncOp check, LLVM::GlobalOp handler) {
  MLIRContext *context = builder.getContext();
  Location loc = check.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  auto i64Type = builder.getI64Type();
  check.setLinkage(LLVM::Linkage::Internal);
  Block *entry = check.addEntryBlock(builder);
  Block *failed = check.addBlock();
  Block *callHandler = check.addBlock();
  Block *done = check.addBlock();

  builder.setInsertionPointToStart(entry);
  LLVM::CondBrOp::create(builder, loc, entry->getArgument(0), failed, done);

  builder.setInsertionPointToStart(failed);
  Value function = LLVM::LoadOp::create(builder, loc, ptrType,
                                        LLVM::AddressOfOp::create(builder, loc, handler));
  Value null = LLVM::ZeroOp::create(builder, loc, ptrType);
  Value hasHandler = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::ne, function, null);
  LLVM::CondBrOp::create(builder, loc, hasHandler, callHandler, done);

  builder.setInsertionPointToStart(callHandler);
  auto handlerType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {i64Type});
  Value minusOne = LLVM::ConstantOp::create(builder, loc, i64Type, -1);
  LLVM::CallOp::create(builder, loc, handlerType, ValueRange{function, minusOne});
  LLVM::UnreachableOp::create(builder, loc);

  builder.setInsertionPointToStart(done);
  LLVM::ReturnOp::create(builder, loc, ValueRange{});
}

// ptr omc_checked_malloc(i64 bytes): malloc, and the handler when it fails.
static void buildCheckedMalloc(OpBuilder &builder, Location loc, LLVM::LLVMFuncOp malloc,
                               LLVM::GlobalOp handler) {
  MLIRContext *context = builder.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  auto i64Type = builder.getI64Type();
  auto func = LLVM::LLVMFuncOp::create(builder, loc, kCheckedMalloc,
                                       LLVM::LLVMFunctionType::get(ptrType, {i64Type}),
                                       LLVM::Linkage::Internal);
  Block *entry = func.addEntryBlock(builder);
  Block *failed = func.addBlock();
  Block *callHandler = func.addBlock();
  Block *done = func.addBlock();
  Value bytes = entry->getArgument(0);

  builder.setInsertionPointToStart(entry);
  Value block = LLVM::CallOp::create(builder, loc, malloc, ValueRange{bytes}).getResult();
  Value null = LLVM::ZeroOp::create(builder, loc, ptrType);
  Value zero = LLVM::ConstantOp::create(builder, loc, i64Type, 0);
  // malloc(0) may give NULL and nothing is wrong.
  Value isNull = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, block, null);
  Value wanted = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::ne, bytes, zero);
  Value isFailure = LLVM::AndOp::create(builder, loc, isNull, wanted);
  LLVM::CondBrOp::create(builder, loc, isFailure, failed, done);

  builder.setInsertionPointToStart(failed);
  Value handlerAddress = LLVM::AddressOfOp::create(builder, loc, handler);
  Value function = LLVM::LoadOp::create(builder, loc, ptrType, handlerAddress);
  Value hasHandler = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::ne, function, null);
  LLVM::CondBrOp::create(builder, loc, hasHandler, callHandler, done);

  builder.setInsertionPointToStart(callHandler);
  auto handlerType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {i64Type});
  LLVM::CallOp::create(builder, loc, handlerType, ValueRange{function, bytes});
  LLVM::UnreachableOp::create(builder, loc);

  builder.setInsertionPointToStart(done);
  LLVM::ReturnOp::create(builder, loc, block);
}

void checkAllocations(ModuleOp module) {
  auto malloc = module.lookupSymbol<LLVM::LLVMFuncOp>("malloc");
  auto checkSize = module.lookupSymbol<LLVM::LLVMFuncOp>(kCheckSize);
  if (!malloc || module.lookupSymbol(kCheckedMalloc))
    return;
  Location loc = module.getLoc();
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToEnd(module.getBody());
  // An exported, writable pointer, NULL until the runtime stores its handler.
  auto ptrType = LLVM::LLVMPointerType::get(module.getContext());
  auto handler = LLVM::GlobalOp::create(builder, loc, ptrType, /*isConstant=*/false,
                                        LLVM::Linkage::External, kHandler, Attribute());
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.createBlock(&handler.getInitializerRegion());
    LLVM::ReturnOp::create(builder, loc, ValueRange{LLVM::ZeroOp::create(builder, loc, ptrType)});
  }
  module.walk([&](LLVM::CallOp call) {
    if (call.getCallee() == "malloc")
      call.setCallee(kCheckedMalloc);
  });
  buildCheckedMalloc(builder, loc, malloc, handler);
  if (checkSize && checkSize.isExternal())
    defineCheckSize(builder, checkSize, handler);
}

} // namespace omc
