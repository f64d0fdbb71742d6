//===- FuseElementwiseLoops.cpp - elementwise chains into one loop nest ---===//
//
// See FuseElementwiseLoops.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/FuseElementwiseLoops.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/parallel/BufferRoot.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace omc {
namespace {

// How a load or store reaches a buffer: the buffer itself, or its flat row-major view.
struct Access {
  memref::AllocOp buffer;
  bool flat = false;
};

bool isRowMajorStatic(MemRefType type) {
  return type.hasStaticShape() && type.getLayout().isIdentity();
}

// The allocation `memref` is (or is the flat row-major view of: one dim of all its
// elements, offset 0, stride 1), when it has a static row-major shape.
std::optional<Access> accessOf(Value memref) {
  if (auto alloc = memref.getDefiningOp<memref::AllocOp>())
    return isRowMajorStatic(alloc.getType()) ? std::optional(Access{alloc, false})
                                             : std::nullopt;
  auto view = memref.getDefiningOp<memref::ReinterpretCastOp>();
  if (!view)
    return std::nullopt;
  auto alloc = view.getSource().getDefiningOp<memref::AllocOp>();
  if (!alloc || !isRowMajorStatic(alloc.getType()))
    return std::nullopt;
  int64_t count = alloc.getType().getNumElements();
  if (view.getStaticOffsets() != ArrayRef<int64_t>{0} ||
      view.getStaticSizes() != ArrayRef<int64_t>{count} ||
      view.getStaticStrides() != ArrayRef<int64_t>{1})
    return std::nullopt;
  return Access{alloc, true};
}

bool isInductionVars(ValueRange indices, krnl::IterateOp loop) {
  return llvm::equal(indices, loop.getInductionVars());
}

// A nest that computes all of one buffer and does nothing else: lower bounds 0, one
// store at its induction variables, and besides that only loads and ops without effects.
struct Producer {
  krnl::IterateOp loop;
  krnl::StoreOp store;
  Access access;
};

std::optional<Producer> producerOf(krnl::IterateOp loop) {
  if (!llvm::all_of(loop.getLowerBounds(), [](Value v) { return isConstantIntValue(v, 0); }))
    return std::nullopt;
  krnl::StoreOp store;
  bool clean = true;
  loop.getBodyBlock()->walk([&](Operation *op) {
    if (auto found = dyn_cast<krnl::StoreOp>(op)) {
      clean &= !store && op->getBlock() == loop.getBodyBlock();
      store = found;
    } else if (!isa<krnl::LoadOp>(op) && !isMemoryEffectFree(op)) {
      clean = false;
    }
  });
  if (!clean || !store || !isInductionVars(store.getIndices(), loop))
    return std::nullopt;
  std::optional<Access> access = accessOf(store.getMemref());
  if (!access)
    return std::nullopt;
  return Producer{loop, store, *access};
}

// Whether `op`, between the producer and the consumer, leaves memory as it is.
bool writesNothing(Operation *op) {
  return isa<memref::AllocOp, krnl::DefineLoopsOp>(op) || isMemoryEffectFree(op);
}

// A load of the producer's buffer in the consumer, and whether through the flat view.
struct Read {
  krnl::LoadOp load;
  bool flat;
};

// A producer and the consumer's loads it will replace.
struct Fusion {
  Producer producer;
  SmallVector<Read> reads;
};

// The producer whose buffer `load` reads, with every load of that buffer, when the
// consumer's loads may compute their elements instead.
std::optional<Fusion> fusableProducer(krnl::LoadOp load, krnl::IterateOp consumer) {
  std::optional<Access> read = accessOf(load.getMemref());
  if (!read)
    return std::nullopt;
  memref::AllocOp buffer = read->buffer;
  Block *block = consumer->getBlock();
  if (buffer->getBlock() != block)
    return std::nullopt;
  // The buffer's uses, through its views: one store, and loads in the consumer at the
  // consumer's position.
  SmallVector<Value> views{buffer.getResult()};
  for (Operation *user : buffer->getUsers())
    if (auto view = dyn_cast<memref::ReinterpretCastOp>(user))
      views.push_back(view.getResult());
  krnl::StoreOp store;
  SmallVector<Read> reads;
  for (Value view : views)
    for (Operation *user : view.getUsers()) {
      if (isa<memref::ReinterpretCastOp>(user) && view == buffer.getResult())
        continue;
      if (auto found = dyn_cast<krnl::StoreOp>(user)) {
        if (store)
          return std::nullopt;
        store = found;
        continue;
      }
      // A load through another view (a reshape's) would keep reading the buffer; one in
      // an inner loop would compute its element again on each of that loop's iterations.
      auto other = dyn_cast<krnl::LoadOp>(user);
      if (!other || other->getBlock() != consumer.getBodyBlock() ||
          !accessOf(other.getMemref()) || !isInductionVars(other.getIndices(), consumer))
        return std::nullopt;
      reads.push_back({other, view != buffer.getResult()});
    }
  if (!store)
    return std::nullopt;
  auto loop = dyn_cast<krnl::IterateOp>(store->getParentOp());
  if (!loop || loop->getBlock() != block || !loop->isBeforeInBlock(consumer))
    return std::nullopt;
  std::optional<Producer> producer = producerOf(loop);
  // A flat producer serves either kind of read; a nest of the buffer's rank, only reads
  // of that rank (a flat read would need each index split back into dims).
  if (!producer || producer->store != store ||
      (!producer->access.flat && llvm::any_of(reads, [](const Read &r) { return r.flat; })))
    return std::nullopt;
  for (Operation *op = loop->getNextNode(); op != consumer; op = op->getNextNode())
    if (!writesNothing(op))
      return std::nullopt;
  // Nor may the consumer write what the producer reads: the loads would then see its
  // earlier iterations' stores.
  llvm::SmallPtrSet<Value, 4> written;
  consumer->walk([&](krnl::StoreOp store) { written.insert(bufferRoot(store.getMemref())); });
  WalkResult overlap = loop->walk([&](krnl::LoadOp load) {
    return written.contains(bufferRoot(load.getMemref())) ? WalkResult::interrupt()
                                                         : WalkResult::advance();
  });
  if (overlap.wasInterrupted())
    return std::nullopt;
  return Fusion{*producer, std::move(reads)};
}

// Row-major offset of `indices` into `shape`.
Value linearize(OpBuilder &b, Location loc, ValueRange indices, ArrayRef<int64_t> shape) {
  Value offset = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [index, size] : llvm::zip(indices, shape)) {
    Value scaled = arith::MulIOp::create(b, loc, offset,
                                         arith::ConstantIndexOp::create(b, loc, size));
    offset = arith::AddIOp::create(b, loc, scaled, index);
  }
  return offset;
}

