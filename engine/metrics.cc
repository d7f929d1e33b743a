// Implements engine/metrics.h: scikit-learn's classification metrics, baselines and bootstrap.
#include "engine/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hunch::metrics {

void Confusion::Add(const Confusion& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

int64_t Confusion::total() const {
  int64_t sum = 0;
  for (int64_t n : counts_) sum += n;
  return sum;
}

int64_t Confusion::abstained() const {
  int64_t sum = 0;
  for (int a = 0; a < k_; ++a) sum += at(a, k_);
  return sum;
}

namespace {

// Scores of a K x (K + 1) matrix (last column abstain) of possibly fractional counts, so that
// expected and resampled confusions share one implementation with observed ones.
Scores ScoreMatrix(int k, const std::vector<double>& m) {
  const int cols = k + 1;
  std::vector<double> support(k, 0), predicted(k, 0);
  double total = 0, correct = 0, abstained = 0;
  for (int a = 0; a < k; ++a) {
    for (int p = 0; p < cols; ++p) support[a] += m[a * cols + p];
    // An abstain is never class p, so it adds to no class's predicted count.
    for (int p = 0; p < k; ++p) predicted[p] += m[a * cols + p];
    correct += m[a * cols + a];
    abstained += m[a * cols + k];
    total += support[a];
  }

  Scores s;
  s.rows = std::llround(total);
  s.per_class.resize(k);
  for (int i = 0; i < k; ++i) s.per_class[i].support = std::llround(support[i]);
  s.macro.support = s.weighted.support = s.rows;
  if (total == 0) return s;

  s.accuracy = correct / total;
  s.coverage = 1 - abstained / total;
  double recall_sum = 0, chance = 0;
  int supported = 0;
  for (int i = 0; i < k; ++i) {
    ClassScores& cs = s.per_class[i];
    const double tp = m[i * cols + i];
    // zero_division=0; recall's denominator includes the row's abstains.
    cs.precision = predicted[i] > 0 ? tp / predicted[i] : 0;
    cs.recall = support[i] > 0 ? tp / support[i] : 0;
    cs.f1 = cs.precision + cs.recall > 0 ? 2 * cs.precision * cs.recall / (cs.precision + cs.recall)
                                         : 0;
    s.macro.precision += cs.precision;
    s.macro.recall += cs.recall;
    s.macro.f1 += cs.f1;
    s.weighted.precision += support[i] * cs.precision;
    s.weighted.recall += support[i] * cs.recall;
    s.weighted.f1 += support[i] * cs.f1;
    if (support[i] > 0) {
      recall_sum += cs.recall;
      ++supported;
    }
    chance += support[i] * predicted[i];
  }
  // Macro includes classes without support, as sklearn does when given labels=all classes.
  const auto divide = [](ClassScores& sums, double by) {
    sums.precision /= by;
    sums.recall /= by;
    sums.f1 /= by;
  };
  divide(s.macro, k);
  divide(s.weighted, total);
  // sklearn drops classes without support (their recall is 0/0) before averaging.
  s.balanced_accuracy = recall_sum / supported;
  // Cohen's kappa with abstain as one more label, whose row is empty so it adds nothing to
  // chance agreement: (po - pe) / (1 - pe) with po = correct / N and
  // pe = sum_k support_k * predicted_k / N^2, i.e. (N * correct - chance) / (N^2 - chance).
  // pe = 1 only when every row is one class, predicted as that class; sklearn's kappa is NaN there,
  // ours is 0 because reports cannot carry NaN. The tolerance absorbs rounding in expected
  // confusions; with integer counts N^2 - chance is 0 or at least N.
  const double disagreement = total * total - chance;
  s.kappa = disagreement > 1e-12 * total * total ? (total * correct - chance) / disagreement : 0;
  return s;
}

std::vector<double> ToDoubles(const Confusion& c) {
  return std::vector<double>(c.counts().begin(), c.counts().end());
}

std::vector<double> RowSums(const Confusion& c) {
  std::vector<double> sums(c.num_classes(), 0);
  for (int a = 0; a < c.num_classes(); ++a) {
    for (int p = 0; p <= c.num_classes(); ++p) sums[a] += c.at(a, p);
  }
  return sums;
}

// numpy.percentile's default ("linear"): the value at virtual index (n - 1) * q of the sorted
// sample, interpolated from the nearer neighbour as numpy's _lerp does.
double Percentile(const std::vector<double>& sorted, double q) {
  const double index = (sorted.size() - 1) * q;
  const size_t below = static_cast<size_t>(index);
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double t = index - below, lo = sorted[below], hi = sorted[above];
  return t >= 0.5 ? hi - (hi - lo) * (1 - t) : lo + (hi - lo) * t;
}

// Uniform on [0, 1) from the top 53 bits, independent of the standard library's distributions.
double Uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// fc(k) = log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2], the error of Stirling's
// formula: tabulated below 10 (Hörmann 1993), from the asymptotic series above.
double StirlingTail(int64_t k) {
  static constexpr double kTable[10] = {
      0.08106146679532726,  0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
      0.01664469118982119,  0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
      0.009255462182712733, 0.008330563433362871};
  if (k < 10) return kTable[k];
  const double r = 1.0 / (k + 1), r2 = r * r;
  return (1.0 / 12 - (1.0 / 360 - r2 / 1260) * r2) * r;
}

// Sequential search from 0, for p <= 1/2 and a mode below 11 (so few steps). The loop also stops
// where f(x) underflows to 0, which only a u beyond the summed mass by round-off reaches.
int64_t BinomialInversion(int64_t n, double p, std::mt19937_64& rng) {
  const double s = p / (1 - p), a = (n + 1) * s;
  double f = std::exp(n * std::log1p(-p));  // P(X = 0); log1p keeps tiny p accurate
  double u = Uniform01(rng);
  int64_t x = 0;
  while (u > f && x < n && f > 0) {
    u -= f;
    ++x;
    f *= a / x - s;  // f(x) / f(x - 1)
  }
  return x;
}

// Hörmann (1993), "The generation of binomial random variates", algorithm BTRD: transformed
// rejection with decomposition, exact, O(1) expected time. Requires p <= 1/2 and mode m >= 11.
int64_t BinomialBtrd(int64_t n, double p, int64_t m, std::mt19937_64& rng) {
  const double q = 1 - p, r = p / q, nr = (n + 1) * r, npq = n * p * q;
  const double sqrt_npq = std::sqrt(npq);
  const double b = 1.15 + 2.53 * sqrt_npq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * sqrt_npq;
  const double vr = 0.92 - 4.2 / b;
  const double urvr = 0.86 * vr;
  const double nm = static_cast<double>(n - m + 1);
  const double h = (m + 0.5) * std::log((m + 1) / (r * nm)) + StirlingTail(m) + StirlingTail(n - m);
  while (true) {
    double v = Uniform01(rng), u;
    // The box |u| <= 0.43, v <= vr lies under the distribution: accept without a test.
    if (v <= urvr) {
      u = v / vr - 0.43;
      return static_cast<int64_t>(std::floor((2 * a / (0.5 - std::abs(u)) + b) * u + c));
    }
    // Otherwise draw (u, v) uniformly outside the box, reusing v where it is still uniform.
    if (v >= vr) {
      u = Uniform01(rng) - 0.5;
    } else {
      u = v / vr - 0.93;
      u = (u < 0 ? -0.5 : 0.5) - u;
      v = Uniform01(rng) * vr;
    }
    const double us = 0.5 - std::abs(u);
    const double kd = std::floor((2 * a / us + b) * u + c);
    if (kd < 0 || kd > n) continue;
    const int64_t k = static_cast<int64_t>(kd);
    v = v * alpha / (a / (us * us) + b);  // the hat's height at u; accept if v <= f(k) / f(m)
    const int64_t km = std::abs(k - m);
    if (km <= 15) {
      // Near the mode, f(k) / f(m) by the recursion f(i) / f(i - 1) = nr / i - r.
      double f = 1;
      for (int64_t i = m + 1; i <= k; ++i) f *= nr / i - r;
      for (int64_t i = k + 1; i <= m; ++i) v *= nr / i - r;
      if (v <= f) return k;
      continue;
    }
    // Squeeze: log(f(k) / f(m)) lies within rho of -km^2 / (2 npq).
    v = std::log(v);
    const double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6) / npq + 0.5);
    const double t = -static_cast<double>(km) * km / (2 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    // Exact test: log(f(k) / f(m)) through Stirling's formula with its tabulated error.
    const double nk = static_cast<double>(n - k + 1);
    if (v <= h + (n + 1) * std::log(nm / nk) + (k + 0.5) * std::log(nk * r / (k + 1)) -
                 StirlingTail(k) - StirlingTail(n - k)) {
      return k;
    }
  }
}

}  // namespace

