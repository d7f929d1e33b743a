// Tests for column type names, Schema::Find and schema inference from sample cells.
#include "hunch/schema.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <charconv>
#include <random>
#include <string>

namespace hunch {
namespace {

using Cells = std::vector<std::vector<std::string>>;

// Infers the type of a single column named "c" whose cells are `cells`, all present.
Column InferOne(const std::vector<std::string>& cells,
                const std::vector<std::string>& missing_values = {}) {
  Cells rows;
  for (const std::string& cell : cells) rows.push_back({cell});
  const Schema schema = InferSchema({"c"}, rows, {}, missing_values);
  REQUIRE(schema.columns.size() == 1);
  return schema.columns[0];
}

TEST_CASE("Column type names round-trip, and the aliases parse") {
  for (ColumnType type :
       {ColumnType::kBool, ColumnType::kInt, ColumnType::kDouble, ColumnType::kString}) {
    CHECK(ParseColumnType(ColumnTypeName(type)) == type);
  }
  CHECK(ColumnTypeName(ColumnType::kDouble) == "double");
  CHECK(ParseColumnType("float") == ColumnType::kDouble);
  CHECK(ParseColumnType("str") == ColumnType::kString);
  CHECK(ParseColumnType("integer") == ColumnType::kInt);
  CHECK(ParseColumnType("boolean") == ColumnType::kBool);
  CHECK(ParseColumnType("Int") == std::nullopt);
  CHECK(ParseColumnType("number") == std::nullopt);
  CHECK(ParseColumnType("") == std::nullopt);
}

TEST_CASE("Schema::Find returns a column's index by exact name, or -1") {
  Schema schema;
  schema.columns = {{"age", ColumnType::kInt, false}, {"Name", ColumnType::kString, true}};
  CHECK(schema.Find("age") == 0);
  CHECK(schema.Find("Name") == 1);
  CHECK(schema.Find("name") == -1);
  CHECK(schema.Find("") == -1);
}

TEST_CASE("InferSchema picks bool, int, double or string per column") {
  const Schema schema = InferSchema({"b", "i", "d", "s", "mixed"},
                                    {{"true", "1", "1.5", "x", "true"},
                                     {"FALSE", "-20", "3", "7", "1"},
                                     {"True", "0", "-1e3", "", "1"}},
                                    {}, {});
  REQUIRE(schema.columns.size() == 5);
  CHECK(schema.columns[0].name == "b");
  CHECK(schema.columns[0].type == ColumnType::kBool);
  CHECK(schema.columns[1].type == ColumnType::kInt);
  CHECK(schema.columns[2].type == ColumnType::kDouble);
  CHECK(schema.columns[3].type == ColumnType::kString);
  CHECK(schema.columns[4].type == ColumnType::kString);
  for (const Column& column : schema.columns) CHECK_FALSE(column.nullable);
}

TEST_CASE("Integers beyond int64 and decimal forms make a double column") {
  CHECK(InferOne({"9223372036854775807", "-9223372036854775808"}).type == ColumnType::kInt);
  CHECK(InferOne({"1", "9223372036854775808"}).type == ColumnType::kDouble);
  CHECK(InferOne({"1", ".5", "5.", "-.25", "2E-3"}).type == ColumnType::kDouble);
}

TEST_CASE("Signs, spaces, inf and nan make text, not numbers") {
  for (const char* cell : {"+1", " 1", "1 ", "inf", "-inf", "nan", "NaN", "infinity", "1e", "-",
                           "0x10", "1,5", "1_000"}) {
    INFO(cell);
    CHECK(InferOne({"1", cell}).type == ColumnType::kString);
  }
  CHECK(InferOne({"yes", "no"}).type == ColumnType::kString);
  CHECK(InferOne({"1", "0"}).type == ColumnType::kInt);
}

TEST_CASE("A cell makes a column numeric exactly when from_chars reads all of it as finite") {
  // The inference has a fast path for plain decimals; random texts over the characters of
  // numbers check that it agrees with the definition.
  std::mt19937 rng(20261125);
  const std::string alphabet = "0123456789.-eE";
  for (int n = 0; n < 20000; ++n) {
    std::string cell(1 + rng() % (n % 10 == 0 ? 45 : 8), '0');
    for (char& ch : cell) ch = alphabet[rng() % alphabet.size()];
    double value = 0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    const size_t first = cell.starts_with('-') ? 1 : 0;
    const bool number = ec == std::errc() && end == cell.data() + cell.size() &&
                        cell.size() > first && (std::isdigit(cell[first]) || cell[first] == '.');
    INFO(cell);
    CHECK((InferOne({"0.5", cell}).type == ColumnType::kDouble) == number);
  }
}

TEST_CASE("Missing cells do not decide a column's type but make it nullable") {
  const Schema schema =
      InferSchema({"age", "fare", "cabin", "flag"},
                  {{"22", "7.25", "", "true"}, {"NA", "?", "C85", "false"}, {"", "71.28", "", "x"}},
                  {{true, true, true, true}, {true, true, true, true}, {false, true, true, false}},
                  {"", "NA", "?"});
  REQUIRE(schema.columns.size() == 4);
  CHECK(schema.columns[0].type == ColumnType::kInt);
  CHECK(schema.columns[0].nullable);
  CHECK(schema.columns[1].type == ColumnType::kDouble);
  CHECK(schema.columns[1].nullable);
  CHECK(schema.columns[2].type == ColumnType::kString);
  CHECK(schema.columns[2].nullable);
  // The absent "x" is not a value, so the column stays bool.
  CHECK(schema.columns[3].type == ColumnType::kBool);
  CHECK(schema.columns[3].nullable);
}

TEST_CASE("An empty cell that is not a missing value is text") {
  const Column column = InferOne({"1", ""});
  CHECK(column.type == ColumnType::kString);
  CHECK_FALSE(column.nullable);
}

TEST_CASE("A column with no non-missing cell is a nullable string") {
  const Column all_missing = InferOne({"NA", "NA"}, {"NA"});
  CHECK(all_missing.type == ColumnType::kString);
  CHECK(all_missing.nullable);

  const Schema no_rows = InferSchema({"a", "b"}, {}, {}, {});
  REQUIRE(no_rows.columns.size() == 2);
  CHECK(no_rows.columns[1].name == "b");
  CHECK(no_rows.columns[1].type == ColumnType::kString);
  CHECK(no_rows.columns[1].nullable);
}

TEST_CASE("A sample row shorter than the header lacks its last cells") {
  const Schema schema = InferSchema({"a", "b"}, {{"1", "2"}, {"3"}}, {}, {});
  CHECK(schema.columns[0].type == ColumnType::kInt);
  CHECK_FALSE(schema.columns[0].nullable);
  CHECK(schema.columns[1].type == ColumnType::kInt);
  CHECK(schema.columns[1].nullable);
}

}  // namespace
}  // namespace hunch
