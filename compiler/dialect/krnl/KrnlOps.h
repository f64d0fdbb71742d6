//===- KrnlOps.h - the krnl dialect and its ops -------------------------------===//
#ifndef OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H
#define OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "compiler/dialect/krnl/KrnlDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "compiler/dialect/krnl/KrnlTypes.h.inc"

#define GET_OP_CLASSES
#include "compiler/dialect/krnl/KrnlOps.h.inc"

#endif // OMC_COMPILER_DIALECT_KRNL_KRNLOPS_H
