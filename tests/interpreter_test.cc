// Tests for the reference interpreter: three-valued logic over missing and erroneous values,
// arithmetic errors, exact number comparison, strings, conversions and tracing.
#include "engine/interpreter.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rules/checker.h"
#include "rules/parser.h"

namespace hunch {
namespace {

// Columns for the tests; a row is a std::vector<Value> in this order.
Schema TestSchema() {
  Schema s;
  s.columns = {{"a", ColumnType::kBool},   {"b", ColumnType::kBool},   {"n", ColumnType::kInt},
               {"x", ColumnType::kDouble}, {"s", ColumnType::kString}, {"t", ColumnType::kString}};
  return s;
}
enum Col { kA, kB, kN, kX, kS, kT, kColumns };

CheckedExpr Compile(const std::string& source) {
  ParseResult parsed = ParseExpression(source);
  INFO(source << ": " << parsed.error.message);
  REQUIRE(parsed.ok());
  CheckResult checked = Check(*parsed.expr, TestSchema(), CheckOptions{});
  INFO(source << ": " << (checked.errors.empty() ? "" : checked.errors[0].message));
  REQUIRE(checked.expr.has_value());
  return std::move(*checked.expr);
}

// A row where every cell is missing, with the given cells set.
std::vector<Value> Row(std::initializer_list<std::pair<Col, Value>> cells = {}) {
  std::vector<Value> row(kColumns, Value::Missing());
  for (const auto& [col, v] : cells) row[col] = v;
  return row;
}

Value Eval(const std::string& source, const std::vector<Value>& row = Row()) {
  return Evaluate(Compile(source), row);
}

// The printed value of `source` on `row`.
std::string Show(const std::string& source, const std::vector<Value>& row = Row()) {
  return ValueToString(Eval(source, row));
}

// The reason of the error value `source` evaluates to.
std::string ErrorOf(const std::string& source, const std::vector<Value>& row = Row()) {
  Value v = Eval(source, row);
  INFO(source << " = " << ValueToString(v));
  REQUIRE(v.is_error());
  return std::get<Unknown>(v.v).reason;
}

// The four truth values of the logic: true, false, unknown because missing, unknown because of
// an error.
enum class Truth { kTrue, kFalse, kMissing, kError };
constexpr Truth T = Truth::kTrue, F = Truth::kFalse, M = Truth::kMissing, E = Truth::kError;
constexpr Truth kAll[] = {T, F, M, E};

Value Cell(Truth t, const char* error_reason = "bad cell") {
  switch (t) {
    case Truth::kTrue:
      return Value(true);
    case Truth::kFalse:
      return Value(false);
    case Truth::kMissing:
      return Value::Missing();
    case Truth::kError:
      return Value::Error(error_reason);
  }
  return Value();
}

Truth TruthOf(const Value& v) {
  if (v.is_true()) return T;
  if (v.is_false()) return F;
  if (v.is_error()) return E;
  REQUIRE(v.is_unknown());
  return M;
}

const char* Name(Truth t) {
  static const char* kNames[] = {"true", "false", "missing", "error"};
  return kNames[static_cast<int>(t)];
}

// Evaluates `e` over a row with a and b set, with and without a trace (two code paths), and
// checks both agree; returns the result.
Value EvalBoth(const CheckedExpr& e, Truth a, Truth b) {
  std::vector<Value> row = Row({{kA, Cell(a, "bad a")}, {kB, Cell(b, "bad b")}});
  Value fast = Evaluate(e, row);
  int nodes = 0;
  TraceFn trace = [&](const CheckedExpr&, const Value&) { ++nodes; };
  Value traced = Evaluate(e, row, &trace);
  CHECK(fast.v == traced.v);
  CHECK(nodes > 0);
  return fast;
}

TEST_CASE("The three-valued logic table of && over true, false, missing and error") {
  // CEL's absorption: false && X is false whatever X is, on either side; otherwise any unknown
  // makes the result unknown, and an error is preferred over a missing value.
  const Truth kAnd[4][4] = {
      //         b: true false missing error
      /* true    */ {T, F, M, E},
      /* false   */ {F, F, F, F},
      /* missing */ {M, F, M, E},
      /* error   */ {E, F, E, E},
  };
  CheckedExpr e = Compile("a && b");
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      INFO(Name(kAll[i]) << " && " << Name(kAll[j]));
      CHECK(Name(TruthOf(EvalBoth(e, kAll[i], kAll[j]))) == std::string(Name(kAnd[i][j])));
    }
  }
}

