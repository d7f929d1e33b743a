// Renderings of a Report: JSON (the documented schema), aligned text, and Markdown.
#include "hunch/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/render.h"

namespace hunch {
namespace render {

// Four decimals; a value that rounds to zero prints as 0.0000, never -0.0000.
std::string Pct(double x) { return fmt::format("{:.4f}", std::abs(x) < 5e-5 ? 0.0 : x); }

// A table of strings printed with aligned columns; the first row is the header.
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_align) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()), 0);
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line = "  ";
    for (size_t c = 0; c < r.size(); ++c) {
      bool right = c < right_align.size() && right_align[c];
      std::string pad(width[c] - r[c].size(), ' ');
      line += right ? pad + r[c] : r[c] + pad;
      if (c + 1 < r.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string MarkdownTable(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out += "| " + fmt::format("{}", fmt::join(rows[i], " | ")) + " |\n";
    if (i == 0) {
      out += "|";
      for (size_t c = 0; c < rows[i].size(); ++c) out += c == 0 ? "---|" : "---:|";
      out += "\n";
    }
  }
  return out;
}

}  // namespace render

namespace {

using nlohmann::json;
using render::MarkdownTable;
using render::Pct;
using render::Table;

json ClassJson(const ClassFigures& c) {
  return {{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}};
}

json MetricsJson(const Report& r, const MetricFigures& m) {
  json per_class = json::object();
  for (size_t i = 0; i < m.per_class.size() && i < r.classes.size(); ++i) {
    per_class[r.classes[i]] = ClassJson(m.per_class[i]);
  }
  json out = {
      {"rows", m.rows},
      {"accuracy", m.accuracy},
      {"balanced_accuracy", m.balanced_accuracy},
      {"kappa", m.kappa},
      {"coverage", m.coverage},
      {"macro", {{"precision", m.macro.precision}, {"recall", m.macro.recall}, {"f1", m.macro.f1}}},
      {"weighted",
       {{"precision", m.weighted.precision}, {"recall", m.weighted.recall}, {"f1", m.weighted.f1}}},
      {"per_class", per_class}};
  if (r.positive_class >= 0 && static_cast<size_t>(r.positive_class) < m.per_class.size()) {
    const ClassFigures& p = m.per_class[r.positive_class];
    out["positive"] = {{"class", r.classes[r.positive_class]},
                       {"precision", p.precision},
                       {"recall", p.recall},
                       {"f1", p.f1},
                       {"support", p.support}};
  }
  return out;
}

json IntervalJson(const Interval& i) { return json::array({i.low, i.high}); }

// The report's sections as tables, shared by the text and Markdown renderings.
struct Sections {
  std::vector<std::string> summary;  // lines
  std::vector<std::vector<std::string>> headline, per_class, confusion, rules, slices;
  // Combining policies: the policy beside majority vote, the label model, pairwise conflicts.
  std::vector<std::string> policy_summary;
  std::vector<std::vector<std::string>> versus_vote, conflicts;
  std::string scores_summary;
  std::vector<std::vector<std::string>> calibration;
};

// The policy's figures beside plain majority vote, end to end and on the rows each labels.
void BuildPolicySections(const Report& r, Sections* s) {
  const PolicyFigures& p = *r.policy;
  s->policy_summary.push_back(
      fmt::format("policy {} (tie_break {}): {} rows with no vote, {} tied rows", p.policy,
                  p.tie_break, p.no_vote, p.ties));
  if (p.label_model) {
    std::string balance;
    for (size_t c = 0; c < r.classes.size() && c < p.class_balance.size(); ++c)
      balance += fmt::format(" {} {}", r.classes[c], Pct(p.class_balance[c]));
    s->policy_summary.push_back(fmt::format(
        "label model {} after {} iterations (log-likelihood {:.6f} per row); class balance{}",
        p.converged ? "converged" : "DID NOT CONVERGE", p.iterations, p.log_likelihood, balance));
  }
  const MetricFigures& m = r.metrics;
  const MetricFigures& c = r.covered ? *r.covered : r.metrics;
  s->versus_vote.push_back(
      {"metric", p.policy, "majority vote", p.policy + " (covered)", "majority vote (covered)"});
  auto add = [&](const std::string& name, auto get) {
    s->versus_vote.push_back({name, Pct(get(m)), Pct(get(p.majority_vote)), Pct(get(c)),
                              Pct(get(p.majority_vote_covered))});
  };
  add("accuracy", [](const MetricFigures& x) { return x.accuracy; });
  add("balanced accuracy", [](const MetricFigures& x) { return x.balanced_accuracy; });
  add("macro F1", [](const MetricFigures& x) { return x.macro.f1; });
  add("coverage", [](const MetricFigures& x) { return x.coverage; });
  if (r.positive_class >= 0) {
    const int k = r.positive_class;
    auto pc = [k](const MetricFigures& x, auto f) {
      return static_cast<size_t>(k) < x.per_class.size() ? f(x.per_class[k]) : 0.0;
    };
    add("precision (" + r.classes[k] + ")", [&](const MetricFigures& x) {
      return pc(x, [](const ClassFigures& f) { return f.precision; });
    });
    add("recall (" + r.classes[k] + ")", [&](const MetricFigures& x) {
      return pc(x, [](const ClassFigures& f) { return f.recall; });
    });
  }
  const size_t m_voters = p.conflict_matrix.size();  // 0 when over 1,000 voting rules
  if (m_voters > 0 && m_voters <= 20) {
    std::vector<std::string> head = {"rule"};
    for (size_t b = 0; b < m_voters; ++b) head.push_back(std::to_string(b + 1));
    s->conflicts.push_back(head);
    for (size_t a = 0; a < m_voters; ++a) {
      std::vector<std::string> line = {fmt::format("{} {}", a + 1, p.voters[a])};
      for (size_t b = 0; b < m_voters; ++b)
        line.push_back(a == b ? "-" : std::to_string(p.conflict_matrix[a][b]));
      s->conflicts.push_back(line);
    }
  } else if (m_voters > 20) {
    // Too many rules for a matrix: the 20 pairs that conflict most.
    std::vector<std::tuple<int64_t, size_t, size_t>> pairs;
    for (size_t a = 0; a < m_voters; ++a)
      for (size_t b = a + 1; b < m_voters; ++b)
        if (p.conflict_matrix[a][b] > 0) pairs.emplace_back(-p.conflict_matrix[a][b], a, b);
    std::sort(pairs.begin(), pairs.end());
    s->conflicts.push_back({"rule", "rule", "rows in conflict"});
    for (size_t i = 0; i < pairs.size() && i < 20; ++i) {
      auto [n, a, b] = pairs[i];
      s->conflicts.push_back({p.voters[a], p.voters[b], std::to_string(-n)});
    }
  }
}

Sections BuildSections(const Report& r) {
  Sections s;
  s.summary.push_back(fmt::format("rule set  {} (version {}, sha256 {})", r.ruleset_name,
                                  r.ruleset_version.empty() ? "-" : r.ruleset_version,
                                  r.ruleset_sha256.substr(0, 12)));
  s.summary.push_back(
      fmt::format("data      {}: {} rows, {} labeled, {} excluded (label missing {}, "
                  "not a class {})",
                  r.data_path, r.rows, r.labeled_rows, r.missing_label + r.unknown_label,
                  r.missing_label, r.unknown_label));
  if (!r.unknown_label_values.empty()) {
    std::string values;
    for (const auto& [v, n] : r.unknown_label_values) values += fmt::format(" '{}' x{}", v, n);
    s.summary.push_back("          label values not in classes:" + values);
  }
  if (r.bad_rows > 0)
    s.summary.push_back(fmt::format("          {} malformed rows skipped", r.bad_rows));
  for (const auto& [col, n] : r.bad_cells) {
    s.summary.push_back(
        fmt::format("          column '{}': {} cells did not parse as its type (unknown)", col, n));
  }
  if (r.shadow) {
    s.summary.push_back(fmt::format(
        "shadow    '{}' on {} labeled rows: agreement {}, accuracy rules {} vs "
        "existing system {}{}",
        r.shadow->column, r.shadow->rows, Pct(r.shadow->agreement), Pct(r.shadow->rules_accuracy),
        Pct(r.shadow->shadow_accuracy),
        r.shadow->unrecognized > 0
            ? fmt::format(" ({} decisions not a class, not scored)", r.shadow->unrecognized)
            : ""));
  }
  if (r.bootstrap_resamples > 0) {
    s.summary.push_back(fmt::format("intervals 95% bootstrap, {} resamples, seed {}{}",
                                    r.bootstrap_resamples, r.bootstrap_seed,
                                    r.small_sample ? " (small sample: intervals are rough)" : ""));
  }
  auto ci = [&](const Interval& i) {
    return r.bootstrap_resamples > 0 ? fmt::format("[{}, {}]", Pct(i.low), Pct(i.high))
                                     : std::string("-");
  };
  s.headline.push_back({"metric", "rules", "95% CI", "majority", "stratified"});
  if (r.covered) s.headline[0].push_back("covered rows");
  auto add = [&](const std::string& name, double v, const std::string& interval, double maj,
                 double strat, std::optional<double> covered) {
    std::vector<std::string> line = {name, Pct(v), interval, Pct(maj), Pct(strat)};
    if (r.covered) line.push_back(covered ? Pct(*covered) : "-");
    s.headline.push_back(line);
  };
  const MetricFigures& m = r.metrics;
  auto cov = [&](auto f) -> std::optional<double> {
    return r.covered ? std::optional<double>(f(*r.covered)) : std::nullopt;
  };
  add("accuracy", m.accuracy, ci(r.accuracy_ci), r.majority.accuracy, r.stratified.accuracy,
      cov([](const MetricFigures& x) { return x.accuracy; }));
  add("balanced accuracy", m.balanced_accuracy, "", r.majority.balanced_accuracy,
      r.stratified.balanced_accuracy,
      cov([](const MetricFigures& x) { return x.balanced_accuracy; }));
  add("Cohen's kappa", m.kappa, "", r.majority.kappa, r.stratified.kappa,
      cov([](const MetricFigures& x) { return x.kappa; }));
  add("macro F1", m.macro.f1, ci(r.macro_f1_ci), r.majority.macro.f1, r.stratified.macro.f1,
      cov([](const MetricFigures& x) { return x.macro.f1; }));
  add("weighted F1", m.weighted.f1, "", r.majority.weighted.f1, r.stratified.weighted.f1,
      cov([](const MetricFigures& x) { return x.weighted.f1; }));
  add("coverage", m.coverage, "", 1.0, 1.0, cov([](const MetricFigures& x) { return x.coverage; }));

  s.per_class.push_back({"class", "precision", "95% CI", "recall", "95% CI", "F1", "support"});
  for (size_t i = 0; i < r.classes.size() && i < m.per_class.size(); ++i) {
    const ClassFigures& c = m.per_class[i];
    std::string name =
        r.classes[i] + (static_cast<int>(i) == r.positive_class ? " (positive)" : "");
    s.per_class.push_back({name, Pct(c.precision),
                           i < r.precision_ci.size() ? ci(r.precision_ci[i]) : "-", Pct(c.recall),
                           i < r.recall_ci.size() ? ci(r.recall_ci[i]) : "-", Pct(c.f1),
                           std::to_string(c.support)});
  }
  s.per_class.push_back({"macro avg", Pct(m.macro.precision), "", Pct(m.macro.recall), "",
                         Pct(m.macro.f1), std::to_string(m.rows)});
  s.per_class.push_back({"weighted avg", Pct(m.weighted.precision), "", Pct(m.weighted.recall), "",
                         Pct(m.weighted.f1), std::to_string(m.rows)});

  std::vector<std::string> head = {"actual \\ predicted"};
  for (const auto& c : r.classes) head.push_back(c);
  if (r.can_abstain) head.push_back("abstain");
  s.confusion.push_back(head);
  for (size_t a = 0; a < r.confusion.size(); ++a) {
    std::vector<std::string> line = {r.classes[a]};
    for (int64_t v : r.confusion[a]) line.push_back(std::to_string(v));
    s.confusion.push_back(line);
  }

  s.rules.push_back({"rule", "predicts", "fires", "wins", "coverage", "precision", "correct",
                     "incorrect", "overlaps", "conflicts", "errors", "note"});
  if (r.policy) {
    s.rules[0][1] = "polarity";
    s.rules[0][3] = "with decision";
    s.rules[0][5] = "emp. accuracy";
    s.rules[0].insert(s.rules[0].begin() + 6, "est. accuracy");
  }
  for (const auto& f : r.rules) {
    std::string note = !f.enabled     ? "disabled"
                       : f.shadowed   ? (r.policy ? "always outvoted" : "shadowed")
                       : f.fires == 0 ? "never fires"
                                      : "";
    std::vector<std::string> line = {f.name,
                                     f.predict,
                                     std::to_string(f.fires),
                                     std::to_string(f.wins),
                                     Pct(f.coverage),
                                     f.fires > 0 ? Pct(f.precision) : "-",
                                     std::to_string(f.correct),
                                     std::to_string(f.incorrect),
                                     Pct(f.overlaps),
                                     Pct(f.conflicts),
                                     std::to_string(f.errors),
                                     note};
    if (r.policy) {
      line[1] =
          f.polarity.empty() ? "[]" : "[" + fmt::format("{}", fmt::join(f.polarity, ", ")) + "]";
      line.insert(line.begin() + 6, f.estimated_accuracy ? Pct(*f.estimated_accuracy) : "-");
    }
    s.rules.push_back(std::move(line));
  }
  s.rules.push_back(
      {r.policy ? "(no rule voted)" : "(no rule fired)", "default", std::to_string(r.default_rows),
       std::to_string(r.default_rows),
       Pct(r.labeled_rows > 0
               ? static_cast<double>(r.default_rows) / static_cast<double>(r.labeled_rows)
               : 0),
       r.default_rows > 0 && r.default_predicts_class
           ? Pct(static_cast<double>(r.default_correct) / static_cast<double>(r.default_rows))
           : "-",
       std::to_string(r.default_correct), std::to_string(r.default_rows - r.default_correct), "",
       "", "", ""});
  if (r.policy) s.rules.back().insert(s.rules.back().begin() + 6, "");
  if (r.policy) BuildPolicySections(r, &s);

  if (!r.slices.empty()) {
    s.slices.push_back({"slice", "rows", "accuracy", "macro F1", "coverage"});
    std::vector<SliceFigures> sorted = r.slices;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.accuracy < b.accuracy; });
    for (const auto& sl : sorted) {
      s.slices.push_back(
          {sl.key, std::to_string(sl.rows), Pct(sl.accuracy), Pct(sl.macro_f1), Pct(sl.coverage)});
    }
  }
  if (r.scores) {
    s.scores_summary =
        fmt::format("ROC AUC {}, average precision {} ({} rows; positive class {})",
                    r.scores->roc_auc ? Pct(*r.scores->roc_auc) : std::string("- (one class only)"),
                    Pct(r.scores->average_precision), r.scores->rows,
                    r.positive_class >= 0 ? r.classes[r.positive_class] : "");
    s.calibration.push_back({"score bin", "rows", "mean score", "observed", "gap"});
    for (const auto& b : r.scores->calibration) {
      s.calibration.push_back({fmt::format("{:.1f}-{:.1f}", b.low, b.high), std::to_string(b.rows),
                               Pct(b.mean_score), Pct(b.observed),
                               fmt::format("{:+.4f}", b.observed - b.mean_score)});
    }
  }
  return s;
}

}  // namespace

