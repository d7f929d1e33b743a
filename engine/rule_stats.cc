// Per-rule statistics (Snorkel LFAnalysis semantics), accumulated one row at a time.
#include "engine/rule_stats.h"

namespace hunch {

void RuleStats::AddRow(std::span<const int> fired, std::span<const int> votes,
                       std::span<const int> errored, int actual, int64_t n) {
  rows_ += n;
  if (fired.empty()) default_rows_ += n;
  int voters = 0, first_vote = -1;
  bool conflict = false;
  for (int v : votes) {
    if (v < 0) continue;
    if (voters++ == 0)
      first_vote = v;
    else if (v != first_vote)
      conflict = true;
  }
  for (size_t i = 0; i < fired.size(); ++i) {
    RuleCounts& c = counts_[fired[i]];
    c.fires += n;
    if (i == 0) c.wins += n;
    if (votes[i] < 0) continue;
    if (votes[i] == actual)
      c.correct += n;
    else
      c.incorrect += n;
    // Snorkel: an overlap is a row with two or more votes; a conflict, two different votes.
    if (voters > 1) c.overlaps += n;
    if (conflict) c.conflicts += n;
  }
  for (int j : errored) counts_[j].errors += n;
}

void RuleStats::Merge(const RuleStats& other) {
  AddBatch(other.rows_, other.default_rows_, other.counts_);
}

void RuleStats::AddBatch(int64_t rows, int64_t default_rows, std::span<const RuleCounts> counts) {
  rows_ += rows;
  default_rows_ += default_rows;
  for (size_t j = 0; j < counts_.size(); ++j) {
    RuleCounts& a = counts_[j];
    const RuleCounts& b = counts[j];
    a.fires += b.fires;
    a.wins += b.wins;
    a.correct += b.correct;
    a.incorrect += b.incorrect;
    a.overlaps += b.overlaps;
    a.conflicts += b.conflicts;
    a.errors += b.errors;
  }
}

}  // namespace hunch