int64_t SampleBinomial(int64_t n, double p, std::mt19937_64& rng) {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - SampleBinomial(n, 1 - p, rng);  // count the failures instead
  const int64_t mode = static_cast<int64_t>((n + 1) * p);
  return mode < 11 ? BinomialInversion(n, p, rng) : BinomialBtrd(n, p, mode, rng);
}

Interval PercentileInterval(std::vector<double>& sample) {
  std::sort(sample.begin(), sample.end());
  return {Percentile(sample, 0.025), Percentile(sample, 0.975)};
}

Scores Compute(const Confusion& c) { return ScoreMatrix(c.num_classes(), ToDoubles(c)); }

Scores ComputeCovered(const Confusion& c) {
  Confusion covered = c;
  for (int a = 0; a < c.num_classes(); ++a) covered.at(a, c.num_classes()) = 0;
  return Compute(covered);
}

Baseline ComputeBaselines(const Confusion& c) {
  const int k = c.num_classes();
  const int cols = k + 1;
  const std::vector<double> support = RowSums(c);
  const double total = static_cast<double>(c.total());
  Baseline b;
  b.majority_class =
      k == 0 ? 0
             : static_cast<int>(std::max_element(support.begin(), support.end()) - support.begin());
  std::vector<double> majority(c.counts().size(), 0), stratified(c.counts().size(), 0);
  for (int a = 0; a < k; ++a) {
    majority[a * cols + b.majority_class] = support[a];
    // DummyClassifier(strategy="stratified") guesses class p with probability support_p / N,
    // independently of the row: expected cell (a, p) = support_a * support_p / N.
    if (total > 0) {
      for (int p = 0; p < k; ++p) stratified[a * cols + p] = support[a] * support[p] / total;
    }
  }
  b.majority = ScoreMatrix(k, majority);
  b.stratified = ScoreMatrix(k, stratified);
  return b;
}

