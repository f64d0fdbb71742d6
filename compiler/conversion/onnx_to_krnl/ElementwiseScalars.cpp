//===- ElementwiseScalars.cpp - the scalar computation of each elementwise op -===//
//
// Floats use arith and math (math functions are expanded into polynomials before LLVM,
// so a model needs no libm); integers pick the signed or unsigned arith op from the
// ONNX element type; bool is i1. NaN follows numpy, which made the reference outputs:
// Max/Min propagate it, comparisons with it are false.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ElementwiseScalars.h"
#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace omc {
namespace {

bool isFloat(Type type) { return isa_and_nonnull<FloatType>(type); }
bool isUnsigned(Type type) { return type && type.isUnsignedInteger(); }
bool isInt(Type type) { return isa_and_nonnull<IntegerType>(type); }

Value cst(OpBuilder &b, Location loc, Value like, double value) {
  return constantOf(b, loc, like.getType(), value);
}

// One float function of the first operand; null for other element types.
template <typename Build>
Value unaryFloat(const ScalarTypes &types, ValueRange args, Build build) {
  return isFloat(types.operands[0]) ? Value(build(args[0])) : Value();
}

template <typename MathOp>
Value mathUnary(const ScalarTypes &types, OpBuilder &b, Location loc, ValueRange args) {
  return unaryFloat(types, args, [&](Value x) { return MathOp::create(b, loc, x); });
}

Value select(OpBuilder &b, Location loc, Value condition, Value a, Value c) {
  return arith::SelectOp::create(b, loc, condition, a, c);
}

Value cmpf(OpBuilder &b, Location loc, arith::CmpFPredicate p, Value x, Value y) {
  return arith::CmpFOp::create(b, loc, p, x, y);
}

Value mulf(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulFOp::create(b, loc, x, y);
}
Value addf(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddFOp::create(b, loc, x, y);
}
Value subf(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::SubFOp::create(b, loc, x, y);
}
Value divf(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::DivFOp::create(b, loc, x, y);
}

// 1 / (1 + e^x): the logistic function of -x. In f32 the division may take the
// reciprocal's estimate and a Newton step (arcp; ninf holds, as x is clamped where e^x
// stays finite, which changes nothing: 1 / (1 + e^88) is 0 within f32's precision). A
// vector of AVX-512's vdivps alone took half of GPT-2's GELU; LLVM's estimate is the
// target's rcp14 and one refinement, within an ulp or two.
Value logisticOfNegated(OpBuilder &b, Location loc, Value x) {
  Value one = cst(b, loc, x, 1);
  if (!getElementTypeOrSelf(x.getType()).isF32())
    return divf(b, loc, one, addf(b, loc, one, math::ExpOp::create(b, loc, x)));
  Value limit = cst(b, loc, x, 88);
  // x > 88 is false for NaN, which goes on through.
  Value bounded = select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, x, limit), limit, x);
  Value denominator = addf(b, loc, one, math::ExpOp::create(b, loc, bounded));
  return arith::DivFOp::create(b, loc, one, denominator,
                               arith::FastMathFlags::arcp | arith::FastMathFlags::ninf);
}

// x, or `negative` where x < 0: the shape of many activations.
Value belowZero(OpBuilder &b, Location loc, Value x, Value negative) {
  Value isNegative = cmpf(b, loc, arith::CmpFPredicate::OLT, x, cst(b, loc, x, 0));
  return select(b, loc, isNegative, negative, x);
}

// Integer ops pick the signed or unsigned variant.
template <typename FloatOp, typename SignedOp, typename UnsignedOp>
Value arithmetic(const ScalarTypes &types, OpBuilder &b, Location loc, Value x, Value y) {
  Type t = types.operands[0];
  if (isFloat(t))
    return FloatOp::create(b, loc, x, y);
  if (!isInt(t) || t.isInteger(1))
    return {};
  if (isUnsigned(t))
    return UnsignedOp::create(b, loc, x, y);
  return SignedOp::create(b, loc, x, y);
}

Value compare(const ScalarTypes &types, OpBuilder &b, Location loc, ValueRange args,
              arith::CmpFPredicate f, arith::CmpIPredicate s, arith::CmpIPredicate u) {
  Type t = types.operands[0];
  if (isFloat(t))
    return cmpf(b, loc, f, args[0], args[1]);
  if (!isInt(t))
    return {};
  return arith::CmpIOp::create(b, loc, isUnsigned(t) || t.isInteger(1) ? u : s, args[0],
                               args[1]);
}

