// RE2 patterns rewritten for PostgreSQL's and Java's regex engines (see sql_regex.h).
#include "engine/sql_regex.h"

#include <fmt/format.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace hunch {
namespace {

// PostgreSQL's bounds stop at 255 (RE_DUP_MAX); RE2 allows 1000.
constexpr int kPostgresMaxRepeat = 255;

bool IsAsciiAlnum(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

class Translator {
 public:
  Translator(std::string_view p, RegexFlavor flavor) : p_(p), flavor_(flavor) {}

  bool Run(std::string* out, std::string* error) {
    if (p_.substr(0, 4) == "(?i)") {
      case_insensitive_ = true;
      i_ = 4;
    }
    while (ok_ && i_ < p_.size()) Step();
    if (!ok_) {
      *error = error_;
      return false;
    }
    *out = std::move(out_);
    return true;
  }

 private:
  void Fail(std::string what) {
    if (ok_) error_ = std::move(what);
    ok_ = false;
  }

  uint32_t DecodeAt(size_t* at) {
    const auto b = static_cast<unsigned char>(p_[*at]);
    int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
    for (int k = 1; k < len && *at + k < p_.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(p_[*at + k]) & 0x3F);
    *at += len;
    return cp;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // One code point as a literal of the target syntax, inside or outside brackets.
  std::string Literal(uint32_t cp) {
    std::string s;
    if (cp == 0 && flavor_ == RegexFlavor::kPostgres) {
      Fail("a NUL character (PostgreSQL text cannot hold one)");
    } else if (IsAsciiAlnum(cp) || cp >= 0x80) {
      AppendUtf8(cp, &s);
    } else if (cp < 0x20 || cp == 0x7F) {
      s = fmt::format("\\u{:04X}", cp);
    } else {
      s = std::string("\\") + static_cast<char>(cp);
    }
    return s;
  }

  // A literal outside brackets; under (?i) a letter matches both cases, and the two non-ASCII
  // letters that Unicode folds onto ASCII ones (KELVIN SIGN, LATIN SMALL LETTER LONG S), as RE2.
  void EmitLiteral(uint32_t cp) {
    if (case_insensitive_ && cp >= 0x80) {
      Fail("a non-ASCII character under (?i) (its case folding is engine specific)");
      return;
    }
    if (case_insensitive_ && IsAsciiLetter(cp)) {
      uint32_t lower = cp | 0x20, upper = lower - 32;
      out_ += '[';
      out_ += static_cast<char>(lower);
      out_ += static_cast<char>(upper);
      if (lower == 'k') AppendUtf8(0x212A, &out_);
      if (lower == 's') AppendUtf8(0x017F, &out_);
      out_ += ']';
      return;
    }
    out_ += Literal(cp);
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // After a backslash: a code point (true, in *cp) or a Perl class (false, in *perl: d s w D S W),
  // or an assertion (*assertion: A z). Fails on the rest.
  bool Escape(uint32_t* cp, char* perl, char* assertion) {
    *perl = 0;
    *assertion = 0;
    if (i_ >= p_.size()) {
      Fail("a trailing backslash");
      return false;
    }
    const char c = p_[i_++];
    switch (c) {
      case 'a':
        *cp = 7;
        return true;
      case 'f':
        *cp = 12;
        return true;
      case 't':
        *cp = 9;
        return true;
      case 'n':
        *cp = 10;
        return true;
      case 'r':
        *cp = 13;
        return true;
      case 'v':
        *cp = 11;
        return true;
      case 'd':
      case 's':
      case 'w':
      case 'D':
      case 'S':
      case 'W':
        *perl = c;
        return false;
      case 'A':
      case 'z':
        *assertion = c;
        return false;
      case 'x': {
        uint32_t v = 0;
        if (i_ < p_.size() && p_[i_] == '{') {
          ++i_;
          while (i_ < p_.size() && p_[i_] != '}') v = v * 16 + HexValue(p_[i_++]);
          ++i_;
        } else {
          for (int k = 0; k < 2 && i_ < p_.size(); ++k) v = v * 16 + HexValue(p_[i_++]);
        }
        *cp = v;
        return true;
      }
      case '0': {
        uint32_t v = 0;
        for (int k = 0; k < 2 && i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '7'; ++k)
          v = v * 8 + (p_[i_++] - '0');
        *cp = v;
        return true;
      }
      case 'b':
      case 'B':
        Fail(fmt::format("the word boundary \\{} (which characters are word characters differs)",
                         c));
        return false;
      case 'p':
      case 'P':
        Fail(fmt::format("the Unicode class \\{} (class tables differ between engines)", c));
        return false;
      case 'C':
        Fail("\\C (any byte)");
        return false;
      default:
        if (IsAsciiAlnum(static_cast<unsigned char>(c))) {
          Fail(fmt::format("the escape \\{}", c));
          return false;
        }
        --i_;
        *cp = DecodeAt(&i_);
        return true;
    }
  }

  // The ranges of a Perl class, ASCII only, as RE2 defines them.
  static std::vector<std::pair<uint32_t, uint32_t>> PerlRanges(char perl) {
    switch (perl | 0x20) {
      case 'd':
        return {{'0', '9'}};
      case 's':
        return {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
      default:
        return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    }
  }

  void EmitClass(const std::vector<std::pair<uint32_t, uint32_t>>& ranges, bool negated) {
    out_ += negated ? "[^" : "[";
    for (const auto& [lo, hi] : ranges) {
      out_ += Literal(lo);
      if (hi != lo) out_ += "-" + Literal(hi);
    }
    out_ += ']';
  }

  static bool PosixClass(std::string_view name, std::vector<std::pair<uint32_t, uint32_t>>* r) {
    static const std::pair<std::string_view, std::vector<std::pair<uint32_t, uint32_t>>> kTable[] =
        {
            {"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
            {"alpha", {{'A', 'Z'}, {'a', 'z'}}},
            {"ascii", {{0, 0x7F}}},
            {"blank", {{'\t', '\t'}, {' ', ' '}}},
            {"cntrl", {{0, 0x1F}, {0x7F, 0x7F}}},
            {"digit", {{'0', '9'}}},
            {"graph", {{'!', '~'}}},
            {"lower", {{'a', 'z'}}},
            {"print", {{' ', '~'}}},
            {"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
            {"space", {{'\t', '\r'}, {' ', ' '}}},
            {"upper", {{'A', 'Z'}}},
            {"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}},
            {"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
        };
    for (const auto& [n, ranges] : kTable) {
      if (n == name) {
        r->insert(r->end(), ranges.begin(), ranges.end());
        return true;
      }
    }
    return false;
  }

  void Bracket() {
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    bool first = true;
    while (ok_) {
      if (i_ >= p_.size()) return Fail("an unterminated character class");
      if (p_[i_] == ']' && !first) {
        ++i_;
        break;
      }
      first = false;
      if (p_.substr(i_, 2) == "[:") {
        size_t end = p_.find(":]", i_ + 2);
        std::string_view name = p_.substr(i_ + 2, end == std::string_view::npos ? 0 : end - i_ - 2);
        if (end == std::string_view::npos || name.empty() || name[0] == '^' ||
            !PosixClass(name, &ranges)) {
          return Fail(fmt::format("the class [:{}:] inside brackets", name));
        }
        i_ = end + 2;
        continue;
      }
      uint32_t lo;
      if (p_[i_] == '\\') {
        ++i_;
        char perl, assertion;
        if (!Escape(&lo, &perl, &assertion)) {
          if (!ok_) return;
          if (assertion != 0 || perl < 'a') {
            return Fail(fmt::format("\\{} inside brackets", assertion != 0 ? assertion : perl));
          }
          if (case_insensitive_ && perl == 'w') return Fail("\\w under (?i)");
          for (const auto& r : PerlRanges(perl)) ranges.push_back(r);
          continue;
        }
      } else {
        lo = DecodeAt(&i_);
      }
      uint32_t hi = lo;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        if (p_[i_] == '\\') {
          ++i_;
          char perl, assertion;
          if (!Escape(&hi, &perl, &assertion)) {
            return Fail("a class escape as the end of a range");
          }
        } else {
          hi = DecodeAt(&i_);
        }
      }
      ranges.emplace_back(lo, hi);
    }
    if (!ok_) return;
    if (case_insensitive_) {
      for (const auto& [lo, hi] : ranges) {
        if (hi >= 'A' && lo <= 'z') {
          return Fail("a character class with letters under (?i)");
        }
      }
    }
    EmitClass(ranges, negated);
  }

  // {n}, {n,} or {n,m} at i_ (on the '{'): copied when valid; RE2 reads anything else literally.
  bool Repeat() {
    size_t j = i_ + 1;
    auto number = [&](int* v) {
      size_t start = j;
      *v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') *v = *v * 10 + (p_[j++] - '0');
      return j > start;
    };
    int lo = 0, hi = -1;
    if (!number(&lo)) return false;
    bool comma = false;
    if (j < p_.size() && p_[j] == ',') {
      comma = true;
      ++j;
      if (!number(&hi)) hi = -1;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    if (flavor_ == RegexFlavor::kPostgres && (lo > kPostgresMaxRepeat || hi > kPostgresMaxRepeat)) {
      Fail(fmt::format("a repeat count above {} ({})", kPostgresMaxRepeat,
                       p_.substr(i_, j + 1 - i_)));
      return true;
    }
    out_ += fmt::format("{{{}{}}}", lo, comma ? (hi >= 0 ? fmt::format(",{}", hi) : ",") : "");
    i_ = j + 1;
    SkipLazy();
    return true;
  }

  // A lazy quantifier finds a match exactly when the greedy one does, and a search only asks
  // whether there is one.
  void SkipLazy() {
    if (i_ < p_.size() && p_[i_] == '?') ++i_;
  }

  void Step() {
    const char c = p_[i_];
    switch (c) {
      case '\\': {
        ++i_;
        if (i_ < p_.size() && p_[i_] == 'Q') {
          ++i_;
          size_t end = p_.find("\\E", i_);
          size_t stop = end == std::string_view::npos ? p_.size() : end;
          while (ok_ && i_ < stop) EmitLiteral(DecodeAt(&i_));
          i_ = end == std::string_view::npos ? p_.size() : end + 2;
          return;
        }
        uint32_t cp;
        char perl, assertion;
        if (Escape(&cp, &perl, &assertion)) return EmitLiteral(cp);
        if (!ok_) return;
        if (assertion == 'A') {
          out_ += flavor_ == RegexFlavor::kJava ? "\\A" : "^";
        } else if (assertion == 'z') {
          out_ += flavor_ == RegexFlavor::kJava ? "\\z" : "$";
        } else if (case_insensitive_ && (perl | 0x20) == 'w') {
          Fail(fmt::format("\\{} under (?i) (RE2 folds it onto non-ASCII letters)", perl));
        } else {
          EmitClass(PerlRanges(perl), perl < 'a');
        }
        return;
      }
      case '[':
        ++i_;
        return Bracket();
      case '.':
        ++i_;
        out_ += "[^\\u000A]";
        return;
      case '^':
        ++i_;
        out_ += flavor_ == RegexFlavor::kJava ? "\\A" : "^";
        return;
      case '$':
        ++i_;
        // Java's $ also matches before a final line terminator; RE2's only at the end.
        out_ += flavor_ == RegexFlavor::kJava ? "\\z" : "$";
        return;
      case '(': {
        ++i_;
        if (i_ < p_.size() && p_[i_] == '?') {
          if (p_.substr(i_, 2) == "?:") {
            i_ += 2;
            out_ += "(?:";
            return;
          }
          size_t name_end = p_.find('>', i_);
          if ((p_.substr(i_, 3) == "?P<" || p_.substr(i_, 2) == "?<") &&
              name_end != std::string_view::npos) {
            i_ = name_end + 1;
            out_ += '(';
            return;
          }
          size_t close = p_.find_first_of(":)", i_);
          return Fail(
              fmt::format("the flag group ({} (only a leading (?i) is translated)",
                          p_.substr(i_, close == std::string_view::npos ? 1 : close - i_ + 1)));
        }
        out_ += '(';
        return;
      }
      case ')':
      case '|':
        ++i_;
        out_ += c;
        return;
      case '*':
      case '+':
      case '?':
        ++i_;
        out_ += c;
        SkipLazy();
        return;
      case '{':
        if (Repeat()) return;
        ++i_;
        out_ += "\\{";
        return;
      default:
        EmitLiteral(DecodeAt(&i_));
        return;
    }
  }

  std::string_view p_;
  RegexFlavor flavor_;
  size_t i_ = 0;
  bool case_insensitive_ = false;
  bool ok_ = true;
  std::string error_;
  std::string out_;
};

}  // namespace

bool TranslateRegex(std::string_view pattern, RegexFlavor flavor, std::string* out,
                    std::string* error) {
  if (flavor == RegexFlavor::kRe2) {
    *out = std::string(pattern);
    return true;
  }
  return Translator(pattern, flavor).Run(out, error);
}

}  // namespace hunch
