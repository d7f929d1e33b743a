// The shape of the data a rule set reads: column names and their types.
#ifndef HUNCH_SCHEMA_H_
#define HUNCH_SCHEMA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hunch {

// The scalar types a data cell can hold.
enum class ColumnType { kBool, kInt, kDouble, kString };

// "bool", "int", "double", "string".
std::string_view ColumnTypeName(ColumnType type);
// Parses a type name as written in a rule file's `inputs:`; also accepts the aliases "float",
// "str", "integer" and "boolean".
std::optional<ColumnType> ParseColumnType(std::string_view name);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool nullable = false;  // true when the data (or declaration) has missing cells
};

// Columns in data order. Lookups are by exact name.
struct Schema {
  std::vector<Column> columns;

  // Index of the column named `name`, or -1.
  int Find(std::string_view name) const;
};

// Infers a schema from a header and sample rows of raw cell texts. A cell is missing when it is
// absent (present[i] == false) or its text is in `missing_values`. Per column, over the non-missing
// cells: all "true"/"false" (any case) -> bool; all int64 -> int; all numbers -> double; else
// string. A column with no non-missing cell is a nullable string.
Schema InferSchema(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& sample_cells,
                   const std::vector<std::vector<bool>>& sample_present,
                   const std::vector<std::string>& missing_values);

}  // namespace hunch

#endif  // HUNCH_SCHEMA_H_