// Converts `value` of ONNX element type `from` to ONNX element type `to`.
Value convert(OpBuilder &b, Location loc, Value value, Type from, Type to) {
  if (from == to)
    return value;
  Type target = to;
  if (auto integer = dyn_cast<IntegerType>(to))
    target = b.getIntegerType(integer.getWidth()); // signless in memory
  if (to.isInteger(1)) { // anything nonzero is true
    if (isFloat(from))
      return cmpf(b, loc, arith::CmpFPredicate::UNE, value, cst(b, loc, value, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, cst(b, loc, value, 0));
  }
  if (isFloat(from) && isFloat(to)) {
    unsigned fromWidth = from.getIntOrFloatBitWidth(), toWidth = to.getIntOrFloatBitWidth();
    if (fromWidth < toWidth)
      return arith::ExtFOp::create(b, loc, target, value);
    if (fromWidth > toWidth)
      return arith::TruncFOp::create(b, loc, target, value);
    // f16 <-> bf16: through f32.
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    return arith::TruncFOp::create(b, loc, target, wide);
  }
  if (isFloat(from) && isInt(to))
    return isUnsigned(to) ? Value(arith::FPToUIOp::create(b, loc, target, value))
                          : Value(arith::FPToSIOp::create(b, loc, target, value));
  if (isInt(from) && isFloat(to))
    return isUnsigned(from) || from.isInteger(1)
               ? Value(arith::UIToFPOp::create(b, loc, target, value))
               : Value(arith::SIToFPOp::create(b, loc, target, value));
  if (isInt(from) && isInt(to)) {
    unsigned fromWidth = from.getIntOrFloatBitWidth(), toWidth = to.getIntOrFloatBitWidth();
    if (fromWidth > toWidth)
      return arith::TruncIOp::create(b, loc, target, value);
    if (fromWidth == toWidth)
      return value;
    return isUnsigned(from) || from.isInteger(1)
               ? Value(arith::ExtUIOp::create(b, loc, target, value))
               : Value(arith::ExtSIOp::create(b, loc, target, value));
  }
  return {};
}

// Max/Min over all operands (variadic), NaN-propagating for floats.
template <typename FloatOp, typename SignedOp, typename UnsignedOp>
Value fold(const ScalarTypes &types, OpBuilder &b, Location loc, ValueRange args) {
  Value acc = args[0];
  for (Value next : args.drop_front()) {
    acc = arithmetic<FloatOp, SignedOp, UnsignedOp>(types, b, loc, acc, next);
    if (!acc)
      return {};
  }
  return acc;
}

} // namespace

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

Value emitScalar(onnx::AddOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return arithmetic<arith::AddFOp, arith::AddIOp, arith::AddIOp>(t, b, loc, a[0], a[1]);
}
Value emitScalar(onnx::SubOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return arithmetic<arith::SubFOp, arith::SubIOp, arith::SubIOp>(t, b, loc, a[0], a[1]);
}
Value emitScalar(onnx::MulOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return arithmetic<arith::MulFOp, arith::MulIOp, arith::MulIOp>(t, b, loc, a[0], a[1]);
}
Value emitScalar(onnx::DivOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return arithmetic<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(t, b, loc, a[0], a[1]);
}
Value emitScalar(onnx::SumOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return fold<arith::AddFOp, arith::AddIOp, arith::AddIOp>(t, b, loc, a);
}
Value emitScalar(onnx::MaxOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return fold<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(t, b, loc, a);
}
Value emitScalar(onnx::MinOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  return fold<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(t, b, loc, a);
}
Value emitScalar(onnx::MeanOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  Value sum = fold<arith::AddFOp, arith::AddIOp, arith::AddIOp>(t, b, loc, a);
  if (!sum || !isFloat(t.operands[0]))
    return {};
  return divf(b, loc, sum, cst(b, loc, sum, a.size()));
}

Value emitScalar(onnx::ModOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  Type type = t.operands[0];
  if (isFloat(type)) // fmod: the sign of the dividend (fmod must be 1 for floats)
    return arith::RemFOp::create(b, loc, a[0], a[1]);
  if (!isInt(type))
    return {};
  if (isUnsigned(type))
    return arith::RemUIOp::create(b, loc, a[0], a[1]);
  Value rem = arith::RemSIOp::create(b, loc, a[0], a[1]);
  if (op.getFmod() != 0)
    return rem;
  // Python's %: the sign of the divisor. Adjust a nonzero remainder of the other sign.
  Value zero = cst(b, loc, rem, 0);
  Value remNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
  Value divisorNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
  Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
  Value differ = arith::XOrIOp::create(b, loc, remNegative, divisorNegative);
  Value adjust = arith::AndIOp::create(b, loc, nonzero, differ);
  return select(b, loc, adjust, arith::AddIOp::create(b, loc, rem, a[1]), rem);
}

