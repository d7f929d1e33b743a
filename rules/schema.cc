// Implements column type names and schema inference from sample cells.
#include "hunch/schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

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

bool IsNumber(std::string_view s) {
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

Schema InferSchema(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& sample_cells,
                   const std::vector<std::vector<bool>>& sample_present,
                   const std::vector<std::string>& missing_values) {
  Schema schema;
  schema.columns.reserve(header.size());
  for (size_t col = 0; col < header.size(); ++col) {
    bool any_value = false, all_bool = true, all_int = true, all_number = true;
    bool any_missing = false;
    for (size_t row = 0; row < sample_cells.size(); ++row) {
      const std::vector<std::string>& cells = sample_cells[row];
      // A row shorter than the header lacks the cell; with no presence flags, a cell is present.
      const bool present =
          col < cells.size() && (row >= sample_present.size() ||
                                 col >= sample_present[row].size() || sample_present[row][col]);
      if (!present || std::find(missing_values.begin(), missing_values.end(), cells[col]) !=
                          missing_values.end()) {
        any_missing = true;
        continue;
      }
      const std::string& cell = cells[col];
      any_value = true;
      // Once a column is known to be text, only its missing cells matter.
      if (!all_bool && !all_number) continue;
      const bool is_int = all_number && IsInt(cell);
      all_bool = all_bool && IsBool(cell);
      all_int = all_int && is_int;
      all_number = all_number && (is_int || IsNumber(cell));
    }
    Column& column = schema.columns.emplace_back();
    column.name = header[col];
    column.nullable = any_missing || !any_value;
    if (!any_value) {
      column.type = ColumnType::kString;
    } else if (all_bool) {
      column.type = ColumnType::kBool;
    } else if (all_int) {
      column.type = ColumnType::kInt;
    } else if (all_number) {
      column.type = ColumnType::kDouble;
    } else {
      column.type = ColumnType::kString;
    }
  }
  return schema;
}

}  // namespace hunch
