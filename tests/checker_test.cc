// Tests for the type checker: name resolution with hints, type errors, regexes, functions,
// conversions, list types, and error reporting without cascades.
#include "rules/checker.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/parser.h"

namespace hunch {
namespace {

Schema TestSchema() {
  Schema s;
  s.columns = {{"amount", ColumnType::kDouble},  {"age", ColumnType::kInt},
               {"country", ColumnType::kString}, {"email", ColumnType::kString},
               {"is_mobile", ColumnType::kBool}, {"education-num", ColumnType::kInt}};
  return s;
}

CheckResult CheckSource(const std::string& source, const CheckOptions& options = {},
                        std::vector<std::string>* extra = nullptr) {
  ParseResult parsed = ParseExpression(source);
  INFO(source << ": " << parsed.error.message);
  REQUIRE(parsed.ok());
  return Check(*parsed.expr, TestSchema(), options, extra);
}

// The type of `source`, which must check without errors.
std::string TypeOf(const std::string& source) {
  CheckResult r = CheckSource(source);
  INFO(source << ": " << (r.errors.empty() ? "" : r.errors[0].message));
  REQUIRE(r.errors.empty());
  REQUIRE(r.expr.has_value());
  return TypeName(r.expr->type);
}

// The one error of `source`.
CheckError OneError(const std::string& source) {
  CheckResult r = CheckSource(source);
  INFO(source);
  REQUIRE(r.errors.size() == 1);
  CHECK_FALSE(r.expr.has_value());
  return r.errors[0];
}

std::string Message(const std::string& source) { return OneError(source).message; }

TEST_CASE("An unknown column is an error with a did-you-mean hint, at the name") {
  CheckError e = OneError("amout > 5");
  CHECK(e.code == "unknown-column");
  CHECK(e.message == "unknown column 'amout' (did you mean 'amount'?)");
  CHECK(e.begin == 0);
  CHECK(e.end == 5);
  CHECK(Message("`education_num` > 3") ==
        "unknown column 'education_num' (did you mean 'education-num'?)");
  CHECK(Message("Country == 'x'") == "unknown column 'Country' (did you mean 'country'?)");
  CHECK(Message("zzzzzzzz > 1") == "unknown column 'zzzzzzzz'");  // nothing close
}

TEST_CASE("A type name used as a value is refused as unsupported, not as a column") {
  CHECK(Message("int == 1") == "type values such as 'int' are not supported");
  CHECK(Message("type(age) == 1") == "type() is not supported: type values are out of the subset");
}

TEST_CASE("Backquoted names resolve like plain ones") {
  CHECK(TypeOf("`education-num` >= 13") == "bool");
  CHECK(TypeOf("`amount` + 1") == "double");
}

TEST_CASE("Ordering a string against an int is a type mismatch over the whole comparison") {
  CheckError e = OneError("country > 5000");
  CHECK(e.code == "type-mismatch");
  CHECK(e.message == "no operator '>' for string and int");
  CHECK(e.begin == 0);
  CHECK(e.end == 14);
  CHECK(Message("is_mobile < 1") == "no operator '<' for bool and int");
  CHECK(Message("[1] < [2]") == "no operator '<' for list(int) and list(int)");
  CHECK(TypeOf("country < 'M'") == "bool");
  CHECK(TypeOf("age < 1.5") == "bool");  // ints and doubles compare
  CHECK(TypeOf("is_mobile > false") == "bool");
}

TEST_CASE("'%' needs two ints; the other arithmetic mixes ints and doubles into doubles") {
  CHECK(Message("amount % 2 == 0") == "no operator '%' for double and int: '%' needs two ints");
  CHECK(Message("5.0 % 2.0 > 0.0") == "no operator '%' for double and double: '%' needs two ints");
  CHECK(TypeOf("age % 7") == "int");
  CHECK(TypeOf("age + 1") == "int");
  CHECK(TypeOf("age * 1.5") == "double");
  CHECK(TypeOf("amount / age") == "double");
  CHECK(TypeOf("country + '!'") == "string");
  CHECK(TypeOf("[1] + [2]") == "list(int)");
  CHECK(TypeOf("[1] + ['a']") == "list(dyn)");
  CHECK(Message("country + 1") == "no operator '+' for string and int");
  CHECK(Message("country - 'a'") == "no operator '-' for string and string");
  CHECK(Message("-country") == "'-' needs a number, found string");
  CHECK(Message("!age") == "'!' needs a bool operand, found int");
}

TEST_CASE("'==' with null is an error that points to has()") {
  const std::string hint =
      "which is never equal: a missing cell is unknown, not null; test it with has(column)";
  CHECK(Message("country == null") == "'==' compares string with null, " + hint);
  CHECK(Message("null != age") == "'!=' compares int with null, " + hint);
  CHECK(TypeOf("null == null") == "bool");
  CHECK(TypeOf("dyn(age) == null") == "bool");  // dyn is checked at run time
}

TEST_CASE("Values of different kinds can never be equal") {
  CHECK(Message("country == 1") ==
        "no operator '==' for string and int: the values can never be equal");
  CHECK(Message("is_mobile != 'true'") ==
        "no operator '!=' for bool and string: the values can never be equal");
  CHECK(TypeOf("age == 1.0") == "bool");
  CHECK(TypeOf("[1, 2] == [1, 2]") == "bool");
}

TEST_CASE("'in' with a list of incompatible elements can never be true") {
  CHECK(Message("age in ['new', 'old']") ==
        "'in' looks for an int in a list of string: it can never be found");
  CHECK(Message("country in [1, 2]") ==
        "'in' looks for a string in a list of int: it can never be found");
  CHECK(Message("country in 'abc'") ==
        "no operator 'in' for string and string: the right side of 'in' must be a list");
  CHECK(TypeOf("age in [1, 2.5]") == "bool");  // numbers mix
  CHECK(TypeOf("age in [1, 'a']") == "bool");  // a mixed list is list(dyn)
  CHECK(TypeOf("country in []") == "bool");    // the empty list is list(dyn)
  CHECK(TypeOf("age in dyn([1])") == "bool");
}

TEST_CASE("A bad regex is reported with RE2's message, at the pattern") {
  CheckError e = OneError("email.matches('@(tempmail')");
  CHECK(e.code == "bad-regex");
  CHECK(e.message == "invalid regex: missing ): @(tempmail");
  CHECK(e.begin == 14);
  CHECK(e.end == 26);
  CHECK(Message("email.matches('[a-')") == "invalid regex: missing ]: [a-");
  CHECK(Message("email.matches('a**')") == "invalid regex: bad repetition operator: **");
  CHECK(Message("email.matches('(a)\\\\1')") == "invalid regex: invalid escape sequence: \\1");
  CHECK(TypeOf("email.matches('^[a-z]+@')") == "bool");
  CHECK(TypeOf("matches(email, 'x')") == "bool");  // also as a function
}

TEST_CASE("matches() needs a literal pattern") {
  CheckError e = OneError("email.matches(country)");
  CHECK(e.code == "bad-regex");
  CHECK(e.message == "matches() needs a string literal pattern, so it compiles once at load time");
  CHECK(e.begin == 14);
  CHECK(e.end == 21);
  CHECK(Message("email.matches('a' + 'b')") ==
        "matches() needs a string literal pattern, so it compiles once at load time");
}

TEST_CASE("A regex over the memory budget is refused") {
  CheckOptions tiny;
  tiny.regex_max_mem = 1 << 10;
  CheckResult r = CheckSource("email.matches('((a{1,100}){1,100}){1,100}')", tiny);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == "bad-regex");
  CHECK_THAT(r.errors[0].message, Catch::StartsWith("invalid regex: "));
}

TEST_CASE("Unknown functions are errors, with a hint for near misses") {
  CheckError e = OneError("email.startswith('a')");
  CHECK(e.code == "unknown-function");
  CHECK(e.message == "unknown function 'startswith' (did you mean 'startsWith'?)");
  CHECK(e.begin == 0);
  CHECK(e.end == 21);
  CHECK(Message("sise(email) > 1") == "unknown function 'sise' (did you mean 'size'?)");
  CHECK(Message("frobnicate(age) > 1") == "unknown function 'frobnicate'");
  CHECK(Message("age.frobnicate()") == "unknown function 'frobnicate' as a method");
  CHECK(Message("email.int() > 1") == "unknown function 'int' as a method");
}

TEST_CASE("Functions check their receiver, arguments and arity") {
  CHECK(TypeOf("email.contains('@')") == "bool");
  CHECK(TypeOf("email.startsWith('a') || email.endsWith('.ru')") == "bool");
  CHECK(TypeOf("email.lowerAscii()") == "string");
  CHECK(TypeOf("upperAscii(email)") == "string");
  CHECK(TypeOf("size(email)") == "int");
  CHECK(TypeOf("email.size()") == "int");
  CHECK(TypeOf("size([1, 2])") == "int");
  CHECK(Message("age.contains('1')") == "contains() needs a string receiver, found int");
  CHECK(Message("email.contains(1)") == "contains() needs a string argument, found int");
  CHECK(Message("email.contains('a', 'b')") == "contains() takes 1 argument");
  CHECK(Message("email.lowerAscii('a') == ''") == "lowerAscii() takes 0 arguments");
  CHECK(Message("size(age)") == "size() needs a string or a list, found int");
  CHECK(Message("size() == 0") == "size() takes one string or list");
}

TEST_CASE("has() takes a column name and is bool") {
  CHECK(TypeOf("has(amount)") == "bool");
  CHECK(TypeOf("has(`education-num`) && `education-num` > 3") == "bool");
  CheckError unknown = OneError("has(amout)");
  CHECK(unknown.code == "unknown-column");
  CHECK(unknown.message == "unknown column 'amout' (did you mean 'amount'?)");
  CHECK(unknown.begin == 4);
  CHECK(unknown.end == 9);
  CHECK(Message("has(amount > 1)") == "has() takes one column name, e.g. has(amount)");
  CHECK(Message("has()") == "has() takes one column name, e.g. has(amount)");
  CHECK(Message("has(a, b)") == "has() takes one column name, e.g. has(amount)");
}

TEST_CASE("Conversions accept the types they can convert and refuse the others") {
  CHECK(TypeOf("int(country)") == "int");
  CHECK(TypeOf("int(amount)") == "int");
  CHECK(TypeOf("int(age)") == "int");
  CHECK(TypeOf("double(age)") == "double");
  CHECK(TypeOf("double(country)") == "double");
  CHECK(TypeOf("string(age) + string(amount) + string(is_mobile)") == "string");
  CHECK(TypeOf("bool(country)") == "bool");
  CHECK(TypeOf("bool(is_mobile)") == "bool");
  CHECK(TypeOf("dyn(age)") == "dyn");
  CHECK(TypeOf("dyn(age) > 'x'") == "bool");  // dyn defers the check to run time
  CHECK(Message("bool(age)") == "cannot convert int to bool");
  CHECK(Message("int(is_mobile) > 0") == "cannot convert bool to int");
  CHECK(Message("double(is_mobile) > 0.0") == "cannot convert bool to double");
  CHECK(Message("string([1])") == "cannot convert list(int) to string");
  CHECK(Message("int(1, 2) > 0") == "int() takes one argument");
  CHECK(Message("dyn() == 1") == "dyn() takes one argument");
}

TEST_CASE("Lists carry their element type, or dyn when mixed or nested") {
  CHECK(TypeOf("[1, 2]") == "list(int)");
  CHECK(TypeOf("['a', country]") == "list(string)");
  CHECK(TypeOf("[1, 2.0]") == "list(dyn)");
  CHECK(TypeOf("[1, 'a']") == "list(dyn)");
  CHECK(TypeOf("[]") == "list(dyn)");
  CHECK(TypeOf("[[1]]") == "list(dyn)");
  CHECK(TypeOf("[1, 2][0]") == "int");
  CHECK(TypeOf("[1, 'a'][0]") == "dyn");
  CHECK(Message("[1, 2]['a'] > 0") == "a list index must be an int, found string");
  CHECK(Message("country[0] == 'a'") == "cannot index a string");
}

TEST_CASE("Conditionals need a bool condition and branches of one type") {
  CHECK(TypeOf("is_mobile ? 1 : 2") == "int");
  CHECK(TypeOf("is_mobile ? 1 : dyn(2)") == "dyn");
  CheckError cond = OneError("age ? 1 : 2");
  CHECK(cond.message == "the condition of '?:' must be bool, found int");
  CHECK(cond.begin == 0);
  CHECK(cond.end == 3);
  CHECK(Message("is_mobile ? 1 : 'one'") ==
        "the branches of '?:' have different types: int and string");
  CHECK(Message("is_mobile ? 1 : 2.0") ==
        "the branches of '?:' have different types: int and double");
}

TEST_CASE("&& and || need bool operands") {
  CHECK(TypeOf("is_mobile && age > 1 || country == 'x'") == "bool");
  CHECK(Message("age && is_mobile") ==
        "no operator '&&' for int and bool: both sides must be bool");
  CHECK(Message("is_mobile || 'yes'") ==
        "no operator '||' for bool and string: both sides must be bool");
}

TEST_CASE("Features outside the subset are refused as unsupported") {
  CheckError u = OneError("age > 1u");
  CHECK(u.code == "unsupported");
  CHECK(u.message == "unsigned integers are not supported: write an int (no 'u')");
  CHECK(u.begin == 6);
  CHECK(u.end == 8);
  CHECK(Message("size(b'x') > 0") == "bytes literals are not supported: data cells are text");
  CHECK(Message("{'a': 1}['a'] == 1") == "maps are not supported: rows hold scalar cells");
  CHECK(Message("row.amount > 1") ==
        "field selection '.amount' is not supported: rows are flat; to name a column whose name "
        "contains '.', quote it with backquotes");
}

TEST_CASE("One unknown column in a bigger expression gives exactly one error") {
  CheckResult r = CheckSource(
      "(amout > 5000 && age < 30) || (country in ['NG', 'RU'] && amout * 2 > age) || "
      "email.matches('@x') && size(email) > 3");
  // Two uses of the one misspelled column: one error each, nothing else (no cascade to the
  // operators and calls around them).
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].message == "unknown column 'amout' (did you mean 'amount'?)");
  CHECK(r.errors[1].message == "unknown column 'amout' (did you mean 'amount'?)");
  CHECK(r.errors[0].begin == 1);
  CHECK(r.errors[1].begin == 58);
  CheckResult once = CheckSource("-(amout + 1) * 2 > size(string(amout + 1)) ? 1 : 2");
  CHECK(once.errors.size() == 2);
  // Errors inside calls, lists, indexes and conditionals do not cascade either.
  for (const char* source :
       {"size(nope) > 1", "[nope, 1][0] > 1", "int(nope) == 1", "nope.contains('a')",
        "is_mobile ? nope : 1", "!nope", "nope in [1, 2]", "[1][nope] == 1", "email.matches(nope)",
        "nope.matches('[')"}) {
    INFO(source);
    CHECK(CheckSource(source).errors.size() == 1);
  }
}