Value emitScalar(onnx::PowOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  Type base = t.operands[0], exponent = t.operands[1];
  if (isFloat(base)) {
    Value e = convert(b, loc, a[1], exponent, base);
    return e ? Value(math::PowFOp::create(b, loc, a[0], e)) : Value();
  }
  if (!isInt(base) || base.isInteger(1))
    return {};
  // An integer base: compute in f64 (exact for the magnitudes ints can hold) and
  // convert back, which handles float and negative exponents as numpy does.
  Type f64 = b.getF64Type();
  Value x = convert(b, loc, a[0], base, f64), e = convert(b, loc, a[1], exponent, f64);
  if (!x || !e)
    return {};
  return convert(b, loc, math::PowFOp::create(b, loc, x, e), f64, base);
}

Value emitScalar(onnx::BitShiftOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (!isInt(t.operands[0]))
    return {};
  if (op.getDirection() == "LEFT")
    return arith::ShLIOp::create(b, loc, a[0], a[1]);
  return arith::ShRUIOp::create(b, loc, a[0], a[1]);
}

Value emitScalar(onnx::NegOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(t.operands[0]))
    return arith::NegFOp::create(b, loc, a[0]);
  if (!isInt(t.operands[0]))
    return {};
  return arith::SubIOp::create(b, loc, cst(b, loc, a[0], 0), a[0]);
}

Value emitScalar(onnx::AbsOp, const ScalarTypes &t, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(t.operands[0]))
    return math::AbsFOp::create(b, loc, a[0]);
  if (!isInt(t.operands[0]))
    return {};
  return isUnsigned(t.operands[0]) ? a[0] : Value(math::AbsIOp::create(b, loc, a[0]));
}

Value emitScalar(onnx::SignOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  Value x = a[0], zero = cst(b, loc, x, 0), one = cst(b, loc, x, 1);
  if (isFloat(t.operands[0])) {
    Value minusOne = cst(b, loc, x, -1);
    Value positive = cmpf(b, loc, arith::CmpFPredicate::OGT, x, zero);
    Value negative = cmpf(b, loc, arith::CmpFPredicate::OLT, x, zero);
    return select(b, loc, positive, one, select(b, loc, negative, minusOne, zero));
  }
  if (!isInt(t.operands[0]))
    return {};
  Value positive = arith::CmpIOp::create(
      b, loc, isUnsigned(t.operands[0]) ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt,
      x, zero);
  if (isUnsigned(t.operands[0]))
    return select(b, loc, positive, one, zero);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  return select(b, loc, positive, one, select(b, loc, negative, cst(b, loc, x, -1), zero));
}

Value emitScalar(onnx::ReciprocalOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) { return divf(b, loc, cst(b, loc, x, 1), x); });
}

//===----------------------------------------------------------------------===//
// Math functions
//===----------------------------------------------------------------------===//

#define OMC_MATH_UNARY(Name, MathOp)                                                   \
  Value emitScalar(onnx::Name##Op, const ScalarTypes &t, OpBuilder &b, Location loc,   \
                   ValueRange a) {                                                     \
    return mathUnary<math::MathOp>(t, b, loc, a);                                      \
  }
OMC_MATH_UNARY(Acos, AcosOp)
OMC_MATH_UNARY(Acosh, AcoshOp)
OMC_MATH_UNARY(Asin, AsinOp)
OMC_MATH_UNARY(Asinh, AsinhOp)
OMC_MATH_UNARY(Atan, AtanOp)
OMC_MATH_UNARY(Atanh, AtanhOp)
OMC_MATH_UNARY(Ceil, CeilOp)
OMC_MATH_UNARY(Cos, CosOp)
OMC_MATH_UNARY(Cosh, CoshOp)
OMC_MATH_UNARY(Erf, ErfOp)
OMC_MATH_UNARY(Exp, ExpOp)
OMC_MATH_UNARY(Floor, FloorOp)
OMC_MATH_UNARY(Log, LogOp)
OMC_MATH_UNARY(Round, RoundEvenOp) // ONNX rounds half to even
OMC_MATH_UNARY(Sin, SinOp)
OMC_MATH_UNARY(Sinh, SinhOp)
OMC_MATH_UNARY(Sqrt, SqrtOp)
OMC_MATH_UNARY(Tan, TanOp)
OMC_MATH_UNARY(Tanh, TanhOp)
#undef OMC_MATH_UNARY

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

