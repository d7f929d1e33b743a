// Internal to the engine (the facades are hunch/eval.h and hunch/compare.h): ranking figures of a
// score per row against binary labels, with scikit-learn's definitions (roc_auc_score,
// average_precision_score, calibration_curve), and the score a rule set gives a row.
#ifndef HUNCH_ENGINE_SCORES_H_
#define HUNCH_ENGINE_SCORES_H_

#include <optional>
#include <vector>

#include "hunch/report.h"
#include "rules/compile.h"

namespace hunch::scores {

// The rows that share one score, as (possibly resampled) weights of positive and negative rows.
struct Tie {
  double score = 0;
  double positives = 0, negatives = 0;
};

// Sorts by score, highest first, and merges equal scores into one tie.
std::vector<Tie> GroupTies(std::vector<Tie> ties);

struct Ranking {
  std::optional<double> roc_auc;  // nullopt when all weight is on one class
  double average_precision = 0;   // 0 when there are no positives, as sklearn returns
};

// Walks the thresholds from the highest score down, one tie at a time, adding a point to the ROC
// and precision-recall curves; Rank() and the bootstrap (which sees ties as it walks) share it.
class RankWalk {
 public:
  void Add(double positives, double negatives) {
    const double tp_next = tp_ + positives, fp_next = fp_ + negatives;
    area_ += negatives * (tp_ + tp_next) / 2;
    if (tp_next + fp_next > 0) precision_sum_ += positives * (tp_next / (tp_next + fp_next));
    tp_ = tp_next;
    fp_ = fp_next;
  }
  Ranking Finish() const {
    Ranking r;
    if (tp_ > 0 && fp_ > 0) r.roc_auc = area_ / (tp_ * fp_);
    if (tp_ > 0) r.average_precision = precision_sum_ / tp_;
    return r;
  }

 private:
  double tp_ = 0, fp_ = 0, area_ = 0, precision_sum_ = 0;
};

// `ties` as GroupTies returns them. ROC AUC is the trapezoidal area under the ROC curve through
// the thresholds at each distinct score (ties count one half); average precision is
// sum_n (R_n - R_{n-1}) P_n over the same thresholds, without interpolation.
Ranking Rank(const std::vector<Tie>& ties);

// The calibration table of `ties` (scores in [0, 1]) over `bins` equal-width bins.
std::vector<CalibrationBin> Calibrate(const std::vector<Tie>& ties, int bins = 10);

// Whether the rule set yields a score: two classes, a positive one, and at least one enabled
// rule with a confidence.
bool HasScores(const CheckedRuleSet& rs);
// The rules' probability of the positive class for a row won by rule `winner` (-1: no rule fired,
// the default decides): a rule's confidence when it predicts the positive class, one minus it for
// the other class; a decision without a confidence counts as certain (1 or 0); abstain is 0.5.
double RuleScore(const CheckedRuleSet& rs, int winner);

}  // namespace hunch::scores

#endif  // HUNCH_ENGINE_SCORES_H_
