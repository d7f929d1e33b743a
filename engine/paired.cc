// Implements engine/paired.h and the statistics of hunch/compare.h: paired bootstrap intervals,
// McNemar's exact test, per-class, per-slice and score differences, and the verdict.
#include "engine/paired.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <thread>
#include <unordered_map>

#include "engine/metrics.h"
#include "engine/scores.h"

namespace hunch {
namespace {

using Getter = std::function<double(const metrics::Scores&)>;

// Joint counts of (actual class, a's prediction, b's prediction); prediction k is abstain.
size_t Cell(int k, int actual, int a, int b) {
  return (static_cast<size_t>(actual) * (k + 1) + a) * (k + 1) + b;
}
int PredictedColumn(int predicted, int k) { return predicted < 0 ? k : predicted; }

MetricDelta Delta(std::string name, double a, double b) {
  MetricDelta d;
  d.name = std::move(name);
  d.a = a;
  d.b = b;
  d.difference = b - a;
  return d;
}

void Marginals(int k, const std::vector<int64_t>& joint, metrics::Confusion* a,
               metrics::Confusion* b) {
  *a = metrics::Confusion(k);
  *b = metrics::Confusion(k);
  for (int actual = 0; actual < k; ++actual) {
    for (int pa = 0; pa <= k; ++pa) {
      for (int pb = 0; pb <= k; ++pb) {
        const int64_t n = joint[Cell(k, actual, pa, pb)];
        a->at(actual, pa) += n;
        b->at(actual, pb) += n;
      }
    }
  }
}

// One multinomial resample of `counts` (the same total), as a chain of binomials like
// metrics::Bootstrap draws it: equivalent to drawing the rows with replacement.
void Resample(const std::vector<int64_t>& counts, int64_t total, std::mt19937_64& rng,
              std::vector<int64_t>* out) {
  out->assign(counts.size(), 0);
  int64_t rows_left = total, count_left = total;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) {
      (*out)[i] = metrics::SampleBinomial(
          rows_left, static_cast<double>(counts[i]) / static_cast<double>(count_left), rng);
    }
    rows_left -= (*out)[i];
    count_left -= counts[i];
  }
}

// 95% percentile intervals of b - a for each getter, from `resamples` resamples of `joint`.
std::vector<Interval> DifferenceIntervals(int k, const std::vector<int64_t>& joint,
                                          const std::vector<Getter>& getters, int resamples,
                                          uint64_t seed) {
  int64_t total = 0;
  for (int64_t n : joint) total += n;
  std::vector<Interval> out(getters.size());
  if (resamples <= 0 || total == 0) return out;
  std::vector<std::vector<double>> samples(getters.size(), std::vector<double>(resamples));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> drawn;
  metrics::Confusion a, b;
  for (int r = 0; r < resamples; ++r) {
    Resample(joint, total, rng, &drawn);
    Marginals(k, drawn, &a, &b);
    const metrics::Scores sa = metrics::Compute(a), sb = metrics::Compute(b);
    for (size_t g = 0; g < getters.size(); ++g) samples[g][r] = getters[g](sb) - getters[g](sa);
  }
  for (size_t g = 0; g < getters.size(); ++g) {
    const metrics::Interval i = metrics::PercentileInterval(samples[g]);
    out[g] = {i.low, i.high};
  }
  return out;
}

struct NamedGetter {
  std::string name;
  Getter get;
};

// The headline figures, by their ReportMetric names.
std::vector<NamedGetter> HeadlineGetters(int positive) {
  std::vector<NamedGetter> g = {
      {"accuracy", [](const metrics::Scores& s) { return s.accuracy; }},
      {"balanced_accuracy", [](const metrics::Scores& s) { return s.balanced_accuracy; }},
      {"kappa", [](const metrics::Scores& s) { return s.kappa; }},
      {"coverage", [](const metrics::Scores& s) { return s.coverage; }},
      {"macro_precision", [](const metrics::Scores& s) { return s.macro.precision; }},
      {"macro_recall", [](const metrics::Scores& s) { return s.macro.recall; }},
      {"macro_f1", [](const metrics::Scores& s) { return s.macro.f1; }},
      {"weighted_f1", [](const metrics::Scores& s) { return s.weighted.f1; }}};
  if (positive >= 0) {
    g.push_back({"precision",
                 [positive](const metrics::Scores& s) { return s.per_class[positive].precision; }});
    g.push_back(
        {"recall", [positive](const metrics::Scores& s) { return s.per_class[positive].recall; }});
    g.push_back({"f1", [positive](const metrics::Scores& s) { return s.per_class[positive].f1; }});
  }
  return g;
}

