// Tests of the label model (engine/label_model.cc) on synthetic data generated here: a known class
// balance and rules with known, different accuracies and coverages, each voting one fixed class.
// The model never sees the true classes; they are used only to score it.
//
// Generator: y ~ class_balance; rule j (voting class v) fires with probability alpha on rows of
// class v and beta on the others, chosen so that P(fires) = coverage and P(y = v | fires) =
// accuracy: alpha = accuracy * coverage / P(v), beta = (1 - accuracy) * coverage / (1 - P(v)).
#include "engine/label_model.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

namespace hunch {
namespace {

struct SyntheticRule {
  int votes_for;
  double accuracy, coverage;
};

struct Synthetic {
  std::vector<int> voter_class;
  std::vector<WeightedPattern> patterns;    // what the model sees
  std::vector<std::vector<int64_t>> truth;  // [pattern][true class] rows, for scoring only
  std::vector<double> empirical_accuracy;   // per rule, on the generated rows
};

Synthetic Generate(const std::vector<double>& balance, const std::vector<SyntheticRule>& rules,
                   int rows, uint64_t seed) {
  const int k = static_cast<int>(balance.size());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::discrete_distribution<int> draw_class(balance.begin(), balance.end());
  std::map<std::vector<int>, std::vector<int64_t>> by_pattern;
  std::vector<int64_t> fires(rules.size(), 0), correct(rules.size(), 0);
  for (const auto& r : rules) {  // the rates must be probabilities
    REQUIRE(r.accuracy * r.coverage / balance[r.votes_for] <= 1.0);
    REQUIRE((1 - r.accuracy) * r.coverage / (1 - balance[r.votes_for]) <= 1.0);
  }
  for (int i = 0; i < rows; ++i) {
    const int y = draw_class(rng);
    std::vector<int> fired;
    for (size_t j = 0; j < rules.size(); ++j) {
      const SyntheticRule& r = rules[j];
      const double p_v = balance[r.votes_for];
      const double rate = y == r.votes_for ? r.accuracy * r.coverage / p_v
                                           : (1 - r.accuracy) * r.coverage / (1 - p_v);
      if (u(rng) < rate) {
        fired.push_back(static_cast<int>(j));
        ++fires[j];
        correct[j] += y == r.votes_for;
      }
    }
    auto& counts = by_pattern[fired];
    counts.resize(k, 0);
    ++counts[y];
  }
  Synthetic s;
  for (const auto& r : rules) s.voter_class.push_back(r.votes_for);
  for (const auto& [voters, counts] : by_pattern) {
    double n = 0;
    for (int64_t c : counts) n += static_cast<double>(c);
    s.patterns.push_back({voters, n});
    s.truth.push_back(counts);
  }
  for (size_t j = 0; j < rules.size(); ++j)
    s.empirical_accuracy.push_back(static_cast<double>(correct[j]) / fires[j]);
  return s;
}

// Accuracy on the rows with at least one vote of (a) the label model's argmax and (b) majority
// vote with ties broken at random (the expected score: 1 / ties when the true class is tied).
struct Scores {
  double model = 0, vote = 0;
};

Scores Score(const Synthetic& s, const LabelModelFit& fit, int k) {
  double rows = 0, model = 0, vote = 0;
  for (size_t p = 0; p < s.patterns.size(); ++p) {
    const auto& voters = s.patterns[p].voters;
    if (voters.empty()) continue;
    const std::vector<double> post = fit.Posterior(voters);
    const int best = static_cast<int>(std::max_element(post.begin(), post.end()) - post.begin());
    std::vector<int> counts(k, 0);
    for (int j : voters) ++counts[s.voter_class[j]];
    const int top = *std::max_element(counts.begin(), counts.end());
    const int tied = static_cast<int>(std::count(counts.begin(), counts.end(), top));
    for (int y = 0; y < k; ++y) {
      const double n = static_cast<double>(s.truth[p][y]);
      rows += n;
      model += best == y ? n : 0;
      vote += counts[y] == top ? n / tied : 0;
    }
  }
  return {model / rows, vote / rows};
}

TEST_CASE(
    "The label model recovers rules' different accuracies on 100k rows and beats majority "
    "vote",
    "[label_model]") {
  const std::vector<double> balance = {0.65, 0.35};
  const std::vector<SyntheticRule> rules = {
      {1, 0.95, 0.10}, {1, 0.85, 0.20}, {1, 0.70, 0.30}, {1, 0.60, 0.25},
      {0, 0.95, 0.30}, {0, 0.80, 0.40}, {0, 0.65, 0.35}, {0, 0.55, 0.20},
  };
  const Synthetic s = Generate(balance, rules, 100000, 7);
  const LabelModelFit fit = FitLabelModel(s.voter_class, 2, s.patterns, {});
  REQUIRE(fit.converged);
  for (size_t j = 0; j < rules.size(); ++j) {
    std::printf("rule %zu: generated %.2f, empirical %.4f, estimated %.4f\n", j, rules[j].accuracy,
                s.empirical_accuracy[j], fit.accuracy[j]);
    INFO("rule " << j << ": generated " << rules[j].accuracy << ", empirical "
                 << s.empirical_accuracy[j] << ", estimated " << fit.accuracy[j]);
    CHECK(fit.accuracy[j] == Approx(s.empirical_accuracy[j]).margin(0.03));
  }
  CHECK(fit.class_balance[1] == Approx(0.35).margin(0.02));
  const Scores scores = Score(s, fit, 2);
  std::printf(
      "label model, different accuracies: covered-row accuracy %.4f vs majority vote %.4f\n",
      scores.model, scores.vote);
  CHECK(scores.model > scores.vote + 0.01);
}

TEST_CASE("The label model recovers accuracies of three classes", "[label_model]") {
  const std::vector<double> balance = {0.5, 0.3, 0.2};
  const std::vector<SyntheticRule> rules = {
      {0, 0.90, 0.30}, {0, 0.60, 0.30}, {1, 0.90, 0.15}, {1, 0.70, 0.20},
      {2, 0.95, 0.10}, {2, 0.65, 0.15}, {0, 0.75, 0.20}, {1, 0.80, 0.10},
  };
  const Synthetic s = Generate(balance, rules, 100000, 11);
  const LabelModelFit fit = FitLabelModel(s.voter_class, 3, s.patterns, {});
  REQUIRE(fit.converged);
  for (size_t j = 0; j < rules.size(); ++j) {
    INFO("rule " << j << ": empirical " << s.empirical_accuracy[j] << ", estimated "
                 << fit.accuracy[j]);
    CHECK(fit.accuracy[j] == Approx(s.empirical_accuracy[j]).margin(0.03));
  }
  const Scores scores = Score(s, fit, 3);
  std::printf("label model, three classes: covered-row accuracy %.4f vs majority vote %.4f\n",
              scores.model, scores.vote);
  CHECK(scores.model > scores.vote);
}

TEST_CASE("With equally accurate rules the label model does no worse than majority vote",
          "[label_model]") {
  const std::vector<double> balance = {0.5, 0.5};
  std::vector<SyntheticRule> rules;
  for (int j = 0; j < 6; ++j) rules.push_back({j % 2, 0.75, 0.3});
  const Synthetic s = Generate(balance, rules, 100000, 3);
  const LabelModelFit fit = FitLabelModel(s.voter_class, 2, s.patterns, {});
  REQUIRE(fit.converged);
  for (size_t j = 0; j < rules.size(); ++j)
    CHECK(fit.accuracy[j] == Approx(s.empirical_accuracy[j]).margin(0.03));
  const Scores scores = Score(s, fit, 2);
  std::printf("label model, equal accuracies: covered-row accuracy %.4f vs majority vote %.4f\n",
              scores.model, scores.vote);
  CHECK(scores.model >= scores.vote - 0.002);
}

TEST_CASE("The fit is deterministic and does not depend on the order of the patterns",
          "[label_model]") {
  const Synthetic s = Generate({0.6, 0.4}, {{0, 0.9, 0.3}, {1, 0.8, 0.3}, {1, 0.6, 0.4}}, 20000, 5);
  const LabelModelFit a = FitLabelModel(s.voter_class, 2, s.patterns, {});
  const LabelModelFit b = FitLabelModel(s.voter_class, 2, s.patterns, {});
  CHECK(a.fire_rate == b.fire_rate);
  CHECK(a.iterations == b.iterations);
  std::vector<WeightedPattern> reversed(s.patterns.rbegin(), s.patterns.rend());
  const LabelModelFit c = FitLabelModel(s.voter_class, 2, reversed, {});
  for (size_t j = 0; j < 3; ++j) CHECK(c.accuracy[j] == Approx(a.accuracy[j]).margin(1e-9));
}

TEST_CASE("A fit stopped by max_iterations says it did not converge", "[label_model]") {
  const Synthetic s = Generate({0.6, 0.4}, {{0, 0.9, 0.3}, {1, 0.8, 0.3}, {1, 0.6, 0.4}}, 20000, 5);
  LabelModelOptions options;
  options.max_iterations = 2;
  const LabelModelFit fit = FitLabelModel(s.voter_class, 2, s.patterns, options);
  CHECK_FALSE(fit.converged);
  CHECK(fit.iterations == 2);
  const LabelModelFit full = FitLabelModel(s.voter_class, 2, s.patterns, {});
  CHECK(full.converged);
  CHECK(full.iterations > 2);
  CHECK(full.log_likelihood >= fit.log_likelihood);  // EM never lowers the likelihood
}

TEST_CASE("Posteriors are probabilities and follow the votes", "[label_model]") {
  const Synthetic s = Generate({0.5, 0.5}, {{0, 0.9, 0.3}, {1, 0.9, 0.3}}, 20000, 9);
  const LabelModelFit fit = FitLabelModel(s.voter_class, 2, s.patterns, {});
  const std::vector<double> zero = fit.Posterior(std::vector<int>{0});
  const std::vector<double> one = fit.Posterior(std::vector<int>{1});
  CHECK(zero[0] + zero[1] == Approx(1.0));
  CHECK(zero[0] > 0.8);
  CHECK(one[1] > 0.8);
}

}  // namespace
}  // namespace hunch
