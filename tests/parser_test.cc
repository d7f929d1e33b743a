// Tests for the expression parser: precedence and associativity (through the canonical print),
// literals, syntax errors with their offsets, and the length and depth limits.
#include "rules/parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "rules/ast.h"

namespace hunch {
namespace {

// The canonical print of `source`, which must parse.
std::string P(const std::string& source) {
  ParseResult r = ParseExpression(source);
  INFO(source << ": " << r.error.message);
  REQUIRE(r.ok());
  return ast::Print(*r.expr);
}

// The syntax error of `source`, which must not parse.
ParseError E(const std::string& source, const ParseLimits& limits = {}) {
  ParseResult r = ParseExpression(source, limits);
  INFO(source);
  REQUIRE_FALSE(r.ok());
  return r.error;
}

TEST_CASE("A minus sign before an integer literal folds into it, so INT64_MIN parses") {
  ParseResult r = ParseExpression("-9223372036854775808");
  REQUIRE(r.ok());
  CHECK(r.expr->kind == ast::Kind::kInt);
  CHECK(r.expr->int_value == std::numeric_limits<int64_t>::min());
  CHECK(r.expr->begin == 0);
  CHECK(r.expr->end == 20);
  CHECK(P("- 5") == "-5");  // spacing does not matter
  CHECK(P("-0x8000000000000000") == "-9223372036854775808");
  CHECK(P("9223372036854775807") == "9223372036854775807");
  CHECK(P("0x7fffffffffffffff") == "9223372036854775807");
  CHECK(P("a - -9223372036854775808") == "(a - -9223372036854775808)");
}

TEST_CASE("Integer literals outside the 64-bit range are syntax errors") {
  ParseError plus = E("amount > 9223372036854775808");
  CHECK(plus.message == "integer literal is out of the 64-bit range");
  CHECK(plus.begin == 9);
  CHECK(plus.end == 28);
  ParseError minus = E("-9223372036854775809");
  CHECK(minus.message == "integer literal is out of the 64-bit range");
  CHECK(minus.begin == 0);  // the minus sign is part of the literal
  CHECK(minus.end == 20);
  CHECK(E("18446744073709551616").message == "integer literal is out of the 64-bit range");
  CHECK(E("0x8000000000000000").message == "integer literal is out of the 64-bit range");
  CHECK(E("99999999999999999999u").message ==
        "unsigned integer literal is out of the 64-bit range");
  CHECK(P("18446744073709551615u") == "18446744073709551615u");  // parsed; the checker refuses
}

TEST_CASE("A minus before a literal that is then called or indexed stays an operator") {
  ParseResult r = ParseExpression("-5.size()");
  REQUIRE(r.ok());
  CHECK(r.expr->kind == ast::Kind::kUnary);
  CHECK(r.expr->args[0]->kind == ast::Kind::kCall);
  CHECK(P("-x.size()") == "-x.size()");
  CHECK(P("-[1][0]") == "-[1][0]");
}

TEST_CASE("Double literals print in a canonical form") {
  CHECK(P("1.50") == "1.5");
  CHECK(P("1e3") == "1000.0");
  CHECK(P(".5") == "0.5");
  CHECK(P("1.7976931348623157e308") == "1.7976931348623157e+308");
  CHECK(P("-2.5") == "-2.5");
}

TEST_CASE("Multiplication binds tighter than addition, which binds tighter than relations") {
  CHECK(P("1 + 2 * 3") == "(1 + (2 * 3))");
  CHECK(P("1 * 2 + 3") == "((1 * 2) + 3)");
  CHECK(P("a + b % c - d / e") == "((a + (b % c)) - (d / e))");
  CHECK(P("a + 1 < b * 2") == "((a + 1) < (b * 2))");
  CHECK(P("a < b + 1 == c") == "((a < (b + 1)) == c)");
  CHECK(P("x in [1, 2] == true") == "((x in [1, 2]) == true)");
}

TEST_CASE("Binary operators of one precedence level associate to the left") {
  CHECK(P("1 - 2 - 3") == "((1 - 2) - 3)");
  CHECK(P("8 / 4 / 2") == "((8 / 4) / 2)");
  CHECK(P("a * b / c % d") == "(((a * b) / c) % d)");
  CHECK(P("a < b == c") == "((a < b) == c)");
  CHECK(P("a == b != c") == "((a == b) != c)");
  CHECK(P("a && b && c") == "((a && b) && c)");
  CHECK(P("a || b || c") == "((a || b) || c)");
}

TEST_CASE("&& binds tighter than ||, and both bind looser than relations") {
  CHECK(P("a || b && c") == "(a || (b && c))");
  CHECK(P("a && b || c") == "((a && b) || c)");
  CHECK(P("x > 1 && y < 2 || z == 3") == "(((x > 1) && (y < 2)) || (z == 3))");
  CHECK(P("(a || b) && c") == "((a || b) && c)");
}

TEST_CASE("The conditional operator binds loosest and associates to the right") {
  CHECK(P("a ? b : c ? d : e") == "(a ? b : (c ? d : e))");
  CHECK(P("a || b ? c + 1 : d") == "((a || b) ? (c + 1) : d)");
  CHECK(P("(a ? b : c) ? d : e") == "((a ? b : c) ? d : e)");
  CHECK(P("a ? (b ? c : d) : e") == "(a ? (b ? c : d) : e)");
  // As in CEL's grammar, the middle operand is an || expression: a nested conditional there
  // needs parentheses.
  CHECK(E("a ? b ? c : d : e").message == "expected ':' in a conditional 'c ? a : b', found '?'");
}

TEST_CASE("Unary operators bind tighter than binary ones and nest") {
  CHECK(P("-a * b") == "(-a * b)");
  CHECK(P("!a && b") == "(!a && b)");
  CHECK(P("!(a && b)") == "!(a && b)");
  CHECK(P("!!a") == "!!a");
  // A minus over an integer literal keeps its parentheses, so the print does not read back as
  // one literal ("--0" would read back as "-0", which is the literal 0).
  CHECK(P("--5") == "-(-5)");
  CHECK(P("-(-5)") == "-(-5)");
  CHECK(P("-(5)") == "-(5)");
  CHECK(P("--0") == "-(0)");
  CHECK(P("-x.y") == "-x.y");
}

TEST_CASE("The aliases and, or, not mean &&, ||, !") {
  CHECK(P("a and b or not c") == P("a && b || !c"));
  CHECK(P("a and b or not c") == "((a && b) || !c)");
  CHECK(P("not a and b") == "(!a && b)");
}

TEST_CASE("x not in [...] is the negation of x in [...]") {
  CHECK(P("odor not in ['a', 'l', 'n']") == "!(odor in [\"a\", \"l\", \"n\"])");
  CHECK(P("odor not in ['a'] && x") == "(!(odor in [\"a\"]) && x)");
  ParseResult r = ParseExpression("x not in [1]");
  REQUIRE(r.ok());
  CHECK(r.expr->kind == ast::Kind::kUnary);
  CHECK(r.expr->begin == 0);
  CHECK(r.expr->end == 12);
  ParseError e = E("country not 'NG'");
  CHECK(e.message == "unexpected 'not' here: did you mean 'not in'?");
  CHECK(e.begin == 8);
  CHECK(e.end == 11);
}

TEST_CASE("Calls, methods, indexes, lists and maps parse") {
  CHECK(P("size(x)") == "size(x)");
  CHECK(P("email.matches('@x\\\\.') ") == "email.matches(\"@x\\\\.\")");
  CHECK(P("a.b.c()") == "a.b.c()");
  CHECK(P("f()") == "f()");
  CHECK(P("f(1, 2,3)") == "f(1, 2, 3)");
  CHECK(P("[1, 2,]") == "[1, 2]");  // a trailing comma is allowed, as in CEL
  CHECK(P("[]") == "[]");
  CHECK(P("x[0][1]") == "x[0][1]");
  CHECK(P("{'a': 1, 'b': 2}") == "{\"a\": 1, \"b\": 2}");
  CHECK(P("`education-num` >= 13") == "(`education-num` >= 13)");
  CHECK(P("`plain` > 1") == "(plain > 1)");  // backquotes only where needed
  CHECK(P("`in` == 1") == "(`in` == 1)");
  CHECK(P("r'\\d' + b'x' + 1u") == "((\"\\\\d\" + b\"x\") + 1u)");
}

TEST_CASE("Printing is canonical: spacing, parentheses and quoting do not change it") {
  CHECK(P("amount>5000&&age<30") == P("  ( amount > 5000 ) && ( age < 30 )  "));
  CHECK(P("name == 'x'") == P("name == \"x\""));
  CHECK(P("name == '''x'''") == P("name == r\"x\""));
  CHECK(P("a // comment\n && b") == P("a && b"));
  CHECK(P("((((a))))") == "a");
  CHECK(P("a.`b c`") == "a.`b c`");
  CHECK(P("`as` + x.`if`") == "(`as` + x.`if`)");  // reserved words stay quoted (expr_fuzz)
}

TEST_CASE("The canonical print parses back to itself") {
  for (const char* source :
       {"a + b * c - -d", "!(x in [1, 2.5, 'three', null, true])", "a ? b : c ? d : e",
        "s.matches('[a-z]+\\\\d') && size(s) > 3", "-9223372036854775808 < x",
        "'tab\\there \"quoted\" \\x01' == t", "`odd name` != `in`", "--5 + -(-5)",
        "[[1], [2, 3]][0][0] == 1", "1.0 / 3.0 > 0.333", "f(g(h(1)), x.y.z)",
        "i*- j <     -- -- - 0" /* found by tests/fuzz/expr_fuzz */, "0.`e-nu` >= 13",
        "row.`odd field`.x" /* a backquoted field printed bare (expr_fuzz) */,
        "`odd name`(x) || y.`odd method`(1)" /* a backquoted call printed bare (expr_fuzz) */}) {
    const std::string once = P(source);
    INFO(source << " -> " << once);
    CHECK(P(once) == once);
  }
}

TEST_CASE("Node offsets cover the source of each sub-expression") {
  ParseResult r = ParseExpression("amount > 5 && f(x, 'y')");
  REQUIRE(r.ok());
  CHECK(ast::Dump(*r.expr) ==
        "op &&  @0..23\n"
        "  op >  @0..10\n"
        "    amount  @0..6\n"
        "    5  @9..10\n"
        "  call f  @14..23\n"
        "    x  @16..17\n"
        "    \"y\"  @19..22\n");
  ParseResult m = ParseExpression("s.size() + [1][0]");
  REQUIRE(m.ok());
  CHECK(ast::Dump(*m.expr) ==
        "op +  @0..17\n"
        "  method size  @0..8\n"
        "    s  @0..1\n"
        "  index  @11..17\n"
        "    list  @11..14\n"
        "      1  @12..13\n"
        "    0  @15..16\n");
}

struct SyntaxCase {
  const char* source;
  uint32_t begin, end;
  const char* message;
};

TEST_CASE("Syntax errors give the byte offsets of the offending token and what was expected") {
  const SyntaxCase cases[] = {
      {"amount > > 5000", 9, 10, "expected an expression, found '>'"},
      {"amount >", 8, 9, "expected an expression, found the end of it"},
      {"", 0, 1, "expected an expression, found the end of it"},
      {"(1 + 2", 6, 7, "expected ')' to close '(', found end of expression"},
      {"[1, 2", 5, 6, "expected ']' to close the list, found end of expression"},
      {"f(1,", 4, 5, "expected an expression, found the end of it"},
      {"f(1 2)", 4, 5, "expected ')' to close the argument list, found number"},
      {"x[1", 3, 4, "expected ']' to close the index, found end of expression"},
      {"{1 2}", 3, 4, "expected ':' between a map key and its value, found number"},
      {"{1: 2", 5, 6, "expected '}' to close the map, found end of expression"},
      {"a ? b", 5, 6, "expected ':' in a conditional 'c ? a : b', found end of expression"},
      {"1 2", 2, 3, "unexpected number after a complete expression"},
      {"a b", 2, 3, "unexpected identifier 'b' after a complete expression"},
      {"a)", 1, 2, "unexpected ')' after a complete expression"},
      {")", 0, 1, "expected an expression, found ')'"},
      {"x.", 2, 3, "expected a name after '.', found end of expression"},
      {"x.1", 1, 3, "unexpected number after a complete expression"},  // .1 is a number
      {"x.(y)", 2, 3, "expected a name after '.', found '('"},
      {"a && || b", 5, 7, "expected an expression, found '||'"},
      {"a = 1", 2, 3, "unexpected '=': did you mean '=='?"},
      {"s == 'abc", 5, 9, "unterminated string: expected a closing '"},
      {"x == \"\\q\"", 6, 8, "unknown escape sequence '\\q'"},
      {"if > 3", 0, 2,
       "'if' is a reserved word; quote a column of that name with backquotes: `if`"},
  };
  for (const SyntaxCase& c : cases) {
    ParseError e = E(c.source);
    INFO("source: " << c.source);
    CHECK(e.message == c.message);
    CHECK(e.begin == c.begin);
    CHECK(e.end == c.end);
  }
}

TEST_CASE("A lexical error in the very first token is reported, not thrown") {
  // Regression: the first token used to be read in the parser's constructor, outside the
  // handler that turns an error into a ParseError, so it terminated the program.
  CHECK(E("\"abc").message == "unterminated string: expected a closing \"");
  CHECK(E("`x").message == "unterminated backquoted name: expected a closing '`'");
  CHECK(E("= 1").message == "unexpected '=': did you mean '=='?");
  CHECK(E("1abc").message == "unexpected letter after a number");
  CHECK(E("while").begin == 0);
}

TEST_CASE("The length limit rejects long expressions before parsing them") {
  ParseLimits limits;
  limits.max_length = 10;
  CHECK(ParseExpression("a + b + c", limits).ok());
  ParseError e = E("a + b + c + d", limits);
  CHECK(e.message == "expression is 13 bytes long (limit 10)");
  CHECK(e.begin == 0);
  // The default is 16 KiB.
  CHECK(ParseLimits{}.max_length == 16 * 1024);
  CHECK(E(std::string(16 * 1024 + 1, '1')).message ==
        "expression is 16385 bytes long (limit 16384)");
}

TEST_CASE("Nesting within the depth limit parses") {
  std::string parens = std::string(25, '(') + "x" + std::string(25, ')');
  CHECK(P(parens) == "x");
  std::string chain = "a";
  for (int i = 1; i < 100; ++i) chain += " && a";  // long rule conditions are real
  CHECK(ParseExpression(chain).ok());
  std::string nots = std::string(40, '!') + "a";
  CHECK(ParseExpression(nots).ok());
}

TEST_CASE("100000 nested parentheses give a depth error, never a stack overflow") {
  ParseLimits limits;
  limits.max_length = 1 << 20;
  const std::string source = std::string(100000, '(') + "1" + std::string(100000, ')');
  ParseError e = E(source, limits);
  CHECK(e.message == "expression is nested too deeply (limit 256)");
  CHECK(e.begin < 256);  // reported where the limit is crossed
  // With the default length limit the same text is refused even earlier.
  CHECK(E(source).message == "expression is 200001 bytes long (limit 16384)");
  // And so are other ways of nesting.
  CHECK(E(std::string(100000, '[') + std::string(100000, ']'), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(std::string(100000, '!') + "a", limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(std::string(100000, '-') + "1", limits).message ==
        "expression is nested too deeply (limit 256)");
}

// `n` copies of `term` joined by `op`.
std::string Chain(const std::string& term, const std::string& op, int n) {
  std::string s = term;
  for (int i = 1; i < n; ++i) s += op + term;
  return s;
}

TEST_CASE("A 100000-term && chain gives a depth error, never a stack overflow") {
  // Regression: operators of one level were parsed in a loop that did not count toward the
  // depth, so a long chain built a left-deep tree as deep as it was long, and the checker, the
  // printer and the destructor then overflowed the stack walking it.
  ParseLimits limits;
  limits.max_length = 1 << 23;
  CHECK(E(Chain("a", " && ", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(Chain("a", " || ", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(Chain("1", "+", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(Chain("1", "*", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E(Chain("a", " < ", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E("[1]" + Chain("", "[0]", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  CHECK(E("'a'" + Chain("", ".lowerAscii()", 100000), limits).message ==
        "expression is nested too deeply (limit 256)");
  // Within the default length limit, 8192 terms of `1+1+...` fit: refused too.
  std::string longest = Chain("1", "+", 8192);
  REQUIRE(longest.size() < 16 * 1024);
  CHECK(E(longest).message == "expression is nested too deeply (limit 256)");
}

TEST_CASE("A 100000-deep conditional chain gives a depth error") {
  ParseLimits limits;
  limits.max_length = 1 << 23;
  std::string source;
  for (int i = 0; i < 100000; ++i) source += "a ? 1 : ";
  source += "2";
  CHECK(E(source, limits).message == "expression is nested too deeply (limit 256)");
}

TEST_CASE("The depth limit is configurable") {
  ParseLimits shallow;
  shallow.max_depth = 4;
  CHECK(ParseExpression("a && b", shallow).ok());
  CHECK_FALSE(ParseExpression("((((a))))", shallow).ok());
  ParseLimits deep;
  deep.max_depth = 1000;
  CHECK(ParseExpression(std::string(200, '(') + "1" + std::string(200, ')'), deep).ok());
}

}  // namespace
}  // namespace hunch