TEST_CASE("The three-valued logic table of || over true, false, missing and error") {
  // true || X is true whatever X is, on either side; otherwise unknown wins, errors first.
  const Truth kOr[4][4] = {
      //         b: true false missing error
      /* true    */ {T, T, T, T},
      /* false   */ {T, F, M, E},
      /* missing */ {T, M, M, E},
      /* error   */ {T, E, E, E},
  };
  CheckedExpr e = Compile("a || b");
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      INFO(Name(kAll[i]) << " || " << Name(kAll[j]));
      CHECK(Name(TruthOf(EvalBoth(e, kAll[i], kAll[j]))) == std::string(Name(kOr[i][j])));
    }
  }
}

TEST_CASE("An unknown result of && or || keeps the reason of the error it came from") {
  Value v = EvalBoth(Compile("a && b"), M, E);
  CHECK(std::get<Unknown>(v.v).reason == "bad b");
  v = EvalBoth(Compile("a || b"), E, M);
  CHECK(std::get<Unknown>(v.v).reason == "bad a");
  v = EvalBoth(Compile("a && b"), E, E);
  CHECK(std::get<Unknown>(v.v).reason == "bad a");  // of two errors, the first
  v = EvalBoth(Compile("a || b"), M, M);
  CHECK(std::get<Unknown>(v.v).reason == "missing");
}

TEST_CASE("Runtime errors inside && and || are absorbed like bad cells") {
  CHECK(Show("false && n / 0 == 1") == "false");
  CHECK(Show("n / 0 == 1 && false", Row({{kN, Value(int64_t{1})}})) == "false");
  CHECK(Show("true || int('x') == 1") == "true");
  CHECK(Show("int('x') == 1 || true") == "true");
  CHECK(ErrorOf("true && int('x') == 1") == "cannot convert \"x\" to int");
  CHECK(ErrorOf("s.size() > 1 || int('x') == 1") == "cannot convert \"x\" to int");
}

TEST_CASE("! maps true and false to each other and keeps an unknown as it is") {
  CheckedExpr e = Compile("!a");
  const Truth kNot[] = {F, T, M, E};
  for (int i = 0; i < 4; ++i) {
    INFO("!" << Name(kAll[i]));
    CHECK(Name(TruthOf(EvalBoth(e, kAll[i], T))) == std::string(Name(kNot[i])));
  }
  CHECK(Show("!(a && b)", Row({{kA, Value(true)}, {kB, Value::Missing()}})) == "unknown (missing)");
  CHECK(Show("!!a", Row({{kA, Value(true)}})) == "true");
}

TEST_CASE("Comparisons and arithmetic with an unknown operand are unknown") {
  const std::vector<Value> missing = Row();
  const std::vector<Value> bad = Row({{kN, Value::Error("bad n")}, {kX, Value::Error("bad x")}});
  for (const char* source :
       {"n > 1", "1 < n", "n == 1", "n != 1", "n + 1 > 0", "-n < 0", "x >= 1.5", "n == x",
        "string(n) == '1'", "size(s) == 0", "s.startsWith('a')", "s + t == ''", "[n][0] == 1"}) {
    INFO(source);
    CHECK(Show(source, missing) == "unknown (missing)");
    CHECK_FALSE(Eval(source, missing).is_error());
  }
  CHECK(ErrorOf("n > 1", bad) == "bad n");
  CHECK(ErrorOf("n + 1 > 0", bad) == "bad n");
  // An error wins over a missing value on either side.
  CHECK(ErrorOf("n == x", Row({{kX, Value::Error("bad x")}})) == "bad x");
  CHECK(ErrorOf("x == n", Row({{kX, Value::Error("bad x")}})) == "bad x");
  CHECK(ErrorOf("s + t == ''", Row({{kT, Value::Error("bad t")}})) == "bad t");
}

TEST_CASE("'in' with an unknown value or list is unknown") {
  CHECK(Show("n in [1, 2]") == "unknown (missing)");
  CHECK(Show("1 in [n, 1]") == "unknown (missing)");  // a list with an unknown item is unknown
  CHECK(ErrorOf("n in [1, 2]", Row({{kN, Value::Error("bad n")}})) == "bad n");
  CHECK(Show("n in [1, 2]", Row({{kN, Value(int64_t{2})}})) == "true");
  CHECK(Show("n in [1.0, 3]", Row({{kN, Value(int64_t{1})}})) == "true");
  CHECK(Show("s in ['a']", Row({{kS, Value(std::string("b"))}})) == "false");
  CHECK(Show("s in []", Row({{kS, Value(std::string("b"))}})) == "false");
  CHECK(Show("!(s in ['a'])") == "unknown (missing)");  // `s not in [...]` too
}

