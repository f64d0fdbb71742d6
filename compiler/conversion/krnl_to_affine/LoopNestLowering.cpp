//===- LoopNestLowering.cpp - krnl.iterate and its schedule -> affine.for -----===//

#include "compiler/conversion/krnl_to_affine/LoopNestLowering.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/LoopUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {

namespace {

// A bound as affine.for wants it: a constant, or a symbol operand.
struct AffineBound {
  SmallVector<Value> operands;
  AffineMap map;
};

std::optional<AffineBound> toAffineBound(Value bound, Region *scope) {
  MLIRContext *context = bound.getContext();
  APInt constant;
  if (matchPattern(bound, m_ConstantInt(&constant)))
    return AffineBound{{}, AffineMap::getConstantMap(constant.getSExtValue(), context)};
  if (affine::isValidSymbol(bound, scope))
    return AffineBound{{bound}, AffineMap::get(0, 1, getAffineSymbolExpr(0, context))};
  return std::nullopt;
}

// Moves the iterate body into `body` (before its terminator), mapping the
// induction variables to `ivs`.
void moveBody(krnl::IterateOp iterate, Block *body, ValueRange ivs) {
  Block *source = iterate.getBodyBlock();
  source->getTerminator()->erase();
  for (auto [arg, iv] : llvm::zip(source->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  body->getOperations().splice(body->getTerminator()->getIterator(),
                               source->getOperations());
}

// The perfectly nested band of `depth` affine loops starting at `outermost`.
FailureOr<SmallVector<affine::AffineForOp>> perfectBand(affine::AffineForOp outermost,
                                                        size_t depth) {
  SmallVector<affine::AffineForOp> band = {outermost};
  while (band.size() < depth) {
    Block *body = band.back().getBody();
    // Only the nested loop and the terminator: otherwise not perfectly nested.
    if (body->getOperations().size() != 2)
      return failure();
    auto inner = dyn_cast<affine::AffineForOp>(body->front());
    if (!inner)
      return failure();
    band.push_back(inner);
  }
  return band;
}

// scf.for nest: bounds that are not affine symbols (computed inside a loop).
void lowerToSCF(krnl::IterateOp iterate) {
  OpBuilder builder(iterate);
  Location loc = iterate.getLoc();
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  SmallVector<Value> ivs;
  Block *body = nullptr;
  for (auto [lb, ub] : llvm::zip(iterate.getLowerBounds(), iterate.getUpperBounds())) {
    auto loop = scf::ForOp::create(builder, loc, lb, ub, one);
    ivs.push_back(loop.getInductionVar());
    body = loop.getBody();
    builder.setInsertionPoint(body->getTerminator());
  }
  moveBody(iterate, body, ivs);
  iterate.erase();
}

} // namespace

LogicalResult lowerIterate(krnl::IterateOp iterate) {
  Region *scope = affine::getAffineScope(iterate);
  SmallVector<AffineBound> lowers, uppers;
  for (auto [lb, ub] : llvm::zip(iterate.getLowerBounds(), iterate.getUpperBounds())) {
    auto lower = toAffineBound(lb, scope), upper = toAffineBound(ub, scope);
    if (!lower || !upper) {
      for (Value loop : iterate.getLoops())
        if (!loop.hasOneUse())
          return iterate.emitOpError()
                 << "cannot apply a schedule to a nest with non-affine bounds";
      lowerToSCF(iterate);
      return success();
    }
    lowers.push_back(*lower);
    uppers.push_back(*upper);
  }

  // The nest, outermost first, and which affine loop each handle names.
  OpBuilder builder(iterate);
  Location loc = iterate.getLoc();
  llvm::DenseMap<Value, affine::AffineForOp> loopOf;
  SmallVector<Value> ivs;
  affine::AffineForOp outermost;
  for (auto [handle, lower, upper] : llvm::zip(iterate.getLoops(), lowers, uppers)) {
    auto loop = affine::AffineForOp::create(builder, loc, lower.operands, lower.map,
                                            upper.operands, upper.map);
    if (!outermost)
      outermost = loop;
    loopOf[handle] = loop;
    ivs.push_back(loop.getInductionVar());
    builder.setInsertionPoint(loop.getBody()->getTerminator());
  }
  moveBody(iterate, loopOf[iterate.getLoops().back()].getBody(), ivs);
  size_t depth = iterate.getLoops().size();
  iterate.erase();

  // The schedule: block ops tile one loop each; a permute reorders the band.
  // Handles are defined before their users, so program order is schedule order.
  SmallVector<Operation *> schedule;
  for (auto [handle, loop] : llvm::to_vector(loopOf))
    for (Operation *user : handle.getUsers())
      if (isa<krnl::BlockOp, krnl::PermuteOp>(user) && !llvm::is_contained(schedule, user))
        schedule.push_back(user);
  // Users of handles produced by block ops join the schedule as they appear.
  for (size_t i = 0; i < schedule.size(); ++i) {
    auto block = dyn_cast<krnl::BlockOp>(schedule[i]);
    if (!block)
      continue;
    for (Value produced : block->getResults())
      for (Operation *user : produced.getUsers())
        if (!llvm::is_contained(schedule, user))
          schedule.push_back(user);
  }
  llvm::sort(schedule, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });

  for (Operation *op : schedule) {
    if (auto block = dyn_cast<krnl::BlockOp>(op)) {
      affine::AffineForOp loop = loopOf.lookup(block.getLoop());
      if (!loop)
        return block.emitOpError() << "blocks a loop that is not part of the nest";
      SmallVector<affine::AffineForOp> band = {loop}, tiled;
      unsigned size = block.getTileSize();
      if (failed(affine::tilePerfectlyNested(band, {size}, &tiled)))
        return block.emitOpError() << "could not tile the loop";
      if (loop == outermost)
        outermost = tiled[0];
      loopOf[block.getOuter()] = tiled[0];
      loopOf[block.getInner()] = tiled[1];
      ++depth;
      continue;
    }
    auto permute = cast<krnl::PermuteOp>(op);
    auto band = perfectBand(outermost, depth);
    if (failed(band))
      return permute.emitOpError() << "the nest is not perfectly nested";
    if (permute.getLoops().size() != depth)
      return permute.emitOpError() << "must list all " << depth << " loops of the nest";
    // permuteLoops wants, for each loop of the band in nest order, its new depth.
    SmallVector<unsigned> permMap(depth);
    for (auto [handle, newDepth] : llvm::zip(permute.getLoops(), permute.getMap())) {
      auto *position = llvm::find(*band, loopOf.lookup(handle));
      if (position == band->end())
        return permute.emitOpError() << "permutes a loop that is not part of the nest";
      permMap[position - band->begin()] = newDepth;
    }
    unsigned newOutermost = affine::permuteLoops(*band, permMap);
    outermost = (*band)[newOutermost];
  }
  return success();
}

} // namespace omc