std::vector<std::vector<int64_t>> ConfusionTable(const metrics::Confusion& c, bool abstain) {
  std::vector<std::vector<int64_t>> out;
  for (int a = 0; a < c.num_classes(); ++a) {
    std::vector<int64_t> line;
    for (int p = 0; p < c.num_classes() + (abstain ? 1 : 0); ++p) line.push_back(c.at(a, p));
    out.push_back(std::move(line));
  }
  return out;
}

// SplitMix64: spreads a seed (and each resample's number) over 64 bits.
uint64_t SplitMix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna): the row draws of the score bootstrap are most of its time, and
// this generator is several times faster than mt19937_64. Fully specified, so a seed gives the
// same draws everywhere. Seeded per resample, so the draws do not depend on the thread count.
class Xoshiro256 {
 public:
  Xoshiro256(uint64_t seed, int resample) {
    uint64_t z = SplitMix64(seed ^ 0x5c0e5c0e5c0e5c0eULL) + static_cast<uint64_t>(resample);
    for (uint64_t& word : s_) word = z = SplitMix64(z);
  }
  uint64_t operator()() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // A uniform index below n (Lemire's multiply; the bias is below n / 2^64).
  size_t Below(size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>((*this)()) * n) >> 64);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// The row-level paired bootstrap of ROC AUC and average precision (b - a for each resample; NaN
// for ROC AUC when a resample holds one class). The rows are laid out by b's score, highest first,
// each with the rank of its score among a's and b's distinct scores, so that a resample is n
// random draws and one sequential pass. Resamples are shared out over `threads`.
void BootstrapScores(const PairedRows& rows, const std::vector<uint8_t>& positive, int resamples,
                     uint64_t seed, int threads, std::vector<double>* roc,
                     std::vector<double>* ap) {
  const size_t n = rows.actual.size();
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return rows.b_score[x] > rows.b_score[y]; });
  std::vector<double> a_levels = rows.a_score;
  std::sort(a_levels.begin(), a_levels.end(), std::greater<>());
  a_levels.erase(std::unique(a_levels.begin(), a_levels.end()), a_levels.end());
  std::vector<uint8_t> sorted_positive(n);
  std::vector<uint32_t> a_group(n), b_group(n);
  for (size_t p = 0; p < n; ++p) {
    const uint32_t i = order[p];
    sorted_positive[p] = positive[i];
    a_group[p] = static_cast<uint32_t>(
        std::lower_bound(a_levels.begin(), a_levels.end(), rows.a_score[i], std::greater<>()) -
        a_levels.begin());
    b_group[p] =
        p == 0 ? 0 : b_group[p - 1] + (rows.b_score[i] != rows.b_score[order[p - 1]] ? 1 : 0);
  }
  auto work = [&](int first, int step) {
    // How often each row was drawn: n draws put about Poisson(1) on a row, so 16 bits never
    // overflow in practice (65,536 draws of one row has probability far below 1e-300000), and the
    // array stays in cache longer.
    std::vector<uint16_t> weight(n);
    std::vector<double> a_positives(a_levels.size()), a_negatives(a_levels.size());
    for (int r = first; r < resamples; r += step) {
      Xoshiro256 rng(seed, r);
      std::fill(weight.begin(), weight.end(), 0);
      for (size_t i = 0; i < n; ++i) ++weight[rng.Below(n)];
      std::fill(a_positives.begin(), a_positives.end(), 0);
      std::fill(a_negatives.begin(), a_negatives.end(), 0);
      scores::RankWalk b_walk;
      double tie_positives = 0, tie_negatives = 0;
      for (size_t p = 0; p < n; ++p) {
        if (p > 0 && b_group[p] != b_group[p - 1]) {
          b_walk.Add(tie_positives, tie_negatives);
          tie_positives = tie_negatives = 0;
        }
        const double w = weight[p];
        if (w == 0) continue;
        if (sorted_positive[p]) {
          tie_positives += w;
          a_positives[a_group[p]] += w;
        } else {
          tie_negatives += w;
          a_negatives[a_group[p]] += w;
        }
      }
      b_walk.Add(tie_positives, tie_negatives);
      scores::RankWalk a_walk;
      for (size_t g = 0; g < a_levels.size(); ++g) a_walk.Add(a_positives[g], a_negatives[g]);
      const scores::Ranking ra = a_walk.Finish(), rb = b_walk.Finish();
      (*roc)[r] = ra.roc_auc && rb.roc_auc ? *rb.roc_auc - *ra.roc_auc
                                           : std::numeric_limits<double>::quiet_NaN();
      (*ap)[r] = rb.average_precision - ra.average_precision;
    }
  };
  const int workers = std::max(1, std::min(threads, resamples));
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work, t, workers);
  work(0, workers);
  for (auto& t : pool) t.join();
}

