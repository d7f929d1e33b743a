// The reference evaluator: a tree walk over checked expressions with CEL's semantics and
// three-valued logic for unknown (missing or erroneous) values.
#include "engine/interpreter.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "rules/text.h"

namespace hunch {
namespace {

enum Kind { kUnknownK = 0, kNullK, kBoolK, kIntK, kDoubleK, kStringK, kListK };

Kind KindOf(const Value& v) { return static_cast<Kind>(v.v.index()); }
bool IsNum(const Value& v) { return KindOf(v) == kIntK || KindOf(v) == kDoubleK; }

Value NoOverload(const char* op, const Value& a) {
  return Value::Error(fmt::format("no matching overload for '{}' on {}", op, ValueKindName(a)));
}
Value NoOverload(const char* op, const Value& a, const Value& b) {
  return Value::Error(fmt::format("no matching overload for '{}' on ({}, {})", op, ValueKindName(a),
                                  ValueKindName(b)));
}

// Of two unknown operands, keep the error (it is counted) over the missing value.
const Value& PickUnknown(const Value& a, const Value& b) {
  if (a.is_unknown() && (!b.is_unknown() || a.is_error() || !b.is_error())) return a;
  return b;
}

// Equality with CEL's heterogeneous semantics: numbers compare by value across int and double,
// values of different kinds are unequal. Returns a bool or an unknown.
Value Equal(const Value& a, const Value& b) {
  if (a.is_unknown() || b.is_unknown()) return PickUnknown(a, b);
  if (IsNum(a) && IsNum(b)) return Value(CompareNumbers(a, b) == 0);
  if (KindOf(a) != KindOf(b)) return Value(false);
  switch (KindOf(a)) {
    case kNullK:
      return Value(true);
    case kBoolK:
      return Value(std::get<bool>(a.v) == std::get<bool>(b.v));
    case kStringK:
      return Value(std::get<std::string>(a.v) == std::get<std::string>(b.v));
    case kListK: {
      const auto& x = *std::get<ListPtr>(a.v);
      const auto& y = *std::get<ListPtr>(b.v);
      if (x.size() != y.size()) return Value(false);
      for (size_t i = 0; i < x.size(); ++i) {
        Value eq = Equal(x[i], y[i]);
        if (!eq.is_true()) return eq;
      }
      return Value(true);
    }
    default:
      return Value(false);
  }
}

Value Order(Op op, const Value& a, const Value& b) {
  if (a.is_unknown() || b.is_unknown()) return PickUnknown(a, b);
  int c;
  if (IsNum(a) && IsNum(b)) {
    c = CompareNumbers(a, b);
    if (c == 2) return Value(false);  // NaN is unordered
  } else if (KindOf(a) == kStringK && KindOf(b) == kStringK) {
    c = std::get<std::string>(a.v).compare(std::get<std::string>(b.v));  // bytes: code point order
    c = (c > 0) - (c < 0);
  } else if (KindOf(a) == kBoolK && KindOf(b) == kBoolK) {
    c = static_cast<int>(std::get<bool>(a.v)) - static_cast<int>(std::get<bool>(b.v));
  } else {
    return NoOverload(OpName(op), a, b);
  }
  switch (op) {
    case Op::kLt:
      return Value(c < 0);
    case Op::kLe:
      return Value(c <= 0);
    case Op::kGt:
      return Value(c > 0);
    default:
      return Value(c >= 0);
  }
}

Value Arithmetic(Op op, const Value& a, const Value& b) {
  if (a.is_unknown() || b.is_unknown()) return PickUnknown(a, b);
  if (KindOf(a) == kIntK && KindOf(b) == kIntK) {
    int64_t x = std::get<int64_t>(a.v), y = std::get<int64_t>(b.v), r = 0;
    bool overflow = false;
    switch (op) {
      case Op::kAdd:
        overflow = __builtin_add_overflow(x, y, &r);
        break;
      case Op::kSub:
        overflow = __builtin_sub_overflow(x, y, &r);
        break;
      case Op::kMul:
        overflow = __builtin_mul_overflow(x, y, &r);
        break;
      case Op::kDiv:
      case Op::kMod:
        if (y == 0) return Value::Error(op == Op::kDiv ? "division by zero" : "modulus by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          overflow = true;
          break;
        }
        r = op == Op::kDiv ? x / y : x % y;
        break;
      default:
        break;
    }
    if (overflow) return Value::Error(fmt::format("integer overflow in '{}'", OpName(op)));
    return Value(r);
  }
  if (IsNum(a) && IsNum(b) && op != Op::kMod) {
    // int and double mix by promotion to double (an extension of CEL, see docs/expressions.md).
    double x =
        KindOf(a) == kIntK ? static_cast<double>(std::get<int64_t>(a.v)) : std::get<double>(a.v);
    double y =
        KindOf(b) == kIntK ? static_cast<double>(std::get<int64_t>(b.v)) : std::get<double>(b.v);
    switch (op) {
      case Op::kAdd:
        return Value(x + y);
      case Op::kSub:
        return Value(x - y);
      case Op::kMul:
        return Value(x * y);
      default:
        return Value(x / y);  // IEEE 754: x / 0.0 is ±inf or NaN, as in CEL
    }
  }
  if (op == Op::kAdd && KindOf(a) == kStringK && KindOf(b) == kStringK) {
    return Value(std::get<std::string>(a.v) + std::get<std::string>(b.v));
  }
  if (op == Op::kAdd && KindOf(a) == kListK && KindOf(b) == kListK) {
    auto out = std::make_shared<ValueList>(*std::get<ListPtr>(a.v));
    const auto& y = *std::get<ListPtr>(b.v);
    out->insert(out->end(), y.begin(), y.end());
    return Value(ListPtr(std::move(out)));
  }
  return NoOverload(OpName(op), a, b);
}

Value ToInt(const Value& a) {
  switch (KindOf(a)) {
    case kIntK:
      return a;
    case kDoubleK: {
      double d = std::get<double>(a.v);
      // Exactly representable bounds: -2^63 and 2^63; CEL rejects both ends.
      if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
        return Value::Error(fmt::format("int({}) is out of range", FormatDouble(d)));
      }
      return Value(static_cast<int64_t>(d));
    }
    case kStringK: {
      const auto& s = std::get<std::string>(a.v);
      int64_t r;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), r);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
        return Value::Error(fmt::format("cannot convert {} to int", QuoteString(s)));
      }
      return Value(r);
    }
    default:
      return NoOverload("int", a);
  }
}