TEST_CASE("A conditional with an unknown condition is unknown, whatever its branches") {
  CHECK(Show("a ? 1 : 2") == "unknown (missing)");
  CHECK(ErrorOf("a ? 1 : 2", Row({{kA, Value::Error("bad a")}})) == "bad a");
  CHECK(Show("a ? 1 : 2", Row({{kA, Value(true)}})) == "1");
  CHECK(Show("a ? 1 : 2", Row({{kA, Value(false)}})) == "2");
  // Only the branch taken is evaluated.
  CHECK(Show("a ? 1 : 1 / 0", Row({{kA, Value(true)}})) == "1");
}

TEST_CASE("has() is false for a missing cell and true for a present one, even a bad one") {
  CHECK(Show("has(n)") == "false");
  CHECK(Show("has(n)", Row({{kN, Value(int64_t{0})}})) == "true");
  CHECK(Show("has(s)", Row({{kS, Value(std::string(""))}})) == "true");
  CHECK(Show("has(n)", Row({{kN, Value::Error("not an int")}})) == "true");
  CHECK(Show("has(n) && n > 1") == "false");  // the guard makes the rule definite
  CHECK(Show("!has(n) || n > 1") == "true");
}

TEST_CASE("Integer overflow is an error, never a wrapped value") {
  CHECK(ErrorOf("9223372036854775807 + 1 > 0") == "integer overflow in '+'");
  CHECK(ErrorOf("-9223372036854775808 - 1 < 0") == "integer overflow in '-'");
  CHECK(ErrorOf("4611686018427387904 * 2 > 0") == "integer overflow in '*'");
  CHECK(ErrorOf("-9223372036854775808 / -1 > 0") == "integer overflow in '/'");
  CHECK(ErrorOf("-9223372036854775808 % -1 == 0") == "integer overflow in '%'");
  CHECK(ErrorOf("-n < 0", Row({{kN, Value(std::numeric_limits<int64_t>::min())}})) ==
        "integer overflow in negation");
  CHECK(Show("9223372036854775806 + 1") == "9223372036854775807");
  CHECK(Show("-9223372036854775807 - 1") == "-9223372036854775808");
}

TEST_CASE("Integer division and modulus by zero are errors; double division follows IEEE") {
  CHECK(ErrorOf("n / 0 > 1", Row({{kN, Value(int64_t{5})}})) == "division by zero");
  CHECK(ErrorOf("n % 0 > 1", Row({{kN, Value(int64_t{5})}})) == "modulus by zero");
  CHECK(Show("7 / 2") == "3");
  CHECK(Show("-7 / 2") == "-3");  // truncates toward zero
  CHECK(Show("-7 % 2") == "-1");
  CHECK(Show("1.0 / 0.0") == "+Inf");
  CHECK(Show("-1.0 / 0.0") == "-Inf");
  CHECK(Show("x / 0", Row({{kX, Value(1.5)}})) == "+Inf");  // mixed: promoted to double
  CHECK(Show("0.0 / 0.0 == 0.0 / 0.0") == "false");         // NaN is not equal to itself
  CHECK(Show("0.0 / 0.0 < 1.0") == "false");
  CHECK(Show("0.0 / 0.0 >= 1.0") == "false");
}

TEST_CASE("Mixed int and double arithmetic promotes to double") {
  CHECK(Show("1 + 0.5") == "1.5");
  CHECK(Show("3 / 2.0") == "1.5");
  CHECK(Show("n * 1.5", Row({{kN, Value(int64_t{3})}})) == "4.5");
  CHECK(Show("2.0 - n", Row({{kN, Value(int64_t{3})}})) == "-1.0");
  CHECK(Show("x + n", Row({{kX, Value(0.25)}, {kN, Value(int64_t{1})}})) == "1.25");
}

