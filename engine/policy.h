// Internal to the engine (the facades are hunch/ruleset.h, hunch/eval.h and hunch/label.h): how
// the votes of the rules that fire on a row combine into one prediction under `vote`, `weighted`
// and `label_model` (docs/policies.md). Every path (Predict, Explain, eval, label) goes through
// Combiner, so a row gets the same label whichever command computes it.
#ifndef HUNCH_ENGINE_POLICY_H_
#define HUNCH_ENGINE_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/label_model.h"
#include "rules/compile.h"

namespace hunch {

// The voters that fired on a row, as ascending voter positions (Combiner::voter_rule() order),
// packed two bytes each so a pattern can key a hash map. Rows with the same pattern always get the
// same decision, so a data set is summarised by its distinct patterns and their counts.
std::string EncodePattern(std::span<const int> voters);
std::vector<int> DecodePattern(std::string_view key);

// Distinct patterns of a data set with their row counts (per true class in eval: `counts[c]`).
using PatternCounts = std::unordered_map<std::string, std::vector<int64_t>>;

class Combiner {
 public:
  struct Decision {
    int class_index = -1;               // -1 = abstain
    int votes = 0;                      // voters that fired
    bool tie = false;                   // classes tied for the top score (then tie_break decided)
    std::vector<double> probabilities;  // per class; sums to 1
  };

  explicit Combiner(const CheckedRuleSet& rs);

  Policy policy() const { return policy_; }
  int num_classes() const { return k_; }
  // The voters: enabled rules that predict a class (rules predicting abstain never vote).
  const std::vector<int>& voter_rule() const { return voter_rule_; }
  const std::vector<int>& voter_class() const { return voter_class_; }
  int VoterOf(int rule) const { return rule < 0 ? -1 : voter_of_rule_[rule]; }

  // The policy's decision for the voters that fired on a row (ascending positions).
  Decision Decide(std::span<const int> voters) const;
  // Plain majority vote exactly as Snorkel's MajorityLabelVoter with tie_break_policy "abstain":
  // the report's reference beside every policy. No vote gives uniform probabilities and abstains.
  Decision MajorityVote(std::span<const int> voters) const;

  // True when decisions depend on the data: the label model, or tie_break prior. Until Fit is
  // called such a combiner falls back to majority vote (label_model) or class order (prior).
  bool needs_fit() const;
  bool fitted() const { return fitted_; }
  // Fits what depends on the data from its patterns (counts summed over classes).
  void Fit(const PatternCounts& patterns, const LabelModelOptions& options);
  const std::optional<LabelModelFit>& label_model() const { return model_; }
  const std::vector<double>& prior() const { return prior_; }  // empty until fitted

 private:
  // Chooses among tied classes by tie_break; `voters` are the row's voters.
  int BreakTie(const std::vector<int>& tied, std::span<const int> voters) const;
  Decision DecideVote(std::span<const int> voters) const;
  Decision Scored(std::vector<double> scores, int votes, std::span<const int> voters,
                  double tolerance) const;

  Policy policy_;
  TieBreak tie_break_;
  int k_;
  int default_class_;
  std::vector<int> voter_rule_, voter_class_, voter_of_rule_;
  std::vector<double> voter_weight_;
  bool fitted_ = false;
  std::vector<double> prior_;
  std::optional<LabelModelFit> model_;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_POLICY_H_
