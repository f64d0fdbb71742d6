//===- LoopNests.cpp - what the GPU mappings of parallel loop nests share -----===//

#include "targets/nvptx/LoopNests.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace omc::nvptx {

SmallVector<scf::ParallelOp> perfectlyNestedParallels(scf::ParallelOp root) {
  SmallVector<scf::ParallelOp> nest = {root};
  auto definedOutside = [&](Value value) { return root.isDefinedOutsideOfLoop(value); };
  while (true) {
    Block *body = nest.back().getBody();
    if (!llvm::hasSingleElement(body->without_terminator()))
      return nest;
    auto inner = dyn_cast<scf::ParallelOp>(body->front());
    if (!inner || !inner.getInitVals().empty() ||
        !llvm::all_of(inner.getLowerBound(), definedOutside) ||
        !llvm::all_of(inner.getUpperBound(), definedOutside) ||
        !llvm::all_of(inner.getStep(), definedOutside))
      return nest;
    nest.push_back(inner);
  }
}

NestDims dimsOf(ArrayRef<scf::ParallelOp> nest) {
  NestDims dims;
  for (scf::ParallelOp loop : nest) {
    llvm::append_range(dims.lowerBounds, loop.getLowerBound());
    llvm::append_range(dims.upperBounds, loop.getUpperBound());
    llvm::append_range(dims.steps, loop.getStep());
    llvm::append_range(dims.inductionVars, loop.getInductionVars());
  }
  return dims;
}

NestDims dimsOf(ArrayRef<scf::ForOp> nest) {
  NestDims dims;
  for (scf::ForOp loop : nest) {
    dims.lowerBounds.push_back(loop.getLowerBound());
    dims.upperBounds.push_back(loop.getUpperBound());
    dims.steps.push_back(loop.getStep());
    dims.inductionVars.push_back(loop.getInductionVar());
  }
  return dims;
}

bool sameIndices(ValueRange a, ValueRange b) {
  return a.size() == b.size() && llvm::all_of(llvm::zip(a, b), [](auto pair) {
           auto [x, y] = pair;
           if (x == y)
             return true;
           std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
           return cx && cy && *cx == *cy;
         });
}

Value ceilDivIndex(OpBuilder &builder, Location loc, Value a, Value b) {
  // Not arith.ceildivsi, which would need arith-expand.
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  Value rounded =
      arith::AddIOp::create(builder, loc, a, arith::SubIOp::create(builder, loc, b, one));
  return arith::DivUIOp::create(builder, loc, rounded, b);
}

Value tripCount(OpBuilder &builder, Location loc, Value lb, Value ub, Value step) {
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value span = arith::MaxSIOp::create(builder, loc,
                                      arith::SubIOp::create(builder, loc, ub, lb), zero);
  return ceilDivIndex(builder, loc, span, step);
}

Value iterationCount(OpBuilder &builder, Location loc, ValueRange lbs, ValueRange ubs,
                     ValueRange steps, SmallVectorImpl<Value> &tripCounts) {
  Value total = arith::ConstantIndexOp::create(builder, loc, 1);
  for (auto [lb, ub, step] : llvm::zip(lbs, ubs, steps)) {
    tripCounts.push_back(tripCount(builder, loc, lb, ub, step));
    total = arith::MulIOp::create(builder, loc, total, tripCounts.back());
  }
  return total;
}

std::optional<int64_t> constantIterationCount(ValueRange lbs, ValueRange ubs, ValueRange steps) {
  int64_t total = 1;
  for (auto [lb, ub, step] : llvm::zip(lbs, ubs, steps)) {
    std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return std::nullopt;
    total *= std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
  }
  return total;
}

void mapDelinearized(OpBuilder &builder, Location loc, Value linear, ArrayRef<Value> tripCounts,
                     ArrayRef<Value> lowerBounds, ArrayRef<Value> steps,
                     ValueRange inductionVars, IRMapping &mapping) {
  Value rest = linear;
  for (int64_t i = inductionVars.size() - 1; i >= 0; --i) {
    Value position = i == 0 ? rest : arith::RemUIOp::create(builder, loc, rest, tripCounts[i]);
    if (i > 0)
      rest = arith::DivUIOp::create(builder, loc, rest, tripCounts[i]);
    Value scaled = arith::MulIOp::create(builder, loc, position, steps[i]);
    mapping.map(inductionVars[i], arith::AddIOp::create(builder, loc, lowerBounds[i], scaled));
  }
}

void enterIfAnyIteration(OpBuilder &builder, Location loc, Value total) {
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value any = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sgt, total, zero);
  auto ifAny = scf::IfOp::create(builder, loc, any, /*withElseRegion=*/false);
  builder.setInsertionPointToStart(ifAny.thenBlock());
}

} // namespace omc::nvptx
