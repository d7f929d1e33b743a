// Tests of the paired comparison statistics (engine/paired.h, engine/scores.h): McNemar's exact
// test against SciPy, ROC AUC and average precision against their definitions, and the coverage
// of the paired bootstrap intervals in simulations whose true difference is known.
#include "hunch/compare.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/paired.h"
#include "engine/scores.h"

namespace hunch {
namespace {

// ROC AUC by its definition: the share of (positive, negative) pairs ranked right, ties half.
double BruteAuc(const std::vector<double>& score, const std::vector<int>& label) {
  double right = 0, pairs = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    for (size_t j = 0; j < score.size(); ++j) {
      if (label[i] != 1 || label[j] != 0) continue;
      pairs += 1;
      right += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
    }
  }
  return right / pairs;
}

// Average precision by scikit-learn's formula: at every distinct score t (a threshold, rows with
// score >= t predicted positive), the precision there times the gain in recall since the previous
// (higher) threshold.
double BruteAveragePrecision(const std::vector<double>& score, const std::vector<int>& label) {
  std::vector<double> thresholds = score;
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  double positives = 0;
  for (int l : label) positives += l;
  double ap = 0, previous_recall = 0;
  for (double t : thresholds) {
    double tp = 0, predicted = 0;
    for (size_t i = 0; i < score.size(); ++i) {
      if (score[i] >= t) {
        predicted += 1;
        tp += label[i];
      }
    }
    const double recall = tp / positives;
    ap += (recall - previous_recall) * (tp / predicted);
    previous_recall = recall;
  }
  return ap;
}

scores::Ranking RankRows(const std::vector<double>& score, const std::vector<int>& label) {
  std::vector<scores::Tie> ties;
  for (size_t i = 0; i < score.size(); ++i)
    ties.push_back({score[i], static_cast<double>(label[i]), static_cast<double>(1 - label[i])});
  return scores::Rank(scores::GroupTies(ties));
}

}  // namespace

TEST_CASE("McNemar's exact p-values match SciPy's binomial test", "[compare]") {
  std::ifstream in(HUNCH_SOURCE_DIR "/tests/oracle/mcnemar_cases.json");
  REQUIRE(in);
  const nlohmann::json cases = nlohmann::json::parse(in);
  REQUIRE(cases.size() >= 20);
  for (const auto& c : cases) {
    const int64_t b = c["only_a"], d = c["only_b"];
    const double want = c["p"];
    INFO("only_a " << b << ", only_b " << d);
    const double got = McNemarExactP(b, d);
    if (want < 1e-300) {
      CHECK(got < 1e-300);
    } else {
      CHECK(got == Approx(want).epsilon(1e-9));
    }
    CHECK(McNemarExactP(d, b) == got);  // symmetric
  }
}

TEST_CASE("ROC AUC and average precision with tied scores follow their definitions", "[compare]") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    const size_t n = 5 + rng() % 60;
    const int levels = 1 + static_cast<int>(rng() % 6);  // few distinct scores: many ties
    std::vector<double> score(n);
    std::vector<int> label(n);
    for (size_t i = 0; i < n; ++i) {
      label[i] = static_cast<int>(rng() % 3 == 0);
      score[i] = static_cast<double>(rng() % levels) / levels + 0.05 * label[i] * (rng() % 2);
    }
    label[0] = 1;
    label[1] = 0;
    const scores::Ranking r = RankRows(score, label);
    REQUIRE(r.roc_auc.has_value());
    CHECK(*r.roc_auc == Approx(BruteAuc(score, label)).margin(1e-12));
    CHECK(r.average_precision == Approx(BruteAveragePrecision(score, label)).margin(1e-12));
  }
  // One class only: no ROC AUC; no positives: average precision 0, as scikit-learn returns.
  const scores::Ranking none = RankRows({0.2, 0.4}, {0, 0});
  CHECK_FALSE(none.roc_auc.has_value());
  CHECK(none.average_precision == 0);
}

