//===- IndexChecks.cpp - indices read from tensors, checked while the model runs ===//

#include "compiler/conversion/onnx_to_krnl/IndexChecks.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {

std::string describeNode(Operation *op) {
  std::string name = op->getName().stripDialect().str();
  // The importer names a nameless node after its op: no news then.
  auto named = dyn_cast<NameLoc>(op->getLoc());
  if (named && named.getName().getValue() != name)
    name += " node '" + named.getName().str() + "'";
  return name;
}

CheckedIndex checkIndex(OpBuilder &builder, Location loc, Value index, Value dim) {
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value negative = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, index, zero);
  index = arith::SelectOp::create(builder, loc, negative,
                                  arith::AddIOp::create(builder, loc, index, dim), index);
  // One unsigned compare catches both ends: what is still negative is huge unsigned.
  Value inRange = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult, index, dim);
  return {index, inRange};
}

Value allInRange(OpBuilder &builder, Location loc, ArrayRef<CheckedIndex> checks) {
  if (checks.empty())
    return arith::ConstantIntOp::create(builder, loc, 1, 1);
  Value all = checks.front().inRange;
  for (const CheckedIndex &check : checks.drop_front())
    all = arith::AndIOp::create(builder, loc, all, check.inRange);
  return all;
}

Value loadIfInRange(OpBuilder &builder, Location loc, Value inRange, Value memref,
                    ValueRange at, RunTimeErrorSite site) {
  Type element = cast<MemRefType>(memref.getType()).getElementType();
  auto ifOp = scf::IfOp::create(
      builder, loc, inRange,
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, ValueRange{krnl::LoadOp::create(b, loc, memref, at)});
      },
      [&](OpBuilder &b, Location loc) {
        reportRunTimeError(b, loc, site);
        scf::YieldOp::create(
            b, loc, ValueRange{arith::ConstantOp::create(b, loc, b.getZeroAttr(element))});
      });
  return ifOp.getResult(0);
}

void ifInRange(OpBuilder &builder, Location loc, Value inRange, RunTimeErrorSite site,
               function_ref<void(OpBuilder &, Location)> body) {
  scf::IfOp::create(
      builder, loc, inRange,
      [&](OpBuilder &b, Location loc) {
        body(b, loc);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &b, Location loc) {
        reportRunTimeError(b, loc, site);
        scf::YieldOp::create(b, loc);
      });
}

} // namespace omc
