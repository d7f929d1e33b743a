// Internal to the front end (the facade is hunch/ruleset.h): splits an expression into tokens.
#ifndef HUNCH_RULES_LEXER_H_
#define HUNCH_RULES_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace hunch {

enum class Tok {
  kEnd,
  kError,
  kIdent,  // name, or a backquoted name (text holds the name without backquotes)
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kAnd,
  kOr,
  kNot,  // `and`, `or`, `not` are aliases of && || !
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kDot,
  kColon,
  kQuestion,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kBang,
  kAndAnd,
  kOrOr,
  kLt,
  kLe,
  kGt,
  kGe,
  kEqEq,
  kNe,
};

struct Token {
  Tok kind = Tok::kEnd;
  uint32_t begin = 0, end = 0;  // byte offsets in the source
  std::string text;             // identifier name, decoded string/bytes value, or error message
  uint64_t magnitude = 0;       // kInt/kUint: the literal's value (an int may be 2^63 before a '-')
  bool int_overflow = false;    // the literal does not fit 64 bits
  double double_value = 0;
};

// Produces tokens one at a time. An error ends the input: after kError (and after kEnd) it keeps
// returning kEnd, so there are no follow-on errors.
class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}
  Token Next();

 private:
  Token LexNumber();
  Token LexString(bool raw, bool bytes, uint32_t start);
  Token Error(uint32_t begin, uint32_t end, std::string message);

  std::string_view src_;
  uint32_t pos_ = 0;
};

// "'&&'", "identifier", "end of expression" ...: how a token kind reads in an error message.
std::string_view TokName(Tok kind);

// Whether `word` is one of CEL's reserved words (as, break, const, ...): not usable as a bare
// identifier, and not a keyword either.
bool IsCelReservedWord(std::string_view word);
// Whether an identifier spelled `word` must be backquoted: a keyword (true, false, null, in, and,
// or, not) or a reserved word.
bool NeedsBackquotes(std::string_view word);

}  // namespace hunch

#endif  // HUNCH_RULES_LEXER_H_
