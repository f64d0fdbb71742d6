//===- GpuHostBuffers.cpp - buffers that kernels touch -> CUDA managed memory ===//
//
// Managed memory is one address for the host and the device, so host code that
// the mapping left on the CPU (scalar code, sequential loops) keeps working on the
// same buffers as the kernels; every launch synchronizes before the host goes on.
// Explicit device buffers with copies only at the entry point are a later
// refinement of this pass.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "compiler/parallel/BufferRoot.h"
#include "compiler/parallel/StatusBuffer.h"

#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_GPUHOSTBUFFERS
#include "targets/nvptx/Passes.h.inc"

namespace {

// Frees a managed buffer: gpu-to-llvm lowers only the stream-ordered form.
void createManagedFree(OpBuilder &builder, Location loc, Value buffer) {
  Type token = gpu::AsyncTokenType::get(builder.getContext());
  Value stream = gpu::WaitOp::create(builder, loc, token, ValueRange()).getAsyncToken();
  Value freed = gpu::DeallocOp::create(builder, loc, token, ValueRange{stream}, buffer)
                    .getAsyncToken();
  gpu::WaitOp::create(builder, loc, Type(), ValueRange{freed});
}

// A managed buffer of `type`, sized like `like` where `type` has dynamic dims.
Value createManagedAlloc(OpBuilder &builder, Location loc, MemRefType type, Value like) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(memref::DimOp::create(builder, loc, like, i));
  return gpu::AllocOp::create(builder, loc, type, Type(), ValueRange(), sizes, ValueRange(),
                              /*hostShared=*/true)
      .getMemref();
}

// The uses of `value` now, before the copy-in adds its own.
SmallVector<OpOperand *> usesOf(Value value) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : value.getUses())
    uses.push_back(&use);
  return uses;
}

struct GpuHostBuffers : impl::GpuHostBuffersBase<GpuHostBuffers> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;

    // The buffers the launches capture, in a stable order.
    SetVector<Value> roots;
    bool failed = false;
    func.walk([&](gpu::LaunchOp launch) {
      SetVector<Value> captured;
      getUsedValuesDefinedAbove(launch.getBody(), captured);
      for (Value value : captured) {
        if (!isa<MemRefType>(value.getType()))
          continue;
        Value root = bufferRoot(value);
        Operation *def = root.getDefiningOp();
        bool isArgument = isa<BlockArgument>(root) &&
                          cast<BlockArgument>(root).getOwner() == &func.getBody().front();
        if (!isArgument && !isa_and_nonnull<memref::AllocOp, memref::AllocaOp,
                                            memref::GetGlobalOp>(def)) {
          launch.emitError() << "nvptx: a kernel reads a buffer made by "
                             << (def ? def->getName().getStringRef() : "a block argument")
                             << ", which the GPU buffer placement does not handle";
          failed = true;
          continue;
        }
        if (!isa<MemRefType>(root.getType()) ||
            !cast<MemRefType>(root.getType()).getLayout().isIdentity()) {
          launch.emitError() << "nvptx: a kernel reads a buffer with a strided layout";
          failed = true;
          continue;
        }
        roots.insert(root);
      }
    });
    if (failed)
      return signalPassFailure();
    if (roots.empty())
      return;

    // Results: copied into host memory, which the runtime frees with free().
    // Done first so that the copies precede the frees placed before the return.
    SmallVector<Value> returnedAllocs;
    func.walk([&](func::ReturnOp ret) {
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<MemRefType>(value.getType());
        if (!type || !roots.contains(bufferRoot(value)))
          continue;
        if (!type.getLayout().isIdentity()) {
          ret.emitError() << "nvptx: a result with a strided layout";
          failed = true;
          continue;
        }
        SmallVector<Value> sizes;
        for (int64_t i = 0; i < type.getRank(); ++i)
          if (type.isDynamicDim(i))
            sizes.push_back(memref::DimOp::create(builder, ret.getLoc(), value, i));
        Value host = memref::AllocOp::create(builder, ret.getLoc(), type, sizes);
        memref::CopyOp::create(builder, ret.getLoc(), value, host);
        operand.set(host);
        Value root = bufferRoot(value);
        if (isa_and_nonnull<memref::AllocOp>(root.getDefiningOp()) &&
            !llvm::is_contained(returnedAllocs, root)) {
          memref::DeallocOp::create(builder, ret.getLoc(), root);
          returnedAllocs.push_back(root);
        }
      }
    });
    if (failed)
      return signalPassFailure();

    for (Value root : roots) {
      Location loc = root.getLoc();
      auto type = cast<MemRefType>(root.getType());
      if (auto argument = dyn_cast<BlockArgument>(root)) {
        // An input: the caller's memory, copied in.
        OpBuilder builder = OpBuilder::atBlockBegin(argument.getOwner());
        SmallVector<OpOperand *> uses = usesOf(argument);
        Value managed = createManagedAlloc(builder, loc, type, argument);
        memref::CopyOp::create(builder, loc, argument, managed);
        for (OpOperand *use : uses)
          use->set(managed);
        // The status buffer is the one argument the graph writes: the entry point
        // reads the caller's copy after the return.
        if (isStatusBuffer(argument)) {
          OpBuilder atEnd = OpBuilder::atBlockTerminator(argument.getOwner());
          memref::CopyOp::create(atEnd, loc, managed, argument);
        }
        freeAtEndOfBlock(managed, argument.getOwner());
        continue;
      }
      Operation *def = root.getDefiningOp();
      OpBuilder builder(def);
      if (auto global = dyn_cast<memref::GetGlobalOp>(def)) {
        // A weight: the library's constant, copied in.
        builder.setInsertionPointAfter(def);
        SmallVector<OpOperand *> uses = usesOf(root);
        Value managed = createManagedAlloc(builder, loc, type, root);
        memref::CopyOp::create(builder, loc, root, managed);
        for (OpOperand *use : uses)
          use->set(managed);
        freeAtEndOfBlock(managed, def->getBlock());
        continue;
      }
      SmallVector<Value> sizes;
      if (auto alloc = dyn_cast<memref::AllocOp>(def))
        sizes.assign(alloc.getDynamicSizes().begin(), alloc.getDynamicSizes().end());
      else
        sizes.assign(cast<memref::AllocaOp>(def).getDynamicSizes().begin(),
                     cast<memref::AllocaOp>(def).getDynamicSizes().end());
      Value managed = gpu::AllocOp::create(builder, loc, type, Type(), ValueRange(), sizes,
                                           ValueRange(), /*hostShared=*/true)
                          .getMemref();
      root.replaceAllUsesWith(managed);
      if (isa<memref::AllocaOp>(def))
        freeAtEndOfBlock(managed, def->getBlock());
      def->erase();
      // The frontend's frees of this buffer become managed frees.
      for (Operation *user : llvm::make_early_inc_range(managed.getUsers())) {
        if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
          OpBuilder at(dealloc);
          createManagedFree(at, dealloc.getLoc(), managed);
          dealloc.erase();
        }
      }
    }
  }

  static void freeAtEndOfBlock(Value buffer, Block *block) {
    OpBuilder builder = OpBuilder::atBlockTerminator(block);
    createManagedFree(builder, buffer.getLoc(), buffer);
  }
};

} // namespace
} // namespace omc::nvptx
