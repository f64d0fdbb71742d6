//===- Einsum.cpp - Einsum -> krnl --------------------------------------------===//
//
// The equation is parsed at compile time into one label per dim of each operand
// and of the result; "..." stands for as many labels as the operand has dims left
// (right-aligned across operands, broadcasting size-1 dims, as numpy does). The
// result starts at zero; one nest runs over every label, the result's first, and
// adds the product of the operands' elements at those labels into the result
// element. That one form covers matmuls, inner products, sums, transposes and
// diagonals (a label repeated in one operand).
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <map>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

// Letters are their character; the dims of the ellipsis are kEllipsis + k, the
// k-th counted from the left of the widest ellipsis.
constexpr int kEllipsis = 256;

struct Equation {
  SmallVector<SmallVector<int>> operands;
  SmallVector<int> result;
};

// Parses one term ("ab...c") for an operand of `rank` dims (or, for the result,
// rank < 0 with the ellipsis `ellipsisRank` wide).
FailureOr<SmallVector<int>> parseTerm(StringRef term, int64_t rank, int64_t ellipsisRank) {
  size_t dots = term.find("...");
  if (dots != StringRef::npos && term.find("...", dots + 1) != StringRef::npos)
    return failure();
  int64_t letters = term.size() - (dots == StringRef::npos ? 0 : 3);
  int64_t width = rank >= 0 ? rank - letters : ellipsisRank;
  if (width < 0 || (dots == StringRef::npos && rank >= 0 && width != 0))
    return failure();
  SmallVector<int> labels;
  for (size_t i = 0; i < term.size(); ++i) {
    if (i == dots) {
      for (int64_t k = 0; k < width; ++k)
        labels.push_back(kEllipsis + ellipsisRank - width + k);
      i += 2;
    } else if (llvm::isAlpha(term[i])) {
      labels.push_back(term[i]);
    } else {
      return failure();
    }
  }
  return labels;
}

FailureOr<Equation> parseEquation(StringRef text, ArrayRef<int64_t> ranks) {
  std::string compact;
  for (char c : text)
    if (!llvm::isSpace(c))
      compact.push_back(c);
  StringRef equation(compact);
  auto [lhs, rhs] = equation.split("->");
  bool explicitResult = equation.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size())
    return failure();
  // The widest ellipsis first: it sets the number of ellipsis labels.
  int64_t ellipsisRank = 0;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    if (!term.contains("..."))
      continue;
    int64_t letters = term.size() - 3;
    ellipsisRank = std::max(ellipsisRank, rank - letters);
  }
  Equation parsed;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    auto labels = parseTerm(term, rank, ellipsisRank);
    if (failed(labels))
      return failure();
    parsed.operands.push_back(*labels);
  }
  if (explicitResult) {
    auto labels = parseTerm(rhs, -1, ellipsisRank);
    if (failed(labels))
      return failure();
    parsed.result = *labels;
    return parsed;
  }
  // Implicit: the ellipsis, then the letters used once, in alphabetical order.
  for (int64_t k = 0; k < ellipsisRank; ++k)
    parsed.result.push_back(kEllipsis + k);
  std::map<int, int> uses;
  for (auto &labels : parsed.operands)
    for (int label : labels)
      if (label < kEllipsis)
        ++uses[label];
  for (auto [label, count] : uses)
    if (count == 1)
      parsed.result.push_back(label);
  return parsed;
}

struct EinsumLowering : OpConversionPattern<onnx::EinsumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::EinsumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    SmallVector<int64_t> ranks;
    for (Value input : adaptor.getInputs()) {
      auto type = dyn_cast<MemRefType>(input.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, "needs ranked inputs");
      ranks.push_back(type.getRank());
    }
    if (!resultType || ranks.empty())
      return rewriter.notifyMatchFailure(op, "needs a ranked result and an input");
    Type element = resultType.getElementType();
    if (!isa<FloatType>(element) && !isa<IntegerType>(element))
      return rewriter.notifyMatchFailure(op, "needs int or float elements");
    auto equation = parseEquation(op.getEquation(), ranks);
    if (failed(equation))
      return rewriter.notifyMatchFailure(op, "cannot parse the equation for these input ranks");
    if ((int64_t)equation->result.size() != resultType.getRank())
      return rewriter.notifyMatchFailure(op, "the equation's result rank is not the result's");

    // Every label's size: the largest dim it names (size-1 dims broadcast).
    std::map<int, Value> sizes;
    for (auto [input, labels] : llvm::zip(adaptor.getInputs(), equation->operands)) {
      SmallVector<Value> dims = getDims(rewriter, loc, input);
      for (auto [label, dim] : llvm::zip(labels, dims)) {
        auto [it, inserted] = sizes.try_emplace(label, dim);
        if (!inserted)
          it->second = arith::MaxSIOp::create(rewriter, loc, it->second, dim);
      }
    }
    // The loop order: the result's labels, then the summed ones.
    SmallVector<int> loops(equation->result);
    SmallVector<Value> resultDims, loopDims;
    for (int label : equation->result) {
      auto it = sizes.find(label);
      if (it == sizes.end() || llvm::count(equation->result, label) != 1)
        return rewriter.notifyMatchFailure(op, "a result label is repeated or in no input");
      resultDims.push_back(it->second);
    }
    for (auto &[label, size] : sizes)
      if (!llvm::is_contained(loops, label))
        loops.push_back(label);
    for (int label : loops)
      loopDims.push_back(sizes[label]);

    Value result = allocBuffer(rewriter, loc, resultType, resultDims);
    buildLoopNest(rewriter, loc, resultDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, constantOf(b, loc, element, 0), result, ivs);
    });
    bool isFloat = isa<FloatType>(element);
    buildLoopNest(rewriter, loc, loopDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      auto ivOf = [&](int label) { return ivs[llvm::find(loops, label) - loops.begin()]; };
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value product;
      for (auto [input, labels] : llvm::zip(adaptor.getInputs(), equation->operands)) {
        auto type = cast<MemRefType>(input.getType());
        SmallVector<Value> at;
        for (auto [d, label] : llvm::enumerate(labels)) {
          Value index = ivOf(label);
          if (!type.isDynamicDim(d) && type.getDimSize(d) == 1) {
            index = zero; // broadcast
          } else if (type.isDynamicDim(d)) {
            Value dim = getDims(b, loc, input)[d];
            Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim, one);
            index = arith::SelectOp::create(b, loc, isOne, zero, index);
          }
          at.push_back(index);
        }
        Value x = krnl::LoadOp::create(b, loc, input, at);
        if (!product)
          product = x;
        else
          product = isFloat ? Value(arith::MulFOp::create(b, loc, product, x))
                            : Value(arith::MulIOp::create(b, loc, product, x));
      }
      SmallVector<Value> to;
      for (int label : equation->result)
        to.push_back(ivOf(label));
      Value acc = krnl::LoadOp::create(b, loc, result, to);
      Value sum = isFloat ? Value(arith::AddFOp::create(b, loc, acc, product))
                          : Value(arith::AddIOp::create(b, loc, acc, product));
      krnl::StoreOp::create(b, loc, sum, result, to);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateEinsumPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<EinsumLowering>(converter, patterns.getContext());
}

} // namespace omc
