// The expression lexer: CEL's lexical grammar (literals, escapes, operators, reserved words).
#include "rules/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

namespace hunch {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool IsCelReservedWord(std::string_view word) {
  static constexpr std::string_view kReserved[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};
  return std::find(std::begin(kReserved), std::end(kReserved), word) != std::end(kReserved);
}

bool NeedsBackquotes(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {"true", "false", "null", "in",
                                                   "and",  "or",    "not"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), word) != std::end(kKeywords) ||
         IsCelReservedWord(word);
}

std::string_view TokName(Tok kind) {
  switch (kind) {
    case Tok::kEnd:
      return "end of expression";
    case Tok::kError:
      return "invalid token";
    case Tok::kIdent:
      return "identifier";
    case Tok::kInt:
    case Tok::kUint:
    case Tok::kDouble:
      return "number";
    case Tok::kString:
      return "string";
    case Tok::kBytes:
      return "bytes";
    case Tok::kTrue:
      return "'true'";
    case Tok::kFalse:
      return "'false'";
    case Tok::kNull:
      return "'null'";
    case Tok::kIn:
      return "'in'";
    case Tok::kAnd:
      return "'and'";
    case Tok::kOr:
      return "'or'";
    case Tok::kNot:
      return "'not'";
    case Tok::kLParen:
      return "'('";
    case Tok::kRParen:
      return "')'";
    case Tok::kLBracket:
      return "'['";
    case Tok::kRBracket:
      return "']'";
    case Tok::kLBrace:
      return "'{'";
    case Tok::kRBrace:
      return "'}'";
    case Tok::kComma:
      return "','";
    case Tok::kDot:
      return "'.'";
    case Tok::kColon:
      return "':'";
    case Tok::kQuestion:
      return "'?'";
    case Tok::kPlus:
      return "'+'";
    case Tok::kMinus:
      return "'-'";
    case Tok::kStar:
      return "'*'";
    case Tok::kSlash:
      return "'/'";
    case Tok::kPercent:
      return "'%'";
    case Tok::kBang:
      return "'!'";
    case Tok::kAndAnd:
      return "'&&'";
    case Tok::kOrOr:
      return "'||'";
    case Tok::kLt:
      return "'<'";
    case Tok::kLe:
      return "'<='";
    case Tok::kGt:
      return "'>'";
    case Tok::kGe:
      return "'>='";
    case Tok::kEqEq:
      return "'=='";
    case Tok::kNe:
      return "'!='";
  }
  return "token";
}

Token Lexer::Error(uint32_t begin, uint32_t end, std::string message) {
  Token t;
  t.kind = Tok::kError;
  t.begin = begin;
  t.end = end > begin ? end : begin + 1;
  t.text = std::move(message);
  pos_ = static_cast<uint32_t>(src_.size());  // stop: no cascade of follow-on errors
  return t;
}

