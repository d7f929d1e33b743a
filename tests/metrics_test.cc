// Tests engine/metrics: hand-checked cases, scikit-learn's figures, baselines, bootstrap, sampler.
#include "engine/metrics.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hunch::metrics {
namespace {

// Rows of a K x (K + 1) matrix, the last column abstain.
Confusion Make(const std::vector<std::vector<int64_t>>& rows) {
  Confusion c(static_cast<int>(rows.size()));
  for (size_t a = 0; a < rows.size(); ++a) {
    for (size_t p = 0; p < rows[a].size(); ++p) c.at(a, p) = rows[a][p];
  }
  return c;
}

Approx Near(double x) { return Approx(x).epsilon(0).margin(1e-12); }

void CheckClass(const ClassScores& got, const nlohmann::json& want) {
  CHECK(got.precision == Near(want["precision"].get<double>()));
  CHECK(got.recall == Near(want["recall"].get<double>()));
  CHECK(got.f1 == Near(want["f1"].get<double>()));
}

void CheckScores(const Scores& got, const nlohmann::json& want) {
  CHECK(got.rows == want["rows"].get<int64_t>());
  CHECK(got.accuracy == Near(want["accuracy"].get<double>()));
  CHECK(got.balanced_accuracy == Near(want["balanced_accuracy"].get<double>()));
  CHECK(got.kappa == Near(want["kappa"].get<double>()));
  REQUIRE(got.per_class.size() == want["per_class"].size());
  for (size_t i = 0; i < got.per_class.size(); ++i) {
    INFO("class " << i);
    CheckClass(got.per_class[i], want["per_class"][i]);
    CHECK(got.per_class[i].support == want["per_class"][i]["support"].get<int64_t>());
  }
  INFO("macro");
  CheckClass(got.macro, want["macro"]);
  INFO("weighted");
  CheckClass(got.weighted, want["weighted"]);
}

TEST_CASE("Perfect predictions score 1 everywhere") {
  const Scores s = Compute(Make({{5, 0, 0, 0}, {0, 7, 0, 0}, {0, 0, 3, 0}}));
  CHECK(s.rows == 15);
  CHECK(s.accuracy == 1);
  CHECK(s.balanced_accuracy == 1);
  CHECK(s.kappa == 1);
  CHECK(s.coverage == 1);
  for (const ClassScores& cs : s.per_class) {
    CHECK(cs.precision == 1);
    CHECK(cs.recall == 1);
    CHECK(cs.f1 == 1);
  }
  CHECK(s.macro.f1 == 1);
  CHECK(s.weighted.f1 == 1);
  CHECK(s.macro.support == 15);
  CHECK(s.per_class[1].support == 7);
}

TEST_CASE("A binary confusion with abstains gives the hand-computed figures") {
  const Confusion c = Make({{40, 10, 5}, {5, 35, 5}});
  const Scores s = Compute(c);
  CHECK(s.rows == 100);
  CHECK(s.accuracy == Near(0.75));
  CHECK(s.coverage == Near(0.9));
  CHECK(s.per_class[0].precision == Near(40.0 / 45));
  CHECK(s.per_class[0].recall == Near(40.0 / 55));
  CHECK(s.per_class[1].precision == Near(35.0 / 45));
  CHECK(s.per_class[1].recall == Near(35.0 / 45));
  CHECK(s.per_class[0].f1 == Near(2 * 40.0 / (45 + 55)));
  CHECK(s.balanced_accuracy == Near((40.0 / 55 + 35.0 / 45) / 2));
  // Supports (55, 45), predictions (45, 45): (100 * 75 - 4500) / (100^2 - 4500).
  CHECK(s.kappa == Near(6.0 / 11));

  const Scores covered = ComputeCovered(c);
  CHECK(covered.rows == 90);
  CHECK(covered.coverage == 1);
  CHECK(covered.accuracy == Near(75.0 / 90));
  CHECK(covered.per_class[0].recall == Near(0.8));
  CHECK(covered.per_class[0].precision == Near(40.0 / 45));
}

TEST_CASE("All abstains score 0 with coverage 0") {
  const Confusion c = Make({{0, 0, 4}, {0, 0, 6}});
  const Scores s = Compute(c);
  CHECK(s.rows == 10);
  CHECK(s.coverage == 0);
  CHECK(s.accuracy == 0);
  CHECK(s.balanced_accuracy == 0);
  CHECK(s.kappa == 0);
  CHECK(s.macro.precision == 0);
  CHECK(s.weighted.recall == 0);
  CHECK(s.per_class[1].support == 6);

  const Scores covered = ComputeCovered(c);
  CHECK(covered.rows == 0);
  CHECK(covered.coverage == 0);
  CHECK(covered.accuracy == 0);
  CHECK(covered.per_class[1].support == 0);
}

TEST_CASE("An empty confusion scores 0 without dividing by zero") {
  const Scores s = Compute(Confusion(3));
  CHECK(s.rows == 0);
  CHECK(s.accuracy == 0);
  CHECK(s.coverage == 0);
  CHECK(s.kappa == 0);
  CHECK(s.per_class.size() == 3);
  CHECK(s.weighted.f1 == 0);
  const Baseline b = ComputeBaselines(Confusion(3));
  CHECK(b.majority_class == 0);
  CHECK(b.stratified.accuracy == 0);
}

TEST_CASE("A class without support counts in macro averages but not in balanced accuracy") {
  // Class 2 has no rows but is predicted twice.
  const Scores s = Compute(Make({{8, 2, 0, 0}, {0, 8, 2, 0}, {0, 0, 0, 0}}));
  CHECK(s.per_class[2].support == 0);
  CHECK(s.per_class[2].precision == 0);
  CHECK(s.per_class[2].recall == 0);
  CHECK(s.balanced_accuracy == Near(0.8));
  CHECK(s.macro.recall == Near(1.6 / 3));
  CHECK(s.weighted.recall == Near(0.8));
}

TEST_CASE("A class never predicted has precision 0") {
  const Scores s = Compute(Make({{6, 0, 4}, {3, 0, 7}}));
  CHECK(s.per_class[1].precision == 0);
  CHECK(s.per_class[1].recall == 0);
  CHECK(s.per_class[1].f1 == 0);
  CHECK(s.per_class[0].precision == Near(6.0 / 9));
  CHECK(s.per_class[0].recall == Near(0.6));
}

TEST_CASE("Kappa is 0 where scikit-learn's is undefined") {
  // A single class predicted as itself: chance agreement is 1, sklearn gives NaN.
  const Scores s = Compute(Make({{9, 0, 0}, {0, 0, 0}}));
  CHECK(s.accuracy == 1);
  CHECK(s.kappa == 0);
}

TEST_CASE("Scores match scikit-learn on the oracle cases") {
  std::ifstream in(HUNCH_SOURCE_DIR "/tests/oracle/sklearn_metrics_cases.json");
  REQUIRE(in);
  const nlohmann::json cases = nlohmann::json::parse(in);
  REQUIRE(cases.size() >= 8);
  for (const nlohmann::json& want : cases) {
    INFO(want["name"].get<std::string>());
    const int k = want["num_classes"].get<int>();
    Confusion c(k);
    for (int a = 0; a < k; ++a) {
      for (int p = 0; p <= k; ++p) c.at(a, p) = want["confusion"][a][p].get<int64_t>();
    }
    {
      INFO("end to end");
      const Scores s = Compute(c);
      CheckScores(s, want["scores"]);
      CHECK(s.coverage == Near(1 - static_cast<double>(c.abstained()) / c.total()));
    }
    {
      INFO("covered rows");
      const Scores s = ComputeCovered(c);
      CheckScores(s, want["covered"]);
      CHECK(s.coverage == 1);
    }
    const Baseline b = ComputeBaselines(c);
    CHECK(b.majority_class == want["majority_class"].get<int>());
    {
      INFO("majority baseline");
      CheckScores(b.majority, want["majority"]);
    }
    CHECK(b.stratified.accuracy == Near(want["stratified_accuracy"].get<double>()));
  }
}

TEST_CASE("The majority baseline takes the lowest class on ties") {
  const Baseline b = ComputeBaselines(Make({{1, 2, 0, 2}, {3, 0, 0, 2}, {0, 1, 0, 1}}));
  CHECK(b.majority_class == 0);
  CHECK(b.majority.accuracy == Near(5.0 / 12));
  CHECK(b.majority.coverage == 1);
  CHECK(b.majority.per_class[0].recall == 1);
  CHECK(b.majority.per_class[1].precision == 0);
  CHECK(b.majority.kappa == 0);
}

TEST_CASE("The stratified baseline scores its expected confusion") {
  // Supports 20, 30, 50. Guessing from the prior, class k's precision, recall and F1 are all
  // p_k, so macro F1 = 1/3 and accuracy = weighted F1 = sum p_k^2; kappa is 0 by construction.
  const Baseline b = ComputeBaselines(Make({{10, 5, 0, 5}, {10, 10, 10, 0}, {0, 20, 30, 0}}));
  CHECK(b.majority_class == 2);
  const Scores& s = b.stratified;
  CHECK(s.rows == 100);
  CHECK(s.coverage == 1);
  CHECK(s.accuracy == Near(0.04 + 0.09 + 0.25));
  CHECK(s.weighted.f1 == Near(0.38));
  CHECK(s.macro.f1 == Near(1.0 / 3));
  CHECK(s.balanced_accuracy == Near(1.0 / 3));
  CHECK(s.kappa == Near(0));
  const double prior[] = {0.2, 0.3, 0.5};
  for (int i = 0; i < 3; ++i) {
    CHECK(s.per_class[i].precision == Near(prior[i]));
    CHECK(s.per_class[i].recall == Near(prior[i]));
    CHECK(s.per_class[i].support == std::llround(100 * prior[i]));
  }
}

bool SameIntervals(const Intervals& a, const Intervals& b) {
  const auto same = [](const Interval& x, const Interval& y) {
    return x.low == y.low && x.high == y.high;
  };
  return a.resamples == b.resamples && same(a.accuracy, b.accuracy) &&
         same(a.macro_f1, b.macro_f1) &&
         std::equal(a.precision.begin(), a.precision.end(), b.precision.begin(), same) &&
         std::equal(a.recall.begin(), a.recall.end(), b.recall.begin(), same);
}

TEST_CASE("The bootstrap is deterministic for a seed and varies with it") {
  const Confusion c = Make({{50, 10, 5, 3}, {8, 40, 6, 4}, {5, 5, 30, 10}});
  const Intervals a = Bootstrap(c, 500, 7);
  CHECK(SameIntervals(a, Bootstrap(c, 500, 7)));
  CHECK_FALSE(SameIntervals(a, Bootstrap(c, 500, 8)));
}

TEST_CASE("Bootstrap intervals contain the point estimates") {
  const Confusion c = Make({{50, 10, 5, 3}, {8, 40, 6, 4}, {5, 5, 30, 10}});
  const Scores s = Compute(c);
  const Intervals iv = Bootstrap(c, 1000, 42);
  CHECK(iv.resamples == 1000);
  CHECK_FALSE(iv.small_sample);
  const auto contains = [](const Interval& i, double x) { return i.low < x && x < i.high; };
  CHECK(contains(iv.accuracy, s.accuracy));
  CHECK(contains(iv.macro_f1, s.macro.f1));
  REQUIRE(iv.precision.size() == 3);
  REQUIRE(iv.recall.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(contains(iv.precision[i], s.per_class[i].precision));
    CHECK(contains(iv.recall[i], s.per_class[i].recall));
  }
}

TEST_CASE("The bootstrap accuracy interval matches the binomial one for many rows") {
  // Resampled accuracy is Binomial(N, 0.8) / N: the interval is about 0.8 +- 1.96 sd. The margins
  // are about 3.5 standard errors of a percentile estimated from the resamples.
  const Confusion c = Make({{4000, 1000, 0}, {1000, 4000, 0}});
  const double sd = std::sqrt(0.8 * 0.2 / 10000);
  const Intervals iv = Bootstrap(c, 4000, 1);
  CHECK(iv.accuracy.low == Approx(0.8 - 1.96 * sd).epsilon(0).margin(0.15 * sd));
  CHECK(iv.accuracy.high == Approx(0.8 + 1.96 * sd).epsilon(0).margin(0.15 * sd));
}

TEST_CASE("The bootstrap's cost does not grow with the number of rows") {
  // A billion rows resample as fast as a hundred; a row-level bootstrap would not finish.
  const Confusion c = Make({{400'000'000, 100'000'000, 0}, {100'000'000, 400'000'000, 0}});
  const Intervals iv = Bootstrap(c, 2000, 3);
  const double sd = std::sqrt(0.8 * 0.2 / 1e9);
  CHECK(iv.accuracy.low == Approx(0.8 - 1.96 * sd).epsilon(0).margin(0.25 * sd));
  CHECK(iv.accuracy.high == Approx(0.8 + 1.96 * sd).epsilon(0).margin(0.25 * sd));
}

TEST_CASE("Zero resamples give zero intervals and small samples are flagged") {
  const Intervals none = Bootstrap(Make({{50, 10, 0}, {10, 50, 0}}), 0, 1);
  CHECK(none.resamples == 0);
  CHECK(none.accuracy.low == 0);
  CHECK(none.accuracy.high == 0);
  CHECK_FALSE(none.small_sample);
  CHECK(Bootstrap(Make({{10, 2, 0}, {3, 10, 0}}), 0, 1).small_sample);        // 25 rows
  CHECK(Bootstrap(Make({{100, 2, 0}, {3, 5, 1}}), 0, 1).small_sample);        // class 1 has 9
  CHECK_FALSE(Bootstrap(Make({{100, 2, 0}, {0, 0, 0}}), 0, 1).small_sample);  // 0 is not small
}

TEST_CASE("Binomial draws have the binomial mean and variance") {
  struct Case {
    int64_t n;
    double p;
  };
  const Case cases[] = {{10'000'000, 0.03},
                        {10'000'000, 0.5},
                        {10'000'000, 0.97},
                        {1'000'000'000'000, 0.2},
                        {1'000'000'000, 1e-8},
                        {1000, 0.001},
                        {40, 0.3},
                        {30, 0.3},
                        {5, 0.2},
                        {2, 0.9},
                        {1, 0.5}};
  std::mt19937_64 rng(2024);
  constexpr int kDraws = 100'000;
  for (const Case& c : cases) {
    INFO("n = " << c.n << ", p = " << c.p);
    double sum = 0, sum_sq = 0;
    const double mean = c.n * c.p, var = mean * (1 - c.p);
    for (int i = 0; i < kDraws; ++i) {
      const int64_t x = SampleBinomial(c.n, c.p, rng);
      REQUIRE(x >= 0);
      REQUIRE(x <= c.n);
      const double d = x - mean;  // centred, so the sums keep their precision for large n
      sum += d;
      sum_sq += d * d;
    }
    const double sample_mean = mean + sum / kDraws;
    const double sample_var = (sum_sq - sum * sum / kDraws) / (kDraws - 1);
    // Standard errors; the variance's uses the binomial's fourth central moment
    // npq (1 + 3 pq (n - 2)), plus a little for its second-order terms.
    const double fourth = var * (1 + 3 * c.p * (1 - c.p) * (c.n - 2));
    CHECK(sample_mean == Approx(mean).epsilon(0).margin(5 * std::sqrt(var / kDraws)));
    CHECK(sample_var == Approx(var).epsilon(0).margin(5 * std::sqrt((fourth - var * var) / kDraws) +
                                                      10 * var / kDraws));
  }
}

TEST_CASE("Binomial draws follow the binomial distribution") {
  // Pearson's chi-square over the outcomes expected 5 times or more, the rest pooled; each case
  // exercises a path: inversion, BTRD near the mode, and BTRD's squeeze and exact test.
  struct Case {
    int64_t n;
    double p;
  };
  const Case cases[] = {{30, 0.3},  {40, 0.3},   {25, 0.5},  {60, 0.8},
                        {200, 0.1}, {1000, 0.5}, {3000, 0.1}};
  std::mt19937_64 rng(99);
  constexpr int kDraws = 200'000;
  for (const Case& c : cases) {
    INFO("n = " << c.n << ", p = " << c.p);
    std::map<int64_t, int> seen;
    for (int i = 0; i < kDraws; ++i) ++seen[SampleBinomial(c.n, c.p, rng)];
    double chi2 = 0, pooled_expected = 0, pooled_seen = kDraws;
    int bins = 0;
    for (int64_t x = 0; x <= c.n; ++x) {
      const double log_pmf = std::lgamma(c.n + 1.0) - std::lgamma(x + 1.0) -
                             std::lgamma(c.n - x + 1.0) + x * std::log(c.p) +
                             (c.n - x) * std::log1p(-c.p);
      const double expected = kDraws * std::exp(log_pmf);
      if (expected < 5) continue;
      const double d = seen[x] - expected;
      chi2 += d * d / expected;
      pooled_expected += expected;
      pooled_seen -= seen[x];
      ++bins;
    }
    pooled_expected = kDraws - pooled_expected;
    if (pooled_expected >= 5) {
      chi2 += (pooled_seen - pooled_expected) * (pooled_seen - pooled_expected) / pooled_expected;
      ++bins;
    }
    const double df = bins - 1;
    CHECK(chi2 < df + 5 * std::sqrt(2 * df));  // five standard deviations of chi-square(df)
  }
}

TEST_CASE("Binomial draws handle degenerate parameters") {
  std::mt19937_64 rng(5);
  CHECK(SampleBinomial(0, 0.4, rng) == 0);
  CHECK(SampleBinomial(10, 0, rng) == 0);
  CHECK(SampleBinomial(10, 1, rng) == 10);
  CHECK(SampleBinomial(10, std::nan(""), rng) == 0);
}

}  // namespace
}  // namespace hunch::metrics
