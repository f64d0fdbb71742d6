//===- RunTimeErrors.cpp - errors a compiled model finds while it runs --------===//

#include "compiler/conversion/onnx_to_krnl/RunTimeErrors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {

static constexpr llvm::StringLiteral kStatusAttr = "omc.status";

static memref::AllocaOp findStatusBuffer(func::FuncOp func) {
  for (Operation &op : func.getBody().front())
    if (auto alloca = dyn_cast<memref::AllocaOp>(op); alloca && alloca->hasAttr(kStatusAttr))
      return alloca;
  return nullptr;
}

RunTimeErrorSite addRunTimeErrorSite(OpBuilder &builder, Operation *op, StringRef message) {
  auto func = op->getParentOfType<func::FuncOp>();
  memref::AllocaOp status = findStatusBuffer(func);
  if (!status) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&func.getBody().front());
    Location loc = func.getLoc();
    status = memref::AllocaOp::create(builder, loc, MemRefType::get({}, builder.getI32Type()));
    status->setAttr(kStatusAttr, builder.getUnitAttr());
    Value zero = arith::ConstantIntOp::create(builder, loc, 0, 32);
    memref::StoreOp::create(builder, loc, zero, status, ValueRange{});
  }
  SmallVector<Attribute> messages;
  if (auto existing = func->getAttrOfType<ArrayAttr>(kErrorMessagesAttr))
    messages.assign(existing.begin(), existing.end());
  messages.push_back(builder.getStringAttr(message));
  func->setAttr(kErrorMessagesAttr, builder.getArrayAttr(messages));
  return {status, static_cast<int32_t>(messages.size())};
}

void reportRunTimeError(OpBuilder &builder, Location loc, RunTimeErrorSite site) {
  Value code = arith::ConstantIntOp::create(builder, loc, site.code, 32);
  memref::StoreOp::create(builder, loc, code, site.status, ValueRange{});
}

void exposeStatusBuffer(func::FuncOp func) {
  memref::AllocaOp status = findStatusBuffer(func);
  if (!status)
    return;
  unsigned index = func.getNumArguments();
  if (failed(func.insertArgument(index, status.getType(), {}, status.getLoc())))
    return;
  status.replaceAllUsesWith(func.getArgument(index));
  status.erase();
}

} // namespace omc