TEST_CASE("Ints and doubles compare as CEL does: in double precision, or by range beyond int64") {
  // 9223372036854775807 (2^63 - 1) meets 9223372036854775808.0 (2^63) in double precision, where
  // it rounds to 2^63: equal, as CEL's conformance suite requires
  // (not_lt_dyn_int_big_lossy_double).
  CHECK(Show("9223372036854775807 == 9223372036854775808.0") == "true");
  CHECK(Show("9223372036854775807 < 9223372036854775808.0") == "false");
  CHECK(Show("9223372036854775807 <= 9223372036854775808.0") == "true");
  CHECK(Show("9223372036854775808.0 > 9223372036854775807") == "false");
  CHECK(Show("9223372036854775807 != 9223372036854775808.0") == "false");
  // A double beyond the int64 range orders by range.
  CHECK(Show("9223372036854775807 < 9223372036854777857.0") == "true");
  CHECK(Show("-9223372036854775808 > -9223372036854777857.0") == "true");
  CHECK(Show("-9223372036854775808 == -9223372036854775808.0") == "true");
  // 2^53 + 1 is the first int a double cannot hold: it rounds to 2^53.
  CHECK(Show("9007199254740993 == 9007199254740992.0") == "true");
  CHECK(Show("9007199254740993 > 9007199254740991.0") == "true");
  CHECK(Show("1 == 1.0") == "true");
  CHECK(Show("0 == -0.0") == "true");
  CHECK(Show("2 > 1.5") == "true");
  CHECK(Show("-2 < -1.5") == "true");
  CHECK(Show("-1 > -1.5") == "true");
  CHECK(Show("1 in [1.0]") == "true");

  using L = std::numeric_limits<int64_t>;
  CHECK(CompareNumbers(Value(L::max()), Value(9223372036854775808.0)) == 0);
  CHECK(CompareNumbers(Value(L::max()), Value(9223372036854777856.0)) == -1);
  CHECK(CompareNumbers(Value(9223372036854777856.0), Value(L::max())) == 1);
  CHECK(CompareNumbers(Value(L::min()), Value(-9223372036854775808.0)) == 0);
  CHECK(CompareNumbers(Value(int64_t{3}), Value(2.5)) == 1);
  CHECK(CompareNumbers(Value(int64_t{-3}), Value(-2.5)) == -1);
  CHECK(CompareNumbers(Value(int64_t{1}), Value(std::nan(""))) == 2);
  CHECK(CompareNumbers(Value(std::nan("")), Value(1.0)) == 2);
  CHECK(CompareNumbers(Value(int64_t{0}), Value(std::numeric_limits<double>::infinity())) == -1);
  CHECK(CompareNumbers(Value(int64_t{0}), Value(-std::numeric_limits<double>::infinity())) == 1);
}

TEST_CASE("Values of different kinds are unequal at run time") {
  CHECK(Show("dyn(1) == '1'") == "false");
  CHECK(Show("dyn(1) != '1'") == "true");
  CHECK(Show("dyn(true) == 1") == "false");
  CHECK(Show("dyn(null) == null") == "true");
  CHECK(Show("[1, 'a'] == [1, 'a']") == "true");
  CHECK(Show("[1, 2] == [1, 2, 3]") == "false");
  CHECK(Show("[1, 2] == [1.0, 2.0]") == "true");
  CHECK(ErrorOf("dyn('a') < 1") == "no matching overload for '<' on (string, int)");
  CHECK(ErrorOf("dyn('a') + 1 == 1") == "no matching overload for '+' on (string, int)");
}

TEST_CASE("String functions count and compare UTF-8 text by code points and bytes") {
  auto str = [](const char* v) { return Row({{kS, Value(std::string(v))}}); };
  CHECK(Show("size(s)", str("h\xC3\xA9llo")) == "5");               // héllo
  CHECK(Show("s.size()", str("\xE6\x97\xA5\xE6\x9C\xAC")) == "2");  // 日本
  CHECK(Show("size(s)", str("\xF0\x9F\x98\x80!")) == "2");          // 😀!
  CHECK(Show("size(s)", str("")) == "0");
  CHECK(Show("s.contains('\xC3\xA9')", str("caf\xC3\xA9")) == "true");
  CHECK(Show("s.startsWith('ca')", str("caf\xC3\xA9")) == "true");
  CHECK(Show("s.endsWith('\xC3\xA9')", str("caf\xC3\xA9")) == "true");
  CHECK(Show("s.endsWith('cafe')", str("caf\xC3\xA9")) == "false");
  CHECK(Show("s.startsWith('')", str("")) == "true");
  CHECK(Show("s.startsWith('abc')", str("ab")) == "false");
  CHECK(Show("s.lowerAscii()", str("\xC3\x89T\xC3\x89 Abc")) == "\"\xC3\x89t\xC3\x89 abc\"");
  CHECK(Show("s.upperAscii()", str("\xC3\xA9t\xC3\xA9 abc")) == "\"\xC3\xA9T\xC3\xA9 ABC\"");
  CHECK(Show("s < t", Row({{kS, Value(std::string("Z"))}, {kT, Value(std::string("a"))}})) ==
        "true");  // byte order
  CHECK(Show("s + '!'", str("hi")) == "\"hi!\"");
}

