//===- GpuHostBuffers.cpp - buffers that kernels touch -> managed/device memory ===//
//
// Managed memory is one address for the host and the device, so host code that
// the mapping left on the CPU (scalar code, sequential loops) keeps working on the
// same buffers as the kernels; every launch synchronizes before the host goes on.
// A buffer the host never reads or writes is device memory instead, and a weight
// that only kernels read stays on the device across runs (DeviceWeights.h).
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "targets/nvptx/DeviceWeights.h"

#include "compiler/parallel/BufferRoot.h"
#include "compiler/parallel/StatusBuffer.h"

#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_GPUHOSTBUFFERS
#include "targets/nvptx/Passes.h.inc"

namespace {

// Frees a managed or device buffer: gpu-to-llvm lowers only the stream-ordered form.
void createGpuFree(OpBuilder &builder, Location loc, Value buffer) {
  Type token = gpu::AsyncTokenType::get(builder.getContext());
  Value stream = gpu::WaitOp::create(builder, loc, token, ValueRange()).getAsyncToken();
  Value freed = gpu::DeallocOp::create(builder, loc, token, ValueRange{stream}, buffer)
                    .getAsyncToken();
  gpu::WaitOp::create(builder, loc, Type(), ValueRange{freed});
}

// Copies `source` to `target` with the driver (cuMemcpy), which takes host,
// managed and device memory alike. gpu-to-llvm lowers only the stream-ordered form.
void createDriverCopy(OpBuilder &builder, Location loc, Value target, Value source) {
  Type token = gpu::AsyncTokenType::get(builder.getContext());
  Value stream = gpu::WaitOp::create(builder, loc, token, ValueRange()).getAsyncToken();
  Value copied = gpu::MemcpyOp::create(builder, loc, token, ValueRange{stream}, target, source)
                     .getAsyncToken();
  gpu::WaitOp::create(builder, loc, Type(), ValueRange{copied});
}

// A buffer of `type`, managed or else device memory. gpu-to-llvm lowers device
// allocations only in the stream-ordered form.
Value createGpuAlloc(OpBuilder &builder, Location loc, MemRefType type, ValueRange sizes,
                     bool hostShared) {
  if (hostShared)
    return gpu::AllocOp::create(builder, loc, type, Type(), ValueRange(), sizes, ValueRange(),
                                /*hostShared=*/true)
        .getMemref();
  Type token = gpu::AsyncTokenType::get(builder.getContext());
  Value stream = gpu::WaitOp::create(builder, loc, token, ValueRange()).getAsyncToken();
  auto alloc = gpu::AllocOp::create(builder, loc, type, token, ValueRange{stream}, sizes,
                                    ValueRange(), /*hostShared=*/false);
  gpu::WaitOp::create(builder, loc, Type(), ValueRange{alloc.getAsyncToken()});
  return alloc.getMemref();
}

// The sizes of `like` where `type` has dynamic dims.
SmallVector<Value> dynamicSizesOf(OpBuilder &builder, Location loc, MemRefType type,
                                  Value like) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(memref::DimOp::create(builder, loc, like, i));
  return sizes;
}

// Whether only kernels and the driver's copies read or write `buffer`'s elements,
// through any views: the host only takes its sizes and frees it. Such a buffer lives in device memory,
// which kernels reach without the page faults of managed memory.
bool onlyKernelsTouch(Value buffer) {
  for (Operation *user : buffer.getUsers()) {
    if (user->getParentOfType<gpu::LaunchOp>() ||
        isa<memref::DeallocOp, memref::DimOp, gpu::MemcpyOp>(user))
      continue;
    auto view = dyn_cast<ViewLikeOpInterface>(user);
    if (view && view.getViewSource() == buffer && onlyKernelsTouch(user->getResult(0)))
      continue;
    auto transpose = dyn_cast<memref::TransposeOp>(user);
    if (transpose && onlyKernelsTouch(transpose.getResult()))
      continue;
    return false;
  }
  return true;
}

// The uses of `value` now, before the copy-in adds its own.
SmallVector<OpOperand *> usesOf(Value value) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : value.getUses())
    uses.push_back(&use);
  return uses;
}

