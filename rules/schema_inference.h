// Column type inference a cell at a time, so that a sample can be typed while it is read.
#ifndef HUNCH_RULES_SCHEMA_INFERENCE_H_
#define HUNCH_RULES_SCHEMA_INFERENCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "hunch/schema.h"

namespace hunch {

// The evidence for one column's type (InferSchema's rules): feed it every sampled cell.
class ColumnTypeInference {
 public:
  // A missing cell: absent, or its text is in the `missing:` list.
  void AddMissing() { any_missing_ = true; }
  void AddValue(std::string_view cell);
  // The column named `name` as the cells seen so far describe it.
  Column Finish(std::string name) const;

 private:
  bool any_value_ = false, any_missing_ = false;
  bool all_bool_ = true, all_int_ = true, all_number_ = true;
};

// Whether `cell` is one of `missing_values`.
inline bool IsMissingText(std::string_view cell, const std::vector<std::string>& missing_values) {
  for (const std::string& m : missing_values) {
    if (m.size() == cell.size() && m == cell) return true;
  }
  return false;
}

}  // namespace hunch

#endif  // HUNCH_RULES_SCHEMA_INFERENCE_H_
