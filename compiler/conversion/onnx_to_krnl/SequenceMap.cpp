//===- SequenceMap.cpp - SequenceMap -> a loop over the elements -------------===//
//
// SequenceMap runs its body once per element of the first input sequence: the body
// sees element i of every input sequence (and the whole of every input tensor), and
// element i of every output sequence is what it yields. The body moves into an
// scf.execute_region inside an scf.for, as Loop's does (ControlFlow.cpp), so its
// onnx.Yield yields owned buffers that the output sequences take over.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace omc {
namespace {

struct SequenceMapLowering : OpConversionPattern<onnx::SequenceMapOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SequenceMapOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const TypeConverter *converter = getTypeConverter();
    Block &body = op.getBody().front();
    SmallVector<Value> inputs{adaptor.getInputSequence()};
    llvm::append_range(inputs, adaptor.getAdditionalInputs());
    Operation *yield = body.getTerminator();
    if (body.getNumArguments() != inputs.size() ||
        yield->getNumOperands() != op.getNumResults())
      return rewriter.notifyMatchFailure(
          op, "SequenceMap body must take one value per input and yield one per output");
    SmallVector<MemRefType> outputTypes, elementTypes;
    for (Value result : op.getResults()) {
      MemRefType type = nestedResultType(converter, result);
      if (!type)
        return rewriter.notifyMatchFailure(op, "output elements of unknown rank");
      outputTypes.push_back(type);
      elementTypes.push_back(cast<MemRefType>(type.getElementType()));
    }
    for (Value input : inputs)
      if (!isa<MemRefType>(input.getType()))
        return rewriter.notifyMatchFailure(op, "input of unknown rank");

    Location loc = op.getLoc();
    Value count = elementCount(rewriter, loc, inputs.front());
    SmallVector<Value> outputs;
    for (MemRefType type : outputTypes)
      outputs.push_back(allocSequence(rewriter, loc, type, count));

    forEachElement(rewriter, loc, indexConstant(rewriter, loc, 0), count,
                   [&](OpBuilder &, Value i) {
                     mapElement(op, rewriter, inputs, body, i, elementTypes, outputs);
                   });
    rewriter.replaceOp(op, outputs);
    return success();
  }

  // Element i of every output: the body run on element i of every input sequence.
  void mapElement(onnx::SequenceMapOp op, ConversionPatternRewriter &rewriter,
                  ArrayRef<Value> inputs, Block &body, Value i,
                  ArrayRef<MemRefType> elementTypes, ArrayRef<Value> outputs) const {
    const TypeConverter *converter = getTypeConverter();
    Location loc = op.getLoc();
    SmallVector<Value> args;
    for (auto [k, input] : llvm::enumerate(inputs)) {
      Value arg = input;
      // A sequence input gives the body its element i (a sequence body input would
      // be a sequence of sequences, which ONNX does not have).
      if (isa<onnx::SeqType>(op->getOperand(k).getType()))
        arg = memref::LoadOp::create(rewriter, loc, input, ValueRange{i});
      auto want = dyn_cast_or_null<MemRefType>(
          converter->convertType(body.getArgument(k).getType()));
      if (want && want != arg.getType() &&
          memref::CastOp::areCastCompatible(arg.getType(), want))
        arg = memref::CastOp::create(rewriter, loc, want, arg);
      args.push_back(arg);
    }
    SmallVector<Type> types(elementTypes.begin(), elementTypes.end());
    auto exec = scf::ExecuteRegionOp::create(rewriter, loc, types);
    {
      OpBuilder::InsertionGuard inner(rewriter);
      Block *block = rewriter.createBlock(&exec.getRegion());
      rewriter.inlineBlockBefore(&body, block, block->end(), args);
    }
    for (auto [j, output] : llvm::enumerate(outputs))
      memref::StoreOp::create(rewriter, loc, exec.getResult(j), output, ValueRange{i});
  }
};

} // namespace

void populateSequenceMapPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<SequenceMapLowering>(converter, patterns.getContext());
}

} // namespace omc