// A copy of host memory `source` that kernels can reach, replacing it in its uses
// now: device memory, filled by the driver's copy, when only kernels touch it;
// managed memory, filled by the host, when the host reads it too.
Value copyIn(OpBuilder &builder, Location loc, Value source, bool onlyKernels) {
  auto type = cast<MemRefType>(source.getType());
  SmallVector<OpOperand *> uses = usesOf(source);
  Value copy = createGpuAlloc(builder, loc, type, dynamicSizesOf(builder, loc, type, source),
                              /*hostShared=*/!onlyKernels);
  if (onlyKernels) {
    createDriverCopy(builder, loc, copy, source);
  } else {
    memref::CopyOp::create(builder, loc, source, copy);
  }
  for (OpOperand *use : uses)
    use->set(copy);
  return copy;
}

struct GpuHostBuffers : impl::GpuHostBuffersBase<GpuHostBuffers> {
  void runOnOperation() override {
    SymbolTable symbols(getOperation());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal() && failed(placeBuffers(func, symbols)))
        return signalPassFailure();
  }

  static LogicalResult placeBuffers(func::FuncOp func, SymbolTable &symbols) {
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
      return failure();
    if (roots.empty())
      return success();

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
        Value host = memref::AllocOp::create(builder, ret.getLoc(), type,
                                             dynamicSizesOf(builder, ret.getLoc(), type, value));
        createDriverCopy(builder, ret.getLoc(), host, value);
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
      return failure();

    for (Value root : roots) {
      Location loc = root.getLoc();
      if (auto argument = dyn_cast<BlockArgument>(root)) {
        // An input: the caller's memory, copied in.
        OpBuilder builder = OpBuilder::atBlockBegin(argument.getOwner());
        // The status buffer is the one argument the graph writes: the entry point
        // reads the caller's copy after the return.
        bool status = isStatusBuffer(argument);
        Value copy = copyIn(builder, loc, argument, !status && onlyKernelsTouch(argument));
        if (status) {
          OpBuilder atEnd = OpBuilder::atBlockTerminator(argument.getOwner());
          memref::CopyOp::create(atEnd, loc, copy, argument);
        }
        freeAtEndOfBlock(copy, argument.getOwner());
        continue;
      }
      Operation *def = root.getDefiningOp();
      OpBuilder builder(def);
      if (auto weight = dyn_cast<memref::GetGlobalOp>(def)) {
        // A weight: the library's constant. Kept on the device across runs when
        // only kernels read it, else copied in.
        builder.setInsertionPointAfter(def);
        bool onlyKernels = onlyKernelsTouch(root);
        SmallVector<OpOperand *> uses = usesOf(root);
        if (Value kept = onlyKernels ? createDeviceWeight(builder, weight, symbols) : Value()) {
          for (OpOperand *use : uses)
            use->set(kept);
          continue;
        }
        Value copy = copyIn(builder, loc, root, onlyKernels);
        freeAtEndOfBlock(copy, def->getBlock());
        continue;
      }
      // A buffer the graph makes: managed or device memory in its place.
      SmallVector<Value> sizes;
      if (auto alloc = dyn_cast<memref::AllocOp>(def))
        sizes.assign(alloc.getDynamicSizes().begin(), alloc.getDynamicSizes().end());
      else
        sizes.assign(cast<memref::AllocaOp>(def).getDynamicSizes().begin(),
                     cast<memref::AllocaOp>(def).getDynamicSizes().end());
      Value buffer = createGpuAlloc(builder, loc, cast<MemRefType>(root.getType()), sizes,
                                    /*hostShared=*/!onlyKernelsTouch(root));
      root.replaceAllUsesWith(buffer);
      if (isa<memref::AllocaOp>(def))
        freeAtEndOfBlock(buffer, def->getBlock());
      def->erase();
      // The frontend's frees of this buffer become GPU frees.
      for (Operation *user : llvm::make_early_inc_range(buffer.getUsers())) {
        if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
          OpBuilder at(dealloc);
          createGpuFree(at, dealloc.getLoc(), buffer);
          dealloc.erase();
        }
      }
    }
    return success();
  }

  static void freeAtEndOfBlock(Value buffer, Block *block) {
    OpBuilder builder = OpBuilder::atBlockTerminator(block);
    createGpuFree(builder, buffer.getLoc(), buffer);
  }
};

} // namespace
} // namespace omc::nvptx