TEST_CASE("Calibration bins put a score on an edge in the lower bin, as numpy's edges do",
          "[compare]") {
  // numpy.linspace(0, 1, 11)[3] is 3 * 0.1 = 0.30000000000000004: 0.3 and the edge itself fall in
  // the bin below it (searchsorted, side "left"); the next double above the edge does not.
  const double edge = 3 * 0.1;
  const std::vector<CalibrationBin> bins = scores::Calibrate(scores::GroupTies(
      {{0.3, 1, 1}, {edge, 0, 2}, {std::nextafter(edge, 1.0), 1, 0}, {0.0, 0, 3}, {1.0, 4, 0}}));
  REQUIRE(bins.size() == 4);
  CHECK(bins[0].low == 0.0);
  CHECK(bins[0].rows == 3);
  CHECK(bins[0].observed == 0);
  CHECK(bins[1].low == Approx(0.2));
  CHECK(bins[1].rows == 4);
  CHECK(bins[1].positives == 1);
  CHECK(bins[1].observed == 0.25);
  CHECK(bins[1].mean_score == Approx((2 * 0.3 + 2 * edge) / 4));
  CHECK(bins[2].low == edge);
  CHECK(bins[2].rows == 1);
  CHECK(bins[3].high == 1.0);
  CHECK(bins[3].rows == 4);
  CHECK(bins[3].mean_score == 1.0);
}

namespace {

// A population of (actual, a, b) for two classes, as cell probabilities (no abstain).
struct Population {
  double p[2][2][2];
  double AccuracyDifference() const {
    double a = 0, b = 0;
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 2; ++x) {
        a += p[y][y][x];
        b += p[y][x][y];
      }
    }
    return b - a;
  }
  // Macro F1 of the population's (expected) confusion of system s (0: a, 1: b).
  double MacroF1(int s) const {
    double f1 = 0;
    for (int c = 0; c < 2; ++c) {
      double tp = 0, predicted = 0, actual = 0;
      for (int y = 0; y < 2; ++y) {
        for (int a = 0; a < 2; ++a) {
          for (int b = 0; b < 2; ++b) {
            const int pred = s == 0 ? a : b;
            if (pred == c) predicted += p[y][a][b];
            if (y == c) actual += p[y][a][b];
            if (pred == c && y == c) tp += p[y][a][b];
          }
        }
      }
      const double precision = tp / predicted, recall = tp / actual;
      f1 += 2 * precision * recall / (precision + recall);
    }
    return f1 / 2;
  }
};

}  // namespace

TEST_CASE("The paired bootstrap interval covers the true difference at close to 95%",
          "[compare][simulation]") {
  // Two correlated classifiers: b is right more often than a; they often err together.
  const Population pop = {{{{0.36, 0.06}, {0.10, 0.08}}, {{0.04, 0.06}, {0.04, 0.26}}}};
  double total = 0;
  for (const auto& y : pop.p)
    for (const auto& a : y)
      for (double v : a) total += v;
  REQUIRE(total == Approx(1.0));
  const double true_accuracy = pop.AccuracyDifference();
  const double true_f1 = pop.MacroF1(1) - pop.MacroF1(0);
  REQUIRE(true_accuracy > 0.01);

  std::vector<double> weights;
  for (int y = 0; y < 2; ++y)
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b) weights.push_back(pop.p[y][a][b]);
  std::mt19937_64 rng(2024);
  std::discrete_distribution<int> cell(weights.begin(), weights.end());
  const int simulations = 300;
  int covered_accuracy = 0, covered_f1 = 0, significant = 0;
  for (int s = 0; s < simulations; ++s) {
    PairedRows rows;
    rows.k = 2;
    for (int i = 0; i < 400; ++i) {
      const int c = cell(rng);
      rows.actual.push_back(c >> 2);
      rows.a.push_back((c >> 1) & 1);
      rows.b.push_back(c & 1);
    }
    Comparison c;
    c.classes = {"no", "yes"};
    ComparePaired(rows, 400, 1000 + s, &c);
    const auto accuracy = FindMetric(c, "accuracy");
    const auto f1 = FindMetric(c, "macro_f1");
    REQUIRE(accuracy->interval.has_value());
    covered_accuracy +=
        accuracy->interval->low <= true_accuracy && true_accuracy <= accuracy->interval->high;
    covered_f1 += f1->interval->low <= true_f1 && true_f1 <= f1->interval->high;
    significant += SignificantlyBetter(c, "accuracy");
  }
  const double rate_accuracy = static_cast<double>(covered_accuracy) / simulations;
  const double rate_f1 = static_cast<double>(covered_f1) / simulations;
  INFO("coverage: accuracy " << rate_accuracy << ", macro F1 " << rate_f1);
  // 300 simulations: the standard error of a 95% rate is 0.013.
  CHECK(rate_accuracy >= 0.91);
  CHECK(rate_accuracy <= 0.99);
  CHECK(rate_f1 >= 0.91);
  CHECK(rate_f1 <= 0.99);
  // The difference is real (about +0.06 at 400 rows): most runs must find it.
  CHECK(significant > simulations / 2);
}