TEST_CASE("Several independent errors are all reported, in source order") {
  CheckResult r = CheckSource(
      "amout > 1 && country > 5 && email.matches('(') && frob(age) && is_mobile == null");
  REQUIRE(r.errors.size() == 5);
  CHECK(r.errors[0].code == "unknown-column");
  CHECK(r.errors[1].code == "type-mismatch");
  CHECK(r.errors[1].begin == 13);
  CHECK(r.errors[2].code == "bad-regex");
  CHECK(r.errors[3].code == "unknown-function");
  CHECK(r.errors[4].code == "type-mismatch");
  CHECK_FALSE(r.expr.has_value());
}

TEST_CASE("The checker lists the distinct columns an expression reads") {
  CheckResult r = CheckSource("amount > 1 && age < 2 && amount < 3 || has(country)");
  REQUIRE(r.errors.empty());
  CHECK(r.columns_read == std::vector<std::string>{"amount", "age", "country"});
}

TEST_CASE("Resolved nodes carry column indexes and types") {
  CheckResult r = CheckSource("age + 1 > amount");
  REQUIRE(r.expr.has_value());
  CHECK(DumpChecked(*r.expr, {"amount", "age"}) ==
        "> : bool\n"
        "  + : int\n"
        "    column age : int\n"
        "    1 : int\n"
        "  column amount : double\n");
}