ScoreFigures FiguresOfScores(const std::vector<double>& score,
                             const std::vector<uint8_t>& positive) {
  std::vector<scores::Tie> ties;
  ties.reserve(score.size());
  for (size_t i = 0; i < score.size(); ++i)
    ties.push_back({score[i], positive[i] ? 1.0 : 0.0, positive[i] ? 0.0 : 1.0});
  ties = scores::GroupTies(std::move(ties));
  ScoreFigures f;
  f.rows = static_cast<int64_t>(score.size());
  const scores::Ranking r = scores::Rank(ties);
  f.roc_auc = r.roc_auc;
  f.average_precision = r.average_precision;
  // Calibration bins need probabilities; a score outside [0, 1] (a margin) has none.
  const bool probabilities =
      std::all_of(score.begin(), score.end(), [](double s) { return s >= 0 && s <= 1; });
  if (probabilities) f.calibration = scores::Calibrate(ties);
  return f;
}

// ROC AUC and average precision of both systems, with paired row-level bootstrap intervals.
void CompareScores(const PairedRows& rows, int resamples, uint64_t seed, int threads,
                   Comparison* c) {
  const size_t n = rows.actual.size();
  std::vector<uint8_t> positive(n);
  for (size_t i = 0; i < n; ++i) positive[i] = rows.actual[i] == rows.positive_class;
  if (!rows.a_score.empty()) c->a_scores = FiguresOfScores(rows.a_score, positive);
  if (!rows.b_score.empty()) c->b_scores = FiguresOfScores(rows.b_score, positive);
  if (!c->a_scores || !c->b_scores) return;
  const bool auc = c->a_scores->roc_auc && c->b_scores->roc_auc;
  MetricDelta roc =
      Delta("roc_auc", auc ? *c->a_scores->roc_auc : 0, auc ? *c->b_scores->roc_auc : 0);
  MetricDelta ap =
      Delta("average_precision", c->a_scores->average_precision, c->b_scores->average_precision);
  if (resamples > 0 && n > 0) {
    std::vector<double> roc_samples(resamples), ap_samples(resamples);
    BootstrapScores(rows, positive, resamples, seed, threads, &roc_samples, &ap_samples);
    std::erase_if(roc_samples, [](double x) { return std::isnan(x); });
    if (auc && !roc_samples.empty()) {
      const metrics::Interval i = metrics::PercentileInterval(roc_samples);
      roc.interval = Interval{i.low, i.high};
    }
    const metrics::Interval i = metrics::PercentileInterval(ap_samples);
    ap.interval = Interval{i.low, i.high};
  }
  if (auc) c->metrics.push_back(roc);
  c->metrics.push_back(ap);
}

std::string MetricTitle(const Comparison& c, const std::string& name) {
  static const std::unordered_map<std::string, std::string> titles = {
      {"accuracy", "accuracy"},
      {"balanced_accuracy", "balanced accuracy"},
      {"kappa", "Cohen's kappa"},
      {"coverage", "coverage"},
      {"macro_precision", "macro precision"},
      {"macro_recall", "macro recall"},
      {"macro_f1", "macro F1"},
      {"weighted_f1", "weighted F1"},
      {"roc_auc", "ROC AUC"},
      {"average_precision", "average precision"}};
  if (auto it = titles.find(name); it != titles.end()) return it->second;
  if (c.positive_class >= 0 && (name == "precision" || name == "recall" || name == "f1")) {
    return fmt::format("{} of {}", name == "f1" ? "F1" : name, c.classes[c.positive_class]);
  }
  return name;
}