TEST_CASE("The paired bootstrap interval of ROC AUC covers the true difference at close to 95%",
          "[compare][simulation]") {
  // Scores: normal with mean mu when positive, 0 when negative, unit variance; AUC =
  // Phi(mu / sqrt(2)). The two systems' noises are correlated (0.5), as two models of the same
  // rows are.
  const double mu_a = 1.0, mu_b = 1.4;
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double true_difference = phi(mu_b / std::sqrt(2.0)) - phi(mu_a / std::sqrt(2.0));
  std::mt19937_64 rng(99);
  std::normal_distribution<double> normal;
  const int simulations = 200;
  int covered = 0;
  for (int s = 0; s < simulations; ++s) {
    PairedRows rows;
    rows.k = 2;
    rows.positive_class = 1;
    for (int i = 0; i < 300; ++i) {
      const int y = rng() % 2;
      const double shared = normal(rng), own_a = normal(rng), own_b = normal(rng);
      const double noise_a = std::sqrt(0.5) * shared + std::sqrt(0.5) * own_a;
      const double noise_b = std::sqrt(0.5) * shared + std::sqrt(0.5) * own_b;
      rows.actual.push_back(y);
      rows.a_score.push_back(mu_a * y + noise_a);
      rows.b_score.push_back(mu_b * y + noise_b);
      rows.a.push_back(rows.a_score.back() > mu_a / 2);
      rows.b.push_back(rows.b_score.back() > mu_b / 2);
    }
    Comparison c;
    c.classes = {"no", "yes"};
    ComparePaired(rows, 300, 5000 + s, &c);
    const auto auc = FindMetric(c, "roc_auc");
    REQUIRE(auc.has_value());
    REQUIRE(auc->interval.has_value());
    covered += auc->interval->low <= true_difference && true_difference <= auc->interval->high;
  }
  const double rate = static_cast<double>(covered) / simulations;
  INFO("coverage of the ROC AUC difference: " << rate);
  CHECK(rate >= 0.90);
  CHECK(rate <= 0.99);
}

TEST_CASE("A system compared with itself differs by exactly zero, deterministically", "[compare]") {
  std::mt19937_64 rng(3);
  PairedRows rows;
  rows.k = 3;
  for (int i = 0; i < 500; ++i) {
    rows.actual.push_back(static_cast<int>(rng() % 3));
    rows.a.push_back(static_cast<int>(rng() % 4) - 1);  // -1: abstain
  }
  rows.b = rows.a;
  rows.slice_names = {"half"};
  rows.slice_values.resize(1);
  for (int i = 0; i < 500; ++i) rows.slice_values[0].emplace_back(i < 250 ? "y" : "x");
  Comparison c, again;
  c.classes = again.classes = {"p", "q", "r"};
  ComparePaired(rows, 200, 11, &c);
  ComparePaired(rows, 200, 11, &again);
  CHECK(c.contingency.only_a == 0);
  CHECK(c.contingency.only_b == 0);
  CHECK(c.contingency.mcnemar_p == 1);
  CHECK(c.can_abstain);
  for (const auto& m : c.metrics) {
    INFO(m.name);
    CHECK(m.difference == 0);
    CHECK(m.interval->low == 0);
    CHECK(m.interval->high == 0);
  }
  REQUIRE(c.slices.size() == 2);
  CHECK(c.slices[0].key == "half=y");
  CHECK(c.slices[0].rows == 250);
  CHECK(Verdict(c, "macro_f1").rfind("no significant difference on macro F1", 0) == 0);
  CHECK(ComparisonToJson(c) == ComparisonToJson(again));
}

}  // namespace hunch
