//===- DeviceWeights.h - one device copy of each weight per loaded library ---===//
//
// A weight is the same on every run, so copying it to the GPU on every run would
// cost more than the kernels that read it (GPT-2's 500 MB against a few ms of
// work). Instead, a slot of the library's own (a zero-initialized global) holds its
// device copy: the runtime's mgpuOmcDeviceWeight makes the copy when the slot is
// empty and frees it when it unloads the library (runtime/src/cuda_layer.cc).
//
//===----------------------------------------------------------------------===//
#ifndef OMC_TARGETS_NVPTX_DEVICEWEIGHTS_H
#define OMC_TARGETS_NVPTX_DEVICEWEIGHTS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace omc::nvptx {

// The runtime function that returns a weight's device copy:
// void *mgpuOmcDeviceWeight(void **slot, const void *host, uint64_t bytes).
inline constexpr llvm::StringLiteral kDeviceWeightFunction = "mgpuOmcDeviceWeight";

// Before `weight`'s uses: a memref of its device copy, through a new slot in
// `symbols`' module. Null when its element size is not known here (the caller copies
// such a weight on every run instead).
mlir::Value createDeviceWeight(mlir::OpBuilder &builder, mlir::memref::GetGlobalOp weight,
                               mlir::SymbolTable &symbols);

} // namespace omc::nvptx

#endif // OMC_TARGETS_NVPTX_DEVICEWEIGHTS_H