TEST_CASE("Without a schema, unknown names become columns of unknown type") {
  CheckOptions options;
  options.allow_unknown_columns = true;
  std::vector<std::string> extra;
  CheckResult r =
      CheckSource("foo > 1 && bar.contains('x') && foo < 5 && age > 1", options, &extra);
  REQUIRE(r.errors.empty());
  CHECK(extra == std::vector<std::string>{"foo", "bar"});
  CHECK(r.columns_read == std::vector<std::string>{"foo", "bar", "age"});
  // Their types are dyn, so type errors wait for the data.
  const CheckedExpr& foo = r.expr->args[0].args[0].args[0].args[0];  // in ((foo > 1 && ...
  CHECK(foo.op == Op::kColumn);
  CHECK(TypeName(foo.type) == "dyn");
  // Columns already in `extra` resolve even when new unknown names are not allowed.
  CheckResult again = CheckSource("foo == 2", CheckOptions{}, &extra);
  CHECK(again.errors.empty());
  CHECK(CheckSource("baz == 2", CheckOptions{}, &extra).errors.size() == 1);
}

TEST_CASE("With type checks off, mismatches become runtime errors") {
  CheckOptions options;
  options.check_types = false;
  CheckResult r = CheckSource("country > 5 || nope == 1", options);
  CHECK(r.errors.empty());
  REQUIRE(r.expr.has_value());
  CHECK(TypeName(r.expr->type) == "dyn");
  // Unsupported syntax stays a check error.
  CHECK(CheckSource("age > 1u", options).errors.size() == 1);
}

}  // namespace
}  // namespace hunch
