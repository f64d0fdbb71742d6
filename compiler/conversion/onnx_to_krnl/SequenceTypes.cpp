//===- SequenceTypes.cpp - element ranks of sequences and optionals ---------===//
//
// ONNX's shape inference often types a sequence `!onnx.seq<tensor<*xf32>>`: the
// elements' shapes may differ, so it gives up on the rank too. Buffers need a rank
// (Sequence.h), so before the conversion the ranks are inferred from the values each
// sequence is built from or taken apart into: the values an op ties together (a
// SequenceInsert's input sequence, tensor and result; an If's branch outputs and
// result; a Loop's carried values; ...) hold tensors of one rank. Tied values form
// classes (union-find); a class takes the rank of the tensors that go in or come out
// (the evidence), else the rank its declared types agree on. Evidence wins over a
// declared type: some models declare `tensor<f32>` (rank 0) for an element type they
// mean as unknown and then insert vectors. A class with no rank, or conflicting ones,
// keeps its types, and lowering it fails with that reason.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallSet.h"

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

// `type` with its leaf tensor of rank `rank` (all dims dynamic when the rank changes).
Type withLeafRank(Type type, int64_t rank) {
  MLIRContext *context = type.getContext();
  if (auto seq = dyn_cast<onnx::SeqType>(type))
    return onnx::SeqType::get(context, withLeafRank(seq.getElementType(), rank));
  if (auto opt = dyn_cast<onnx::OptType>(type))
    return onnx::OptType::get(context, withLeafRank(opt.getElementType(), rank));
  auto tensor = cast<TensorType>(type);
  if (tensor.hasRank() && tensor.getRank() == rank)
    return type;
  return RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                               tensor.getElementType());
}

bool isWrapper(Value value) {
  return value && isa<onnx::SeqType, onnx::OptType>(value.getType());
}

// Classes of sequence and optional values whose tensors share a rank.
class RankClasses {
public:
  Value find(Value value) {
    auto it = parent.find(value);
    if (it == parent.end()) {
      parent[value] = value;
      order.push_back(value);
      return value;
    }
    if (it->second == value)
      return value;
    Value root = find(it->second);
    parent[value] = root;
    return root;
  }

  // Ties `values`: the wrappers join one class, ranked plain tensors are its evidence.
  void tie(ArrayRef<Value> values) {
    Value root;
    for (Value value : values)
      if (isWrapper(value)) {
        Value r = find(value);
        if (root && r != root)
          parent[r] = root;
        else
          root = r;
      }
    if (!root)
      return;
    for (Value value : values)
      if (value && !isWrapper(value))
        if (auto tensor = dyn_cast<RankedTensorType>(value.getType()))
          addEvidence(root, tensor.getRank());
  }

  void addEvidence(Value value, int64_t rank) { evidence[find(value)].insert(rank); }

  // Gives every class its rank (see the top).
  void apply() {
    DenseMap<Value, llvm::SmallSet<int64_t, 2>> seen, declared;
    for (auto &[value, ranks] : evidence)
      seen[find(value)].insert(ranks.begin(), ranks.end());
    for (Value value : order)
      if (std::optional<int64_t> rank = leafRank(value.getType()))
        declared[find(value)].insert(*rank);
    for (Value value : order) {
      Value root = find(value);
      const auto &ranks = seen[root].empty() ? declared[root] : seen[root];
      if (ranks.size() != 1)
        continue;
      value.setType(withLeafRank(value.getType(), *ranks.begin()));
    }
  }

private:
  DenseMap<Value, Value> parent;
  SmallVector<Value> order;
  DenseMap<Value, llvm::SmallSet<int64_t, 2>> evidence;
};

void collectTies(Operation *op, RankClasses &classes) {
  auto tie = [&](ArrayRef<Value> values) { classes.tie(values); };
  if (auto construct = dyn_cast<onnx::SequenceConstructOp>(op)) {
    SmallVector<Value> values(construct.getInputs());
    values.push_back(construct.getResult());
    tie(values);
  } else if (auto insert = dyn_cast<onnx::SequenceInsertOp>(op)) {
    tie({insert.getInputSequence(), insert.getTensor(), insert.getResult()});
  } else if (auto erase = dyn_cast<onnx::SequenceEraseOp>(op)) {
    tie({erase.getInputSequence(), erase.getResult()});
  } else if (auto at = dyn_cast<onnx::SequenceAtOp>(op)) {
    tie({at.getInputSequence(), at.getResult()});
  } else if (auto identity = dyn_cast<onnx::IdentityOp>(op)) {
    tie({identity.getInput(), identity.getResult()});
  } else if (auto optional = dyn_cast<onnx::OptionalOp>(op)) {
    tie({optional.getInput(), optional.getResult()});
  } else if (auto get = dyn_cast<onnx::OptionalGetElementOp>(op)) {
    tie({get.getInput(), get.getResult()});
  } else if (auto split = dyn_cast<onnx::SplitToSequenceOp>(op)) {
    // Parts keep the input's rank, except single slices without keepdims.
    tie({split.getResult()});
    if (auto input = dyn_cast<RankedTensorType>(split.getInput().getType())) {
      bool squeeze = isa<NoneType>(split.getSplit().getType()) && split.getKeepdims() == 0;
      classes.addEvidence(split.getResult(), input.getRank() - (squeeze ? 1 : 0));
    }
  } else if (auto concat = dyn_cast<onnx::ConcatFromSequenceOp>(op)) {
    tie({concat.getInputSequence()});
    if (auto result = dyn_cast<RankedTensorType>(concat.getResult().getType()))
      classes.addEvidence(concat.getInputSequence(),
                          result.getRank() - (concat.getNewAxis() ? 1 : 0));
  } else if (auto ifOp = dyn_cast<onnx::IfOp>(op)) {
    Operation *thenYield = ifOp.getThenBranch().front().getTerminator();
    Operation *elseYield = ifOp.getElseBranch().front().getTerminator();
    for (auto [i, result] : llvm::enumerate(ifOp.getResults()))
      if (i < thenYield->getNumOperands() && i < elseYield->getNumOperands())
        tie({result, thenYield->getOperand(i), elseYield->getOperand(i)});
  } else if (auto loop = dyn_cast<onnx::LoopOp>(op)) {
    Block &body = loop.getBody().front();
    Operation *yield = body.getTerminator();
    for (auto [i, init] : llvm::enumerate(loop.getVInitial()))
      if (i + 2 < body.getNumArguments() && i + 1 < yield->getNumOperands() &&
          i < loop.getNumResults())
        tie({init, body.getArgument(i + 2), yield->getOperand(i + 1), loop.getResult(i)});
  } else if (auto map = dyn_cast<onnx::SequenceMapOp>(op)) {
    Block &body = map.getBody().front();
    Operation *yield = body.getTerminator();
    SmallVector<Value> inputs{map.getInputSequence()};
    llvm::append_range(inputs, map.getAdditionalInputs());
    for (auto [i, input] : llvm::enumerate(inputs))
      if (i < body.getNumArguments())
        tie({input, body.getArgument(i)});
    for (auto [j, result] : llvm::enumerate(map.getResults()))
      if (j < yield->getNumOperands())
        tie({result, yield->getOperand(j)});
  } else {
    // Any other use or definition of a wrapper (a graph input, a return) belongs to
    // a class of its own at least.
    for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
      if (isWrapper(value))
        tie({value});
  }
}

} // namespace

void refineSequenceTypes(ModuleOp module) {
  RankClasses classes;
  module.walk([&](Operation *op) { collectTies(op, classes); });
  classes.apply();
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
