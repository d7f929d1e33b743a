// Tests engine/rule_stats against the worked example of Snorkel's LFAnalysis docstrings
// (snorkel/labeling/analysis.py): the label matrix
//
//        LF0 LF1 LF2
//   r0 [ -1,  0,  0 ]
//   r1 [ -1, -1, -1 ]
//   r2 [  1,  0, -1 ]
//   r3 [ -1,  0, -1 ]
//   r4 [  0,  0,  0 ]
//
// for which Snorkel documents lf_coverages [0.4, 0.8, 0.4], lf_overlaps [0.4, 0.6, 0.4],
// lf_conflicts [0.2, 0.2, 0.0], label_coverage 0.8, label_overlap 0.6 and label_conflict 0.2.
// -1 is Snorkel's abstain: the rule did not fire. LF0 votes 1 on r2 but 0 on r4, so the votes are
// passed row by row rather than taken from a fixed per-rule class.
//
// The gold labels are ours: Y = [0, 0, 0, 0, 1]. By Snorkel's definitions (get_lf_summary's
// Correct / Incorrect, lf_empirical_accuracies = Correct / (Correct + Incorrect)):
//   LF0 fires on r2 (votes 1, gold 0: wrong) and r4 (votes 0, gold 1: wrong): 0 right, 2 wrong, 0.0
//   LF1 fires on r0, r2, r3 (votes 0, gold 0: right) and r4 (wrong):          3 right, 1 wrong,
//   0.75 LF2 fires on r0 (right) and r4 (wrong):                                   1 right, 1
//   wrong, 0.5
// First match (hunch's wins, not a Snorkel figure): r0 -> LF1, r2 -> LF0, r3 -> LF1, r4 -> LF0, so
// LF0 and LF1 win 2 rows each and LF2 fires twice but never wins (shadowed). r1: no rule fires.
#include <array>
#include <catch2/catch.hpp>
#include <vector>

#include "engine/rule_stats.h"

namespace hunch {
namespace {

constexpr int kRows = 5, kRules = 3;
constexpr std::array<std::array<int, kRules>, kRows> kL = {{
    {-1, 0, 0},
    {-1, -1, -1},
    {1, 0, -1},
    {-1, 0, -1},
    {0, 0, 0},
}};
constexpr std::array<int, kRows> kGold = {0, 0, 0, 0, 1};

// Feeds rows [begin, end) of L to `stats`: the rules that fired, in rule order, with their votes.
void AddRows(RuleStats& stats, int begin, int end) {
  for (int i = begin; i < end; ++i) {
    std::vector<int> fired, votes;
    for (int j = 0; j < kRules; ++j) {
      if (kL[i][j] >= 0) {
        fired.push_back(j);
        votes.push_back(kL[i][j]);
      }
    }
    stats.AddRow(fired, votes, {}, kGold[i]);
  }
}

double Share(int64_t count, int64_t rows) {
  return static_cast<double>(count) / static_cast<double>(rows);
}

void CheckWorkedExample(const RuleStats& stats) {
  REQUIRE(stats.rows() == kRows);
  REQUIRE(stats.counts().size() == static_cast<size_t>(kRules));
  const auto& c = stats.counts();
  const int64_t n = stats.rows();

  // label_coverage: the share of rows where at least one LF votes.
  CHECK(1.0 - Share(stats.default_rows(), n) == Approx(0.8));
  CHECK(stats.default_rows() == 1);

  const std::array<double, kRules> coverages = {0.4, 0.8, 0.4};
  const std::array<double, kRules> overlaps = {0.4, 0.6, 0.4};
  const std::array<double, kRules> conflicts = {0.2, 0.2, 0.0};
  const std::array<int64_t, kRules> fires = {2, 4, 2};
  const std::array<int64_t, kRules> correct = {0, 3, 1};
  const std::array<int64_t, kRules> incorrect = {2, 1, 1};
  const std::array<double, kRules> accuracies = {0.0, 0.75, 0.5};
  const std::array<int64_t, kRules> wins = {2, 2, 0};
  for (int j = 0; j < kRules; ++j) {
    INFO("LF" << j);
    CHECK(c[j].fires == fires[j]);
    CHECK(Share(c[j].fires, n) == Approx(coverages[j]));
    CHECK(Share(c[j].overlaps, n) == Approx(overlaps[j]));
    CHECK(Share(c[j].conflicts, n) == Approx(conflicts[j]));
    CHECK(c[j].correct == correct[j]);
    CHECK(c[j].incorrect == incorrect[j]);
    CHECK(Share(c[j].correct, c[j].correct + c[j].incorrect) == Approx(accuracies[j]));
    CHECK(c[j].wins == wins[j]);
    CHECK(c[j].errors == 0);
  }
  // Shadowed: fires but never first.
  CHECK((c[2].fires > 0 && c[2].wins == 0));
  // Raw counts behind the shares: overlapped rows r0, r2, r4; conflicted row r2.
  CHECK(c[0].overlaps == 2);
  CHECK(c[1].overlaps == 3);
  CHECK(c[2].overlaps == 2);
  CHECK(c[0].conflicts == 1);
  CHECK(c[1].conflicts == 1);
  CHECK(c[2].conflicts == 0);
}

TEST_CASE("Rule statistics reproduce the worked example of Snorkel's LFAnalysis", "[oracle]") {
  SECTION("one pass over the rows") {
    RuleStats stats(kRules);
    AddRows(stats, 0, kRows);
    CheckWorkedExample(stats);
  }
  SECTION("two shards merged") {
    RuleStats first(kRules), second(kRules);
    AddRows(first, 0, 2);
    AddRows(second, 2, kRows);
    first.Merge(second);
    CheckWorkedExample(first);
  }
}

}  // namespace
}  // namespace hunch