Token Lexer::Next() {
  // Skip white space and // comments.
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  Token t;
  t.begin = pos_;
  if (pos_ >= src_.size()) {
    t.kind = Tok::kEnd;
    t.end = pos_;
    return t;
  }
  const uint32_t start = pos_;
  char c = src_[pos_];
  auto single = [&](Tok k, uint32_t len = 1) {
    pos_ += len;
    t.kind = k;
    t.end = pos_;
    return t;
  };
  auto peek = [&](size_t ahead) { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; };

  if (IsIdentStart(c)) {
    // String prefixes: r, b, rb, br (any case) directly followed by a quote.
    size_t n = 0;
    bool raw = false, bytes = false;
    while (n < 2) {
      char p = peek(n);
      if ((p == 'r' || p == 'R') && !raw) {
        raw = true;
      } else if ((p == 'b' || p == 'B') && !bytes) {
        bytes = true;
      } else {
        break;
      }
      ++n;
      if (peek(n) == '"' || peek(n) == '\'') {
        pos_ += n;
        return LexString(raw, bytes, start);
      }
    }
    while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
    std::string_view word = src_.substr(start, pos_ - start);
    t.end = pos_;
    if (word == "true")
      t.kind = Tok::kTrue;
    else if (word == "false")
      t.kind = Tok::kFalse;
    else if (word == "null")
      t.kind = Tok::kNull;
    else if (word == "in")
      t.kind = Tok::kIn;
    else if (word == "and")
      t.kind = Tok::kAnd;
    else if (word == "or")
      t.kind = Tok::kOr;
    else if (word == "not")
      t.kind = Tok::kNot;
    else {
      if (IsCelReservedWord(word)) {
        return Error(start, pos_,
                     fmt::format("'{}' is a reserved word; quote a column of that "
                                 "name with backquotes: `{}`",
                                 word, word));
      }
      t.kind = Tok::kIdent;
      t.text = std::string(word);
    }
    return t;
  }
  if (IsDigit(c) || (c == '.' && IsDigit(peek(1)))) return LexNumber();
  switch (c) {
    case '"':
    case '\'':
      return LexString(false, false, start);
    case '`': {
      size_t close = src_.find('`', pos_ + 1);
      size_t newline = src_.find('\n', pos_ + 1);
      if (close == std::string_view::npos ||
          (newline != std::string_view::npos && newline < close)) {
        return Error(start, static_cast<uint32_t>(src_.size()),
                     "unterminated backquoted name: expected a closing '`'");
      }
      if (close == pos_ + 1) return Error(start, start + 2, "empty backquoted name");
      t.kind = Tok::kIdent;
      t.text = std::string(src_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = static_cast<uint32_t>(close + 1);
      t.end = pos_;
      return t;
    }
    case '(':
      return single(Tok::kLParen);
    case ')':
      return single(Tok::kRParen);
    case '[':
      return single(Tok::kLBracket);
    case ']':
      return single(Tok::kRBracket);
    case '{':
      return single(Tok::kLBrace);
    case '}':
      return single(Tok::kRBrace);
    case ',':
      return single(Tok::kComma);
    case '.':
      return single(Tok::kDot);
    case ':':
      return single(Tok::kColon);
    case '?':
      return single(Tok::kQuestion);
    case '+':
      return single(Tok::kPlus);
    case '-':
      return single(Tok::kMinus);
    case '*':
      return single(Tok::kStar);
    case '/':
      return single(Tok::kSlash);
    case '%':
      return single(Tok::kPercent);
    case '!':
      return peek(1) == '=' ? single(Tok::kNe, 2) : single(Tok::kBang);
    case '<':
      return peek(1) == '=' ? single(Tok::kLe, 2) : single(Tok::kLt);
    case '>':
      return peek(1) == '=' ? single(Tok::kGe, 2) : single(Tok::kGt);
    case '=':
      if (peek(1) == '=') return single(Tok::kEqEq, 2);
      return Error(start, start + 1, "unexpected '=': did you mean '=='?");
    case '&':
      if (peek(1) == '&') return single(Tok::kAndAnd, 2);
      return Error(start, start + 1, "unexpected '&': did you mean '&&'?");
    case '|':
      if (peek(1) == '|') return single(Tok::kOrOr, 2);
      return Error(start, start + 1, "unexpected '|': did you mean '||'?");
    default:
      break;
  }
  unsigned char uc = static_cast<unsigned char>(c);
  if (uc < 0x20 || uc >= 0x7F) {
    return Error(start, start + 1, fmt::format("unexpected character (byte 0x{:02X})", uc));
  }
  return Error(start, start + 1, fmt::format("unexpected character '{}'", c));
}

Token Lexer::LexNumber() {
  Token t;
  const uint32_t start = pos_;
  t.begin = start;
  auto at = [&](size_t i) { return i < src_.size() ? src_[i] : '\0'; };
  if (at(pos_) == '0' && (at(pos_ + 1) == 'x' || at(pos_ + 1) == 'X')) {
    pos_ += 2;
    uint32_t digits = pos_;
    while (HexValue(at(pos_)) >= 0) ++pos_;
    if (pos_ == digits) return Error(start, pos_, "expected hexadecimal digits after '0x'");
    auto [p, ec] = std::from_chars(src_.data() + digits, src_.data() + pos_, t.magnitude, 16);
    t.int_overflow = ec == std::errc::result_out_of_range;
    t.kind = Tok::kInt;
  } else {
    while (IsDigit(at(pos_))) ++pos_;
    bool is_double = false;
    if (at(pos_) == '.' && IsDigit(at(pos_ + 1))) {
      is_double = true;
      ++pos_;
      while (IsDigit(at(pos_))) ++pos_;
    }
    if (at(pos_) == 'e' || at(pos_) == 'E') {
      size_t q = pos_ + 1;
      if (at(q) == '+' || at(q) == '-') ++q;
      if (!IsDigit(at(q)))
        return Error(start, static_cast<uint32_t>(q), "expected digits in the exponent");
      is_double = true;
      pos_ = static_cast<uint32_t>(q);
      while (IsDigit(at(pos_))) ++pos_;
    }
    if (is_double) {
      std::string text(src_.substr(start, pos_ - start));
      t.double_value = std::strtod(text.c_str(), nullptr);  // strtod rounds correctly
      t.kind = Tok::kDouble;
      t.end = pos_;
      // As in CEL's reference parser: a literal past the double range is an error, not infinity
      // (which has no literal, so the canonical print could not spell it).
      if (std::isinf(t.double_value)) {
        return Error(start, pos_, "double literal is out of range (at most about 1.8e308)");
      }
      if (IsIdentStart(at(pos_))) return Error(start, pos_ + 1, "unexpected letter after a number");
      return t;
    }
    auto [p, ec] = std::from_chars(src_.data() + start, src_.data() + pos_, t.magnitude, 10);
    t.int_overflow = ec == std::errc::result_out_of_range;
    t.kind = Tok::kInt;
  }
  if (at(pos_) == 'u' || at(pos_) == 'U') {
    ++pos_;
    t.kind = Tok::kUint;
  }
  if (IsIdentChar(at(pos_))) return Error(start, pos_ + 1, "unexpected letter after a number");
  t.end = pos_;
  return t;
}

Token Lexer::LexString(bool raw, bool bytes, uint32_t start) {
  Token t;
  t.begin = start;
  t.kind = bytes ? Tok::kBytes : Tok::kString;
  const char quote = src_[pos_];
  const bool triple = pos_ + 2 < src_.size() && src_[pos_ + 1] == quote && src_[pos_ + 2] == quote;
  pos_ += triple ? 3 : 1;
  std::string out;
  while (true) {
    if (pos_ >= src_.size()) {
      return Error(start, static_cast<uint32_t>(src_.size()),
                   fmt::format("unterminated string: expected a closing {}",
                               triple ? std::string(3, quote) : std::string(1, quote)));
    }
    char c = src_[pos_];
    if (c == quote) {
      if (!triple) {
        ++pos_;
        break;
      }
      if (pos_ + 2 < src_.size() && src_[pos_ + 1] == quote && src_[pos_ + 2] == quote) {
        pos_ += 3;
        break;
      }
    }
    if ((c == '\n' || c == '\r') && !triple) {
      return Error(start, pos_, "unterminated string: a newline needs a triple-quoted string");
    }
    if (c != '\\' || raw) {
      out.push_back(c);
      ++pos_;
      continue;
    }
    const uint32_t esc = pos_;
    if (pos_ + 1 >= src_.size()) return Error(esc, esc + 1, "unterminated escape sequence");
    char e = src_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '?':
        out.push_back(e);
        break;
      case 'x':
      case 'X':
      case 'u':
      case 'U': {
        int len = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
        if (bytes && (e == 'u' || e == 'U')) {
          return Error(esc, pos_, "\\u and \\U escapes are not allowed in bytes literals");
        }
        uint32_t cp = 0;
        for (int i = 0; i < len; ++i) {
          int h = pos_ < src_.size() ? HexValue(src_[pos_]) : -1;
          if (h < 0)
            return Error(esc, pos_ + 1,
                         fmt::format("expected {} hexadecimal digits after '\\{}'", len, e));
          cp = cp * 16 + static_cast<uint32_t>(h);
          ++pos_;
        }
        if (bytes) {
          out.push_back(static_cast<char>(cp));
        } else {
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return Error(esc, pos_, "escape is not a valid Unicode code point");
          }
          AppendUtf8(&out, cp);
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3': {
        uint32_t cp = static_cast<uint32_t>(e - '0');
        for (int i = 0; i < 2; ++i) {
          char o = pos_ < src_.size() ? src_[pos_] : '\0';
          if (o < '0' || o > '7')
            return Error(esc, pos_ + 1, "expected three octal digits in '\\ooo'");
          cp = cp * 8 + static_cast<uint32_t>(o - '0');
          ++pos_;
        }
        if (bytes)
          out.push_back(static_cast<char>(cp));
        else
          AppendUtf8(&out, cp);
        break;
      }
      default:
        return Error(esc, pos_, fmt::format("unknown escape sequence '\\{}'", e));
    }
  }
  t.text = std::move(out);
  t.end = pos_;
  return t;
}

}  // namespace hunch
