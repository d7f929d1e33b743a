// RuleSet: the facade of the library. Load a rule file once, then predict rows from any thread.
//
//   std::vector<hunch::Diagnostic> diags;
//   auto rs = hunch::RuleSet::Load("rules.yaml", {}, &diags);
//   if (!rs.ok()) { std::cerr << hunch::FormatDiagnostics(diags); return 1; }
//   hunch::Prediction p = (*rs)->Predict({{"7200"}, {"12"}, ...});  // cells in schema() order
#ifndef HUNCH_RULESET_H_
#define HUNCH_RULESET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/schema.h"
#include "hunch/status.h"

namespace hunch {

struct LoadOptions {
  // The data's columns (e.g. from a CSV header and a sample); declared `inputs:` override types.
  // Without it and without `inputs:`, columns are not type-checked, only parsed.
  const Schema* data_schema = nullptr;
  bool lint = true;  // add warnings: shadowed/disabled rules, unused classes
  size_t max_expression_length = 16 * 1024;  // bytes per condition
  int max_expression_depth = 256;            // nesting of operators, parentheses and calls
  size_t max_rules = 10000;
  int64_t regex_max_mem = 8 << 20;  // RE2's memory budget per regex (bytes)
};

// One rule, as loaded.
struct RuleInfo {
  std::string name;
  std::string condition;  // as written
  int predict = -1;       // class index, -1 = abstain
  std::optional<double> confidence;
  double weight = 1.0;  // its weight under `policy: weighted`
  std::vector<std::string> tags;
  bool enabled = true;
  int line = 0;                           // where the rule starts in the file
  std::vector<std::string> columns_read;  // the columns its condition reads
};

// The outcome for one row. Under first_match the first enabled rule whose condition is true wins;
// under vote, weighted and label_model the votes of all of them combine (docs/policies.md).
struct Prediction {
  int class_index = -1;  // -1 = abstain
  // The winning rule (first_match), or the first rule in file order that voted for the predicted
  // class (the other policies); -1 = none (the default, or a tie left abstained).
  int rule = -1;
  std::optional<double> confidence;  // that rule's confidence, if it has one
  std::vector<int> fired;            // every enabled rule whose condition is true, in order
  std::vector<int> errored;  // rules whose condition hit a runtime error (unknown, not fired)
  int votes = 0;             // fired rules that vote for a class (not `predict: abstain`)
  bool tie = false;          // classes tied for the top score; tie_break decided
  std::vector<double> probabilities;  // per class, under vote, weighted and label_model
};

// A row of raw cell texts, one per schema() column; nullopt marks an absent cell. Cells whose
// text is in the rule file's `missing:` list are missing too.
using RawRow = std::vector<std::optional<std::string_view>>;

class RuleSet {
 public:
  // Reads, parses and type-checks the rule file at `path`. Every mistake in the file is added to
  // `diagnostics` (with warnings from lint). Returns an error Status when the file cannot be read
  // (kIoError/kNotFound) or has errors (kRuleError); the rule set is immutable and thread-safe.
  static Result<std::shared_ptr<const RuleSet>> Load(const std::string& path,
                                                     const LoadOptions& options,
                                                     std::vector<Diagnostic>* diagnostics);
  // The same from text in memory; `path` is used in diagnostics only.
  static Result<std::shared_ptr<const RuleSet>> LoadFromString(
      const std::string& text, const std::string& path, const LoadOptions& options,
      std::vector<Diagnostic>* diagnostics);

  const std::string& name() const;
  const std::string& version() const;
  const std::string& sha256() const;  // of the canonical form: formatting does not change it
  const std::string& label_column() const;
  const std::vector<std::string>& class_names() const;
  const std::vector<std::string>& raw_labels() const;  // the label value of each class
  int default_class() const;                           // -1 = abstain
  int positive_class() const;                          // -1 = not set
  const std::vector<std::string>& missing_values() const;
  const Schema& schema() const;  // the columns rows are read in
  bool schema_known() const;     // false: no data/inputs; cells are typed by content
  const std::vector<RuleInfo>& rules() const;
  // "first_match", "vote", "weighted" or "label_model"; and the tie break of the last three.
  const char* policy() const;
  const char* tie_break() const;
  // Under label_model (or tie_break: prior) decisions depend on parameters fitted on data (see
  // FitRuleSet in hunch/label.h). Unfitted, label_model decides by majority vote and prior ties
  // fall to class order. False for the other policies.
  bool needs_fit() const;
  bool fitted() const;

  // Predicts one row. Thread-safe.
  Prediction Predict(const RawRow& row) const;
  // Predicts rows in order. Thread-safe.
  std::vector<Prediction> PredictBatch(const std::vector<RawRow>& rows) const;
  // A multi-line account of the row's evaluation: every rule, its value, and each sub-expression.
  std::string Explain(const RawRow& row) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }  // for the engine's internals only
  explicit RuleSet(std::unique_ptr<Impl> impl);
  ~RuleSet();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hunch

#endif  // HUNCH_RULESET_H_
