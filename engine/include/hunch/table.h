// Tables held in memory column by column (a pandas DataFrame, an Arrow batch): their schema,
// columnar prediction and evaluation, with the same results as a file holding the same cells.
//
//   hunch::Table t{.rows = n, .columns = {{.name = "amount", .type = hunch::ColumnType::kDouble,
//                                          .doubles = amounts}}};
//   auto schema = hunch::InferTableSchema(t, missing_values);
//   auto rules = hunch::RuleSet::LoadFromString(text, "rules.yaml", {.data_schema = &*schema}, &d);
//   auto predictions = hunch::PredictTable(**rules, t);
#ifndef HUNCH_TABLE_H_
#define HUNCH_TABLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/eval.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/schema.h"
#include "hunch/status.h"

namespace hunch {

// One column of a caller's table: set the one value pointer that matches `type`. Pointers address
// Table::rows entries that the caller owns and keeps unchanged during the call reading them.
// A cell means what its text would mean in a CSV file (ints in decimal, doubles in shortest
// round-trip form, bools as true/false), so a column converts to the rule set's type for it as a
// CSV column would; a non-finite double is a bad cell, as "inf" is in a CSV double column.
struct TableColumn {
  std::string name;
  ColumnType type = ColumnType::kString;
  const int64_t* ints = nullptr;              // kInt
  const double* doubles = nullptr;            // kDouble; NaN is a missing cell
  const uint8_t* bools = nullptr;             // kBool: 0 is false, anything else true
  const std::string_view* strings = nullptr;  // kString: cell texts; `missing:` values are missing
  const uint8_t* present = nullptr;           // optional, any type: 0 marks a missing cell
  // kString, instead of `strings`: fills out[i] with the text of row begin + i and sets
  // present[i] = 0 for a missing one, i < n; false if it cannot. Called for one batch at a time,
  // from several threads at once; the texts must stay valid until the call that reads the table
  // returns. It lets a caller hand over text held in its own objects without a copy of the column.
  std::function<bool(int64_t begin, size_t n, std::string_view* out, uint8_t* present)>
      read_strings;
};

struct Table {
  int64_t rows = 0;
  std::vector<TableColumn> columns;  // names are unique
};

// The schema of `table`: typed columns keep their type; text columns are inferred from their
// first `sample_rows` cells as for a file (InferSchema). Errors on duplicate names or a column
// without the value pointer of its type.
Result<Schema> InferTableSchema(const Table& table, const std::vector<std::string>& missing_values,
                                size_t sample_rows = 10000);

struct TablePredictOptions {
  int threads = 0;  // batches are evaluated on this many threads (0: all cores)
  // When set, receives each batch's outcome (rows [begin, begin + n), as in TablePredictions)
  // instead of the per-row vectors, which stay empty: called from several threads at once.
  std::function<void(int64_t begin, size_t n, const int32_t* class_index, const int32_t* rule)>
      on_batch;
};

// Per row, the outcome of first-match; per rule, its runtime errors.
struct TablePredictions {
  std::vector<int32_t> class_index;  // -1 = abstain
  std::vector<int32_t> rule;         // the winning rule; -1 = no rule fired (the default decided)
  std::vector<int64_t> rule_errors;  // per rule: rows where its condition hit a runtime error
};

// Predicts every row of `table` with the columnar executor that `hunch eval` uses, 4,096 rows at
// a time; identical to RuleSet::Predict on each row's cells. `rules` must have a known schema
// (loaded against InferTableSchema(table) or with `inputs:`); its columns are matched to the
// table's by name, and a column the table lacks is missing on every row. Thread-safe.
Result<TablePredictions> PredictTable(const RuleSet& rules, const Table& table,
                                      const TablePredictOptions& options = {});

// Evaluates `rules` on a labeled table: the Report that EvaluateFile gives for a file with the
// same cells (options.data and options.threads do not apply), naming the data `display_path`.
Result<Report> EvaluateTable(const RuleSet& rules, const Table& table,
                             const std::string& display_path, const EvalOptions& options);

}  // namespace hunch

#endif  // HUNCH_TABLE_H_
