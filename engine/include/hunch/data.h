// Reading data files for a rule set: schema inference, checking rules against data, single rows.
#ifndef HUNCH_DATA_H_
#define HUNCH_DATA_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/ruleset.h"
#include "hunch/schema.h"
#include "hunch/status.h"

namespace hunch {

struct DataOptions {
  std::string format =
      "auto";                  // "csv", "jsonl" or "auto" (by extension; .gz is read transparently)
  size_t sample_rows = 10000;  // rows read to infer column types
};

// Streams the records of a CSV or JSONL file (or stdin, "-") one at a time. Not thread-safe.
class RowCursor {
 public:
  static Result<std::unique_ptr<RowCursor>> Open(const std::string& path,
                                                 const DataOptions& options);
  ~RowCursor();
  const std::vector<std::string>& header() const;
  // Advances to the next record: true, false at the end, or an error "PATH:LINE: error: ...".
  Result<bool> Next();
  // After an error from Next(), skips the bad record; false when reading cannot go on.
  bool Recover();
  int64_t line() const;  // line where the current record (or the last error) starts
  // The current record's cells (aligned to header()) and which are present; valid until Next().
  const std::vector<std::string_view>& cells() const;
  const std::vector<bool>& present() const;

  struct Impl;

 private:
  explicit RowCursor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A record as a JSON object of strings ({"name": "cell", ...}), absent cells as null; invalid UTF-8
// is replaced by U+FFFD so the result is always valid JSON. Appends to `out`.
void AppendRecordJson(const std::vector<std::string>& header,
                      const std::vector<std::string_view>& cells, const std::vector<bool>& present,
                      std::string* out);
// Appends `s` as a JSON string literal (quoted and escaped; invalid UTF-8 replaced).
void AppendJsonString(std::string_view s, std::string* out);

// Infers the schema of the data file at `path` from its header and first rows.
Result<Schema> InferFileSchema(const std::string& path,
                               const std::vector<std::string>& missing_values,
                               const DataOptions& options);

// Loads the rule file checked against the schema of the data file (its `missing:` list is used
// to infer the types). Errors in the rule file go to `diagnostics`.
Result<std::shared_ptr<const RuleSet>> LoadRuleSetForData(const std::string& rules_path,
                                                          const std::string& data_path,
                                                          const DataOptions& data_options,
                                                          LoadOptions load_options,
                                                          std::vector<Diagnostic>* diagnostics);

// The cells of data row `number` (1-based, header excluded), aligned to rules.schema().
// The returned views point into `storage`.
Result<RawRow> ReadDataRow(const std::string& path, int64_t number, const RuleSet& rules,
                           const DataOptions& options, std::vector<std::string>* storage);

// A JSON object's fields as a row aligned to rules.schema(): numbers by their text, strings by
// their value, null or absent keys as absent cells. Keys that are not columns are listed in
// `ignored_keys`. The returned views point into `storage`.
Result<RawRow> RowFromJson(std::string_view json, const RuleSet& rules,
                           std::vector<std::string>* storage,
                           std::vector<std::string>* ignored_keys);

}  // namespace hunch

#endif  // HUNCH_DATA_H_