json render::BaselinesJson(const Report& r) {
  return {{"majority",
           {{"class", r.majority_class},
            {"accuracy", r.majority.accuracy},
            {"macro_f1", r.majority.macro.f1},
            {"weighted_f1", r.majority.weighted.f1},
            {"balanced_accuracy", r.majority.balanced_accuracy},
            {"kappa", r.majority.kappa}}},
          {"stratified",
           {{"accuracy", r.stratified.accuracy},
            {"macro_f1", r.stratified.macro.f1},
            {"weighted_f1", r.stratified.weighted.f1},
            {"balanced_accuracy", r.stratified.balanced_accuracy},
            {"kappa", r.stratified.kappa}}}};
}

json render::ScoresJson(const ScoreFigures& sf) {
  json bins = json::array();
  for (const auto& b : sf.calibration) {
    bins.push_back({{"low", b.low},
                    {"high", b.high},
                    {"rows", b.rows},
                    {"positives", b.positives},
                    {"mean_score", b.mean_score},
                    {"observed", b.observed}});
  }
  return {{"rows", sf.rows},
          {"roc_auc", sf.roc_auc ? json(*sf.roc_auc) : json(nullptr)},
          {"average_precision", sf.average_precision},
          {"calibration", bins}};
}

std::string ReportToJson(const Report& r) {
  json j;
  j["ruleset"] = {
      {"name", r.ruleset_name}, {"version", r.ruleset_version}, {"sha256", r.ruleset_sha256}};
  j["data"] = {{"path", r.data_path},
               {"rows", r.rows},
               {"labeled_rows", r.labeled_rows},
               {"excluded_rows", r.missing_label + r.unknown_label},
               {"missing_label", r.missing_label},
               {"unknown_label", r.unknown_label},
               {"unknown_label_values", r.unknown_label_values},
               {"bad_rows", r.bad_rows},
               {"bad_cells", r.bad_cells}};
  j["classes"] = r.classes;
  j["metrics"] = MetricsJson(r, r.metrics);
  if (r.covered) j["metrics"]["covered"] = MetricsJson(r, *r.covered);
  std::vector<std::string> predicted = r.classes;
  if (r.can_abstain) predicted.push_back("abstain");
  j["confusion_matrix"] = {
      {"labels", r.classes}, {"predicted_labels", predicted}, {"matrix", r.confusion}};
  j["baselines"] = render::BaselinesJson(r);
  json intervals = {{"resamples", r.bootstrap_resamples},
                    {"seed", r.bootstrap_seed},
                    {"small_sample", r.small_sample}};
  if (r.bootstrap_resamples > 0) {
    intervals["accuracy"] = IntervalJson(r.accuracy_ci);
    intervals["macro_f1"] = IntervalJson(r.macro_f1_ci);
    json pc = json::object();
    for (size_t i = 0; i < r.classes.size() && i < r.precision_ci.size(); ++i) {
      pc[r.classes[i]] = {{"precision", IntervalJson(r.precision_ci[i])},
                          {"recall", IntervalJson(r.recall_ci[i])}};
    }
    intervals["per_class"] = pc;
  }
  j["intervals"] = intervals;
  json rules = json::array();
  for (const auto& f : r.rules) {
    rules.push_back({{"name", f.name},
                     {"predict", f.predict},
                     {"when", f.when},
                     {"enabled", f.enabled},
                     {"fires", f.fires},
                     {"wins", f.wins},
                     {"coverage", f.coverage},
                     {"correct", f.correct},
                     {"incorrect", f.incorrect},
                     {"precision", f.precision},
                     {"overlaps", f.overlaps},
                     {"conflicts", f.conflicts},
                     {"errors", f.errors},
                     {"shadowed", f.shadowed}});
    if (r.policy) {
      rules.back()["polarity"] = f.polarity;
      rules.back()["weight"] = f.weight;
      rules.back()["estimated_accuracy"] =
          f.estimated_accuracy ? json(*f.estimated_accuracy) : json(nullptr);
    }
  }
  j["rules"] = rules;
  j["default"] = {{"rows", r.default_rows},
                  {"correct", r.default_correct},
                  {"abstains", !r.default_predicts_class}};
  json slices = json::object();
  for (const auto& s : r.slices) {
    slices[s.key] = {{"rows", s.rows},
                     {"accuracy", s.accuracy},
                     {"macro_f1", s.macro_f1},
                     {"coverage", s.coverage}};
  }
  j["slices"] = slices;
  if (r.shadow) {
    j["shadow"] = {{"column", r.shadow->column},
                   {"rows", r.shadow->rows},
                   {"unrecognized", r.shadow->unrecognized},
                   {"agreement", r.shadow->agreement},
                   {"rules_accuracy", r.shadow->rules_accuracy},
                   {"shadow_accuracy", r.shadow->shadow_accuracy}};
  }
  if (r.policy) {
    const PolicyFigures& p = *r.policy;
    std::vector<std::string> predicted_mv = r.classes;
    predicted_mv.push_back("abstain");
    json policy = {{"name", p.policy},
                   {"tie_break", p.tie_break},
                   {"no_vote_rows", p.no_vote},
                   {"tied_rows", p.ties},
                   {"majority_vote",
                    {{"metrics", MetricsJson(r, p.majority_vote)},
                     {"covered", MetricsJson(r, p.majority_vote_covered)},
                     {"confusion_matrix",
                      {{"labels", r.classes},
                       {"predicted_labels", predicted_mv},
                       {"matrix", p.majority_vote_confusion}}}}},
                   {"conflict_matrix", {{"rules", p.voters}, {"matrix", p.conflict_matrix}}}};
    if (p.label_model) {
      json balance = json::object();
      for (size_t c = 0; c < r.classes.size() && c < p.class_balance.size(); ++c)
        balance[r.classes[c]] = p.class_balance[c];
      policy["label_model"] = {{"converged", p.converged},
                               {"iterations", p.iterations},
                               {"log_likelihood", p.log_likelihood},
                               {"class_balance", balance}};
    }
    j["policy"] = policy;
  }
  if (r.scores) j["scores"] = render::ScoresJson(*r.scores);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string ReportToText(const Report& r, bool color) {
  Sections s = BuildSections(r);
  const std::string bold = color ? "\033[1m" : "", off = color ? "\033[0m" : "";
  std::string out;
  for (const auto& line : s.summary) out += line + "\n";
  out += "\n" + bold + "Headline (rules vs naive baselines)" + off + "\n";
  out += Table(s.headline, {false, true, true, true, true, true});
  out += "\n" + bold + "Per class" + off + "\n" +
         Table(s.per_class, {false, true, true, true, true, true, true});
  out += "\n" + bold + "Confusion matrix (rows: actual, columns: predicted)" + off + "\n";
  out += Table(s.confusion, std::vector<bool>(s.confusion[0].size(), true));
  out += "\n" + bold + "Rules (coverage, overlaps, conflicts: share of labeled rows)" + off + "\n";
  out += Table(s.rules, r.policy ? std::vector<bool>{false, false, true, true, true, true, true,
                                                     true, true, true, true, true, false}
                                 : std::vector<bool>{false, false, true, true, true, true, true,
                                                     true, true, true, true, false});
  if (!s.slices.empty())
    out += "\n" + bold + "Slices (worst first)" + off + "\n" +
           Table(s.slices, {false, true, true, true, true});
  if (r.policy) {
    out += "\n" + bold + "Policy beside plain majority vote" + off + "\n";
    for (const auto& line : s.policy_summary) out += "  " + line + "\n";
    out += Table(s.versus_vote, {false, true, true, true, true});
    if (!s.conflicts.empty()) {
      out += "\n" + bold + "Pairwise conflicts (rows where both rules vote, differently)" + off +
             "\n" + Table(s.conflicts, std::vector<bool>(s.conflicts[0].size(), true));
    }
  }
  if (r.scores) {
    out += "\n" + bold + "Scores (rule confidences as the probability of the positive class)" +
           off + "\n  " + s.scores_summary + "\n";
    out += Table(s.calibration, {false, true, true, true, true});
  }
  return out;
}

std::string ReportToMarkdown(const Report& r) {
  Sections s = BuildSections(r);
  std::string out = fmt::format("# Evaluation of `{}`\n\n", r.ruleset_name);
  for (const auto& line : s.summary) out += "    " + line + "\n";
  out += "\n## Headline\n\n" + MarkdownTable(s.headline);
  out += "\n## Per class\n\n" + MarkdownTable(s.per_class);
  out += "\n## Confusion matrix\n\nRows are actual classes, columns predicted.\n\n" +
         MarkdownTable(s.confusion);
  out += "\n## Rules\n\n" + MarkdownTable(s.rules);
  if (!s.slices.empty()) out += "\n## Slices\n\n" + MarkdownTable(s.slices);
  if (r.policy) {
    out += "\n## Policy beside plain majority vote\n\n";
    for (const auto& line : s.policy_summary) out += "    " + line + "\n";
    out += "\n" + MarkdownTable(s.versus_vote);
    if (!s.conflicts.empty()) out += "\n## Pairwise conflicts\n\n" + MarkdownTable(s.conflicts);
  }
  if (r.scores) {
    out += "\n## Scores\n\n" + s.scores_summary + ".\n\n" + MarkdownTable(s.calibration);
  }
  return out;
}

std::vector<std::string> ReportMetricNames() {
  return {"accuracy",
          "balanced_accuracy",
          "kappa",
          "coverage",
          "macro_precision",
          "macro_recall",
          "macro_f1",
          "weighted_f1",
          "precision",
          "recall",
          "f1",
          "roc_auc",
          "average_precision"};
}

std::optional<double> ReportMetric(const Report& r, const std::string& name) {
  const MetricFigures& m = r.metrics;
  if (name == "accuracy") return m.accuracy;
  if (name == "balanced_accuracy") return m.balanced_accuracy;
  if (name == "kappa") return m.kappa;
  if (name == "coverage") return m.coverage;
  if (name == "macro_precision") return m.macro.precision;
  if (name == "macro_recall") return m.macro.recall;
  if (name == "macro_f1") return m.macro.f1;
  if (name == "weighted_f1") return m.weighted.f1;
  if (r.positive_class >= 0 && static_cast<size_t>(r.positive_class) < m.per_class.size()) {
    const ClassFigures& p = m.per_class[r.positive_class];
    if (name == "precision") return p.precision;
    if (name == "recall") return p.recall;
    if (name == "f1") return p.f1;
  }
  if (r.scores && name == "roc_auc") return r.scores->roc_auc;
  if (r.scores && name == "average_precision") return r.scores->average_precision;
  return std::nullopt;
}

}  // namespace hunch