std::string PValue(double p) {
  return p >= 0.001 ? fmt::format("{:.4f}", p) : fmt::format("{:.1e}", p);
}

}  // namespace

double McNemarExactP(int64_t b, int64_t c) {
  const int64_t n = b + c;
  if (n <= 0) return 1;
  const int64_t m = std::min(b, c);
  // P(X <= m) = t_m (1 + t_{m-1}/t_m + ...): the largest term from log-gamma, the others by the
  // ratio t_{i-1} / t_i = i / (n - i + 1), so no binomial coefficient overflows.
  const double log_top = std::lgamma(static_cast<double>(n) + 1) -
                         std::lgamma(static_cast<double>(m) + 1) -
                         std::lgamma(static_cast<double>(n - m) + 1) - n * std::log(2.0);
  double sum = 0, term = 1;
  for (int64_t i = m; i >= 0; --i) {
    sum += term;
    term *= static_cast<double>(i) / static_cast<double>(n - i + 1);
    if (term < 1e-18 * sum) break;
  }
  return std::min(1.0, 2 * std::exp(log_top) * sum);
}

void ComparePaired(const PairedRows& rows, int bootstrap, uint64_t seed, Comparison* c,
                   int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int k = rows.k;
  const size_t n = rows.actual.size();
  c->rows = static_cast<int64_t>(n);
  c->bootstrap_resamples = n > 0 ? std::max(0, bootstrap) : 0;
  c->seed = seed;
  c->positive_class = rows.positive_class;
  std::vector<int64_t> joint(static_cast<size_t>(k) * (k + 1) * (k + 1), 0);
  for (size_t i = 0; i < n; ++i)
    ++joint[Cell(k, rows.actual[i], PredictedColumn(rows.a[i], k), PredictedColumn(rows.b[i], k))];
  metrics::Confusion ca, cb;
  Marginals(k, joint, &ca, &cb);
  c->can_abstain = c->can_abstain || ca.abstained() > 0 || cb.abstained() > 0;
  c->a_confusion = ConfusionTable(ca, c->can_abstain);
  c->b_confusion = ConfusionTable(cb, c->can_abstain);
  const metrics::Scores sa = metrics::Compute(ca), sb = metrics::Compute(cb);

  // Every classification figure, headline then per class, shares one set of resamples.
  std::vector<NamedGetter> named = HeadlineGetters(rows.positive_class);
  const size_t headline = named.size();
  for (int i = 0; i < k; ++i) {
    named.push_back(
        {"precision", [i](const metrics::Scores& s) { return s.per_class[i].precision; }});
    named.push_back({"recall", [i](const metrics::Scores& s) { return s.per_class[i].recall; }});
    named.push_back({"f1", [i](const metrics::Scores& s) { return s.per_class[i].f1; }});
  }
  std::vector<Getter> getters;
  for (const auto& g : named) getters.push_back(g.get);
  const std::vector<Interval> intervals =
      DifferenceIntervals(k, joint, getters, c->bootstrap_resamples, seed);
  auto delta = [&](size_t g) {
    MetricDelta d = Delta(named[g].name, named[g].get(sa), named[g].get(sb));
    if (c->bootstrap_resamples > 0) d.interval = intervals[g];
    return d;
  };
  c->metrics.clear();
  for (size_t g = 0; g < headline; ++g) c->metrics.push_back(delta(g));
  c->per_class.clear();
  for (int i = 0; i < k; ++i) {
    const size_t g = headline + 3 * i;
    c->per_class.push_back(
        {c->classes[i], sa.per_class[i].support, delta(g), delta(g + 1), delta(g + 2)});
  }

  c->contingency = {};
  for (int actual = 0; actual < k; ++actual) {
    for (int pa = 0; pa <= k; ++pa) {
      for (int pb = 0; pb <= k; ++pb) {
        const int64_t count = joint[Cell(k, actual, pa, pb)];
        const bool a_right = pa == actual, b_right = pb == actual;
        (a_right ? (b_right ? c->contingency.both_right : c->contingency.only_a)
                 : (b_right ? c->contingency.only_b : c->contingency.both_wrong)) += count;
      }
    }
  }
  c->contingency.mcnemar_p = McNemarExactP(c->contingency.only_a, c->contingency.only_b);

  // Slices: each value's rows get their own joint counts and resamples.
  c->slices.clear();
  const std::vector<Getter> slice_getters = {getters[0], getters[6]};  // accuracy, macro_f1
  uint64_t slice_seed = seed;
  for (size_t t = 0; t < rows.slice_names.size(); ++t) {
    std::unordered_map<std::string, size_t> index;
    std::vector<std::string> keys;
    std::vector<std::vector<int64_t>> joints;
    for (size_t i = 0; i < n; ++i) {
      const std::string& value = rows.slice_values[t][i];
      auto it = index.find(value);
      if (it == index.end()) {
        const std::string key = index.size() < rows.max_slice_values ? value : "(other)";
        it = index.find(key);
        if (it == index.end()) {
          it = index.emplace(key, keys.size()).first;
          keys.push_back(key);
          joints.emplace_back(joint.size(), 0);
        }
        if (key != value) it = index.emplace(value, it->second).first;
      }
      ++joints[it->second][Cell(k, rows.actual[i], PredictedColumn(rows.a[i], k),
                                PredictedColumn(rows.b[i], k))];
    }
    for (size_t g = 0; g < keys.size(); ++g) {
      slice_seed = slice_seed * 6364136223846793005ULL + 1442695040888963407ULL;
      metrics::Confusion ga, gb;
      Marginals(k, joints[g], &ga, &gb);
      const metrics::Scores ra = metrics::Compute(ga), rb = metrics::Compute(gb);
      const std::vector<Interval> iv =
          DifferenceIntervals(k, joints[g], slice_getters, c->bootstrap_resamples, slice_seed);
      SliceDelta s;
      s.key = rows.slice_names[t] + "=" + keys[g];
      s.rows = ra.rows;
      s.accuracy = Delta("accuracy", ra.accuracy, rb.accuracy);
      s.macro_f1 = Delta("macro_f1", ra.macro.f1, rb.macro.f1);
      if (c->bootstrap_resamples > 0) {
        s.accuracy.interval = iv[0];
        s.macro_f1.interval = iv[1];
      }
      c->slices.push_back(std::move(s));
    }
  }

  if (rows.positive_class >= 0) CompareScores(rows, c->bootstrap_resamples, seed, threads, c);
}

