// Internal to the engine (the facade is hunch/ruleset.h): what a loaded RuleSet holds, and the
// conversion of raw cells into typed values shared by every evaluator.
#ifndef HUNCH_ENGINE_RULESET_IMPL_H_
#define HUNCH_ENGINE_RULESET_IMPL_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "hunch/ruleset.h"
#include "rules/compile.h"
#include "rules/value.h"

namespace hunch {

struct RuleSet::Impl {
  CheckedRuleSet checked;
  std::vector<RuleInfo> rules;
  std::shared_ptr<const Combiner> combiner;  // how fired rules combine; fitted or not

  // Called once `checked` is set: indexes the missing-value list for IsMissing.
  void IndexMissingValues();
  // Whether a raw cell is in the rule file's `missing:` list. Inline: it runs for every cell.
  [[gnu::always_inline]] bool IsMissing(std::string_view cell) const {
    // Most cells have a length no missing spelling has, which a bit test rules out.
    if (cell.size() < 64 ? ((missing_lengths >> cell.size()) & 1) == 0 : !missing_has_long)
      return false;
    return InMissingList(cell);
  }
  bool InMissingList(std::string_view cell) const;
  uint64_t missing_lengths = ~uint64_t{0};  // bit n: some missing spelling has n bytes
  bool missing_has_long = true;             // some spelling has 64 bytes or more
  // The typed value of a raw cell of column `column`: missing, an error value when it does not
  // parse as the column's type, or the value.
  Value CellValue(int column, std::optional<std::string_view> cell) const;
  // All cells of a row, typed.
  void TypeRow(const RawRow& row, std::vector<Value>* out) const;
  // The policy over typed values.
  Prediction PredictTyped(const std::vector<Value>& row) const;
  // The policy's decision given the enabled rules that fired, in order (sets class_index, rule,
  // confidence, votes, tie, probabilities of *p).
  void Combine(Prediction* p) const;
  std::string ExplainVotes(const Prediction& p) const;
};

// Parses a cell as `type`: true with the value in *i (int; bool as 0/1) or *d (double), or false
// when it is not a valid cell of that type. Strings always parse (nothing is stored).
bool ParseTypedCellSlow(ColumnType type, std::string_view cell, int64_t* i, double* d);

// 10^0 .. 10^15, each exact as a double: the divisors of the fast decimal paths below.
inline constexpr double kExactPowersOf10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                              1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// The same as ParseTypedCellSlow, with inline fast paths for the common spellings of numbers
// (up to 18 digits; decimals with up to 15 significant digits), whose results are exact: an int
// of at most 18 digits cannot overflow, and m / 10^k with m < 2^53 and k <= 22 is one correctly
// rounded division of two exact doubles, which is what from_chars computes.
[[gnu::always_inline]] inline bool ParseTypedCell(ColumnType type, std::string_view s, int64_t* i,
                                                  double* d) {
  if (type == ColumnType::kString) return true;
  if (type == ColumnType::kInt || type == ColumnType::kDouble) {
    const char* p = s.data();
    const char* const end = p + s.size();
    const bool negative = p < end && *p == '-';
    p += negative;
    const char* const digits = p;
    uint64_t m = 0;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) m = m * 10 + (*p++ - '0');
    size_t int_digits = static_cast<size_t>(p - digits);
    if (int_digits > 0 && int_digits <= 18) {
      if (p == end) {
        if (type == ColumnType::kInt) {
          *i = negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
        } else {
          // 18 digits may exceed 2^53: only exact mantissas take the fast path.
          if (int_digits > 15) return ParseTypedCellSlow(type, s, i, d);
          *d = negative ? -static_cast<double>(m) : static_cast<double>(m);
        }
        return true;
      }
      if (type == ColumnType::kDouble && *p == '.') {
        const char* const frac = ++p;
        while (p < end && static_cast<unsigned>(*p - '0') < 10) m = m * 10 + (*p++ - '0');
        const size_t frac_digits = static_cast<size_t>(p - frac);
        if (p == end && frac_digits > 0 && int_digits + frac_digits <= 15) {
          const double v = static_cast<double>(m) / kExactPowersOf10[frac_digits];
          *d = negative ? -v : v;
          return true;
        }
      }
    }
  }
  return ParseTypedCellSlow(type, s, i, d);
}

// ParseTypedCell for the commonest cells, 1 to 8 bytes of digits (int or double) or of digits
// around one '.' (double), from one 8-byte load: the per-digit loop's mispredicted exits were the
// cost of typing. The 8 bytes from s.data() must be readable. False means "not of this form" (the
// caller falls back to ParseTypedCell), else the value is ParseTypedCell's, bit for bit: the same
// m, and for decimals the same m / 10^k.
template <ColumnType type>
[[gnu::always_inline]] inline bool ParseShortNumber(std::string_view s, int64_t* i, double* d) {
  static_assert(type == ColumnType::kInt || type == ColumnType::kDouble);
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  size_t n = s.size();
  if (n - 1 >= 8) return false;  // also n == 0
  uint64_t word;
  std::memcpy(&word, s.data(), 8);
  static_assert(std::endian::native == std::endian::little);
  if (n < 8) word &= (uint64_t{1} << (8 * n)) - 1;
  size_t frac_digits = 0;
  if constexpr (type == ColumnType::kDouble) {
    // Bytes equal to '.', exactly (no carries): a byte's high bit is set when the byte is zero.
    const uint64_t x = word ^ (kOnes * '.');
    // The zeroed bytes past the cell are not dots.
    const uint64_t dots = ~(((x & (kOnes * 0x7F)) + kOnes * 0x7F) | x) & (kOnes * 0x80);
    if (dots != 0) {
      const size_t at = static_cast<size_t>(std::countr_zero(dots)) / 8;
      if (at == 0 || at + 2 > n) return false;  // ".5" and "1." are left to the general parser
      const uint64_t below = (uint64_t{1} << (8 * at)) - 1;
      word = (word & below) | ((word >> 8) & ~below);  // the dot removed
      --n;
      frac_digits = n - at;
    }
  }
  // The digits right-aligned into the high bytes behind leading '0's: an 8-digit number.
  const unsigned pad = static_cast<unsigned>(8 * (8 - n));
  if (pad != 0) word = (word << pad) | ((kOnes * '0') & ((uint64_t{1} << pad) - 1));
  const uint64_t high_nibbles = kOnes * 0xF0;
  if (((word & high_nibbles) | (((word + kOnes * 0x06) & high_nibbles) >> 4)) != kOnes * 0x33)
    return false;  // some byte is not a digit (a second '.', a sign, a letter...)
  word -= kOnes * '0';
  word = word * 10 + (word >> 8);  // pairs of digits
  word = (((word & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
          (((word >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
         32;
  const uint64_t m = word & 0xFFFFFFFFull;
  if constexpr (type == ColumnType::kInt) {
    *i = static_cast<int64_t>(m);
  } else {
    *d = static_cast<double>(m) / kExactPowersOf10[frac_digits];
  }
  return true;
}

// Parses a cell by content: int, then double, then "true"/"false", else string.
Value ParseCellByContent(std::string_view cell);

}  // namespace hunch

#endif  // HUNCH_ENGINE_RULESET_IMPL_H_