TEST_CASE("matches() searches anywhere in the string, code point by code point") {
  auto str = [](const char* v) { return Row({{kS, Value(std::string(v))}}); };
  CHECK(Show("s.matches('b')", str("abc")) == "true");  // unanchored, as in CEL
  CHECK(Show("s.matches('^b')", str("abc")) == "false");
  CHECK(Show("s.matches('^.$')", str("\xC3\xA9")) == "true");  // . is one code point
  CHECK(Show("s.matches('\\\\d{5,}')", str("call 12345 now")) == "true");
  CHECK(Show("matches(s, '[0-9]')", str("none")) == "false");
}

TEST_CASE("Conversions convert what they can and give errors for the rest") {
  auto str = [](const char* v) { return Row({{kS, Value(std::string(v))}}); };
  CHECK(Show("int(s)", str("12")) == "12");
  CHECK(Show("int(s)", str("-9223372036854775808")) == "-9223372036854775808");
  CHECK(ErrorOf("int(s) == 1", str("9223372036854775808")) ==
        "cannot convert \"9223372036854775808\" to int");
  CHECK(ErrorOf("int(s) == 1", str(" 12")) == "cannot convert \" 12\" to int");
  CHECK(ErrorOf("int(s) == 1", str("12.5")) == "cannot convert \"12.5\" to int");
  CHECK(ErrorOf("int(s) == 1", str("")) == "cannot convert \"\" to int");
  CHECK(Show("int(2.9)") == "2");  // truncation toward zero
  CHECK(Show("int(-2.9)") == "-2");
  CHECK(ErrorOf("int(1e19) == 1") == "int(1e+19) is out of range");
  CHECK(ErrorOf("int(9223372036854775808.0) == 1") == "int(9223372036854775808) is out of range");
  CHECK(ErrorOf("int(-9223372036854775808.0) == 1") == "int(-9223372036854775808) is out of range");
  CHECK(ErrorOf("int(0.0 / 0.0) == 1") == "int(NaN) is out of range");
  CHECK(Show("double(s)", str("1.5")) == "1.5");
  CHECK(Show("double(s)", str("1e3")) == "1000.0");
  CHECK(Show("double(7)") == "7.0");
  CHECK(ErrorOf("double(s) > 0.0", str("abc")) == "cannot convert \"abc\" to double");
  CHECK(Show("string(7)") == "\"7\"");
  CHECK(Show("string(1.5)") == "\"1.5\"");
  CHECK(Show("string(2.0)") == "\"2\"");
  CHECK(Show("string(true)") == "\"true\"");
  CHECK(Show("bool(s)", str("true")) == "true");
  CHECK(Show("bool(s)", str("f")) == "false");
  CHECK(Show("bool(s)", str("FALSE")) == "false");
  CHECK(ErrorOf("bool(s)", str("yes")) == "cannot convert \"yes\" to bool");
  CHECK(Show("int(s)") == "unknown (missing)");  // converting a missing cell stays unknown
}

TEST_CASE("Lists index, concatenate and report bad indexes as errors") {
  CHECK(Show("[1, 2] + [3]") == "[1, 2, 3]");
  CHECK(Show("[10, 20][1]") == "20");
  CHECK(ErrorOf("[1, 2][2] == 1") == "index 2 out of range for a list of size 2");
  CHECK(ErrorOf("[1, 2][-1] == 1") == "index -1 out of range for a list of size 2");
  CHECK(Show("size([1, 2, 3])") == "3");
  CHECK(Show("[1, 2][n]") == "unknown (missing)");
}

TEST_CASE("The trace reports every evaluated node, children first, and skips short circuits") {
  CheckedExpr e = Compile("n > 1 && s == 'x'");
  std::vector<std::string> seen;
  TraceFn trace = [&](const CheckedExpr& node, const Value& v) {
    seen.push_back(std::string(OpName(node.op)) + "=" + ValueToString(v));
  };
  std::vector<Value> row = Row({{kN, Value(int64_t{0})}, {kS, Value(std::string("x"))}});
  CHECK(ValueToString(Evaluate(e, row, &trace)) == "false");
  // The two operands of '>' may come in either order; the right side of && is skipped.
  REQUIRE(seen.size() == 4);
  std::sort(seen.begin(), seen.begin() + 2);
  CHECK(seen == std::vector<std::string>{"column=0", "const=1", ">=false", "&&=false"});
}

}  // namespace
}  // namespace hunch
