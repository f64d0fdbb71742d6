//===- CheckedAllocation.cpp - a model's malloc that fails cleanly -------------===//

#include "compiler/conversion/krnl_to_llvm/CheckedAllocation.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace omc {

static constexpr llvm::StringLiteral kHandler = "omc_out_of_memory_handler";
static constexpr llvm::StringLiteral kCheckedMalloc = "omc_checked_malloc";

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
}

} // namespace omc
