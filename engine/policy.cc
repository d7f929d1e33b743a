// The combining policies: majority vote, weighted vote and the label model, and their tie breaks.
#include "engine/policy.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace hunch {
namespace {

// Snorkel's probs_to_preds counts classes within 1e-5 of the top probability as tied.
constexpr double kProbabilityTie = 1e-5;
// Weighted scores are sums of user-written weights (0.1 + 0.2 vs 0.3): equal up to rounding ties.
constexpr double kScoreTie = 1e-9;

}  // namespace

std::string EncodePattern(std::span<const int> voters) {
  std::string key(voters.size() * 2, '\0');
  for (size_t i = 0; i < voters.size(); ++i) {
    key[2 * i] = static_cast<char>(voters[i] & 0xFF);
    key[2 * i + 1] = static_cast<char>((voters[i] >> 8) & 0xFF);
  }
  return key;
}

std::vector<int> DecodePattern(std::string_view key) {
  std::vector<int> voters(key.size() / 2);
  for (size_t i = 0; i < voters.size(); ++i) {
    voters[i] =
        static_cast<unsigned char>(key[2 * i]) | (static_cast<unsigned char>(key[2 * i + 1]) << 8);
  }
  return voters;
}

Combiner::Combiner(const CheckedRuleSet& rs)
    : policy_(rs.policy),
      tie_break_(rs.tie_break),
      k_(static_cast<int>(rs.class_names.size())),
      default_class_(rs.default_class),
      voter_of_rule_(rs.rules.size(), -1) {
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const CheckedRule& r = rs.rules[j];
    if (!r.enabled || r.predict < 0) continue;
    voter_of_rule_[j] = static_cast<int>(voter_rule_.size());
    voter_rule_.push_back(static_cast<int>(j));
    voter_class_.push_back(r.predict);
    voter_weight_.push_back(r.weight);
  }
}

bool Combiner::needs_fit() const {
  return policy_ == Policy::kLabelModel ||
         (policy_ != Policy::kFirstMatch && tie_break_ == TieBreak::kPrior);
}

int Combiner::BreakTie(const std::vector<int>& tied, std::span<const int> voters) const {
  switch (tie_break_) {
    case TieBreak::kAbstain:
      return -1;
    case TieBreak::kPriority:
      // The class of the first rule in file order that votes for one of the tied classes.
      for (int v : voters) {
        if (std::find(tied.begin(), tied.end(), voter_class_[v]) != tied.end())
          return voter_class_[v];
      }
      return tied.front();
    case TieBreak::kPrior: {
      int best = tied.front();
      for (int c : tied) {
        if (!prior_.empty() && prior_[c] > prior_[best]) best = c;
      }
      return best;
    }
  }
  return -1;
}

Combiner::Decision Combiner::Scored(std::vector<double> scores, int votes,
                                    std::span<const int> voters, double tolerance) const {
  Decision d;
  d.votes = votes;
  const double top = *std::max_element(scores.begin(), scores.end());
  std::vector<int> tied;
  for (int c = 0; c < k_; ++c) {
    if (top - scores[c] <= tolerance) tied.push_back(c);
  }
  if (top <= 0) {  // no vote (or only votes of weight 0): the rule file's default
    d.class_index = default_class_;
    d.probabilities.assign(k_, 1.0 / k_);
    return d;
  }
  double sum = 0;
  for (double s : scores) sum += s;
  d.probabilities.resize(k_);
  for (int c = 0; c < k_; ++c) d.probabilities[c] = scores[c] / sum;
  d.tie = tied.size() > 1;
  d.class_index = d.tie ? BreakTie(tied, voters) : tied.front();
  return d;
}