Intervals Bootstrap(const Confusion& c, int resamples, uint64_t seed) {
  const int k = c.num_classes();
  const int64_t n = c.total();
  Intervals out;
  out.precision.resize(k);
  out.recall.resize(k);
  const std::vector<double> support = RowSums(c);
  out.small_sample = n < 30 || std::any_of(support.begin(), support.end(),
                                           [](double s) { return s > 0 && s < 10; });
  if (resamples <= 0) return out;
  out.resamples = resamples;

  // samples[0] accuracy, [1] macro F1, [2 + i] precision of class i, [2 + k + i] its recall.
  std::vector<std::vector<double>> samples(2 + 2 * k, std::vector<double>(resamples));
  const std::vector<int64_t>& counts = c.counts();
  std::vector<double> resampled(counts.size());
  std::mt19937_64 rng(seed);
  for (int r = 0; r < resamples; ++r) {
    // Multinomial(N, counts / N) as a chain of binomials, so the cost does not grow with N: cell i
    // takes Binomial(rows not yet placed, counts_i / counts of the cells from i on).
    int64_t rows_left = n, count_left = n;
    for (size_t i = 0; i < counts.size(); ++i) {
      const int64_t x =
          counts[i] > 0
              ? SampleBinomial(rows_left, static_cast<double>(counts[i]) / count_left, rng)
              : 0;
      resampled[i] = static_cast<double>(x);
      rows_left -= x;
      count_left -= counts[i];
    }
    const Scores s = ScoreMatrix(k, resampled);
    samples[0][r] = s.accuracy;
    samples[1][r] = s.macro.f1;
    for (int i = 0; i < k; ++i) {
      samples[2 + i][r] = s.per_class[i].precision;
      samples[2 + k + i][r] = s.per_class[i].recall;
    }
  }
  out.accuracy = PercentileInterval(samples[0]);
  out.macro_f1 = PercentileInterval(samples[1]);
  for (int i = 0; i < k; ++i) {
    out.precision[i] = PercentileInterval(samples[2 + i]);
    out.recall[i] = PercentileInterval(samples[2 + k + i]);
  }
  return out;
}

}  // namespace hunch::metrics
