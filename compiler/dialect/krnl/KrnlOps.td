//===- KrnlOps.td - the krnl dialect -----------------------------*- tablegen -*-===//
//
// krnl sits between onnx and affine: target-agnostic loop nests over buffers.
// A nest is described by loop handles (define_loops) that schedule ops (block,
// permute) transform, and an iterate op that gives the original loops their
// bounds and holds the body. krnl -> affine turns that into affine.for nests.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_KRNL_OPS
#define OMC_KRNL_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Krnl_Dialect : Dialect {
  let name = "krnl";
  let summary = "Loop nests over buffers, below onnx and above affine.";
  let cppNamespace = "::omc::krnl";
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

class Krnl_Op<string mnemonic, list<Trait> traits = []>
    : Op<Krnl_Dialect, mnemonic, traits>;

def Krnl_LoopType : TypeDef<Krnl_Dialect, "Loop"> {
  let mnemonic = "loop";
  let summary = "a handle on one loop of a nest, for scheduling ops";
}

//===----------------------------------------------------------------------===//
// Loops
//===----------------------------------------------------------------------===//

def Krnl_DefineLoopsOp : Krnl_Op<"define_loops"> {
  let summary = "defines loop handles";
  let description = [{
    `%l:2 = krnl.define_loops 2` makes two handles. Each names one loop of a
    krnl.iterate nest, and block/permute ops on the handles say how that nest is
    scheduled.
  }];
  let results = (outs Variadic<Krnl_LoopType>:$loops);
  let hasCustomAssemblyFormat = 1;
  let builders = [OpBuilder<(ins "int64_t":$count)>];
}

def Krnl_BlockOp : Krnl_Op<"block"> {
  let summary = "splits a loop into an outer loop of tiles and an inner loop in a tile";
  let arguments = (ins Krnl_LoopType:$loop, ConfinedAttr<I64Attr, [IntPositive]>:$tile_size);
  let results = (outs Krnl_LoopType:$outer, Krnl_LoopType:$inner);
  let assemblyFormat = "$loop $tile_size attr-dict";
}

def Krnl_PermuteOp : Krnl_Op<"permute"> {
  let summary = "reorders the loops of a nest";
  let description = [{
    `krnl.permute(%a, %b, %c) [2, 0, 1]` moves loop `%a` to depth 2, `%b` to
    depth 0 and `%c` to depth 1 (depth 0 is outermost). The handles are the loops
    of one nest after blocking, outermost first.
  }];
  let arguments = (ins Variadic<Krnl_LoopType>:$loops, DenseI64ArrayAttr:$map);
  let assemblyFormat = "`(` $loops `)` $map attr-dict";
  let hasVerifier = 1;
}

def Krnl_IterateOp : Krnl_Op<"iterate", [
    AttrSizedOperandSegments,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a loop nest: the original loops, their bounds and the body";
  let description = [{
    Runs the body for every point of [lowerBounds[i], upperBounds[i]) of each loop,
    with the induction variables as block arguments, outermost loop first. The
    schedule (block, permute) applied to the loop handles decides the order.
  }];
  let arguments = (ins Variadic<Krnl_LoopType>:$loops,
                       Variadic<Index>:$lowerBounds,
                       Variadic<Index>:$upperBounds);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $loops `)` `from` `(` $lowerBounds `)` `to` `(` $upperBounds `)` $body attr-dict
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    // Builds the nest and calls `bodyBuilder` with the induction variables.
    OpBuilder<(ins "::mlir::ValueRange":$loops, "::mlir::ValueRange":$lowerBounds,
                   "::mlir::ValueRange":$upperBounds,
                   "::llvm::function_ref<void(::mlir::OpBuilder &, ::mlir::Location, ::mlir::ValueRange)>":$bodyBuilder)>
  ];
  let extraClassDeclaration = [{
    ::mlir::Block *getBodyBlock() { return &getBody().front(); }
    ::mlir::Block::BlockArgListType getInductionVars() {
      return getBodyBlock()->getArguments();
    }
  }];
}

