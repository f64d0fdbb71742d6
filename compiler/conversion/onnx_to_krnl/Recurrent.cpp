//===- Recurrent.cpp - RNN, GRU, LSTM -> krnl -------------------------------===//
//
// The three recurrent nets share one lowering; only the pointwise cell update differs.
// Per direction (unrolled: forward, reverse, or both), the hidden state H [batch, hidden]
// (and LSTM's cell state C) lives in a scratch buffer, initialized from initial_h/_c or
// zeros. Each time step (a krnl loop over the sequence, walked backwards for the reverse
// direction) runs two nests:
//
//   1. the gate pre-activations, for every (batch, gate * hidden + j):
//        xg = X[t] * W^T + Wb      hg = H * R^T + Rb
//      (GRU without linear_before_reset takes the hidden gate's hg from
//      (r (.) H) * Rh^T + Rbh instead, with r from the gates before it);
//   2. the cell update, for every (batch, j): the gates' activations, the new H (and C),
//      written to the state and to Y.
//
// With sequence_lens, a step at or past a batch entry's length keeps that entry's state
// and writes zeros into Y; walking the reverse direction from the last step backwards
// thus starts each entry at its own last step, as ONNX asks. Y_h / Y_c are the final
// states. Arithmetic runs in floatComputeType (f16 widens to f32). Layout 1 swaps the
// batch dim ahead of the sequence (X, Y) or direction (initial_h/_c, Y_h/_c) dim.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <optional>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace omc {
namespace {

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

enum class Act {
  Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu,
  Softsign, Softplus
};

struct Activation {
  Act kind;
  double alpha = 0, beta = 0;
};

// The activation named `name` (ONNX names, any case) with its default alpha and beta
// (those of the standalone ops; Affine and ScaledTanh default to the identity).
std::optional<Activation> activationNamed(StringRef name) {
  std::string lower = name.lower();
  if (lower == "relu") return Activation{Act::Relu};
  if (lower == "tanh") return Activation{Act::Tanh};
  if (lower == "sigmoid") return Activation{Act::Sigmoid};
  if (lower == "affine") return Activation{Act::Affine, 1.0, 0.0};
  if (lower == "leakyrelu") return Activation{Act::LeakyRelu, 0.01};
  if (lower == "thresholdedrelu") return Activation{Act::ThresholdedRelu, 1.0};
  if (lower == "scaledtanh") return Activation{Act::ScaledTanh, 1.0, 1.0};
  if (lower == "hardsigmoid") return Activation{Act::HardSigmoid, 0.2, 0.5};
  if (lower == "elu") return Activation{Act::Elu, 1.0};
  if (lower == "softsign") return Activation{Act::Softsign};
  if (lower == "softplus") return Activation{Act::Softplus};
  return std::nullopt;
}

bool takesAlpha(Act a) {
  return a == Act::Affine || a == Act::LeakyRelu || a == Act::ThresholdedRelu ||
         a == Act::ScaledTanh || a == Act::HardSigmoid || a == Act::Elu;
}
bool takesBeta(Act a) { return a == Act::Affine || a == Act::ScaledTanh || a == Act::HardSigmoid; }

Value applyActivation(OpBuilder &b, Location loc, const Activation &act, Value x) {
  Type type = x.getType();
  auto c = [&](double v) { return constantOf(b, loc, type, v); };
  auto mul = [&](Value l, Value r) { return arith::MulFOp::create(b, loc, l, r).getResult(); };
  auto add = [&](Value l, Value r) { return arith::AddFOp::create(b, loc, l, r).getResult(); };
  auto less = [&](Value l, Value r) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, l, r).getResult();
  };
  auto select = [&](Value cond, Value l, Value r) {
    return arith::SelectOp::create(b, loc, cond, l, r).getResult();
  };
  switch (act.kind) {
  case Act::Relu:
    return arith::MaximumFOp::create(b, loc, x, c(0));
  case Act::Tanh:
    return math::TanhOp::create(b, loc, x);
  case Act::Sigmoid: {
    Value expNeg = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, c(1), add(c(1), expNeg));
  }
  case Act::Affine:
    return add(mul(c(act.alpha), x), c(act.beta));
  case Act::LeakyRelu:
    return select(less(x, c(0)), mul(c(act.alpha), x), x);
  case Act::ThresholdedRelu:
    return select(less(c(act.alpha), x), x, c(0));
  case Act::ScaledTanh:
    return mul(c(act.alpha), math::TanhOp::create(b, loc, mul(c(act.beta), x)));
  case Act::HardSigmoid: {
    Value v = add(mul(c(act.alpha), x), c(act.beta));
    v = select(less(v, c(0)), c(0), v);
    return select(less(c(1), v), c(1), v);
  }
  case Act::Elu: {
    Value expm1 = arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x), c(1));
    return select(less(x, c(0)), mul(c(act.alpha), expm1), x);
  }
  case Act::Softsign:
    return arith::DivFOp::create(b, loc, x, add(c(1), math::AbsFOp::create(b, loc, x)));
  case Act::Softplus:
    return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
  }
  llvm_unreachable("unknown activation");
}