Value ToDouble(const Value& a) {
  switch (KindOf(a)) {
    case kIntK:
      return Value(static_cast<double>(std::get<int64_t>(a.v)));
    case kDoubleK:
      return a;
    case kStringK: {
      const auto& s = std::get<std::string>(a.v);
      double r;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), r);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
        return Value::Error(fmt::format("cannot convert {} to double", QuoteString(s)));
      }
      return Value(r);
    }
    default:
      return NoOverload("double", a);
  }
}

Value ToString(const Value& a) {
  switch (KindOf(a)) {
    case kIntK:
      return Value(std::to_string(std::get<int64_t>(a.v)));
    case kDoubleK:
      return Value(FormatDouble(std::get<double>(a.v)));
    case kStringK:
      return a;
    case kBoolK:
      return Value(std::string(std::get<bool>(a.v) ? "true" : "false"));
    default:
      return NoOverload("string", a);
  }
}

Value ToBool(const Value& a) {
  if (KindOf(a) == kBoolK) return a;
  if (KindOf(a) != kStringK) return NoOverload("bool", a);
  const auto& s = std::get<std::string>(a.v);
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return Value(true);
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") return Value(false);
  return Value::Error(fmt::format("cannot convert {} to bool", QuoteString(s)));
}

class Interpreter {
 public:
  Interpreter(std::span<const Value> row, const TraceFn* trace) : row_(row), trace_(trace) {}

  Value Eval(const CheckedExpr& e) {
    Value v = EvalNode(e);
    if (trace_ != nullptr) (*trace_)(e, v);
    return v;
  }

 private:
  // Column reads return a reference into the row, so the common `col OP const` copies nothing.
  const Value& EvalRef(const CheckedExpr& e, Value* scratch) {
    if (e.op == Op::kColumn && trace_ == nullptr) return Cell(e.column);
    if (e.op == Op::kConst && trace_ == nullptr) return e.constant;
    *scratch = Eval(e);
    return *scratch;
  }

  const Value& Cell(int column) {
    static const Value kNoSuchColumn = Value::Missing();
    if (column < 0 || static_cast<size_t>(column) >= row_.size()) return kNoSuchColumn;
    return row_[column];
  }

