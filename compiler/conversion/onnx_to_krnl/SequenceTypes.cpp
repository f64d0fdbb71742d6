//===- SequenceTypes.cpp - element ranks of sequences and optionals ---------===//
//
// ONNX's shape inference often types a sequence `!onnx.seq<tensor<*xf32>>`: the
// elements' shapes may differ, so it gives up on the rank too. Buffers need a rank
// (Sequence.h), so before the conversion the ranks are inferred from the values each
// sequence is built from or taken apart into: the values an op ties together (a
// SequenceInsert's input sequence, tensor and result; an If's branch outputs and
// result; a Loop's carried values; ...) hold tensors of one rank. The ties are applied
// until nothing changes; values no tie reaches keep their unknown rank, and lowering
// them fails with that reason.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace omc {
namespace {

// The tensor type inside `type` (itself, or what a sequence or optional holds).
TensorType leafTensor(Type type) {
  if (auto seq = dyn_cast<onnx::SeqType>(type))
    return leafTensor(seq.getElementType());
  if (auto opt = dyn_cast<onnx::OptType>(type))
    return leafTensor(opt.getElementType());
  return dyn_cast<TensorType>(type);
}

std::optional<int64_t> leafRank(Type type) {
  auto tensor = dyn_cast_or_null<RankedTensorType>(leafTensor(type));
  if (!tensor)
    return std::nullopt;
  return tensor.getRank();
}

// `type` with its unranked leaf tensor given `rank` dynamic dims.
Type withLeafRank(Type type, int64_t rank) {
  MLIRContext *context = type.getContext();
  if (auto seq = dyn_cast<onnx::SeqType>(type))
    return onnx::SeqType::get(context, withLeafRank(seq.getElementType(), rank));
  if (auto opt = dyn_cast<onnx::OptType>(type))
    return onnx::OptType::get(context, withLeafRank(opt.getElementType(), rank));
  if (auto tensor = dyn_cast<UnrankedTensorType>(type))
    return RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                 tensor.getElementType());
  return type;
}

// Gives the sequences and optionals among `values` the rank `rank` where theirs is
// unknown. Plain tensors only inform: their types are the rest of the compiler's.
bool assignRank(ArrayRef<Value> values, std::optional<int64_t> rank) {
  if (!rank)
    return false;
  bool changed = false;
  for (Value value : values) {
    Type type = value.getType();
    if (!isa<onnx::SeqType, onnx::OptType>(type) || leafRank(type))
      continue;
    value.setType(withLeafRank(type, *rank));
    changed = true;
  }
  return changed;
}

// Ties `values` together: the first known rank among them goes to the others.
bool tie(ArrayRef<Value> values) {
  for (Value value : values)
    if (value && !isa<NoneType>(value.getType()))
      if (std::optional<int64_t> rank = leafRank(value.getType())) {
        SmallVector<Value> present;
        for (Value v : values)
          if (v && !isa<NoneType>(v.getType()))
            present.push_back(v);
        return assignRank(present, rank);
      }
  return false;
}

// One pass over the ties of `op`; true when a type changed.
bool refineOp(Operation *op) {
  bool changed = false;
  auto tieAll = [&](ArrayRef<Value> values) { changed |= tie(values); };
  if (auto construct = dyn_cast<onnx::SequenceConstructOp>(op)) {
    SmallVector<Value> values(construct.getInputs());
    values.push_back(construct.getResult());
    tieAll(values);
  } else if (auto insert = dyn_cast<onnx::SequenceInsertOp>(op)) {
    tieAll({insert.getInputSequence(), insert.getTensor(), insert.getResult()});
  } else if (auto erase = dyn_cast<onnx::SequenceEraseOp>(op)) {
    tieAll({erase.getInputSequence(), erase.getResult()});
  } else if (auto at = dyn_cast<onnx::SequenceAtOp>(op)) {
    tieAll({at.getInputSequence(), at.getResult()});
  } else if (auto identity = dyn_cast<onnx::IdentityOp>(op)) {
    tieAll({identity.getInput(), identity.getResult()});
  } else if (auto optional = dyn_cast<onnx::OptionalOp>(op)) {
    tieAll({optional.getInput(), optional.getResult()});
  } else if (auto get = dyn_cast<onnx::OptionalGetElementOp>(op)) {
    tieAll({get.getInput(), get.getResult()});
  } else if (auto split = dyn_cast<onnx::SplitToSequenceOp>(op)) {
    // Parts keep the input's rank, except single slices without keepdims.
    if (auto input = dyn_cast<RankedTensorType>(split.getInput().getType())) {
      bool squeeze = isa<NoneType>(split.getSplit().getType()) && split.getKeepdims() == 0;
      changed |= assignRank({split.getResult()}, input.getRank() - (squeeze ? 1 : 0));
    }
  } else if (auto concat = dyn_cast<onnx::ConcatFromSequenceOp>(op)) {
    if (auto result = dyn_cast<RankedTensorType>(concat.getResult().getType()))
      changed |= assignRank({concat.getInputSequence()},
                            result.getRank() - (concat.getNewAxis() ? 1 : 0));
  } else if (auto ifOp = dyn_cast<onnx::IfOp>(op)) {
    Operation *thenYield = ifOp.getThenBranch().front().getTerminator();
    Operation *elseYield = ifOp.getElseBranch().front().getTerminator();
    for (auto [i, result] : llvm::enumerate(ifOp.getResults()))
      if (i < thenYield->getNumOperands() && i < elseYield->getNumOperands())
        tieAll({result, thenYield->getOperand(i), elseYield->getOperand(i)});
  } else if (auto loop = dyn_cast<onnx::LoopOp>(op)) {
    Block &body = loop.getBody().front();
    Operation *yield = body.getTerminator();
    for (auto [i, init] : llvm::enumerate(loop.getVInitial()))
      if (i + 2 < body.getNumArguments() && i + 1 < yield->getNumOperands() &&
          i < loop.getNumResults())
        tieAll({init, body.getArgument(i + 2), yield->getOperand(i + 1), loop.getResult(i)});
  } else if (auto map = dyn_cast<onnx::SequenceMapOp>(op)) {
    Block &body = map.getBody().front();
    Operation *yield = body.getTerminator();
    SmallVector<Value> inputs{map.getInputSequence()};
    llvm::append_range(inputs, map.getAdditionalInputs());
    for (auto [i, input] : llvm::enumerate(inputs))
      if (i < body.getNumArguments())
        tieAll({input, body.getArgument(i)});
    for (auto [j, result] : llvm::enumerate(map.getResults()))
      if (j < yield->getNumOperands())
        tieAll({result, yield->getOperand(j)});
  }
  return changed;
}

} // namespace

void refineSequenceTypes(ModuleOp module) {
  bool changed = true;
  while (changed) {
    changed = false;
    module.walk([&](Operation *op) { changed |= refineOp(op); });
  }
  // Function signatures follow their arguments and returned values.
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    func.setType(FunctionType::get(module.getContext(), func.getBody().getArgumentTypes(),
                                   returnOp.getOperandTypes()));
  }
}

} // namespace omc
