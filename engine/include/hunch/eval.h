// Evaluate a rule set against labeled data: streams the data once and builds a Report.
#ifndef HUNCH_EVAL_H_
#define HUNCH_EVAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

struct EvalOptions {
  DataOptions data;
  int bootstrap = 1000;  // resamples for confidence intervals; 0 turns them off
  uint64_t seed = 42;
  std::vector<std::string> slice_by;  // columns whose values define slices
  std::string shadow_column;          // an existing system's decisions (class names or label
                                      // values), scored beside the rules on the same rows
  bool skip_bad_rows = false;         // count malformed records instead of stopping
  int threads = 0;            // CSV is parsed and evaluated on this many threads (0: all cores);
                              // every figure is identical whatever the number
  int max_iterations = 1000;  // label model: EM iterations at most
  double tolerance = 1e-6;    // label model: convergence tolerance on its parameters
  size_t max_slice_values = 1000;  // distinct values per slice column; the rest are "(other)"
  std::string key_column;          // a column kept per row in RowOutcomes (e.g. an id), if set
  // Called now and then with (rows read, bytes read), for progress display.
  std::function<void(int64_t, uint64_t)> progress;
};

// What the rules did on each labeled row, in input order, for paired comparisons of two systems
// on the same rows (hunch compare, hunch diff). Unlabeled rows are not kept.
struct RowOutcomes {
  std::vector<int64_t> record;     // 0-based index of the record in the data, unlabeled included
  std::vector<int32_t> actual;     // class index of the label
  std::vector<int32_t> predicted;  // class index; -1 = abstain
  std::vector<int32_t> rule;       // the winning rule's index; -1 = no rule fired (the default)
  std::vector<std::string> key;    // EvalOptions::key_column's cell ("" when absent), if set
  std::vector<std::string> slice_names;                // --slice-by columns, then rule slices
  std::vector<std::vector<std::string>> slice_values;  // [slice][row], as in Report::slices
};

// Evaluates `rules` (loaded against this data, see LoadRuleSetForData) on the data at `path`.
// A malformed record stops the run with "PATH:LINE: error: ..." unless skip_bad_rows.
Result<Report> EvaluateFile(const RuleSet& rules, const std::string& path,
                            const EvalOptions& options);
// The same, also filling `rows` (when not null) with every labeled row's outcome.
Result<Report> EvaluateFile(const RuleSet& rules, const std::string& path,
                            const EvalOptions& options, RowOutcomes* rows);

}  // namespace hunch

#endif  // HUNCH_EVAL_H_
