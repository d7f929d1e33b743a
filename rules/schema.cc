// Implements column type names and schema inference from sample cells.
#include "hunch/schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "rules/schema_inference.h"

namespace hunch {
namespace {

bool IsBool(std::string_view s) {
  auto equals = [s](std::string_view word) {
    return s.size() == word.size() &&
           std::equal(s.begin(), s.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  return equals("true") || equals("false");
}

bool IsInt(std::string_view s) {
  int64_t value;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Whether s is -?digits(.digits)? in at most 31 bytes: such a text is always a number that
// from_chars reads whole and in range, so the common decimals skip it.
bool IsShortDecimal(std::string_view s) {
  size_t i = s.starts_with('-') ? 1 : 0;
  const size_t int_start = i;
  while (i < s.size() && static_cast<unsigned>(s[i] - '0') < 10) ++i;
  if (i == int_start || s.size() > 31) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  const size_t frac_start = ++i;
  while (i < s.size() && static_cast<unsigned>(s[i] - '0') < 10) ++i;
  return i == s.size() && i > frac_start;
}

bool IsNumber(std::string_view s) {
  if (IsShortDecimal(s)) return true;
  // from_chars also reads "inf" and "nan"; as data those are more likely words than numbers.
  const size_t first = s.starts_with('-') ? 1 : 0;
  if (s.size() <= first ||
      !(std::isdigit(static_cast<unsigned char>(s[first])) || s[first] == '.')) {
    return false;
  }
  double value;
  const auto [end, ec] =
      std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kInt:
      return "int";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
  }
  return "string";
}

std::optional<ColumnType> ParseColumnType(std::string_view name) {
  if (name == "bool" || name == "boolean") return ColumnType::kBool;
  if (name == "int" || name == "integer") return ColumnType::kInt;
  if (name == "double" || name == "float") return ColumnType::kDouble;
  if (name == "string" || name == "str") return ColumnType::kString;
  return std::nullopt;
}

int Schema::Find(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void ColumnTypeInference::AddValue(std::string_view cell) {
  any_value_ = true;
  // Once a column is known to be text, only its missing cells matter.
  if (!all_bool_ && !all_number_) return;
  const bool is_int = all_int_ && all_number_ && IsInt(cell);
  all_bool_ = all_bool_ && IsBool(cell);
  all_int_ = all_int_ && is_int;
  all_number_ = all_number_ && (is_int || IsNumber(cell));
}

Column ColumnTypeInference::Finish(std::string name) const {
  Column column;
  column.name = std::move(name);
  column.nullable = any_missing_ || !any_value_;
  if (!any_value_) {
    column.type = ColumnType::kString;
  } else if (all_bool_) {
    column.type = ColumnType::kBool;
  } else if (all_int_) {
    column.type = ColumnType::kInt;
  } else if (all_number_) {
    column.type = ColumnType::kDouble;
  } else {
    column.type = ColumnType::kString;
  }
  return column;
}

Schema InferSchema(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& sample_cells,
                   const std::vector<std::vector<bool>>& sample_present,
                   const std::vector<std::string>& missing_values) {
  Schema schema;
  schema.columns.reserve(header.size());
  for (size_t col = 0; col < header.size(); ++col) {
    ColumnTypeInference inference;
    for (size_t row = 0; row < sample_cells.size(); ++row) {
      const std::vector<std::string>& cells = sample_cells[row];
      // A row shorter than the header lacks the cell; with no presence flags, a cell is present.
      const bool present =
          col < cells.size() && (row >= sample_present.size() ||
                                 col >= sample_present[row].size() || sample_present[row][col]);
      if (!present || IsMissingText(cells[col], missing_values)) {
        inference.AddMissing();
      } else {
        inference.AddValue(cells[col]);
      }
    }
    schema.columns.push_back(inference.Finish(header[col]));
  }
  return schema;
}

}  // namespace hunch