Value emitScalar(onnx::ReluOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  Value zero = cst(b, loc, a[0], 0);
  if (isFloat(t.operands[0])) // maximumf keeps NaN, as ONNX's Relu does
    return arith::MaximumFOp::create(b, loc, a[0], zero);
  if (!isInt(t.operands[0]))
    return {};
  return isUnsigned(t.operands[0]) ? a[0] : Value(arith::MaxSIOp::create(b, loc, a[0], zero));
}

Value emitScalar(onnx::LeakyReluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    return belowZero(b, loc, x, mulf(b, loc, cst(b, loc, x, op.getAlpha().convertToFloat()), x));
  });
}

Value emitScalar(onnx::PReluOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  if (isFloat(t.operands[0]))
    return belowZero(b, loc, a[0], mulf(b, loc, a[1], a[0]));
  if (!isInt(t.operands[0]))
    return {};
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0],
                                         cst(b, loc, a[0], 0));
  return select(b, loc, negative, arith::MulIOp::create(b, loc, a[1], a[0]), a[0]);
}

Value emitScalar(onnx::EluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value alpha = cst(b, loc, x, op.getAlpha().convertToFloat());
    Value expm1 = subf(b, loc, math::ExpOp::create(b, loc, x), cst(b, loc, x, 1));
    return belowZero(b, loc, x, mulf(b, loc, alpha, expm1));
  });
}

Value emitScalar(onnx::SeluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value alpha = cst(b, loc, x, op.getAlpha().convertToFloat());
    Value gamma = cst(b, loc, x, op.getGamma().convertToFloat());
    Value negative =
        subf(b, loc, mulf(b, loc, alpha, math::ExpOp::create(b, loc, x)), alpha);
    Value notPositive = cmpf(b, loc, arith::CmpFPredicate::OLE, x, cst(b, loc, x, 0));
    return mulf(b, loc, gamma, select(b, loc, notPositive, negative, x));
  });
}

Value emitScalar(onnx::CeluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value alpha = cst(b, loc, x, op.getAlpha().convertToFloat());
    Value zero = cst(b, loc, x, 0);
    Value expm1 = subf(b, loc, math::ExpOp::create(b, loc, divf(b, loc, x, alpha)),
                       cst(b, loc, x, 1));
    return addf(b, loc, arith::MaximumFOp::create(b, loc, zero, x),
                arith::MinimumFOp::create(b, loc, zero, mulf(b, loc, alpha, expm1)));
  });
}

Value emitScalar(onnx::ThresholdedReluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value above = cmpf(b, loc, arith::CmpFPredicate::OGT, x,
                       cst(b, loc, x, op.getAlpha().convertToFloat()));
    return select(b, loc, above, x, cst(b, loc, x, 0));
  });
}

// clamp(x, 0, 1), NaN kept.
static Value clampUnit(OpBuilder &b, Location loc, Value x) {
  Value low = select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, x, cst(b, loc, x, 0)),
                     cst(b, loc, x, 0), x);
  return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, low, cst(b, loc, x, 1)),
                cst(b, loc, x, 1), low);
}

Value emitScalar(onnx::HardSigmoidOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value alpha = cst(b, loc, x, op.getAlpha().convertToFloat());
    Value beta = cst(b, loc, x, op.getBeta().convertToFloat());
    return clampUnit(b, loc, addf(b, loc, mulf(b, loc, alpha, x), beta));
  });
}

Value emitScalar(onnx::HardSwishOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    Value sixth = cst(b, loc, x, 1.0 / 6.0), half = cst(b, loc, x, 0.5);
    return mulf(b, loc, x, clampUnit(b, loc, addf(b, loc, mulf(b, loc, sixth, x), half)));
  });
}

Value emitScalar(onnx::SigmoidOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    return logisticOfNegated(b, loc, arith::NegFOp::create(b, loc, x));
  });
}

Value emitScalar(onnx::SoftplusOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
  });
}

Value emitScalar(onnx::SoftsignOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    return divf(b, loc, x, addf(b, loc, cst(b, loc, x, 1), math::AbsFOp::create(b, loc, x)));
  });
}

