// The Dawid-Skene label model: EM over distinct vote patterns with class priors and a per-class
// firing rate for every voter.
#include "engine/label_model.h"

#include <algorithm>
#include <cmath>

namespace hunch {
namespace {

// Laplace smoothing of the M-step: keeps every rate strictly inside (0, 1), so a rule that never
// fires on a class is very unlikely there, never impossible, and the logs stay finite.
constexpr double kSmoothing = 1.0;

// The model's parameters in log space: the score of the empty pattern per class (log P(y = c) +
// the log of every voter not firing), and what each fired voter adds (its log odds).
struct LogTables {
  std::vector<double> base;      // [c]
  std::vector<double> log_odds;  // [voter * k + c]
};

LogTables Tables(const LabelModelFit& m) {
  const size_t k = m.class_balance.size();
  LogTables t;
  t.base.resize(k);
  t.log_odds.resize(m.fire_rate.size() * k);
  for (size_t c = 0; c < k; ++c) t.base[c] = std::log(m.class_balance[c]);
  for (size_t j = 0; j < m.fire_rate.size(); ++j) {
    for (size_t c = 0; c < k; ++c) {
      const double r = m.fire_rate[j][c];
      t.base[c] += std::log1p(-r);
      t.log_odds[j * k + c] = std::log(r) - std::log1p(-r);
    }
  }
  return t;
}

// The posterior of a pattern, in place; returns log P(pattern).
double PosteriorInPlace(const LogTables& t, std::span<const int> voters, std::vector<double>* out) {
  const size_t k = t.base.size();
  out->assign(t.base.begin(), t.base.end());
  for (int j : voters) {
    const double* lo = &t.log_odds[static_cast<size_t>(j) * k];
    for (size_t c = 0; c < k; ++c) (*out)[c] += lo[c];
  }
  const double top = *std::max_element(out->begin(), out->end());
  double sum = 0;
  for (double& v : *out) sum += (v = std::exp(v - top));
  for (double& v : *out) v /= sum;
  return top + std::log(sum);
}

}  // namespace

std::vector<double> LabelModelFit::Posterior(std::span<const int> voters) const {
  std::vector<double> out;
  PosteriorInPlace(Tables(*this), voters, &out);
  return out;
}

LabelModelFit FitLabelModel(const std::vector<int>& voter_class, int k,
                            const std::vector<WeightedPattern>& patterns,
                            const LabelModelOptions& options) {
  const size_t m = voter_class.size(), kk = static_cast<size_t>(k);
  LabelModelFit fit;
  fit.class_balance.assign(kk, 1.0 / k);
  fit.fire_rate.assign(m, std::vector<double>(kk, 0.5));
  fit.accuracy.assign(m, 0.0);
  double total = 0;
  for (const auto& p : patterns) total += p.rows;

  // The start: each pattern's majority vote as soft labels (ties share, no vote is uniform).
  std::vector<std::vector<double>> q(patterns.size(), std::vector<double>(kk));
  for (size_t p = 0; p < patterns.size(); ++p) {
    std::vector<double> counts(kk, 0.0);
    for (int j : patterns[p].voters) counts[voter_class[j]] += 1;
    const double top = *std::max_element(counts.begin(), counts.end());
    double n = 0;
    for (size_t c = 0; c < kk; ++c) n += q[p][c] = counts[c] == top ? 1.0 : 0.0;
    for (double& v : q[p]) v /= n;
  }

  std::vector<double> class_rows(kk);
  std::vector<std::vector<double>> fired_rows(m, std::vector<double>(kk));
  for (int it = 1; it <= std::max(1, options.max_iterations); ++it) {
    // M-step: the parameters that maximise the expected complete-data likelihood.
    std::fill(class_rows.begin(), class_rows.end(), 0.0);
    for (auto& f : fired_rows) std::fill(f.begin(), f.end(), 0.0);
    for (size_t p = 0; p < patterns.size(); ++p) {
      for (size_t c = 0; c < kk; ++c) {
        const double w = patterns[p].rows * q[p][c];
        class_rows[c] += w;
        for (int j : patterns[p].voters) fired_rows[j][c] += w;
      }
    }
    double change = 0;
    for (size_t c = 0; c < kk; ++c) {
      const double pi = (class_rows[c] + kSmoothing) / (total + kSmoothing * k);
      change = std::max(change, std::abs(pi - fit.class_balance[c]));
      fit.class_balance[c] = pi;
      for (size_t j = 0; j < m; ++j) {
        const double r = (fired_rows[j][c] + kSmoothing) / (class_rows[c] + 2 * kSmoothing);
        change = std::max(change, std::abs(r - fit.fire_rate[j][c]));
        fit.fire_rate[j][c] = r;
      }
    }
    // E-step: the posterior of each pattern under the new parameters.
    const LogTables tables = Tables(fit);
    double log_likelihood = 0;
    for (size_t p = 0; p < patterns.size(); ++p) {
      log_likelihood += patterns[p].rows * PosteriorInPlace(tables, patterns[p].voters, &q[p]);
    }
    fit.log_likelihood = total > 0 ? log_likelihood / total : 0;
    fit.iterations = it;
    if (change < options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  for (size_t j = 0; j < m; ++j) {
    const int v = voter_class[j];
    double fires = 0;
    for (size_t c = 0; c < kk; ++c) fires += fit.class_balance[c] * fit.fire_rate[j][c];
    fit.accuracy[j] = fit.class_balance[v] * fit.fire_rate[j][v] / fires;
  }
  return fit;
}

}  // namespace hunch