std::vector<std::string> ComparisonMetricNames() { return ReportMetricNames(); }

std::optional<MetricDelta> FindMetric(const Comparison& c, const std::string& name) {
  for (const auto& m : c.metrics) {
    if (m.name == name) return m;
  }
  return std::nullopt;
}

bool SignificantlyBetter(const Comparison& c, const std::string& name) {
  auto m = FindMetric(c, name);
  return m && m->interval && m->interval->low > 0;
}

std::string Verdict(const Comparison& c, const std::string& name, Winner* winner) {
  Winner w = Winner::kUndecided;
  std::string text;
  const std::string title = MetricTitle(c, name);
  const std::string p = fmt::format("McNemar p = {}", PValue(c.contingency.mcnemar_p));
  auto m = FindMetric(c, name);
  if (!m) {
    text = fmt::format("no verdict: the comparison has no {}", title);
  } else if (!m->interval) {
    text = fmt::format("no verdict without intervals (bootstrap off): {} - {} on {} = {:+.4f}, {}",
                       c.b_name, c.a_name, title, m->difference, p);
  } else {
    const std::string figures = fmt::format("{:+.4f} [{:.4f}, {:.4f}], {}", m->difference,
                                            m->interval->low, m->interval->high, p);
    if (m->interval->low > 0) {
      w = Winner::kB;
      text = fmt::format("{} beats {} on {} by {}", c.b_name, c.a_name, title, figures);
    } else if (m->interval->high < 0) {
      w = Winner::kA;
      text = fmt::format("{} better on {}: {} - {} = {}", c.a_name, title, c.b_name, c.a_name,
                         figures);
    } else {
      w = Winner::kNeither;
      text = fmt::format("no significant difference on {}: {} - {} = {}", title, c.b_name, c.a_name,
                         figures);
    }
  }
  if (winner != nullptr) *winner = w;
  return text;
}

}  // namespace hunch