//===----------------------------------------------------------------------===//
// The shared lowering
//===----------------------------------------------------------------------===//

enum class Cell { RNN, GRU, LSTM };

// What the op asks for, with its attributes checked.
struct RecurrentSpec {
  Cell cell;
  int64_t gates;              // weight blocks in W and R: 1 (RNN), 3 (GRU), 4 (LSTM)
  int64_t perDirection;       // activations per direction: 1, 2, 3
  SmallVector<bool> reverse;  // one per direction: walks the sequence backwards
  int64_t layout = 0;
  std::optional<double> clip;
  bool linearBeforeReset = false; // GRU
  bool inputForget = false;       // LSTM
  SmallVector<Activation> acts;   // perDirection per direction
};

// The buffers: inputs (null when absent) and outputs (null when not asked for).
struct RecurrentBuffers {
  Value x, w, r, b, seqLens, initH, initC, p;
  Value y, yH, yC;
};

// Reads the direction, layout, clip and activation attributes into `spec`; a message
// naming what is wrong otherwise.
std::optional<std::string> readSpec(RecurrentSpec &spec, StringRef direction, int64_t layout,
                                    std::optional<APFloat> clip,
                                    std::optional<ArrayAttr> names,
                                    std::optional<ArrayAttr> alphas,
                                    std::optional<ArrayAttr> betas,
                                    ArrayRef<StringRef> defaults) {
  if (direction == "forward")
    spec.reverse = {false};
  else if (direction == "reverse")
    spec.reverse = {true};
  else if (direction == "bidirectional")
    spec.reverse = {false, true};
  else
    return "direction must be forward, reverse or bidirectional, not '" + direction.str() + "'";
  if (layout != 0 && layout != 1)
    return std::string("layout must be 0 or 1");
  spec.layout = layout;
  if (clip) {
    spec.clip = clip->convertToDouble();
    if (!(*spec.clip > 0))
      return std::string("clip must be positive");
  }

  // Activation names: perDirection per direction, forward's first. A list for one
  // direction serves both; RNN's default (Tanh, Tanh) is longer than a one-way net needs.
  int64_t numDirections = spec.reverse.size(), needed = spec.perDirection * numDirections;
  SmallVector<StringRef> list;
  if (names && !names->empty()) {
    for (Attribute a : *names)
      list.push_back(cast<StringAttr>(a).getValue());
  } else {
    list.assign(defaults.begin(), defaults.end());
  }
  if ((int64_t)list.size() == spec.perDirection && numDirections == 2)
    list.append(SmallVector<StringRef>(list));
  if ((int64_t)list.size() < needed)
    return "activations needs " + std::to_string(needed) + " names, got " +
           std::to_string(list.size());
  list.resize(needed);
  // alpha and beta are consumed in order by the activations that take them.
  SmallVector<double> alphaList, betaList;
  if (alphas)
    for (Attribute a : *alphas)
      alphaList.push_back(cast<FloatAttr>(a).getValueAsDouble());
  if (betas)
    for (Attribute a : *betas)
      betaList.push_back(cast<FloatAttr>(a).getValueAsDouble());
  size_t nextAlpha = 0, nextBeta = 0;
  for (StringRef name : list) {
    std::optional<Activation> act = activationNamed(name);
    if (!act)
      return "unknown activation '" + name.str() + "'";
    if (takesAlpha(act->kind) && nextAlpha < alphaList.size())
      act->alpha = alphaList[nextAlpha++];
    if (takesBeta(act->kind) && nextBeta < betaList.size())
      act->beta = betaList[nextBeta++];
    spec.acts.push_back(*act);
  }
  return std::nullopt;
}