Combiner::Decision Combiner::MajorityVote(std::span<const int> voters) const {
  // Snorkel: counts per class, then the indicator of the top count normalised (so no vote gives
  // uniform probabilities), then probs_to_preds with tie_break_policy "abstain".
  std::vector<double> counts(k_, 0.0);
  for (int v : voters) counts[voter_class_[v]] += 1;
  const double top = *std::max_element(counts.begin(), counts.end());
  Decision d;
  d.votes = static_cast<int>(voters.size());
  d.probabilities.resize(k_);
  int tied = 0, winner = -1;
  for (int c = 0; c < k_; ++c) {
    if (counts[c] == top) {
      ++tied;
      winner = c;
    }
  }
  for (int c = 0; c < k_; ++c) d.probabilities[c] = counts[c] == top ? 1.0 / tied : 0.0;
  d.tie = tied > 1 && top > 0;
  d.class_index = tied == 1 ? winner : -1;
  return d;
}

Combiner::Decision Combiner::DecideVote(std::span<const int> voters) const {
  std::vector<double> counts(k_, 0.0);
  for (int v : voters) counts[voter_class_[v]] += 1;
  Decision d = Scored(counts, static_cast<int>(voters.size()), voters, 0.0);
  if (!voters.empty()) d.probabilities = MajorityVote(voters).probabilities;  // as Snorkel's
  return d;
}

Combiner::Decision Combiner::Decide(std::span<const int> voters) const {
  const int votes = static_cast<int>(voters.size());
  switch (policy_) {
    case Policy::kFirstMatch: {
      // Only for completeness: first_match is decided by the first rule that fires, which may
      // predict abstain; callers handle it before voters are formed.
      Decision d = MajorityVote(voters);
      d.class_index = voters.empty() ? default_class_ : voter_class_[voters.front()];
      return d;
    }
    case Policy::kVote:
      return DecideVote(voters);
    case Policy::kWeighted: {
      std::vector<double> scores(k_, 0.0);
      double top = 0;
      for (int v : voters) top = std::max(top, scores[voter_class_[v]] += voter_weight_[v]);
      return Scored(scores, votes, voters, kScoreTie * std::max(1.0, top));
    }
    case Policy::kLabelModel: {
      if (!model_) return DecideVote(voters);  // not fitted: the EM's starting point
      Decision d;
      d.votes = votes;
      d.probabilities = model_->Posterior(voters);
      if (votes == 0) {
        d.class_index = default_class_;
        return d;
      }
      const double top = *std::max_element(d.probabilities.begin(), d.probabilities.end());
      std::vector<int> tied;
      for (int c = 0; c < k_; ++c) {
        if (top - d.probabilities[c] < kProbabilityTie) tied.push_back(c);
      }
      d.tie = tied.size() > 1;
      d.class_index = d.tie ? BreakTie(tied, voters) : tied.front();
      return d;
    }
  }
  return {};
}

void Combiner::Fit(const PatternCounts& patterns, const LabelModelOptions& options) {
  // Sorted by key, so that the sums (and the fit) do not depend on the hash map's order.
  std::map<std::string_view, double> sorted;
  for (const auto& [key, counts] : patterns) {
    double rows = 0;
    for (int64_t n : counts) rows += static_cast<double>(n);
    sorted[key] += rows;
  }
  fitted_ = true;
  if (policy_ == Policy::kLabelModel) {
    std::vector<WeightedPattern> weighted;
    weighted.reserve(sorted.size());
    for (const auto& [key, rows] : sorted) weighted.push_back({DecodePattern(key), rows});
    model_ = FitLabelModel(voter_class_, k_, weighted, options);
    prior_ = model_->class_balance;
    return;
  }
  // tie_break prior under vote and weighted: the share of each class among the rows the policy
  // decides without a tie.
  prior_.assign(k_, 0.0);
  for (const auto& [key, rows] : sorted) {
    const std::vector<int> voters = DecodePattern(key);
    const Decision d = Decide(voters);
    if (!d.tie && d.votes > 0 && d.class_index >= 0) prior_[d.class_index] += rows;
  }
}

}  // namespace hunch
