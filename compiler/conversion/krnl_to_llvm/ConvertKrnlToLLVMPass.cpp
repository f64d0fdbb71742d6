//===- ConvertKrnlToLLVMPass.cpp - the convert-krnl-to-llvm pass --------------===//

#include "compiler/conversion/krnl_to_llvm/CheckedAllocation.h"
#include "compiler/conversion/krnl_to_llvm/EntryPointABI.h"
#include "compiler/conversion/krnl_to_llvm/Passes.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_CONVERTKRNLTOLLVM
#include "compiler/conversion/krnl_to_llvm/Passes.h.inc"

namespace {

// An f32 or f64 math.fma becomes llvm.intr.fmuladd before the expansions would split it
// into a multiply and an add: one instruction where the target has FMA units (AVX2,
// AVX-512, NEON), a multiply and an add elsewhere, never a libm call. The polynomial
// approximations (exp, tanh, erf, ...) are chains of them, and the depthwise convs
// accumulate with them.
struct FmaToFMulAdd : OpRewritePattern<math::FmaOp> {
  explicit FmaToFMulAdd(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(math::FmaOp op, PatternRewriter &rewriter) const override {
    Type element = getElementTypeOrSelf(op.getType());
    if (!element.isF32() && !element.isF64())
      return failure();
    rewriter.replaceOpWithNewOp<LLVM::FMulAddOp>(op, op.getA(), op.getB(), op.getC());
    return success();
  }
};

struct ConvertKrnlToLLVM : impl::ConvertKrnlToLLVMBase<ConvertKrnlToLLVM> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    checkAllocationSizes(module);
    if (failed(generateEntryPointABI(module)))
      return signalPassFailure();

    // Math functions become arith (expansions, then polynomial approximations for f32,
    // with f16/bf16 computed in f32), so a model library needs no libm of the target.
    // What is left (f64 functions) goes to LLVM's intrinsics.
    {
      RewritePatternSet mathPatterns(&getContext());
      mathPatterns.add<FmaToFMulAdd>(&getContext());
      math::populateExpansionPatterns(mathPatterns);
      populateMathPolynomialApproximationPatterns(mathPatterns);
      // bf16 conversions as integer shifts: without AVX512-BF16 LLVM would call
      // compiler-rt's __truncsfbf2, which a model library cannot link.
      arith::populateExpandBFloat16Patterns(mathPatterns);
      // Index arithmetic the lowerings write as arith.ceildivsi / floordivsi (iteration
      // counts, pooling windows, sequence splits): arith-to-llvm has no pattern for them.
      arith::populateCeilFloorDivExpandOpsPatterns(mathPatterns);
      if (failed(applyPatternsGreedily(module, std::move(mathPatterns))))
        return signalPassFailure();
    }

    LLVMTypeConverter converter(&getContext());
    RewritePatternSet patterns(&getContext());
    SymbolTableCollection symbolTables;
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns, &symbolTables);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    populateMathToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns, &symbolTables);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(getContext());
    target.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();
    // GPU host ops (gpu.launch_func, gpu.alloc, gpu.binary) of the nvptx target are
    // left to gpu-to-llvm, which runs next.
    target.markUnknownOpDynamicallyLegal(
        [](Operation *op) { return op->getName().getDialectNamespace() == "gpu"; });
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // A failed malloc ends the run with an error instead of a store through NULL.
    checkAllocations(module);

    // Private functions (the graphs behind their wrappers) stay inside the library.
    module.walk([](LLVM::LLVMFuncOp func) {
      auto visibility = func->getAttrOfType<StringAttr>("sym_visibility");
      if (visibility && visibility.getValue() == "private" && !func.isExternal())
        func.setLinkage(LLVM::Linkage::Internal);
    });
  }
};

} // namespace
} // namespace omc
