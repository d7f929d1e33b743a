// Tests for the expression lexer: tokens, literals, escapes, offsets and lexical errors.
#include "rules/lexer.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hunch {
namespace {

// Every token of `source` up to and including the first kEnd or kError.
std::vector<Token> LexAll(std::string_view source) {
  Lexer lexer(source);
  std::vector<Token> out;
  while (true) {
    out.push_back(lexer.Next());
    if (out.back().kind == Tok::kEnd || out.back().kind == Tok::kError) return out;
  }
}

std::vector<Tok> Kinds(std::string_view source) {
  std::vector<Tok> kinds;
  for (const Token& t : LexAll(source)) kinds.push_back(t.kind);
  return kinds;
}

// The single token of `source` (followed by kEnd).
Token One(std::string_view source) {
  std::vector<Token> tokens = LexAll(source);
  INFO(source);
  REQUIRE(tokens.size() == 2);
  REQUIRE(tokens[1].kind == Tok::kEnd);
  return tokens[0];
}

// The decoded value of a string literal.
std::string StringValue(std::string_view source) {
  Token t = One(source);
  INFO(source << " -> " << t.text);
  REQUIRE(t.kind == Tok::kString);
  return t.text;
}

// The error token of `source` (the lexer stops at the first one).
Token ErrorOf(std::string_view source) {
  std::vector<Token> tokens = LexAll(source);
  INFO(source);
  REQUIRE(tokens.back().kind == Tok::kError);
  return tokens.back();
}

TEST_CASE("Names, keywords and the word aliases lex as their own kinds") {
  CHECK(Kinds("amount _x x1 true false null in and or not") ==
        std::vector<Tok>{Tok::kIdent, Tok::kIdent, Tok::kIdent, Tok::kTrue, Tok::kFalse, Tok::kNull,
                         Tok::kIn, Tok::kAnd, Tok::kOr, Tok::kNot, Tok::kEnd});
  // A keyword is a whole word: a longer name that starts with one is a name.
  CHECK(Kinds("android order notes inx truthy") == std::vector<Tok>{Tok::kIdent, Tok::kIdent,
                                                                    Tok::kIdent, Tok::kIdent,
                                                                    Tok::kIdent, Tok::kEnd});
  CHECK(LexAll("amount")[0].text == "amount");
}

TEST_CASE("A backquoted name is an identifier whose text excludes the backquotes") {
  Token t = One("`education-num`");
  CHECK(t.kind == Tok::kIdent);
  CHECK(t.text == "education-num");
  CHECK(t.begin == 0);
  CHECK(t.end == 15);
  CHECK(One("`if`").text == "if");  // the escape hatch for reserved words
  CHECK(One("`a.b c`").text == "a.b c");
}

TEST_CASE("A backquoted name must be closed on its line and must not be empty") {
  Token open = ErrorOf("`education-num > 3");
  CHECK(open.text == "unterminated backquoted name: expected a closing '`'");
  CHECK(open.begin == 0);
  CHECK(ErrorOf("`a\nb` > 1").text == "unterminated backquoted name: expected a closing '`'");
  Token empty = ErrorOf("x == ``");
  CHECK(empty.text == "empty backquoted name");
  CHECK(empty.begin == 5);
  CHECK(empty.end == 7);
}

TEST_CASE("Reserved words are errors that suggest backquotes") {
  Token t = ErrorOf("x + while");
  CHECK(t.begin == 4);
  CHECK(t.end == 9);
  CHECK(t.text ==
        "'while' is a reserved word; quote a column of that name with backquotes: `while`");
  for (std::string_view word :
       {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void"}) {
    CHECK(ErrorOf(word).kind == Tok::kError);
  }
}

TEST_CASE("Exactly the words that do not lex as a bare name need backquotes when printed") {
  for (std::string_view word :
       {"true", "false", "null", "in", "and", "or", "not", "as", "while", "namespace", "void"}) {
    INFO(word);
    CHECK(NeedsBackquotes(word));
    CHECK(LexAll(word).front().kind != Tok::kIdent);
  }
  for (std::string_view word : {"amount", "True", "nulls", "in_", "_as", "whilst", "int"}) {
    INFO(word);
    CHECK_FALSE(NeedsBackquotes(word));
    CHECK(One(word).kind == Tok::kIdent);
  }
}

TEST_CASE("Simple escapes in strings decode to their characters") {
  CHECK(StringValue(R"("\a\b\f\n\r\t\v")") == "\a\b\f\n\r\t\v");
  CHECK(StringValue(R"("\\ \' \" \` \?")") == "\\ ' \" ` ?");
  CHECK(StringValue(R"('it\'s')") == "it's");
  CHECK(StringValue(R"('say "hi"')") == "say \"hi\"");
  CHECK(StringValue(R"("")") == "");
  CHECK(StringValue(R"('')") == "");
}

TEST_CASE("Hex, unicode and octal escapes in strings decode to UTF-8") {
  CHECK(StringValue(R"("\x41\X42")") == "AB");
  CHECK(StringValue(R"("\xe9")") == "\xC3\xA9");  // \x in a string is a code point: é
  CHECK(StringValue(R"("\u00e9")") == "\xC3\xA9");
  CHECK(StringValue(R"("\u65E5")") == "\xE6\x97\xA5");  // 日
  CHECK(StringValue(R"("\U0001F600")") == "\xF0\x9F\x98\x80");
  CHECK(StringValue(R"("\101\060")") == "A0");
  CHECK(StringValue(R"("\351")") == "\xC3\xA9");  // octal 351 = U+00E9
  CHECK(StringValue(R"("\000")") == std::string(1, '\0'));
  CHECK(StringValue("\"caf\xC3\xA9\"") == "caf\xC3\xA9");  // UTF-8 passes through as is
}

TEST_CASE("Bad escapes are errors that point at the escape") {
  Token q = ErrorOf(R"(x == "a\qb")");
  CHECK(q.text == "unknown escape sequence '\\q'");
  CHECK(q.begin == 7);
  CHECK(q.end == 9);
  CHECK(ErrorOf(R"("\u12")").text == "expected 4 hexadecimal digits after '\\u'");
  CHECK(ErrorOf(R"("\u12")").begin == 1);
  CHECK(ErrorOf(R"("\x4")").text == "expected 2 hexadecimal digits after '\\x'");
  CHECK(ErrorOf(R"("\U0001F60")").text == "expected 8 hexadecimal digits after '\\U'");
  CHECK(ErrorOf(R"("\uD800")").text == "escape is not a valid Unicode code point");
  CHECK(ErrorOf(R"("\U00110000")").text == "escape is not a valid Unicode code point");
  CHECK(ErrorOf(R"("\08")").text == "expected three octal digits in '\\ooo'");
  CHECK(ErrorOf(R"("\4")").text == "unknown escape sequence '\\4'");  // octal starts with 0-3
  CHECK(ErrorOf("\"abc\\").text == "unterminated escape sequence");
}

TEST_CASE("Raw strings keep backslashes as they are") {
  CHECK(StringValue(R"(r"\d+\.")") == R"(\d+\.)");
  CHECK(StringValue(R"(R'\n')") == R"(\n)");
  CHECK(StringValue(R"(r"""a\"b""")") == R"(a\"b)");
  Token t = One(R"(r"\d")");
  CHECK(t.begin == 0);  // the prefix is part of the token
  CHECK(t.end == 5);
  // A name that merely starts with r or b is a name.
  CHECK(One("rb").kind == Tok::kIdent);
  CHECK(One("bar").kind == Tok::kIdent);
}

TEST_CASE("Triple-quoted strings may hold quotes and newlines") {
  CHECK(StringValue(R"("""say "hi" now""")") == "say \"hi\" now");
  CHECK(StringValue("'''two\nlines'''") == "two\nlines");
  CHECK(StringValue(R"('''it's''')") == "it's");
  CHECK(StringValue(R"("""a\tb""")") == "a\tb");  // escapes still apply
  CHECK(ErrorOf(R"("""open)").text == "unterminated string: expected a closing \"\"\"");
}

TEST_CASE("An unterminated string, or a newline in a one-line string, is an error") {
  Token t = ErrorOf(R"(name == "abc)");
  CHECK(t.text == "unterminated string: expected a closing \"");
  CHECK(t.begin == 8);
  CHECK(t.end == 12);
  CHECK(ErrorOf("'abc").text == "unterminated string: expected a closing '");
  CHECK(ErrorOf("\"a\nb\"").text == "unterminated string: a newline needs a triple-quoted string");
}

TEST_CASE("Bytes literals lex as bytes and refuse unicode escapes") {
  Token t = One(R"(b"a\x00\xff")");
  CHECK(t.kind == Tok::kBytes);
  CHECK(t.text == std::string("a\0\xff", 3));
  CHECK(One(R"(rb"\x")").kind == Tok::kBytes);
  CHECK(One(R"(BR'\x')").text == R"(\x)");
  CHECK(ErrorOf(R"(b"\u00e9")").text == "\\u and \\U escapes are not allowed in bytes literals");
}

TEST_CASE("Integer literals carry their magnitude, and flag overflow instead of failing") {
  Token t = One("12345");
  CHECK(t.kind == Tok::kInt);
  CHECK(t.magnitude == 12345);
  CHECK_FALSE(t.int_overflow);
  CHECK(One("0x1F").magnitude == 31);
  CHECK(One("0XfF").magnitude == 255);
  CHECK(One("9223372036854775808").magnitude == (uint64_t{1} << 63));  // only valid after '-'
  CHECK(One("18446744073709551615").magnitude == UINT64_MAX);
  CHECK_FALSE(One("18446744073709551615").int_overflow);
  CHECK(One("18446744073709551616").int_overflow);
  CHECK(One("0x10000000000000000").int_overflow);
  Token u = One("42u");
  CHECK(u.kind == Tok::kUint);
  CHECK(u.magnitude == 42);
  CHECK(u.end == 3);
  CHECK(One("0x2AU").kind == Tok::kUint);
}

TEST_CASE("Double literals take fractions, exponents and a leading dot") {
  CHECK(One("1.5").double_value == 1.5);
  CHECK(One("1.5").kind == Tok::kDouble);
  CHECK(One(".25").double_value == 0.25);
  CHECK(One("1e3").double_value == 1000.0);
  CHECK(One("1E3").kind == Tok::kDouble);
  CHECK(One("2.5e-3").double_value == 0.0025);
  CHECK(One("1e+2").double_value == 100.0);
  CHECK(One("0.1").double_value == 0.1);  // correctly rounded
  CHECK(One("1e308").double_value == 1e308);
  CHECK(One("1e-400").double_value == 0.0);  // underflow rounds to zero, as in CEL
  // "1." is not a double: it is 1 followed by '.'.
  CHECK(Kinds("1.") == std::vector<Tok>{Tok::kInt, Tok::kDot, Tok::kEnd});
}

TEST_CASE("Malformed numbers are errors") {
  Token letter = ErrorOf("amount > 5000USD");
  CHECK(letter.text == "unexpected letter after a number");
  CHECK(letter.begin == 9);
  CHECK(ErrorOf("1abc").text == "unexpected letter after a number");
  CHECK(ErrorOf("1.5x").text == "unexpected letter after a number");
  CHECK(ErrorOf("0x").text == "expected hexadecimal digits after '0x'");
  CHECK(ErrorOf("0xg").text == "expected hexadecimal digits after '0x'");
  Token exponent = ErrorOf("1e+");
  CHECK(exponent.text == "expected digits in the exponent");
  CHECK(exponent.begin == 0);
  CHECK(exponent.end == 3);
  // Found by tests/fuzz/expr_fuzz: an overflowing literal used to become +Inf, whose canonical
  // print "+Inf" does not parse back.
  Token huge = ErrorOf("amount > -922337203685e774810");
  CHECK(huge.text == "double literal is out of range (at most about 1.8e308)");
  CHECK(huge.begin == 10);
  CHECK(huge.end == 29);
}

TEST_CASE("Operators lex greedily into one- and two-character tokens") {
  CHECK(Kinds("( ) [ ] { } , . : ? + - * / % ! && || < <= > >= == !=") ==
        std::vector<Tok>{Tok::kLParen, Tok::kRParen, Tok::kLBracket, Tok::kRBracket, Tok::kLBrace,
                         Tok::kRBrace, Tok::kComma,  Tok::kDot,      Tok::kColon,    Tok::kQuestion,
                         Tok::kPlus,   Tok::kMinus,  Tok::kStar,     Tok::kSlash,    Tok::kPercent,
                         Tok::kBang,   Tok::kAndAnd, Tok::kOrOr,     Tok::kLt,       Tok::kLe,
                         Tok::kGt,     Tok::kGe,     Tok::kEqEq,     Tok::kNe,       Tok::kEnd});
  CHECK(Kinds("a<=-1") ==
        std::vector<Tok>{Tok::kIdent, Tok::kLe, Tok::kMinus, Tok::kInt, Tok::kEnd});
  CHECK(Kinds("!!a") == std::vector<Tok>{Tok::kBang, Tok::kBang, Tok::kIdent, Tok::kEnd});
}

TEST_CASE("Single '=', '&' and '|' are errors that suggest the doubled operator") {
  Token eq = ErrorOf("country = 'NG'");
  CHECK(eq.text == "unexpected '=': did you mean '=='?");
  CHECK(eq.begin == 8);
  CHECK(eq.end == 9);
  CHECK(ErrorOf("a & b").text == "unexpected '&': did you mean '&&'?");
  CHECK(ErrorOf("a | b").text == "unexpected '|': did you mean '||'?");
}

TEST_CASE("Stray characters are errors naming the character or its byte") {
  CHECK(ErrorOf("a # b").text == "unexpected character '#'");
  CHECK(ErrorOf("a $ b").text == "unexpected character '$'");
  Token utf8 = ErrorOf("\xC3\xA9t\xC3\xA9 > 1");  // été as a bare name
  CHECK(utf8.text == "unexpected character (byte 0xC3)");
  CHECK(utf8.begin == 0);
  CHECK(ErrorOf("a\x01").text == "unexpected character (byte 0x01)");
}

TEST_CASE("White space and // comments between tokens are skipped") {
  CHECK(Kinds(" \t\r\n\f a // comment && b\n  > 1 // end") ==
        std::vector<Tok>{Tok::kIdent, Tok::kGt, Tok::kInt, Tok::kEnd});
  CHECK(Kinds("a / b") == std::vector<Tok>{Tok::kIdent, Tok::kSlash, Tok::kIdent, Tok::kEnd});
  CHECK(Kinds("") == std::vector<Tok>{Tok::kEnd});
}

TEST_CASE("Token offsets are byte offsets into the source") {
  std::vector<Token> t = LexAll("name == \"caf\xC3\xA9\" && n >= 10");
  REQUIRE(t.size() == 8);
  CHECK(t[0].begin == 0);
  CHECK(t[0].end == 4);
  CHECK(t[1].begin == 5);
  CHECK(t[1].end == 7);
  CHECK(t[2].begin == 8);
  CHECK(t[2].end == 15);  // é is two bytes
  CHECK(t[3].begin == 16);
  CHECK(t[4].begin == 19);
  CHECK(t[5].begin == 21);
  CHECK(t[5].end == 23);
  CHECK(t[6].begin == 24);
  CHECK(t[6].end == 26);
  CHECK(t[7].kind == Tok::kEnd);
  CHECK(t[7].begin == 26);
}

TEST_CASE("After an error or the end, the lexer keeps returning the same kind") {
  Lexer at_end("x");
  CHECK(at_end.Next().kind == Tok::kIdent);
  CHECK(at_end.Next().kind == Tok::kEnd);
  CHECK(at_end.Next().kind == Tok::kEnd);
  Lexer after_error("a = b = c");
  CHECK(after_error.Next().kind == Tok::kIdent);
  CHECK(after_error.Next().kind == Tok::kError);
  // The error stops the lexer: no cascade of follow-on tokens or errors.
  CHECK(after_error.Next().kind == Tok::kEnd);
}

TEST_CASE("Token kinds have readable names for error messages") {
  CHECK(TokName(Tok::kEnd) == "end of expression");
  CHECK(TokName(Tok::kIdent) == "identifier");
  CHECK(TokName(Tok::kInt) == "number");
  CHECK(TokName(Tok::kDouble) == "number");
  CHECK(TokName(Tok::kString) == "string");
  CHECK(TokName(Tok::kAndAnd) == "'&&'");
  CHECK(TokName(Tok::kNot) == "'not'");
  CHECK(TokName(Tok::kRParen) == "')'");
}

}  // namespace
}  // namespace hunch
