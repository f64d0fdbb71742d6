//===- ConvertONNXToKrnlPass.cpp - the convert-onnx-to-krnl pass --------------===//

#include "compiler/conversion/onnx_to_krnl/FuseElementwiseLoops.h"
#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/conversion/onnx_to_krnl/Passes.h"
#include "compiler/conversion/onnx_to_krnl/RunTimeErrors.h"
#include "compiler/conversion/onnx_to_krnl/Sequence.h"
#include "compiler/conversion/onnx_to_krnl/Signature.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_CONVERTONNXTOKRNL
#include "compiler/conversion/onnx_to_krnl/Passes.h.inc"

namespace {

// The caller owns what a function returns: every result must be a buffer this
// function allocated, and returned once. Anything else (an input, a constant, a
// buffer returned twice) is copied into a fresh one.
void makeResultsOwned(func::FuncOp func) {
  auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  OpBuilder builder(returnOp);
  llvm::SmallPtrSet<Value, 8> returned;
  for (OpOperand &operand : returnOp->getOpOperands()) {
    Value value = operand.get();
    bool owned = value.getDefiningOp<memref::AllocOp>() && returned.insert(value).second;
    if (owned)
      continue;
    operand.set(copyValue(builder, returnOp.getLoc(), value, cast<MemRefType>(value.getType())));
  }
}

// The op of `block` after which nothing touches `buffer`: the last one that uses it or a
// view of it, directly or inside its regions. Any memref an op makes from a use counts
// as a view (a subview, a reshape, a region's result that a yield may have passed it
// to). Null where the block cannot see every use: a view returned, or stored as an
// element of another buffer.
Operation *lastUseInBlock(Value buffer, Block &block) {
  SmallVector<Value> views{buffer};
  llvm::SmallPtrSet<Value, 8> seen{buffer};
  auto addView = [&](Value value) {
    if (isa<BaseMemRefType>(value.getType()) && seen.insert(value).second)
      views.push_back(value);
  };
  Operation *last = buffer.getDefiningOp();
  while (!views.empty()) {
    Value view = views.pop_back_val();
    for (OpOperand &use : view.getUses()) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp>(user))
        return nullptr;
      if (auto store = dyn_cast<memref::StoreOp>(user))
        if (store.getValueToStore() == view)
          return nullptr;
      if (user->hasTrait<OpTrait::IsTerminator>())
        for (Value result : user->getParentOp()->getResults())
          addView(result);
      for (Value result : user->getResults())
        addView(result);
      Operation *top = block.findAncestorOpInBlock(*user);
      if (!top)
        return nullptr;
      if (last->isBeforeInBlock(top))
        last = top;
    }
  }
  return last;
}

// Frees every buffer the function allocated and does not return, right after its last
// use: ONNX graphs are straight-line code, and a buffer freed early is memory the next
// ones reuse (still in cache), so that the peak stays near what is live at once. A buffer
// whose uses the entry block cannot all see, and a buffer of buffers, goes at the end.
// Buffers marked omc.loop_owned were handed to a loop (ControlFlow.cpp), which frees them;
// those marked kOwnedBySequence are elements of a sequence or optional, freed with it.
void freeTemporaries(func::FuncOp func) {
  Block &body = func.getBody().front();
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  llvm::SmallPtrSet<Value, 8> returned(returnOp->operand_begin(), returnOp->operand_end());
  OpBuilder builder(returnOp);
  for (auto alloc : llvm::to_vector(body.getOps<memref::AllocOp>())) {
    if (returned.contains(alloc.getResult()) || alloc->hasAttr("omc.loop_owned") ||
        alloc->hasAttr(kOwnedBySequence))
      continue;
    Operation *last = isNestedBuffer(alloc.getType())
                          ? nullptr
                          : lastUseInBlock(alloc.getResult(), body);
    if (last)
      builder.setInsertionPointAfter(last);
    else
      builder.setInsertionPoint(returnOp);
    freeValue(builder, alloc.getLoc(), alloc);
  }
}

struct ConvertONNXToKrnl : impl::ConvertONNXToKrnlBase<ConvertONNXToKrnl> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();

    // Sequence element ranks first: the signatures and the buffer types need them.
    refineSequenceTypes(module);

    // Signatures describe the values as ONNX sees them: take them before lowering.
    struct EntryPoint {
      std::string func, in, out;
    };
    SmallVector<EntryPoint> entryPoints;
    for (auto func : module.getOps<func::FuncOp>()) {
      auto inputNames = func->getAttrOfType<ArrayAttr>("omc.input_names");
      if (!inputNames)
        continue;
      auto outputNames = func->getAttrOfType<ArrayAttr>("omc.output_names");
      FunctionType type = func.getFunctionType();
      auto in = buildSignatureJson(type.getInputs(), inputNames);
      auto out = buildSignatureJson(type.getResults(), outputNames);
      if (failed(in) || failed(out)) {
        func.emitError() << "entry point '" << func.getSymName()
                         << "' has an input or output that is not a ranked tensor of a "
                            "supported element type (or a sequence or optional of them)";
        return signalPassFailure();
      }
      entryPoints.push_back({func.getSymName().str(), *in, *out});
    }

    ONNXToKrnlTypeConverter converter;
    RewritePatternSet patterns(context);
    populateONNXToKrnlConversionPatterns(converter, patterns);
    populateSequencePatterns(converter, patterns);
    populateSequenceMapPatterns(converter, patterns);
    populateOptionalPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*context);
    target.addLegalDialect<krnl::KrnlDialect, arith::ArithDialect, math::MathDialect,
                           memref::MemRefDialect, scf::SCFDialect, linalg::LinalgDialect>();
    // Index arithmetic that must stay affine (a conv's panel layout, ConvAsMatmul).
    target.addLegalOp<affine::AffineApplyOp>();
    target.addLegalDialect<vector::VectorDialect>();
    target.addLegalOp<ModuleOp>();
    target.addIllegalDialect<onnx::ONNXDialect>();
    // Absent optional inputs stay until their users are lowered, then die.
    target.addLegalOp<onnx::NoValueOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op.getOperandTypes()); });
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    module.walk([](onnx::NoValueOp op) {
      if (op->use_empty())
        op->erase();
    });
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      fuseElementwiseLoops(func);
      makeResultsOwned(func);
      freeTemporaries(func);
      exposeStatusBuffer(func);
    }

    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    for (const EntryPoint &entry : entryPoints)
      krnl::EntryPointOp::create(builder, module.getLoc(),
                                 FlatSymbolRefAttr::get(context, entry.func),
                                 builder.getStringAttr(entry.func),
                                 builder.getStringAttr(entry.in),
                                 builder.getStringAttr(entry.out));
  }
};

} // namespace
} // namespace omc
