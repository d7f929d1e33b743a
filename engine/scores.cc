// Implements engine/scores.h: ROC AUC, average precision and calibration as scikit-learn defines
// them, over scores grouped into ties.
#include "engine/scores.h"

#include <algorithm>

namespace hunch::scores {

std::vector<Tie> GroupTies(std::vector<Tie> ties) {
  std::sort(ties.begin(), ties.end(), [](const Tie& a, const Tie& b) { return a.score > b.score; });
  std::vector<Tie> out;
  for (const Tie& t : ties) {
    if (!out.empty() && out.back().score == t.score) {
      out.back().positives += t.positives;
      out.back().negatives += t.negatives;
    } else {
      out.push_back(t);
    }
  }
  return out;
}

Ranking Rank(const std::vector<Tie>& ties) {
  RankWalk walk;
  for (const Tie& t : ties) walk.Add(t.positives, t.negatives);
  return walk.Finish();
}

std::vector<CalibrationBin> Calibrate(const std::vector<Tie>& ties, int bins) {
  // numpy.linspace(0, 1, bins + 1) computes edge i as i * (1 / bins); a score equal to an inner
  // edge falls in the lower bin (numpy.searchsorted, side "left"), as in calibration_curve.
  const double step = 1.0 / bins;
  std::vector<CalibrationBin> table(bins);
  std::vector<double> score_sum(bins, 0);
  for (int b = 0; b < bins; ++b) {
    table[b].low = b * step;
    table[b].high = b + 1 == bins ? 1.0 : (b + 1) * step;
  }
  for (const Tie& t : ties) {
    int b = 0;
    while (b + 1 < bins && (b + 1) * step < t.score) ++b;
    const double rows = t.positives + t.negatives;
    table[b].rows += static_cast<int64_t>(rows);
    table[b].positives += static_cast<int64_t>(t.positives);
    score_sum[b] += t.score * rows;
  }
  std::vector<CalibrationBin> out;
  for (int b = 0; b < bins; ++b) {
    if (table[b].rows == 0) continue;
    table[b].mean_score = score_sum[b] / static_cast<double>(table[b].rows);
    table[b].observed =
        static_cast<double>(table[b].positives) / static_cast<double>(table[b].rows);
    out.push_back(table[b]);
  }
  return out;
}

bool HasScores(const CheckedRuleSet& rs) {
  if (rs.class_names.size() != 2 || rs.positive_class < 0) return false;
  return std::any_of(rs.rules.begin(), rs.rules.end(),
                     [](const CheckedRule& r) { return r.enabled && r.confidence.has_value(); });
}

double RuleScore(const CheckedRuleSet& rs, int winner) {
  const int predicted = winner >= 0 ? rs.rules[winner].predict : rs.default_class;
  if (predicted < 0) return 0.5;
  const double confidence =
      winner >= 0 && rs.rules[winner].confidence ? *rs.rules[winner].confidence : 1.0;
  return predicted == rs.positive_class ? confidence : 1 - confidence;
}

}  // namespace hunch::scores
