//===- CudaBinding.cpp - host code -> the runtime's CUDA layer, bound at load ===//

#include "targets/nvptx/CudaBinding.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace omc::nvptx {
namespace {

// The functions of llvm.global_ctors or llvm.global_dtors, by priority, and the
// list removed.
std::vector<llvm::Function *> takeStructors(llvm::Module &module, llvm::StringRef listName) {
  std::vector<std::pair<uint64_t, llvm::Function *>> entries;
  llvm::GlobalVariable *list = module.getGlobalVariable(listName);
  if (!list)
    return {};
  if (auto *array = llvm::dyn_cast_or_null<llvm::ConstantArray>(list->getInitializer()))
    for (llvm::Value *element : array->operands()) {
      auto *entry = llvm::cast<llvm::ConstantStruct>(element);
      auto *priority = llvm::cast<llvm::ConstantInt>(entry->getOperand(0));
      if (auto *function = llvm::dyn_cast<llvm::Function>(entry->getOperand(1)))
        entries.push_back({priority->getZExtValue(), function});
    }
  list->eraseFromParent();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<llvm::Function *> functions;
  for (auto &entry : entries)
    functions.push_back(entry.second);
  return functions;
}

} // namespace

llvm::Error bindCudaCalls(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *ptrType = llvm::PointerType::getUnqual(context);
  llvm::Type *i32Type = llvm::Type::getInt32Ty(context);

  std::vector<llvm::Function *> constructors = takeStructors(module, "llvm.global_ctors");
  std::vector<llvm::Function *> destructors = takeStructors(module, "llvm.global_dtors");

  // Each mgpu* declaration gets a body that calls through its slot.
  std::vector<std::pair<llvm::Function *, llvm::GlobalVariable *>> slots;
  for (llvm::Function &function : module.functions()) {
    if (!function.isDeclaration() || !function.getName().starts_with("mgpu"))
      continue;
    auto *slot = new llvm::GlobalVariable(module, ptrType, /*isConstant=*/false,
                                          llvm::GlobalValue::InternalLinkage,
                                          llvm::ConstantPointerNull::get(
                                              llvm::cast<llvm::PointerType>(ptrType)),
                                          "omc_cuda." + function.getName());
    slots.push_back({&function, slot});
  }
  for (auto [function, slot] : slots) {
    function->setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
    llvm::Value *target = builder.CreateLoad(ptrType, slot);
    std::vector<llvm::Value *> args;
    for (llvm::Argument &arg : function->args())
      args.push_back(&arg);
    llvm::CallInst *call = builder.CreateCall(function->getFunctionType(), target, args);
    if (function->getReturnType()->isVoidTy())
      builder.CreateRetVoid();
    else
      builder.CreateRet(call);
  }

  // omc_cuda_bind(resolve): fill the slots, then load the PTX.
  auto *resolveType = llvm::FunctionType::get(ptrType, {ptrType}, false);
  auto *bind = llvm::Function::Create(llvm::FunctionType::get(i32Type, {ptrType}, false),
                                      llvm::GlobalValue::ExternalLinkage, "omc_cuda_bind",
                                      module);
  {
    llvm::BasicBlock *entry = llvm::BasicBlock::Create(context, "entry", bind);
    llvm::BasicBlock *missing = llvm::BasicBlock::Create(context, "missing", bind);
    llvm::IRBuilder<> builder(missing);
    builder.CreateRet(llvm::ConstantInt::get(i32Type, 1));
    builder.SetInsertPoint(entry);
    llvm::Value *resolve = bind->getArg(0);
    for (auto [function, slot] : slots) {
      llvm::Value *name = builder.CreateGlobalString(function->getName(), "omc_cuda.name");
      llvm::Value *pointer = builder.CreateCall(resolveType, resolve, {name});
      builder.CreateStore(pointer, slot);
      llvm::BasicBlock *next = llvm::BasicBlock::Create(context, "next", bind);
      builder.CreateCondBr(builder.CreateIsNull(pointer), missing, next);
      builder.SetInsertPoint(next);
    }
    for (llvm::Function *constructor : constructors)
      builder.CreateCall(constructor);
    builder.CreateRet(llvm::ConstantInt::get(i32Type, 0));
  }

  // omc_cuda_unbind(): unload.
  auto *unbind =
      llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(context), false),
                             llvm::GlobalValue::ExternalLinkage, "omc_cuda_unbind", module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", unbind));
  for (auto it = destructors.rbegin(); it != destructors.rend(); ++it)
    builder.CreateCall(*it);
  builder.CreateRetVoid();
  return llvm::Error::success();
}

} // namespace omc::nvptx
