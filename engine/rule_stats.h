// Internal to the engine (the facade is hunch/eval.h): per-rule statistics of a labeling run,
// with Snorkel's LFAnalysis definitions of coverage, overlaps, conflicts and empirical accuracy.
#ifndef HUNCH_ENGINE_RULE_STATS_H_
#define HUNCH_ENGINE_RULE_STATS_H_

#include <cstdint>
#include <span>
#include <vector>

namespace hunch {

struct RuleCounts {
  int64_t fires = 0;      // rows where the rule's condition is true
  int64_t wins = 0;       // rows where it is the first to fire
  int64_t correct = 0;    // fires whose vote equals the true class
  int64_t incorrect = 0;  // fires whose vote differs from it
  int64_t overlaps = 0;   // fires on rows where another rule votes too
  int64_t conflicts = 0;  // fires on rows where some vote differs from another
  int64_t errors = 0;     // rows where the condition was a runtime error
};

class RuleStats {
 public:
  explicit RuleStats(size_t num_rules) : counts_(num_rules) {}

  // One row: `fired` lists the rules whose condition is true, in rule order (the first wins);
  // `votes[i]` is the class fired[i] votes for (-1: it predicts abstain, which is not a vote);
  // `errored` lists rules whose condition hit an error; `actual` is the true class. `n` counts
  // identical rows at once (from a database's grouped counts).
  void AddRow(std::span<const int> fired, std::span<const int> votes, std::span<const int> errored,
              int actual, int64_t n = 1);
  // A batch of `rows` rows at once, `default_rows` of them with no rule firing, given each
  // rule's counts over the batch (indexed as the rules are).
  void AddBatch(int64_t rows, int64_t default_rows, std::span<const RuleCounts> counts);
  void Merge(const RuleStats& other);

  int64_t rows() const { return rows_; }
  int64_t default_rows() const { return default_rows_; }  // rows where no rule fired
  const std::vector<RuleCounts>& counts() const { return counts_; }

 private:
  int64_t rows_ = 0;
  int64_t default_rows_ = 0;
  std::vector<RuleCounts> counts_;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_RULE_STATS_H_
