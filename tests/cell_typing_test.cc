// Tests for the typing of raw cells: the inline fast paths for numbers agree with from_chars.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>

#include "engine/ruleset_impl.h"

namespace hunch {
namespace {

// Both parsers on one cell and type: the same verdict and the same value, bit for bit.
void Agree(ColumnType type, const std::string& cell) {
  int64_t fast_int = 0, slow_int = 0;
  double fast_double = 0, slow_double = 0;
  const bool fast = ParseTypedCell(type, cell, &fast_int, &fast_double);
  const bool slow = ParseTypedCellSlow(type, cell, &slow_int, &slow_double);
  INFO("cell '" << cell << "' as " << ColumnTypeName(type));
  REQUIRE(fast == slow);
  if (!fast) return;
  if (type == ColumnType::kDouble) {
    CHECK(std::memcmp(&fast_double, &slow_double, sizeof(double)) == 0);
  } else {
    CHECK(fast_int == slow_int);
  }
}

// The one-load parser on `cell` followed by `after` (which it must not read as part of the
// cell): when it accepts, from_chars accepts too, with the same value bit for bit. Returns
// whether it accepted.
template <ColumnType type>
bool ShortAgrees(const std::string& cell, const std::string& after) {
  const std::string bytes = cell + after + "12345678";  // 8 readable bytes from any start
  int64_t fast_int = 0, slow_int = 0;
  double fast_double = 0, slow_double = 0;
  if (!ParseShortNumber<type>(std::string_view(bytes.data(), cell.size()), &fast_int,
                              &fast_double)) {
    return false;
  }
  INFO("cell '" << cell << "' followed by '" << after << "' as " << ColumnTypeName(type));
  REQUIRE(ParseTypedCellSlow(type, cell, &slow_int, &slow_double));
  if (type == ColumnType::kDouble) {
    CHECK(std::memcmp(&fast_double, &slow_double, sizeof(double)) == 0);
  } else {
    CHECK(fast_int == slow_int);
  }
  return true;
}

TEST_CASE("The one-load parser of short numbers agrees with from_chars and reads only the cell",
          "[typing]") {
  for (const std::string after : {"", ",", "9", ".5", "\n"}) {
    CHECK(ShortAgrees<ColumnType::kInt>("0", after));
    CHECK(ShortAgrees<ColumnType::kInt>("12345678", after));
    CHECK(ShortAgrees<ColumnType::kInt>("00012", after));
    CHECK(ShortAgrees<ColumnType::kDouble>("62.67", after));
    CHECK(ShortAgrees<ColumnType::kDouble>("1234.567", after));
    CHECK(ShortAgrees<ColumnType::kDouble>("0.000001", after));
    CHECK(ShortAgrees<ColumnType::kDouble>("99999999", after));
    // Left to the general parser: too long, signs, a lone or second dot, a dot at either end,
    // and a dot in an int column.
    for (const std::string cell : {"", "123456789", "-1", "+1", ".5", "1.", ".", "1.2.3",
                                   "1e5", " 1", "1 ", "12a", "1.2345678"}) {
      CHECK_FALSE(ShortAgrees<ColumnType::kDouble>(cell, after));
    }
    CHECK_FALSE(ShortAgrees<ColumnType::kInt>("62.67", after));
  }
  std::mt19937 random(13);
  const std::string alphabet = "0123456789000.-e/:";  // '/' and ':' neighbour the digits
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string cell, after;
    const size_t length = random() % 10;
    for (size_t j = 0; j < length; ++j) cell += alphabet[random() % alphabet.size()];
    for (size_t j = random() % 4; j > 0; --j) after += alphabet[random() % alphabet.size()];
    accepted += ShortAgrees<ColumnType::kInt>(cell, after);
    accepted += ShortAgrees<ColumnType::kDouble>(cell, after);
  }
  CHECK(accepted > 10000);
}

TEST_CASE("Fast number parsing agrees with from_chars on every spelling", "[typing]") {
  const std::vector<std::string> edge_cases = {"0",
                                               "-0",
                                               "0.0",
                                               "-0.0",
                                               "7",
                                               "-7",
                                               "00012",
                                               "1.",
                                               ".5",
                                               "-.5",
                                               "1e5",
                                               "+1",
                                               "-",
                                               "",
                                               "1.5.2",
                                               "12a",
                                               "123456789012345678",
                                               "-123456789012345678",
                                               "1234567890123456789",
                                               "9223372036854775807",
                                               "-9223372036854775808",
                                               "9223372036854775808",
                                               "0.1",
                                               "0.3",
                                               "2.675",
                                               "123456789012345",
                                               "123456789012345.6",
                                               "12345678901234.5",
                                               "999999999999999",
                                               "9999999999999999",
                                               "0.000000000000001",
                                               "0.0000000000000001",
                                               "1.7976931348623157e308",
                                               "nan",
                                               "inf",
                                               "true",
                                               "62.67",
                                               "-1004",
                                               " 1",
                                               "1 "};
  for (ColumnType type : {ColumnType::kInt, ColumnType::kDouble, ColumnType::kBool}) {
    for (const std::string& cell : edge_cases) Agree(type, cell);
  }
  std::mt19937 random(11);
  const std::string alphabet = "0123456789000-.e+";
  for (int i = 0; i < 200000; ++i) {
    std::string cell;
    const size_t length = random() % 22;
    for (size_t j = 0; j < length; ++j) cell += alphabet[random() % alphabet.size()];
    Agree(ColumnType::kInt, cell);
    Agree(ColumnType::kDouble, cell);
  }
}

}  // namespace
}  // namespace hunch
