//===- Registration.cpp - omc's dialects and passes ---------------------------===//

#include "compiler/codegen/Passes.h"
#include "compiler/conversion/krnl_to_affine/Passes.h"
#include "compiler/conversion/krnl_to_llvm/Passes.h"
#include "compiler/conversion/onnx_to_krnl/Passes.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"
#include "compiler/parallel/Passes.h"
#include "compiler/pipeline/Pipeline.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

namespace omc {

void registerOmcDialects(mlir::DialectRegistry &registry) {
  registry.insert<onnx::ONNXDialect, krnl::KrnlDialect, mlir::affine::AffineDialect,
                  mlir::arith::ArithDialect, mlir::cf::ControlFlowDialect,
                  mlir::func::FuncDialect, mlir::LLVM::LLVMDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect, mlir::ub::UBDialect>();
  registry.insert<mlir::linalg::LinalgDialect, mlir::vector::VectorDialect>();
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
}

void registerOmcPasses() {
  onnx::registerONNXPasses();
  registerONNXToKrnlPasses();
  registerKrnlToAffinePasses();
  registerKrnlToLLVMPasses();
  registerCodegenPasses();
  registerParallelPasses();
}

} // namespace omc
