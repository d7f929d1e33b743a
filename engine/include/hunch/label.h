// Rules as labeling functions: label data that has no labels yet (`hunch label`), and fit the
// data-dependent part of a policy (the label model, tie_break: prior) for row-at-a-time use.
#ifndef HUNCH_LABEL_H_
#define HUNCH_LABEL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

struct LabelOptions {
  DataOptions data;
  int max_iterations = 1000;  // label model: EM iterations at most
  double tolerance = 1e-6;    // label model: converged when no parameter moves more than this
  bool keep_abstain = false;  // write rows that get no label (empty label cell) instead of dropping
  bool probabilities = false;  // add one p_CLASS column per class
  bool matrix = false;         // write Snorkel's label matrix instead (all rows, see docs)
  std::string id_column;       // copy this data column into the output, beside `row`
  bool skip_bad_rows = false;  // count malformed records instead of stopping
  std::function<void(int64_t, uint64_t)> progress;  // (rows read, bytes read), now and then
};

// What a labeling run did, for the summary on stderr and for tests.
struct LabelSummary {
  std::string policy, tie_break;
  int64_t rows = 0;       // records read
  int64_t bad_rows = 0;   // malformed records skipped (skip_bad_rows)
  int64_t labeled = 0;    // rows that got a class
  int64_t abstained = 0;  // rows that got none: no vote (and default abstain), or a tie
  int64_t no_vote = 0;    // of which: no rule voted
  int64_t ties = 0;       // rows whose top classes tied (decided by tie_break, maybe abstain)
  int64_t written = 0;    // rows written (labeled, plus abstained with keep_abstain)
  std::vector<std::string> classes;
  std::vector<int64_t> per_class;   // labeled rows per class
  std::vector<std::string> rules;   // enabled rules, in file order
  std::vector<int64_t> rule_votes;  // rows on which each cast a vote
  // The label model, when the policy is label_model.
  bool label_model = false;
  bool converged = false;
  int iterations = 0;
  double log_likelihood = 0;
  std::vector<double> class_balance;                 // estimated P(class)
  std::vector<std::optional<double>> rule_accuracy;  // estimated, per enabled rule (none: abstains)
  double seconds = 0;
};

// Applies `rules` to every row of the data at `data_path` (no label column needed) and writes the
// labels to `out_path` ("-" for stdout) as CSV, in input order: row (1-based record number), the
// id column if asked, the label column (the class's label value; empty when abstained), p_CLASS
// columns if asked, votes (rules that voted) and rules (their names, joined by ';'). With
// `matrix`, writes instead the label matrix of every row: one column per enabled rule, -1 where it
// does not vote, else the index of its class in `classes:` order. The output is written only after
// the whole input was read; on error nothing is left at `out_path`.
Result<LabelSummary> LabelFile(const RuleSet& rules, const std::string& data_path,
                               const std::string& out_path, const LabelOptions& options);

// A copy of `rules` whose policy is fitted on the data at `data_path`: the label model's
// parameters, or the class prior of tie_break: prior. Rule sets that need no fit are returned as
// is.
Result<std::shared_ptr<const RuleSet>> FitRuleSet(const RuleSet& rules,
                                                  const std::string& data_path,
                                                  const LabelOptions& options,
                                                  LabelSummary* summary = nullptr);

}  // namespace hunch

#endif  // HUNCH_LABEL_H_
