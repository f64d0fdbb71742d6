//===- ConvertKrnlToLLVMPass.cpp - the convert-krnl-to-llvm pass --------------===//

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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_CONVERTKRNLTOLLVM
#include "compiler/conversion/krnl_to_llvm/Passes.h.inc"

namespace {

struct ConvertKrnlToLLVM : impl::ConvertKrnlToLLVMBase<ConvertKrnlToLLVM> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(generateEntryPointABI(module)))
      return signalPassFailure();

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
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();

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
