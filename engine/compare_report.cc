// Renderings of a Comparison: JSON (docs/compare.md), aligned text and Markdown. The sections
// shared with `hunch diff` (metric differences, who is right) are built by the same functions.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "engine/compare_render.h"
#include "engine/render.h"
#include "hunch/compare.h"

namespace hunch {

using nlohmann::json;
using render::MarkdownTable;
using render::Pct;
using render::Table;

namespace {

std::string WinnerName(const Comparison& c, Winner w) {
  switch (w) {
    case Winner::kA:
      return c.a_name;
    case Winner::kB:
      return c.b_name;
    case Winner::kNeither:
      return "neither";
    case Winner::kUndecided:
      break;
  }
  return "undecided";
}

std::string Signed(double x) { return fmt::format("{:+.4f}", std::abs(x) < 5e-5 ? 0.0 : x); }

std::string IntervalText(const MetricDelta& d) {
  return d.interval ? fmt::format("[{}, {}]", Signed(d.interval->low), Signed(d.interval->high))
                    : "-";
}

// Who is significantly better on this figure, if anyone.
std::string Better(const Comparison& c, const MetricDelta& d) {
  if (!d.interval) return "";
  if (d.interval->low > 0) return c.b_name + " better";
  if (d.interval->high < 0) return c.a_name + " better";
  return "";
}

std::vector<std::string> DeltaCells(const Comparison& c, const MetricDelta& d) {
  return {Pct(d.a), Pct(d.b), Signed(d.difference), IntervalText(d), Better(c, d)};
}

std::string ScoreLine(const std::string& name, const ScoreFigures& s) {
  return fmt::format("{}: ROC AUC {}, average precision {}", name,
                     s.roc_auc ? Pct(*s.roc_auc) : std::string("-"), Pct(s.average_precision));
}

}  // namespace

namespace render {

json DeltaJson(const MetricDelta& d, const Comparison& c) {
  json j = {{c.a_name, d.a}, {c.b_name, d.b}, {"difference", d.difference}};
  j["interval"] = d.interval ? json::array({d.interval->low, d.interval->high}) : json(nullptr);
  j["significant"] = d.interval && (d.interval->low > 0 || d.interval->high < 0);
  return j;
}

json ComparisonCoreJson(const Comparison& c) {
  json j;
  j["systems"] = {c.a_name, c.b_name};
  j["classes"] = c.classes;
  j["positive"] = c.positive_class >= 0 ? json(c.classes[c.positive_class]) : json(nullptr);
  j["rows"] = c.rows;
  j["bootstrap"] = {{"resamples", c.bootstrap_resamples}, {"seed", c.seed}, {"level", 0.95}};
  json metrics = json::object();
  for (const auto& m : c.metrics) metrics[m.name] = DeltaJson(m, c);
  j["metrics"] = metrics;
  json per_class = json::object();
  for (const auto& pc : c.per_class) {
    per_class[pc.class_name] = {{"support", pc.support},
                                {"precision", DeltaJson(pc.precision, c)},
                                {"recall", DeltaJson(pc.recall, c)},
                                {"f1", DeltaJson(pc.f1, c)}};
  }
  j["per_class"] = per_class;
  std::vector<std::string> predicted = c.classes;
  if (c.can_abstain) predicted.push_back("abstain");
  j["confusion_matrix"] = {{"labels", c.classes},
                           {"predicted_labels", predicted},
                           {c.a_name, c.a_confusion},
                           {c.b_name, c.b_confusion}};
  j["contingency"] = {{"both_right", c.contingency.both_right},
                      {"only_" + c.a_name + "_right", c.contingency.only_a},
                      {"only_" + c.b_name + "_right", c.contingency.only_b},
                      {"both_wrong", c.contingency.both_wrong},
                      {"mcnemar_exact_p", c.contingency.mcnemar_p}};
  json slices = json::object();
  for (const auto& s : c.slices) {
    slices[s.key] = {{"rows", s.rows},
                     {"accuracy", DeltaJson(s.accuracy, c)},
                     {"macro_f1", DeltaJson(s.macro_f1, c)}};
  }
  j["slices"] = slices;
  json scores = json::object();
  if (c.a_scores) scores[c.a_name] = ScoresJson(*c.a_scores);
  if (c.b_scores) scores[c.b_name] = ScoresJson(*c.b_scores);
  j["scores"] = scores;
  // The naive baselines of the rows (they depend on the labels only), as in the eval report.
  j["baselines"] = render::BaselinesJson(c.a_report);
  j["verdict"] = {
      {"metric", c.verdict_metric}, {"winner", WinnerName(c, c.winner)}, {"text", c.verdict}};
  return j;
}

CompareSections BuildCompareSections(const Comparison& c) {
  CompareSections s;
  s.metrics.push_back({"metric", c.a_name, c.b_name, "difference", "95% CI", ""});
  for (const auto& m : c.metrics) {
    std::vector<std::string> line = {m.name};
    for (auto& cell : DeltaCells(c, m)) line.push_back(cell);
    s.metrics.push_back(line);
  }
  s.contingency.push_back({"", c.b_name + " right", c.b_name + " wrong"});
  s.contingency.push_back({c.a_name + " right", std::to_string(c.contingency.both_right),
                           std::to_string(c.contingency.only_a)});
  s.contingency.push_back({c.a_name + " wrong", std::to_string(c.contingency.only_b),
                           std::to_string(c.contingency.both_wrong)});
  const int64_t discordant = c.contingency.only_a + c.contingency.only_b;
  s.mcnemar = fmt::format(
      "McNemar's exact test on the {} rows where exactly one is right ({} only {}, {} only {}): "
      "p = {}",
      discordant, c.contingency.only_a, c.a_name, c.contingency.only_b, c.b_name,
      c.contingency.mcnemar_p >= 0.001 ? fmt::format("{:.4f}", c.contingency.mcnemar_p)
                                       : fmt::format("{:.1e}", c.contingency.mcnemar_p));
  s.per_class.push_back(
      {"class", "support", "metric", c.a_name, c.b_name, "difference", "95% CI", ""});
  for (const auto& pc : c.per_class) {
    const std::pair<const char*, const MetricDelta*> rows[] = {
        {"precision", &pc.precision}, {"recall", &pc.recall}, {"F1", &pc.f1}};
    bool first = true;
    for (const auto& [name, d] : rows) {
      std::vector<std::string> line = {first ? pc.class_name : "",
                                       first ? std::to_string(pc.support) : "", name};
      for (auto& cell : DeltaCells(c, *d)) line.push_back(cell);
      s.per_class.push_back(line);
      first = false;
    }
  }
  auto confusion = [&](const std::vector<std::vector<int64_t>>& m) {
    std::vector<std::vector<std::string>> t;
    std::vector<std::string> head = {"actual \\ predicted"};
    for (const auto& name : c.classes) head.push_back(name);
    if (c.can_abstain) head.push_back("abstain");
    t.push_back(head);
    for (size_t a = 0; a < m.size(); ++a) {
      std::vector<std::string> line = {c.classes[a]};
      for (int64_t v : m[a]) line.push_back(std::to_string(v));
      t.push_back(line);
    }
    return t;
  };
  s.a_confusion = confusion(c.a_confusion);
  s.b_confusion = confusion(c.b_confusion);
  if (!c.slices.empty()) {
    s.slices.push_back({"slice", "rows", "accuracy " + c.a_name, c.b_name, "difference", "95% CI",
                        "macro F1 " + c.a_name, c.b_name, "difference", "95% CI"});
    for (const auto& sl : c.slices) {
      s.slices.push_back({sl.key, std::to_string(sl.rows), Pct(sl.accuracy.a), Pct(sl.accuracy.b),
                          Signed(sl.accuracy.difference), IntervalText(sl.accuracy),
                          Pct(sl.macro_f1.a), Pct(sl.macro_f1.b), Signed(sl.macro_f1.difference),
                          IntervalText(sl.macro_f1)});
    }
  }
  if (c.a_scores) s.score_lines.push_back(ScoreLine(c.a_name, *c.a_scores));
  if (c.b_scores) s.score_lines.push_back(ScoreLine(c.b_name, *c.b_scores));
  if (c.a_scores || c.b_scores) {
    std::vector<std::string> head = {"score bin"};
    std::vector<const ScoreFigures*> systems;
    std::vector<std::string> names;
    if (c.a_scores && !c.a_scores->calibration.empty()) {
      systems.push_back(&*c.a_scores);
      names.push_back(c.a_name);
    }
    if (c.b_scores && !c.b_scores->calibration.empty()) {
      systems.push_back(&*c.b_scores);
      names.push_back(c.b_name);
    }
    for (const auto& name : names) {
      head.push_back(name + " rows");
      head.push_back("mean score");
      head.push_back("observed");
    }
    if (!systems.empty()) {
      s.calibration.push_back(head);
      for (int b = 0; b < 10; ++b) {
        std::vector<std::string> line = {fmt::format("{:.1f}-{:.1f}", b / 10.0, (b + 1) / 10.0)};
        bool any = false;
        for (const ScoreFigures* sf : systems) {
          const CalibrationBin* bin = nullptr;
          for (const auto& x : sf->calibration) {
            if (std::abs(x.low - b / 10.0) < 1e-9) bin = &x;
          }
          line.push_back(bin ? std::to_string(bin->rows) : "0");
          line.push_back(bin ? Pct(bin->mean_score) : "-");
          line.push_back(bin ? Pct(bin->observed) : "-");
          any = any || bin != nullptr;
        }
        if (any) s.calibration.push_back(line);
      }
    }
  }
  return s;
}

std::string CompareSectionsToText(const Comparison& c, const CompareSections& s, bool color) {
  const std::string bold = color ? "\033[1m" : "", off = color ? "\033[0m" : "";
  std::string out;
  out += "\n" + bold + fmt::format("Metrics (difference = {} - {})", c.b_name, c.a_name) + off +
         "\n" + Table(s.metrics, {false, true, true, true, true, false});
  out += "\n" + bold + "Who is right (labeled rows)" + off + "\n" +
         Table(s.contingency, {false, true, true}) + "  " + s.mcnemar + "\n";
  out += "\n" + bold + "Per class" + off + "\n" +
         Table(s.per_class, {false, true, false, true, true, true, true, false});
  out += "\n" + bold + fmt::format("Confusion matrix of {} (rows: actual)", c.a_name) + off + "\n" +
         Table(s.a_confusion, std::vector<bool>(s.a_confusion[0].size(), true));
  out += "\n" + bold + fmt::format("Confusion matrix of {} (rows: actual)", c.b_name) + off + "\n" +
         Table(s.b_confusion, std::vector<bool>(s.b_confusion[0].size(), true));
  if (!s.slices.empty()) {
    out += "\n" + bold + "Slices" + off + "\n" +
           Table(s.slices, {false, true, true, true, true, true, true, true, true, true});
  }
  if (!s.score_lines.empty()) {
    out += "\n" + bold + "Scores (probability of the positive class)" + off + "\n";
    for (const auto& line : s.score_lines) out += "  " + line + "\n";
    if (!s.calibration.empty())
      out += Table(s.calibration, std::vector<bool>(s.calibration[0].size(), true));
  }
  return out;
}

std::string CompareSectionsToMarkdown(const Comparison& c, const CompareSections& s) {
  std::string out;
  out += fmt::format("\n## Metrics\n\nDifference = {} - {}.\n\n", c.b_name, c.a_name) +
         MarkdownTable(s.metrics);
  out += "\n## Who is right\n\n" + MarkdownTable(s.contingency) + "\n" + s.mcnemar + ".\n";
  out += "\n## Per class\n\n" + MarkdownTable(s.per_class);
  out += fmt::format("\n## Confusion matrix of {}\n\n", c.a_name) + MarkdownTable(s.a_confusion);
  out += fmt::format("\n## Confusion matrix of {}\n\n", c.b_name) + MarkdownTable(s.b_confusion);
  if (!s.slices.empty()) out += "\n## Slices\n\n" + MarkdownTable(s.slices);
  if (!s.score_lines.empty()) {
    out += "\n## Scores\n\n";
    for (const auto& line : s.score_lines) out += "- " + line + "\n";
    if (!s.calibration.empty()) out += "\n" + MarkdownTable(s.calibration);
  }
  return out;
}

}  // namespace render

namespace {

std::vector<std::string> CompareSummary(const Comparison& c) {
  const Report& r = c.a_report;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("rules     {} (version {}, sha256 {})", r.ruleset_name,
                              r.ruleset_version.empty() ? "-" : r.ruleset_version,
                              r.ruleset_sha256.substr(0, 12)));
  if (c.predictions) {
    const PredictionSource& p = *c.predictions;
    lines.push_back(fmt::format(
        "model     {}: column '{}'{}, joined {} ({} predictions{}{})", p.path, p.prediction_column,
        p.score_column.empty() ? "" : fmt::format(", scores '{}'", p.score_column),
        p.id_column.empty() ? "by row order" : fmt::format("on '{}'", p.id_column), p.rows,
        p.abstained > 0 ? fmt::format(", {} empty: abstain", p.abstained) : "",
        p.unmatched > 0 ? fmt::format(", {} on no labeled row", p.unmatched) : ""));
  }
  lines.push_back(fmt::format("data      {}: {} rows, {} labeled and compared, {} excluded",
                              r.data_path, r.rows, c.rows, r.missing_label + r.unknown_label));
  if (c.baseline) {
    lines.push_back(
        c.baseline->same_data
            ? fmt::format("baseline  {}: same data (sha256 {}), same rule set", c.baseline->path,
                          c.baseline->data_sha256.substr(0, 12))
            : fmt::format("baseline  {}: DIFFERENT data (sha256 {}, baseline {}), allowed by "
                          "--allow-different-data",
                          c.baseline->path, c.baseline->data_sha256.substr(0, 12),
                          c.baseline->baseline_sha256.substr(0, 12)));
  }
  if (c.bootstrap_resamples > 0) {
    lines.push_back(fmt::format("intervals 95% paired bootstrap of {} - {}, {} resamples, seed {}",
                                c.b_name, c.a_name, c.bootstrap_resamples, c.seed));
  }
  return lines;
}

}  // namespace

