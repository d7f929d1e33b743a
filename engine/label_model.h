// Internal to the engine (the facade is the `label_model` policy, engine/policy.h): a Dawid-Skene
// label model fitted by EM, without labels, on the vote patterns of rules that each vote for one
// fixed class or abstain. See docs/policies.md for the model and its assumptions.
#ifndef HUNCH_ENGINE_LABEL_MODEL_H_
#define HUNCH_ENGINE_LABEL_MODEL_H_

#include <cstdint>
#include <span>
#include <vector>

namespace hunch {

struct LabelModelOptions {
  int max_iterations = 1000;
  double tolerance = 1e-6;  // converged when no parameter moves more than this in an iteration
};

// One distinct vote pattern: the voters that fired (ascending), and how many rows have it.
struct WeightedPattern {
  std::vector<int> voters;
  double rows = 0;
};

struct LabelModelFit {
  std::vector<double> class_balance;           // P(y = c)
  std::vector<std::vector<double>> fire_rate;  // [voter][c] = P(voter fires | y = c)
  std::vector<double> accuracy;                // [voter] = P(y = its class | it fires)
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0;  // per row, at the returned parameters

  // P(y = c | the voters that fired), for every class.
  std::vector<double> Posterior(std::span<const int> voters) const;
};

// Fits the model by EM, starting from the majority vote's soft labels. Deterministic: the same
// patterns in any order give the same parameters up to rounding (there is no random start).
// `voter_class[j]` is the class voter j votes for; `k` is the number of classes.
LabelModelFit FitLabelModel(const std::vector<int>& voter_class, int k,
                            const std::vector<WeightedPattern>& patterns,
                            const LabelModelOptions& options);

}  // namespace hunch

#endif  // HUNCH_ENGINE_LABEL_MODEL_H_