// A scratch buffer of `element` with the sizes `dims` (static where they are constants).
Value scratch(OpBuilder &b, Location loc, Type element, ArrayRef<Value> dims) {
  SmallVector<int64_t> shape;
  for (Value d : dims)
    shape.push_back(getConstantIntValue(d).value_or(ShapedType::kDynamic));
  return allocBuffer(b, loc, MemRefType::get(shape, element), dims);
}

// Emits the whole net: for each direction, the state's initialization, the time loop and
// the final state's copy into Y_h / Y_c.
void emitRecurrence(OpBuilder &rb, Location loc, const RecurrentSpec &spec,
                    const RecurrentBuffers &io) {
  bool batchFirst = spec.layout == 1;
  Type element = cast<MemRefType>(io.x.getType()).getElementType();
  Type ct = floatComputeType(element);
  SmallVector<Value> xDims = getDims(rb, loc, io.x);
  Value seq = xDims[batchFirst ? 1 : 0], batch = xDims[batchFirst ? 0 : 1], input = xDims[2];
  Value hidden = getDims(rb, loc, io.r)[2];
  Value gateCols = rb.createOrFold<arith::MulIOp>(loc, hidden, indexConstant(rb, loc, spec.gates));

  Value h = scratch(rb, loc, ct, {batch, hidden});
  Value c = spec.cell == Cell::LSTM ? scratch(rb, loc, ct, {batch, hidden}) : Value();
  Value xg = scratch(rb, loc, ct, {batch, gateCols});
  Value hg = scratch(rb, loc, ct, {batch, gateCols});
  bool gruResetFirst = spec.cell == Cell::GRU && !spec.linearBeforeReset;
  Value resetH = gruResetFirst ? scratch(rb, loc, ct, {batch, hidden}) : Value();
  // GRU's z and r columns: the hidden gate's start.
  Value resetCols = gruResetFirst ? rb.createOrFold<arith::MulIOp>(
                                       loc, hidden, indexConstant(rb, loc, 2))
                                 : Value();

  auto load = [&](OpBuilder &b, Value buf, ValueRange at) {
    return castFloat(b, loc, krnl::LoadOp::create(b, loc, buf, at), ct);
  };
  // Index lists in the layout's order.
  auto xAt = [&](Value t, Value bi, Value k) -> SmallVector<Value> {
    return batchFirst ? SmallVector<Value>{bi, t, k} : SmallVector<Value>{t, bi, k};
  };
  auto stateAt = [&](Value d, Value bi, Value j) -> SmallVector<Value> {
    return batchFirst ? SmallVector<Value>{bi, d, j} : SmallVector<Value>{d, bi, j};
  };
  auto yAt = [&](Value t, Value d, Value bi, Value j) -> SmallVector<Value> {
    return batchFirst ? SmallVector<Value>{bi, t, d, j} : SmallVector<Value>{t, d, bi, j};
  };

  for (size_t dir = 0; dir < spec.reverse.size(); ++dir) {
    Value d = indexConstant(rb, loc, dir);
    ArrayRef<Activation> acts = ArrayRef<Activation>(spec.acts).slice(
        dir * spec.perDirection, spec.perDirection);
    // The activation of gate input `v`, clipped first when clip is set.
    auto activate = [&](OpBuilder &b, Location loc, int64_t which, Value v) {
      if (spec.clip) {
        Value bound = constantOf(b, loc, ct, *spec.clip);
        Value negBound = constantOf(b, loc, ct, -*spec.clip);
        v = arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, v, negBound),
                                      bound);
      }
      return applyActivation(b, loc, acts[which], v);
    };

    // The initial state.
    buildLoopNest(rb, loc, {batch, hidden}, [&](OpBuilder &b, Location loc, ValueRange bj) {
      auto init = [&](Value from, Value to) {
        Value v = from ? load(b, from, stateAt(d, bj[0], bj[1])) : constantOf(b, loc, ct, 0);
        krnl::StoreOp::create(b, loc, v, to, bj);
      };
      init(io.initH, h);
      if (c)
        init(io.initC, c);
    });

    buildLoopNest(rb, loc, {seq}, [&](OpBuilder &b, Location loc, ValueRange s) {
      Value t = s[0];
      if (spec.reverse[dir])
        t = arith::SubIOp::create(
            b, loc, arith::SubIOp::create(b, loc, seq, indexConstant(b, loc, 1)), s[0]);

      // out[bi, col] = bias + sum_k lhs(bi, k) * weight[d, row(col), k]: one gate
      // pre-activation (a row of W or R times X[t] or the state), bias from B at `biasOffset`.
      auto gateProduct = [&](OpBuilder &b, Location loc, Value out, ValueRange at, Value row,
                             Value weight, Value reduce, Value biasOffset,
                             function_ref<Value(OpBuilder &, Value)> lhs) {
        Value init = constantOf(b, loc, ct, 0);
        if (io.b)
          init = load(b, io.b, {d, arith::AddIOp::create(b, loc, biasOffset, row)});
        krnl::StoreOp::create(b, loc, init, out, at);
        buildLoopNest(b, loc, {reduce}, [&](OpBuilder &b, Location loc, ValueRange k) {
          Value prod = arith::MulFOp::create(b, loc, lhs(b, k[0]),
                                             load(b, weight, {d, row, k[0]}));
          Value acc = krnl::LoadOp::create(b, loc, out, at);
          krnl::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, acc, prod), out, at);
        });
      };
      Value zero = indexConstant(b, loc, 0);

      // 1. Every gate's pre-activation, the input's and the state's parts apart (but
      // the GRU hidden gate's state part, when it comes from r (.) H below).
      buildLoopNest(b, loc, {batch, gateCols}, [&](OpBuilder &b, Location loc, ValueRange at) {
        gateProduct(b, loc, xg, at, at[1], io.w, input, zero, [&](OpBuilder &b, Value k) {
          return load(b, io.x, xAt(t, at[0], k));
        });
      });
      Value stateCols = gruResetFirst ? resetCols : gateCols;
      buildLoopNest(b, loc, {batch, stateCols}, [&](OpBuilder &b, Location loc, ValueRange at) {
        gateProduct(b, loc, hg, at, at[1], io.r, hidden, gateCols, [&](OpBuilder &b, Value k) {
          return krnl::LoadOp::create(b, loc, h, ValueRange{at[0], k}).getResult();
        });
      });

      // GRU (linear_before_reset = 0): the hidden gate's recurrent part multiplies the
      // reset state r (.) H, so it needs r of every column first.
      if (gruResetFirst) {
        buildLoopNest(b, loc, {batch, hidden}, [&](OpBuilder &b, Location loc, ValueRange bk) {
          Value col = arith::AddIOp::create(b, loc, hidden, bk[1]);
          Value pre = arith::AddFOp::create(
              b, loc, krnl::LoadOp::create(b, loc, xg, ValueRange{bk[0], col}),
              krnl::LoadOp::create(b, loc, hg, ValueRange{bk[0], col}));
          Value r = activate(b, loc, 0, pre);
          Value state = krnl::LoadOp::create(b, loc, h, bk);
          krnl::StoreOp::create(b, loc, arith::MulFOp::create(b, loc, r, state), resetH, bk);
        });
        buildLoopNest(b, loc, {batch, hidden}, [&](OpBuilder &b, Location loc, ValueRange bj) {
          Value row = arith::AddIOp::create(b, loc, resetCols, bj[1]);
          gateProduct(b, loc, hg, {bj[0], row}, row, io.r, hidden, gateCols,
                      [&](OpBuilder &b, Value k) {
                        return krnl::LoadOp::create(b, loc, resetH, ValueRange{bj[0], k})
                            .getResult();
                      });
        });
      }

      // 2. The cell update.
      buildLoopNest(b, loc, {batch, hidden}, [&](OpBuilder &b, Location loc, ValueRange bj) {
        Value bi = bj[0], j = bj[1];
        // Column gate * hidden + j of each gate (and of each peephole, P having 3 blocks).
        SmallVector<Value> column{j};
        for (int64_t g = 1; g < std::max<int64_t>(spec.gates, io.p ? 3 : 0); ++g)
          column.push_back(arith::AddIOp::create(
              b, loc, b.createOrFold<arith::MulIOp>(loc, hidden, indexConstant(b, loc, g)), j));
        auto part = [&](Value buf, int64_t gate) {
          return krnl::LoadOp::create(b, loc, buf, ValueRange{bi, column[gate]}).getResult();
        };
        auto add = [&](Value l, Value r) { return arith::AddFOp::create(b, loc, l, r).getResult(); };
        auto mul = [&](Value l, Value r) { return arith::MulFOp::create(b, loc, l, r).getResult(); };
        auto sub = [&](Value l, Value r) { return arith::SubFOp::create(b, loc, l, r).getResult(); };
        auto gate = [&](int64_t g) { return add(part(xg, g), part(hg, g)); };
        Value one = constantOf(b, loc, ct, 1);
        Value prevH = krnl::LoadOp::create(b, loc, h, bj);
        Value newH, prevC, newC;
        switch (spec.cell) {
        case Cell::RNN: // Ht = f(gate)
          newH = activate(b, loc, 0, gate(0));
          break;
        case Cell::GRU: { // gates z, r, h; Ht = (1 - z) (.) g(...) + z (.) Ht-1
          Value z = activate(b, loc, 0, gate(0));
          Value candidate;
          if (spec.linearBeforeReset) {
            Value r = activate(b, loc, 0, gate(1));
            candidate = activate(b, loc, 1, add(part(xg, 2), mul(r, part(hg, 2))));
          } else {
            candidate = activate(b, loc, 1, gate(2));
          }
          newH = add(mul(sub(one, z), candidate), mul(z, prevH));
          break;
        }
        case Cell::LSTM: { // gates i, o, f, c; peepholes P[i, o, f]
          prevC = krnl::LoadOp::create(b, loc, c, bj);
          auto peep = [&](int64_t which, Value pre, Value state) {
            if (!io.p)
              return pre;
            return add(pre, mul(load(b, io.p, {d, column[which]}), state));
          };
          Value in = activate(b, loc, 0, peep(0, gate(0), prevC));
          Value forget = spec.inputForget ? sub(one, in)
                                          : activate(b, loc, 0, peep(2, gate(2), prevC));
          Value cell = activate(b, loc, 1, gate(3));
          newC = add(mul(forget, prevC), mul(in, cell));
          Value out = activate(b, loc, 0, peep(1, gate(1), newC));
          newH = mul(out, applyActivation(b, loc, acts[2], newC));
          break;
        }
        }

        // Past the entry's length: the state stays, Y gets zeros.
        Value active;
        if (io.seqLens) {
          Value len = toIndex(b, loc, krnl::LoadOp::create(b, loc, io.seqLens, ValueRange{bi}));
          active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, t, len);
          newH = arith::SelectOp::create(b, loc, active, newH, prevH);
          if (newC)
            newC = arith::SelectOp::create(b, loc, active, newC, prevC);
        }
        krnl::StoreOp::create(b, loc, newH, h, bj);
        if (newC)
          krnl::StoreOp::create(b, loc, newC, c, bj);
        if (io.y) {
          Value out = newH;
          if (active)
            out = arith::SelectOp::create(b, loc, active, newH, constantOf(b, loc, ct, 0));
          krnl::StoreOp::create(b, loc, castFloat(b, loc, out, element), io.y, yAt(t, d, bi, j));
        }
      });
    });

    // The final states.
    if (io.yH || io.yC)
      buildLoopNest(rb, loc, {batch, hidden}, [&](OpBuilder &b, Location loc, ValueRange bj) {
        auto copy = [&](Value from, Value to) {
          Value v = krnl::LoadOp::create(b, loc, from, bj);
          krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), to,
                                stateAt(d, bj[0], bj[1]));
        };
        if (io.yH)
          copy(h, io.yH);
        if (io.yC)
          copy(c, io.yC);
      });
  }
}