// Replaces the read with the producer's computation of that element.
void inlineProducer(Read read, Producer producer) {
  OpBuilder b(read.load);
  Location loc = read.load.getLoc();
  SmallVector<Value> position(read.load.getIndices());
  if (producer.access.flat && !read.flat)
    position = {linearize(b, loc, position, producer.access.buffer.getType().getShape())};
  IRMapping mapping;
  mapping.map(producer.loop.getInductionVars(), position);
  for (Operation &op : producer.loop.getBodyBlock()->without_terminator())
    if (&op != producer.store.getOperation())
      b.clone(op, mapping);
  read.load.replaceAllUsesWith(mapping.lookupOrDefault(producer.store.getValue()));
  read.load.erase();
}

// Erases the producer's nest, then whatever only it used: its loop handles, its buffer
// and the buffer's views.
void eraseProducer(Producer producer) {
  SmallVector<Operation *> handles;
  for (Value loop : producer.loop.getLoops())
    handles.push_back(loop.getDefiningOp());
  producer.loop.erase();
  for (Operation *handle : handles)
    if (handle && handle->use_empty())
      handle->erase();
  memref::AllocOp buffer = producer.access.buffer;
  for (Operation *user : llvm::make_early_inc_range(buffer->getUsers()))
    if (user->use_empty())
      user->erase();
  if (buffer->use_empty())
    buffer.erase();
}

// Folds every fusable producer of `consumer` into it, including those of the producers
// folded in, whose loads it now holds.
void fuseInto(krnl::IterateOp consumer) {
  for (bool changed = true; changed;) {
    changed = false;
    for (auto load : llvm::to_vector(consumer.getBodyBlock()->getOps<krnl::LoadOp>())) {
      std::optional<Fusion> fusion = fusableProducer(load, consumer);
      if (!fusion)
        continue;
      for (Read read : fusion->reads)
        inlineProducer(read, fusion->producer);
      eraseProducer(fusion->producer);
      changed = true;
      break;
    }
  }
}

} // namespace

void fuseElementwiseLoops(func::FuncOp func) {
  // In order: a producer has taken in its own producers before its consumer takes it.
  for (auto consumer : llvm::to_vector(func.getBody().front().getOps<krnl::IterateOp>()))
    fuseInto(consumer);
}

} // namespace omc