std::string ComparisonToJson(const Comparison& c) {
  json j = render::ComparisonCoreJson(c);
  const Report& r = c.a_report;
  json out;
  out["rules"] = {
      {"name", r.ruleset_name}, {"version", r.ruleset_version}, {"sha256", r.ruleset_sha256}};
  if (c.predictions) {
    const PredictionSource& p = *c.predictions;
    out["predictions"] = {
        {"path", p.path},
        {"prediction_column", p.prediction_column},
        {"score_column", p.score_column.empty() ? json(nullptr) : json(p.score_column)},
        {"id_column", p.id_column.empty() ? json(nullptr) : json(p.id_column)},
        {"rows", p.rows},
        {"abstained", p.abstained},
        {"unmatched", p.unmatched}};
  }
  out["data"] = {{"path", r.data_path},
                 {"rows", r.rows},
                 {"labeled_rows", r.labeled_rows},
                 {"excluded_rows", r.missing_label + r.unknown_label}};
  if (c.baseline) {
    out["baseline"] = {{"path", c.baseline->path},
                       {"same_data", c.baseline->same_data},
                       {"data_sha256", c.baseline->data_sha256},
                       {"baseline_data_sha256", c.baseline->baseline_sha256},
                       {"baseline_rows", c.baseline->baseline_rows}};
  }
  out.update(j);
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string ComparisonToText(const Comparison& c, bool color) {
  const std::string bold = color ? "\033[1m" : "", off = color ? "\033[0m" : "";
  std::string out;
  for (const auto& line : CompareSummary(c)) out += line + "\n";
  out += "\n" + bold + "Verdict: " + c.verdict + off + "\n";
  out += render::CompareSectionsToText(c, render::BuildCompareSections(c), color);
  return out;
}

std::string ComparisonToMarkdown(const Comparison& c) {
  std::string out =
      fmt::format("# Comparison of `{}` with `{}`\n\n", c.a_report.ruleset_name, c.b_description);
  for (const auto& line : CompareSummary(c)) out += "    " + line + "\n";
  out += "\n**Verdict:** " + c.verdict + "\n";
  out += render::CompareSectionsToMarkdown(c, render::BuildCompareSections(c));
  return out;
}

}  // namespace hunch
