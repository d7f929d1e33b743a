// What changed between two versions of a rule set on the same labeled data (`hunch diff`): the
// rows whose prediction changed, the metric differences with paired intervals, and rule by rule
// changes. docs/compare.md explains how to read it.
#ifndef HUNCH_DIFF_H_
#define HUNCH_DIFF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hunch/compare.h"
#include "hunch/eval.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

// A labeled row whose prediction changed.
struct ChangedRow {
  int64_t row = 0;  // 1-based data row, header excluded (as `hunch explain --row-number` takes)
  std::string key;  // the cell of DiffOptions::eval.key_column, when set
  std::string actual, old_prediction, new_prediction;  // class names or "abstain"
  std::string old_rule, new_rule;                      // the winning rule, or "(default)"
};

// One rule, matched by name between the versions.
struct RuleChange {
  std::string name;
  std::string change;             // "added", "removed", "changed" or "unchanged"
  std::vector<std::string> what;  // when changed: condition, predict, confidence, enabled
  std::string old_condition, new_condition;  // canonical form; "" where the rule is absent
  std::optional<RuleFigures> before, after;  // its figures on the data under each version
};

struct RuleSetDiff {
  Comparison comparison;  // a = old, b = new; comparison.a_report is the old version's report
  Report new_report;
  int64_t changed = 0;  // labeled rows whose prediction changed
  int64_t fixed = 0;    // of them, wrong before and right now
  int64_t broken = 0;   // right before and wrong now
  // Rows by (old prediction, new prediction): classes in order, then abstain.
  std::vector<std::vector<int64_t>> transitions;
  std::vector<ChangedRow> sample;  // a seeded sample of changed rows, in data order
  std::vector<RuleChange> rules;   // the old version's rules in order, then the added ones
};

struct DiffOptions {
  EvalOptions eval;  // bootstrap, seed, slice_by, key_column (shown in the sample), ...
  size_t sample_rows = 10;
  std::string metric = "macro_f1";  // the verdict's metric
};

// Evaluates both versions (which must have the same label column and classes) on the data at
// `data_path` and compares them row by row.
Result<RuleSetDiff> DiffRuleSets(const RuleSet& old_rules, const RuleSet& new_rules,
                                 const std::string& data_path, const DiffOptions& options);

// Renderings: JSON (docs/compare.md), aligned text, Markdown.
std::string DiffToJson(const RuleSetDiff& d);
std::string DiffToText(const RuleSetDiff& d, bool color = false);
std::string DiffToMarkdown(const RuleSetDiff& d);
// The diff as one self-contained HTML page, like ComparisonToHtml; SavedComparisonToHtml renders
// a saved diff JSON to the same page.
std::string DiffToHtml(const RuleSetDiff& d);

}  // namespace hunch

#endif  // HUNCH_DIFF_H_
