// Internal to the engine (the facade is hunch/ruleset.h): classification metrics computed from a
// confusion matrix, with scikit-learn's definitions (zero_division=0), naive baselines, and
// bootstrap confidence intervals that resample the confusion counts.
#ifndef HUNCH_ENGINE_METRICS_H_
#define HUNCH_ENGINE_METRICS_H_

#include <cstdint>
#include <random>
#include <vector>

namespace hunch::metrics {

// Counts of (actual class, predicted class). Predicted index num_classes means "abstain".
class Confusion {
 public:
  Confusion() = default;
  explicit Confusion(int num_classes)
      : k_(num_classes), counts_(static_cast<size_t>(num_classes) * (num_classes + 1), 0) {}
  int num_classes() const { return k_; }
  int64_t& at(int actual, int predicted) { return counts_[actual * (k_ + 1) + predicted]; }
  int64_t at(int actual, int predicted) const { return counts_[actual * (k_ + 1) + predicted]; }
  void Add(const Confusion& other);  // element-wise sum; same num_classes
  int64_t total() const;
  int64_t abstained() const;  // sum of the abstain column
  const std::vector<int64_t>& counts() const { return counts_; }
  std::vector<int64_t>& counts() { return counts_; }

 private:
  int k_ = 0;
  std::vector<int64_t> counts_;  // row-major, num_classes x (num_classes + 1)
};

struct ClassScores {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;
};

struct Scores {
  int64_t rows = 0;              // rows the scores are computed on
  double accuracy = 0;           // correct / rows; abstain counts as wrong
  double balanced_accuracy = 0;  // mean recall over classes with support > 0
  double kappa = 0;              // Cohen's kappa, abstain as its own label
  double coverage = 0;           // share of rows not abstained
  std::vector<ClassScores> per_class;
  ClassScores macro;     // unweighted mean over all classes (support = total)
  ClassScores weighted;  // support-weighted mean (support = total)
};

// End to end: abstained rows stay in and count as wrong.
Scores Compute(const Confusion& c);
// On covered rows only: the abstain column is dropped first.
Scores ComputeCovered(const Confusion& c);

struct Baseline {
  int majority_class = 0;  // the most frequent actual class (lowest index on ties)
  Scores majority;         // always predicting it
  Scores stratified;       // the expected confusion of a guess drawn from the class prior
};
Baseline ComputeBaselines(const Confusion& c);

struct Interval {
  double low = 0, high = 0;
};
struct Intervals {
  int resamples = 0;
  Interval accuracy, macro_f1;
  std::vector<Interval> precision, recall;  // per class
  bool small_sample = false;                // fewer than 30 rows, or a class with 0 < support < 10
};
// Percentile 95% intervals from `resamples` multinomial resamples of the confusion counts
// (equivalent to resampling rows, for statistics of the confusion matrix). Deterministic for a
// seed.
Intervals Bootstrap(const Confusion& c, int resamples, uint64_t seed);

// The 95% percentile interval of a bootstrap sample (numpy.percentile's "linear" at 2.5 and
// 97.5); sorts `sample`.
Interval PercentileInterval(std::vector<double>& sample);

// One Binomial(n, p) draw: Hörmann's BTRD (exact rejection) when the mode is 11 or more, inversion
// below. Written out because std::binomial_distribution's algorithm is implementation defined,
// and a seed must give the same draws whatever the standard library. Exposed for its tests.
int64_t SampleBinomial(int64_t n, double p, std::mt19937_64& rng);

}  // namespace hunch::metrics

#endif  // HUNCH_ENGINE_METRICS_H_