def Krnl_YieldOp : Krnl_Op<"yield", [Pure, Terminator, HasParent<"IterateOp">]> {
  let summary = "ends the body of a krnl.iterate";
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Krnl_LoadOp : Krnl_Op<"load", [
    TypesMatchWith<"result type matches the element type of the memref",
                   "memref", "result",
                   "::llvm::cast<::mlir::MemRefType>($_self).getElementType()">]> {
  let summary = "reads one element; becomes affine.load where the indices are affine";
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$memref, Variadic<Index>:$indices);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$memref `[` $indices `]` attr-dict `:` type($memref)";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$memref, "::mlir::ValueRange":$indices), [{
      build($_builder, $_state,
            ::llvm::cast<::mlir::MemRefType>(memref.getType()).getElementType(),
            memref, indices);
    }]>
  ];
}

def Krnl_StoreOp : Krnl_Op<"store", [
    TypesMatchWith<"value type matches the element type of the memref",
                   "memref", "value",
                   "::llvm::cast<::mlir::MemRefType>($_self).getElementType()">]> {
  let summary = "writes one element; becomes affine.store where the indices are affine";
  let arguments = (ins AnyType:$value, Arg<AnyMemRef, "", [MemWrite]>:$memref,
                       Variadic<Index>:$indices);
  let assemblyFormat = "$value `,` $memref `[` $indices `]` attr-dict `:` type($memref)";
}

def Krnl_GlobalOp : Krnl_Op<"global", [Pure]> {
  let summary = "a constant buffer: the model's weights and constants";
  let arguments = (ins StrAttr:$name, ElementsAttr:$value);
  let results = (outs AnyStaticShapeMemRef:$output);
  let assemblyFormat = "$name attr-dict `:` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Products
//===----------------------------------------------------------------------===//

def Krnl_MatmulPanelsOp : Krnl_Op<"matmul_panels", [AttrSizedOperandSegments]> {
  let summary = "C = A * B (+ a bias per row, + an addend), with B stored as column panels";
  let description = [{
    B [K, N] is held as `panels` [P, K, W]: panel p holds B's columns [p * W, p * W + W),
    row by row, and is zero past N:

      C[m, n] = bias[m] + addend[m, n] + sum_k A[m, k] * panels[n floordiv W, k, n mod W]

    with bias and addend 0 when absent. A producer that writes B anyway (a convolution's
    patches) writes it in the layout the target's matmul kernel reads, with W its register
    tile's width, so that no matmul packs B again; the kernel starts its tiles from the
    bias and the addend's tile (a residual connection), so that no pass fills C first or
    adds to it after. `omc.epilogue` applies to the whole sum, as on linalg.matmul
    (krnl::kMatmulEpilogueAttr).
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$a,
                       Arg<AnyMemRef, "", [MemRead]>:$panels,
                       Arg<AnyMemRef, "", [MemWrite]>:$c,
                       Arg<Optional<AnyMemRef>, "", [MemRead]>:$bias,
                       Arg<Optional<AnyMemRef>, "", [MemRead]>:$addend);
  let assemblyFormat = [{
    $a `,` $panels `,` $c (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`addend` `(` $addend^ `:` type($addend) `)`)? attr-dict `:` type($a) `,`
    type($panels) `,` type($c)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

def Krnl_EntryPointOp : Krnl_Op<"entry_point"> {
  let summary = "exports a function through the omc model ABI";
  let description = [{
    Names a function the model library exports as `omc_run_<name>`, with the JSON
    signatures of its inputs and outputs (see runtime/include/omc/model_abi.h).
  }];
  let arguments = (ins FlatSymbolRefAttr:$func, StrAttr:$name,
                       StrAttr:$signature_in, StrAttr:$signature_out);
  let assemblyFormat = "$func attr-dict";
}

#endif // OMC_KRNL_OPS