// An absent optional operand (onnx.NoValue) converts to itself, a none value.
Value present(Value operand) { return isa<NoneType>(operand.getType()) ? Value() : operand; }

template <typename OpTy>
struct RecurrentLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isLSTM = std::is_same_v<OpTy, onnx::LSTMOp>;
  static constexpr bool isGRU = std::is_same_v<OpTy, onnx::GRUOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RecurrentSpec spec;
    SmallVector<StringRef> defaults;
    if constexpr (isLSTM) {
      spec.cell = Cell::LSTM;
      spec.gates = 4;
      spec.perDirection = 3;
      defaults = {"Sigmoid", "Tanh", "Tanh"};
      spec.inputForget = op.getInputForget() != 0;
    } else if constexpr (isGRU) {
      spec.cell = Cell::GRU;
      spec.gates = 3;
      spec.perDirection = 2;
      defaults = {"Sigmoid", "Tanh"};
      spec.linearBeforeReset = op.getLinearBeforeReset() != 0;
    } else {
      spec.cell = Cell::RNN;
      spec.gates = 1;
      spec.perDirection = 1;
      defaults = {"Tanh"};
    }
    std::optional<APFloat> clip = op.getClip();
    std::optional<ArrayAttr> names;
    if (op.getActivationsAttr())
      names = op.getActivationsAttr();
    if (auto why = readSpec(spec, op.getDirection(), op.getLayout(), clip, names,
                            op.getActivationAlpha(), op.getActivationBeta(), defaults))
      return rewriter.notifyMatchFailure(op, *why);

    RecurrentBuffers io;
    io.x = adaptor.getX();
    io.w = adaptor.getW();
    io.r = adaptor.getR();
    io.b = present(adaptor.getB());
    io.seqLens = present(adaptor.getSequenceLens());
    io.initH = present(adaptor.getInitialH());
    if constexpr (isLSTM) {
      io.initC = present(adaptor.getInitialC());
      io.p = present(adaptor.getP());
    }
    auto rankIs = [](Value v, int64_t rank) {
      auto type = dyn_cast_or_null<MemRefType>(v ? v.getType() : Type());
      return type && type.getRank() == rank;
    };
    if (!rankIs(io.x, 3) || !rankIs(io.w, 3) || !rankIs(io.r, 3))
      return rewriter.notifyMatchFailure(op, "X, W and R need ranked 3-d types");
    if (!isa<FloatType>(cast<MemRefType>(io.x.getType()).getElementType()))
      return rewriter.notifyMatchFailure(op, "needs float X");
    if ((io.b && !rankIs(io.b, 2)) || (io.seqLens && !rankIs(io.seqLens, 1)) ||
        (io.initH && !rankIs(io.initH, 3)) || (io.initC && !rankIs(io.initC, 3)) ||
        (io.p && !rankIs(io.p, 2)))
      return rewriter.notifyMatchFailure(
          op, "B, P need 2-d, sequence_lens 1-d, initial_h/_c 3-d ranked types");

    // Static sizes that contradict the attributes would index out of bounds.
    int64_t numDirections = spec.reverse.size();
    auto wType = cast<MemRefType>(io.w.getType()), rType = cast<MemRefType>(io.r.getType());
    if (!wType.isDynamicDim(0) && wType.getDimSize(0) != numDirections)
      return rewriter.notifyMatchFailure(op, "W's first dim must match the direction count");
    int64_t hiddenSize = rType.getDimSize(2);
    if (auto attr = op.getHiddenSize(); attr && !ShapedType::isDynamic(hiddenSize) &&
                                        (int64_t)*attr != hiddenSize)
      return rewriter.notifyMatchFailure(op, "hidden_size does not match R's last dim");
    // Whether `v`'s dim `i` is known and differs from `size` (unknown when negative).
    auto differs = [](Value v, int64_t i, int64_t size) {
      auto type = cast<MemRefType>(v.getType());
      return size >= 0 && !ShapedType::isDynamic(size) && !type.isDynamicDim(i) &&
             type.getDimSize(i) != size;
    };
    int64_t h = ShapedType::isDynamic(hiddenSize) ? -1 : hiddenSize;
    auto xType = cast<MemRefType>(io.x.getType());
    int64_t batchSize = xType.getDimSize(spec.layout == 1 ? 0 : 1);
    int64_t inputSize = xType.getDimSize(2);
    if (differs(io.w, 1, spec.gates * h) || differs(io.r, 1, spec.gates * h))
      return rewriter.notifyMatchFailure(op, "W and R need gates * hidden_size rows");
    if (differs(io.w, 2, inputSize))
      return rewriter.notifyMatchFailure(op, "W's last dim must match X's input size");
    if (io.b && differs(io.b, 1, 2 * spec.gates * h))
      return rewriter.notifyMatchFailure(op, "B needs 2 * gates * hidden_size columns");
    if (io.p && differs(io.p, 1, 3 * h))
      return rewriter.notifyMatchFailure(op, "P needs 3 * hidden_size columns");
    if (io.seqLens && differs(io.seqLens, 0, batchSize))
      return rewriter.notifyMatchFailure(op, "sequence_lens needs one length per batch entry");
    for (Value init : {io.initH, io.initC})
      if (init && (differs(init, spec.layout == 1 ? 0 : 1, batchSize) || differs(init, 2, h)))
        return rewriter.notifyMatchFailure(op, "initial_h/_c need [batch, hidden_size] states");

    // Outputs: checked before anything is built, then allocated when used (onnx.NoValue
    // otherwise).
    auto outputType = [&](Value result, int64_t rank, MemRefType &type) {
      if (isa<NoneType>(result.getType()))
        return true;
      type = convertedResult(this->getTypeConverter(), result);
      return type && type.getRank() == rank;
    };
    MemRefType yType, yHType, yCType;
    if (!outputType(op.getY(), 4, yType) || !outputType(op.getYH(), 3, yHType))
      return rewriter.notifyMatchFailure(op, "Y and Y_h need ranked types of rank 4 and 3");
    if constexpr (isLSTM)
      if (!outputType(op.getYC(), 3, yCType))
        return rewriter.notifyMatchFailure(op, "Y_c needs a ranked type of rank 3");

    SmallVector<Value> xDims = getDims(rewriter, loc, io.x);
    bool batchFirst = spec.layout == 1;
    Value seq = xDims[batchFirst ? 1 : 0], batch = xDims[batchFirst ? 0 : 1];
    Value dirs = indexConstant(rewriter, loc, numDirections);
    Value hidden = getDims(rewriter, loc, io.r)[2];
    SmallVector<Value> yDims = batchFirst ? SmallVector<Value>{batch, seq, dirs, hidden}
                                          : SmallVector<Value>{seq, dirs, batch, hidden};
    SmallVector<Value> stateDims = batchFirst ? SmallVector<Value>{batch, dirs, hidden}
                                              : SmallVector<Value>{dirs, batch, hidden};
    SmallVector<Value> results;
    auto output = [&](MemRefType type, ArrayRef<Value> dims, Value &buffer) {
      if (type)
        buffer = allocBuffer(rewriter, loc, type, dims);
      else
        buffer = Value();
      results.push_back(
          type ? buffer : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType())));
    };
    output(yType, yDims, io.y);
    output(yHType, stateDims, io.yH);
    if constexpr (isLSTM)
      output(yCType, stateDims, io.yC);

    emitRecurrence(rewriter, loc, spec, io);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateRecurrentPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering<onnx::RNNOp>, RecurrentLowering<onnx::GRUOp>,
               RecurrentLowering<onnx::LSTMOp>>(converter, patterns.getContext());
}

} // namespace omc