  Value EvalNode(const CheckedExpr& e) {
    Value s0, s1;
    switch (e.op) {
      case Op::kConst:
        return e.constant;
      case Op::kError:
        return e.constant;
      case Op::kColumn:
        return Cell(e.column);
      case Op::kHas:
        return Value(!Cell(e.column).is_unknown() || Cell(e.column).is_error());
      case Op::kList: {
        auto list = std::make_shared<ValueList>();
        list->reserve(e.args.size());
        for (const auto& a : e.args) {
          Value v = Eval(a);
          if (v.is_unknown()) return v;
          list->push_back(std::move(v));
        }
        return Value(ListPtr(std::move(list)));
      }
      case Op::kNot: {
        const Value& a = EvalRef(e.args[0], &s0);
        if (a.is_unknown()) return a;
        if (KindOf(a) != kBoolK) return NoOverload("!", a);
        return Value(!std::get<bool>(a.v));
      }
      case Op::kNeg: {
        const Value& a = EvalRef(e.args[0], &s0);
        if (a.is_unknown()) return a;
        if (KindOf(a) == kIntK) {
          int64_t i = std::get<int64_t>(a.v);
          if (i == std::numeric_limits<int64_t>::min())
            return Value::Error("integer overflow in negation");
          return Value(-i);
        }
        if (KindOf(a) == kDoubleK) return Value(-std::get<double>(a.v));
        return NoOverload("-", a);
      }
      case Op::kAnd:
      case Op::kOr: {
        // CEL's commutative logic: a decisive operand (false for &&, true for ||) wins over an
        // unknown or erroneous one on either side.
        const bool decisive = e.op == Op::kOr;
        const Value& a = EvalRef(e.args[0], &s0);
        if (KindOf(a) == kBoolK && std::get<bool>(a.v) == decisive) return Value(decisive);
        const Value& b = EvalRef(e.args[1], &s1);
        if (KindOf(b) == kBoolK && std::get<bool>(b.v) == decisive) return Value(decisive);
        // Neither side decides: the result is the other truth value if both are bools, else
        // the unknown (a non-bool operand is an error value).
        Value ua = KindOf(a) == kBoolK || a.is_unknown() ? a : NoOverload(OpName(e.op), a);
        Value ub = KindOf(b) == kBoolK || b.is_unknown() ? b : NoOverload(OpName(e.op), b);
        if (!ua.is_unknown() && !ub.is_unknown()) return Value(!decisive);
        if (ua.is_unknown() && ub.is_unknown()) return PickUnknown(ua, ub);
        return ua.is_unknown() ? ua : ub;
      }
      case Op::kConditional: {
        const Value& c = EvalRef(e.args[0], &s0);
        if (c.is_unknown()) return c;
        if (KindOf(c) != kBoolK) return NoOverload("?:", c);
        return Eval(e.args[std::get<bool>(c.v) ? 1 : 2]);
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        return Arithmetic(e.op, EvalRef(e.args[0], &s0), EvalRef(e.args[1], &s1));
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
        return Order(e.op, EvalRef(e.args[0], &s0), EvalRef(e.args[1], &s1));
      case Op::kEq:
      case Op::kNe: {
        Value eq = Equal(EvalRef(e.args[0], &s0), EvalRef(e.args[1], &s1));
        if (e.op == Op::kNe && KindOf(eq) == kBoolK) return Value(!std::get<bool>(eq.v));
        return eq;
      }
      case Op::kIn: {
        const Value& x = EvalRef(e.args[0], &s0);
        const Value& list = EvalRef(e.args[1], &s1);
        if (x.is_unknown() || list.is_unknown()) return PickUnknown(x, list);
        if (KindOf(list) != kListK) return NoOverload("in", x, list);
        for (const Value& item : *std::get<ListPtr>(list.v)) {
          if (Equal(x, item).is_true()) return Value(true);
        }
        return Value(false);
      }
      case Op::kIndex: {
        const Value& base = EvalRef(e.args[0], &s0);
        const Value& index = EvalRef(e.args[1], &s1);
        if (base.is_unknown() || index.is_unknown()) return PickUnknown(base, index);
        if (KindOf(base) != kListK) return NoOverload("[]", base, index);
        int64_t i;
        if (KindOf(index) == kIntK) {
          i = std::get<int64_t>(index.v);
        } else if (KindOf(index) == kDoubleK &&
                   std::get<double>(index.v) == std::trunc(std::get<double>(index.v)) &&
                   std::abs(std::get<double>(index.v)) < 9e18) {
          i = static_cast<int64_t>(std::get<double>(index.v));
        } else {
          return Value::Error(fmt::format("invalid list index {}", ValueToString(index)));
        }
        const auto& items = *std::get<ListPtr>(base.v);
        if (i < 0 || static_cast<uint64_t>(i) >= items.size()) {
          return Value::Error(
              fmt::format("index {} out of range for a list of size {}", i, items.size()));
        }
        return items[static_cast<size_t>(i)];
      }
      case Op::kSize: {
        const Value& a = EvalRef(e.args[0], &s0);
        if (a.is_unknown()) return a;
        if (KindOf(a) == kStringK)
          return Value(static_cast<int64_t>(CodePointCount(std::get<std::string>(a.v))));
        if (KindOf(a) == kListK) return Value(static_cast<int64_t>(std::get<ListPtr>(a.v)->size()));
        return NoOverload("size", a);
      }
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith:
      case Op::kMatches: {
        const Value& a = EvalRef(e.args[0], &s0);
        const Value& b = EvalRef(e.args[1], &s1);
        if (a.is_unknown() || b.is_unknown()) return PickUnknown(a, b);
        if (KindOf(a) != kStringK || KindOf(b) != kStringK) return NoOverload(OpName(e.op), a, b);
        const std::string& s = std::get<std::string>(a.v);
        const std::string& t = std::get<std::string>(b.v);
        switch (e.op) {
          case Op::kContains:
            return Value(s.find(t) != std::string::npos);
          case Op::kStartsWith:
            return Value(s.compare(0, t.size(), t) == 0 && s.size() >= t.size());
          case Op::kEndsWith:
            return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
          default:
            return Value(RE2::PartialMatch(s, *e.regex));
        }
      }
      case Op::kLowerAscii:
      case Op::kUpperAscii: {
        const Value& a = EvalRef(e.args[0], &s0);
        if (a.is_unknown()) return a;
        if (KindOf(a) != kStringK) return NoOverload(OpName(e.op), a);
        std::string s = std::get<std::string>(a.v);
        for (char& c : s) {
          if (e.op == Op::kLowerAscii && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
          if (e.op == Op::kUpperAscii && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        }
        return Value(std::move(s));
      }
      case Op::kToInt:
      case Op::kToDouble:
      case Op::kToString:
      case Op::kToBool:
      case Op::kDyn: {
        const Value& a = EvalRef(e.args[0], &s0);
        if (a.is_unknown()) return a;
        switch (e.op) {
          case Op::kToInt:
            return ToInt(a);
          case Op::kToDouble:
            return ToDouble(a);
          case Op::kToString:
            return ToString(a);
          case Op::kToBool:
            return ToBool(a);
          default:
            return a;
        }
      }
    }
    return Value::Error("internal: unhandled operator");
  }

  std::span<const Value> row_;
  const TraceFn* trace_;
};

}  // namespace

int CompareNumbers(const Value& a, const Value& b) {
  if (KindOf(a) == kIntK && KindOf(b) == kIntK) {
    int64_t x = std::get<int64_t>(a.v), y = std::get<int64_t>(b.v);
    return (x > y) - (x < y);
  }
  if (KindOf(a) == kDoubleK && KindOf(b) == kDoubleK) {
    double x = std::get<double>(a.v), y = std::get<double>(b.v);
    if (std::isnan(x) || std::isnan(y)) return 2;
    return (x > y) - (x < y);
  }
  // int vs double as CEL compares them (its conformance suite and implementations): a double
  // beyond the int64 range orders by range; otherwise the int converts to double, rounding as it
  // must, so 9223372036854775807 equals 9223372036854775808.0.
  bool swapped = KindOf(a) == kDoubleK;
  int64_t i = std::get<int64_t>(swapped ? b.v : a.v);
  double d = std::get<double>(swapped ? a.v : b.v);
  int c;
  if (std::isnan(d)) return 2;
  if (d > 9223372036854775808.0)
    c = -1;
  else if (d < -9223372036854775808.0)
    c = 1;
  else {
    double x = static_cast<double>(i);
    c = (x > d) - (x < d);
  }
  return swapped ? -c : c;
}

Value Evaluate(const CheckedExpr& e, std::span<const Value> row, const TraceFn* trace) {
  return Interpreter(row, trace).Eval(e);
}

}  // namespace hunch
