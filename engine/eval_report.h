// Internal to the engine (the facade is hunch/eval.h): the totals of an evaluation run, and the
// report built from them. A local run (eval.cc) and a run inside a database (sql_counts.cc, from
// the counts of the generated query) fill the same totals, so they give the same report.
#ifndef HUNCH_ENGINE_EVAL_REPORT_H_
#define HUNCH_ENGINE_EVAL_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/metrics.h"
#include "engine/rule_stats.h"
#include "hunch/eval.h"
#include "hunch/report.h"
#include "rules/compile.h"

namespace hunch {

struct EvalTotals {
  int64_t rows = 0, missing_label = 0, unknown_label = 0, bad_rows = 0, default_correct = 0;
  std::map<std::string, int64_t> unknown_labels;  // up to 10 distinct values
  metrics::Confusion confusion;
  RuleStats stats{0};
  std::vector<int64_t> bad_cells;  // per schema column
  struct Slice {
    std::string key;  // "NAME=VALUE"
    metrics::Confusion confusion;
  };
  std::vector<Slice> slices;            // in report order
  std::optional<ShadowFigures> shadow;  // already computed, when a shadow column was given
  bool can_abstain = false;
  // Rule sets with scores (scores::HasScores, first_match): labeled rows per (winning rule + 1,
  // actual class), the winner -1 being the default. Empty otherwise.
  std::vector<int64_t> wins_by_class;
};

// True when the default or an enabled rule predicts abstain.
bool RuleSetCanAbstain(const CheckedRuleSet& rs);

Report BuildEvalReport(const CheckedRuleSet& rs, const EvalTotals& totals,
                       const EvalOptions& options, const std::string& display_path);

}  // namespace hunch

#endif  // HUNCH_ENGINE_EVAL_REPORT_H_