Value emitScalar(onnx::GeluOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    if (op.getApproximate() == "tanh") {
      // (1 + tanh(z)) / 2 is the logistic function of 2z, z = sqrt(2 / pi) * (x +
      // 0.044715 x^3): one exp and one division, and no cancellation in 1 + tanh(z)
      // where tanh(z) nears -1.
      double scale = -2 * std::sqrt(2.0 / M_PI);
      Value square = mulf(b, loc, x, x);
      Value factor = addf(b, loc, cst(b, loc, x, scale),
                          mulf(b, loc, cst(b, loc, x, scale * 0.044715), square));
      return mulf(b, loc, x, logisticOfNegated(b, loc, mulf(b, loc, x, factor)));
    }
    Value half = cst(b, loc, x, 0.5), one = cst(b, loc, x, 1);
    Value phi =
        math::ErfOp::create(b, loc, mulf(b, loc, x, cst(b, loc, x, 1.0 / std::sqrt(2.0))));
    return mulf(b, loc, mulf(b, loc, half, x), addf(b, loc, one, phi));
  });
}

//===----------------------------------------------------------------------===//
// Comparisons, logic, selection
//===----------------------------------------------------------------------===//

Value emitScalar(onnx::EqualOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compare(t, b, loc, a, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                 arith::CmpIPredicate::eq);
}
Value emitScalar(onnx::LessOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compare(t, b, loc, a, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                 arith::CmpIPredicate::ult);
}
Value emitScalar(onnx::LessOrEqualOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compare(t, b, loc, a, arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle,
                 arith::CmpIPredicate::ule);
}
Value emitScalar(onnx::GreaterOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compare(t, b, loc, a, arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
                 arith::CmpIPredicate::ugt);
}
Value emitScalar(onnx::GreaterOrEqualOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return compare(t, b, loc, a, arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge,
                 arith::CmpIPredicate::uge);
}

Value emitScalar(onnx::AndOp, const ScalarTypes &, OpBuilder &b, Location loc, ValueRange a) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value emitScalar(onnx::OrOp, const ScalarTypes &, OpBuilder &b, Location loc, ValueRange a) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value emitScalar(onnx::XorOp, const ScalarTypes &, OpBuilder &b, Location loc, ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value emitScalar(onnx::NotOp, const ScalarTypes &, OpBuilder &b, Location loc, ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], cst(b, loc, a[0], 1));
}

Value emitScalar(onnx::IsNaNOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) {
    return cmpf(b, loc, arith::CmpFPredicate::UNO, x, x);
  });
}

Value emitScalar(onnx::IsInfOp op, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return unaryFloat(t, a, [&](Value x) -> Value {
    Value inf = cst(b, loc, x, INFINITY), negInf = cst(b, loc, x, -INFINITY);
    Value positive = cmpf(b, loc, arith::CmpFPredicate::OEQ, x, inf);
    Value negative = cmpf(b, loc, arith::CmpFPredicate::OEQ, x, negInf);
    Value none = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    Value result = op.getDetectPositive() ? positive : none;
    if (op.getDetectNegative())
      result = arith::OrIOp::create(b, loc, result, negative);
    return result;
  });
}

Value emitScalar(onnx::WhereOp, const ScalarTypes &, OpBuilder &b, Location loc,
                 ValueRange a) {
  return select(b, loc, a[0], a[1], a[2]);
}

Value emitScalar(onnx::ClipOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  Type type = t.operands[0];
  Value x = a[0];
  if (!isFloat(type) && !isInt(type))
    return {};
  auto less = [&](Value p, Value q) -> Value {
    if (isFloat(type))
      return cmpf(b, loc, arith::CmpFPredicate::OLT, p, q);
    return arith::CmpIOp::create(b, loc,
                                 isUnsigned(type) ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::slt,
                                 p, q);
  };
  // Comparisons with NaN are false, so a NaN x stays NaN, as in numpy.clip.
  if (a[1])
    x = select(b, loc, less(x, a[1]), a[1], x);
  if (a[2])
    x = select(b, loc, less(a[2], x), a[2], x);
  return x;
}

Value emitScalar(onnx::CastOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return convert(b, loc, a[0], t.operands[0], t.result);
}
Value emitScalar(onnx::CastLikeOp, const ScalarTypes &t, OpBuilder &b, Location loc,
                 ValueRange a) {
  return convert(b, loc, a[0], t.operands[0], t.result);
}

} // namespace omc
