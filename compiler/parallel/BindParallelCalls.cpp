//===- BindParallelCalls.cpp - chunk calls -> the runtime's thread pool --------===//
//
// The runtime's side is runtime/src/parallel_hook.cc: it calls
//   omc_threads_bind(hook)   with hook = void (*)(void (*task)(void *, int64_t, int64_t),
//                                                 void *context, int64_t first, int64_t last)
// when it loads the library; keep the two in step. A model library must not depend on
// the process that loads it, so the pool is reached through this pointer only.
//
//===----------------------------------------------------------------------===//

#include "compiler/parallel/Passes.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_BINDPARALLELCALLS
#include "compiler/parallel/Passes.h.inc"

namespace {

constexpr llvm::StringLiteral kHookName = "omc_parallel_for_hook";
constexpr llvm::StringLiteral kSerialName = "omc_parallel_for_serial";
constexpr llvm::StringLiteral kBindName = "omc_threads_bind";

struct BindParallelCalls : impl::BindParallelCallsBase<BindParallelCalls> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      std::optional<StringRef> callee = call.getCallee();
      if (callee && callee->contains(kParallelBodyMarker))
        calls.push_back(call);
    });
    if (calls.empty())
      return;
    MLIRContext *context = &getContext();
    ptrType = LLVM::LLVMPointerType::get(context);
    i64Type = IntegerType::get(context, 64);
    voidType = LLVM::LLVMVoidType::get(context);
    taskType = LLVM::LLVMFunctionType::get(voidType, {ptrType, i64Type, i64Type});
    hookType = LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType, i64Type, i64Type});

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    LLVM::LLVMFuncOp serial = buildSerial(b, module.getLoc());
    LLVM::GlobalOp hook = buildHook(b, module.getLoc(), serial);
    buildBind(b, module.getLoc(), serial, hook);

    llvm::StringMap<LLVM::LLVMFuncOp> tasks;
    for (LLVM::CallOp call : calls) {
      StringRef callee = *call.getCallee();
      auto chunk = module.lookupSymbol<LLVM::LLVMFuncOp>(callee);
      if (!chunk || chunk.getNumArguments() < 2 ||
          chunk.getArgumentTypes()[0] != i64Type || chunk.getArgumentTypes()[1] != i64Type) {
        call.emitOpError("calls a parallel chunk function without (i64, i64, ...) arguments");
        return signalPassFailure();
      }
      LLVM::LLVMFuncOp &task = tasks[callee];
      if (!task)
        task = buildTask(b, chunk);
      replaceCall(call, task, hook);
    }
  }

  // void omc_parallel_for_serial(task, context, first, last): task(context, first, last).
  LLVM::LLVMFuncOp buildSerial(OpBuilder &b, Location loc) {
    auto serial = LLVM::LLVMFuncOp::create(b, loc, kSerialName, hookType,
                                           LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = serial.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    LLVM::CallOp::create(b, loc, taskType,
                         ValueRange{entry->getArgument(0), entry->getArgument(1),
                                    entry->getArgument(2), entry->getArgument(3)});
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return serial;
  }

  // The pool's entry, the serial loop until the runtime binds one.
  LLVM::GlobalOp buildHook(OpBuilder &b, Location loc, LLVM::LLVMFuncOp serial) {
    auto hook = LLVM::GlobalOp::create(b, loc, ptrType, /*isConstant=*/false,
                                       LLVM::Linkage::Internal, kHookName, Attribute());
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&hook.getInitializerRegion());
    LLVM::ReturnOp::create(b, loc, LLVM::AddressOfOp::create(b, loc, serial).getResult());
    return hook;
  }

  // void omc_threads_bind(void *hook): NULL puts the serial loop back.
  void buildBind(OpBuilder &b, Location loc, LLVM::LLVMFuncOp serial, LLVM::GlobalOp hook) {
    auto bind = LLVM::LLVMFuncOp::create(
        b, loc, kBindName, LLVM::LLVMFunctionType::get(voidType, {ptrType}));
    OpBuilder::InsertionGuard guard(b);
    Block *entry = bind.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value given = entry->getArgument(0);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value isNull = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, given, null);
    Value chosen = LLVM::SelectOp::create(
        b, loc, isNull, LLVM::AddressOfOp::create(b, loc, serial).getResult(), given);
    LLVM::StoreOp::create(b, loc, chosen, LLVM::AddressOfOp::create(b, loc, hook).getResult());
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }

  static LLVM::LLVMStructType contextType(LLVM::LLVMFuncOp chunk) {
    return LLVM::LLVMStructType::getLiteral(chunk.getContext(),
                                            chunk.getArgumentTypes().drop_front(2));
  }

  // void CHUNK.task(context, first, last): CHUNK(first, last, context's fields...).
  LLVM::LLVMFuncOp buildTask(OpBuilder &b, LLVM::LLVMFuncOp chunk) {
    Location loc = chunk.getLoc();
    auto task = LLVM::LLVMFuncOp::create(b, loc, (chunk.getName() + ".task").str(), taskType,
                                         LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = task.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    LLVM::LLVMStructType fields = contextType(chunk);
    SmallVector<Value> args = {entry->getArgument(1), entry->getArgument(2)};
    for (auto [i, type] : llvm::enumerate(fields.getBody())) {
      Value address = LLVM::GEPOp::create(b, loc, ptrType, fields, entry->getArgument(0),
                                          ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
      args.push_back(LLVM::LoadOp::create(b, loc, type, address));
    }
    LLVM::CallOp::create(b, loc, chunk, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return task;
  }

  // CHUNK(first, last, rest...) -> context = {rest...}; hook(CHUNK.task, &context, first, last).
  void replaceCall(LLVM::CallOp call, LLVM::LLVMFuncOp task, LLVM::GlobalOp hook) {
    Location loc = call.getLoc();
    auto chunk = call->getParentOfType<ModuleOp>().lookupSymbol<LLVM::LLVMFuncOp>(
        *call.getCallee());
    LLVM::LLVMStructType fields = contextType(chunk);
    // The context lives in the caller's entry block: an alloca in a loop would take
    // new stack on every iteration.
    auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
    OpBuilder b(&caller.getBody().front(), caller.getBody().front().begin());
    Value one = LLVM::ConstantOp::create(b, loc, i64Type, b.getI64IntegerAttr(1));
    Value context = LLVM::AllocaOp::create(b, loc, ptrType, fields, one);

    b.setInsertionPoint(call);
    ValueRange operands = call.getArgOperands();
    for (auto [i, value] : llvm::enumerate(operands.drop_front(2))) {
      Value address = LLVM::GEPOp::create(b, loc, ptrType, fields, context,
                                          ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
      LLVM::StoreOp::create(b, loc, value, address);
    }
    Value function = LLVM::LoadOp::create(
        b, loc, ptrType, LLVM::AddressOfOp::create(b, loc, hook).getResult());
    Value taskAddress = LLVM::AddressOfOp::create(b, loc, task).getResult();
    LLVM::CallOp::create(b, loc, hookType,
                         ValueRange{function, taskAddress, context, operands[0], operands[1]});
    call.erase();
  }

  Type ptrType, i64Type, voidType;
  LLVM::LLVMFunctionType taskType, hookType;
};

} // namespace
} // namespace omc
