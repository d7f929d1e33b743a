// ReportToHtml: the eval report as one page a team can share. Numbers carry `data-json` pointers
// to the same figure in the JSON report, which the browser test (tests/e2e/html_report_browser.py)
// compares; every string from the rule file or the data goes through html::Escape.
#include <fmt/format.h>

#include <algorithm>

#include "engine/html.h"
#include "hunch/report.h"

namespace hunch {
namespace {

using html::Cell;
using html::Escape;
using html::Figure;
using html::Fixed;
using html::Pointer;
using html::Style;

// A string figure tied to the JSON report, like html::Figure for numbers.
std::string Text(const std::string& value, const std::string& pointer) {
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(pointer), Escape(value));
}

std::string Interval95(const Report& r, const Interval& i, const std::string& pointer) {
  if (r.bootstrap_resamples <= 0) return "";
  return "<span class=\"ci\">[" + Figure(i.low, pointer + "/0") + ", " +
         Figure(i.high, pointer + "/1") + "]</span>";
}

std::string Card(const std::string& name, const std::string& value_html,
                 const std::string& more_html) {
  return "<div class=\"card\"><div class=\"name\">" + Escape(name) + "</div><div class=\"value\">" +
         value_html + "</div>" +
         (more_html.empty() ? "" : "<div class=\"more\">" + more_html + "</div>") + "</div>\n";
}

// A string figure whose long identifiers may break after underscores (rule names at phone width).
std::string BreakableText(const std::string& value, const std::string& pointer) {
  std::string escaped = Escape(value), out;
  for (char c : escaped) out += c == '_' ? std::string("_<wbr>") : std::string(1, c);
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(pointer), out);
}

// A bar and its printed figure, kept on one line.
std::string Meter(double share, Style style, const std::string& figure_html) {
  return "<span class=\"meter\">" + html::InlineBar(share, style) + figure_html + "</span>";
}

std::string Flag(const std::string& text) {
  return "<span class=\"flag\">" + Escape(text) + "</span>";
}

std::string Header(const Report& r) {
  const MetricFigures& m = r.metrics;
  std::string out =
      "<header>\n<h1>Evaluation of " + Text(r.ruleset_name, "/ruleset/name") + "</h1>\n";
  out += "<p class=\"lede\">Rule set version " +
         (r.ruleset_version.empty() ? std::string("(none)")
                                    : Text(r.ruleset_version, "/ruleset/version")) +
         " on " + Text(r.data_path, "/data/path") + ": " +
         Figure(r.labeled_rows, "/data/labeled_rows") + " labeled rows of " +
         Figure(r.rows, "/data/rows") + " read.</p>\n";

  out += "<div class=\"cards\">\n";
  out += Card("Accuracy", Figure(m.accuracy, "/metrics/accuracy"),
              r.bootstrap_resamples > 0
                  ? "95% interval " + Interval95(r, r.accuracy_ci, "/intervals/accuracy")
                  : "");
  out += Card("Macro F1", Figure(m.macro.f1, "/metrics/macro/f1"),
              r.bootstrap_resamples > 0
                  ? "95% interval " + Interval95(r, r.macro_f1_ci, "/intervals/macro_f1")
                  : "");
  if (r.positive_class >= 0 && static_cast<size_t>(r.positive_class) < m.per_class.size()) {
    const ClassFigures& p = m.per_class[r.positive_class];
    out += Card("Positive class " + r.classes[r.positive_class],
                "F1 " + Figure(p.f1, "/metrics/positive/f1"),
                "precision " + Figure(p.precision, "/metrics/positive/precision") + ", recall " +
                    Figure(p.recall, "/metrics/positive/recall"));
  }
  out += Card("Coverage", Figure(m.coverage, "/metrics/coverage"),
              "share of rows given a class rather than abstain");
  out += "</div>\n";

  // The one sentence a reader needs first: do the rules beat guessing?
  auto compare = [](double rules, double baseline) {
    const double d = rules - baseline;
    if (std::abs(d) < 5e-5) return std::string("equal to");
    return fmt::format("{} {} than", Fixed(std::abs(d)), d > 0 ? "higher" : "lower");
  };
  out += "<p class=\"verdict\">Accuracy is " + compare(m.accuracy, r.majority.accuracy) +
         " always predicting the majority class &#8220;" + Escape(r.majority_class) + "&#8221; (" +
         Fixed(r.majority.accuracy) + "); macro F1 is " +
         compare(m.macro.f1, std::max(r.majority.macro.f1, r.stratified.macro.f1)) +
         " the better naive baseline (" +
         Fixed(std::max(r.majority.macro.f1, r.stratified.macro.f1)) + ").</p>\n";

  std::vector<std::string> notes;
  if (r.missing_label + r.unknown_label > 0) {
    std::string note =
        fmt::format("{} rows excluded from the figures: label missing in {}, not a class in {}.",
                    r.missing_label + r.unknown_label, r.missing_label, r.unknown_label);
    if (!r.unknown_label_values.empty()) {
      note += " Label values that are not classes:";
      for (const auto& [value, n] : r.unknown_label_values)
        note += fmt::format(" \u201c{}\u201d \u00d7{}", value, n);
      note += ".";
    }
    notes.push_back(Escape(note));
  }
  if (r.bad_rows > 0)
    notes.push_back(Escape(fmt::format("{} malformed rows skipped.", r.bad_rows)));
  for (const auto& [column, n] : r.bad_cells) {
    notes.push_back(Escape(fmt::format(
        "Column \u201c{}\u201d: {} cells did not parse as its type (treated as unknown).", column,
        n)));
  }
  if (r.small_sample)
    notes.push_back(Flag("Small sample") + " the confidence intervals are rough.");
  if (!notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& n : notes) out += "<li>" + n + "</li>\n";
    out += "</ul>\n";
  }
  return out + "</header>\n";
}

std::string Headline(const Report& r) {
  const MetricFigures& m = r.metrics;
  std::vector<html::Series> series = {
      {"rules", Style::kSolid}, {"majority", Style::kHatched}, {"stratified", Style::kDotted}};
  std::optional<Interval> acc_ci, f1_ci;
  if (r.bootstrap_resamples > 0) acc_ci = r.accuracy_ci, f1_ci = r.macro_f1_ci;
  std::vector<html::BarGroup> groups = {
      {"accuracy", {m.accuracy, r.majority.accuracy, r.stratified.accuracy}, {acc_ci}},
      {"balanced accuracy",
       {m.balanced_accuracy, r.majority.balanced_accuracy, r.stratified.balanced_accuracy},
       {}},
      {"Cohen's kappa", {m.kappa, r.majority.kappa, r.stratified.kappa}, {}},
      {"macro F1", {m.macro.f1, r.majority.macro.f1, r.stratified.macro.f1}, {f1_ci}},
      {"weighted F1", {m.weighted.f1, r.majority.weighted.f1, r.stratified.weighted.f1}, {}},
  };
  std::string chart =
      html::BarChart("Headline figures of the rules beside the naive baselines", series, groups);

  std::vector<std::string> headers = {"metric", "rules", "95% interval", "majority", "stratified"};
  std::vector<bool> numeric = {false, true, true, true, true, true};
  if (r.covered) headers.push_back("covered rows");
  std::vector<std::vector<Cell>> rows;
  auto add = [&](const std::string& name, const std::string& key, double v,
                 const std::string& interval, const std::string& baseline_key, double maj,
                 double strat, std::optional<double> covered) {
    std::vector<Cell> row = {
        {Escape(name)},
        {Figure(v, "/metrics/" + key)},
        {interval},
        {baseline_key.empty() ? Fixed(maj) : Figure(maj, "/baselines/majority/" + baseline_key)},
        {baseline_key.empty() ? Fixed(strat)
                              : Figure(strat, "/baselines/stratified/" + baseline_key)}};
    if (r.covered) row.push_back({covered ? Figure(*covered, "/metrics/covered/" + key) : ""});
    rows.push_back(row);
  };
  auto cov = [&](double MetricFigures::*field) -> std::optional<double> {
    return r.covered ? std::optional<double>((*r.covered).*field) : std::nullopt;
  };
  add("accuracy", "accuracy", m.accuracy, Interval95(r, r.accuracy_ci, "/intervals/accuracy"),
      "accuracy", r.majority.accuracy, r.stratified.accuracy, cov(&MetricFigures::accuracy));
  add("balanced accuracy", "balanced_accuracy", m.balanced_accuracy, "", "balanced_accuracy",
      r.majority.balanced_accuracy, r.stratified.balanced_accuracy,
      cov(&MetricFigures::balanced_accuracy));
  add("Cohen's kappa", "kappa", m.kappa, "", "kappa", r.majority.kappa, r.stratified.kappa,
      cov(&MetricFigures::kappa));
  add("macro F1", "macro/f1", m.macro.f1, Interval95(r, r.macro_f1_ci, "/intervals/macro_f1"),
      "macro_f1", r.majority.macro.f1, r.stratified.macro.f1,
      r.covered ? std::optional<double>(r.covered->macro.f1) : std::nullopt);
  add("weighted F1", "weighted/f1", m.weighted.f1, "", "weighted_f1", r.majority.weighted.f1,
      r.stratified.weighted.f1,
      r.covered ? std::optional<double>(r.covered->weighted.f1) : std::nullopt);
  add("coverage", "coverage", m.coverage, "", "", 1.0, 1.0, cov(&MetricFigures::coverage));

  std::string intro =
      "The rules against two naive baselines: always predicting the majority class, and guessing "
      "at random in proportion to the classes (stratified). Error bars are 95% bootstrap "
      "intervals.";
  if (r.bootstrap_resamples > 0) {
    intro += fmt::format(" {} resamples, seed {}.", r.bootstrap_resamples, r.bootstrap_seed);
  } else {
    intro += " Intervals were turned off (--bootstrap 0).";
  }
  if (r.covered)
    intro += " The rules can abstain: the last column scores only the rows they decided.";
  std::string content = chart + html::Table("Headline figures", headers, numeric, rows);
  if (r.shadow) {
    const ShadowFigures& s = *r.shadow;
    std::vector<std::vector<Cell>> shadow_rows = {
        {{"rows compared"}, {Figure(s.rows, "/shadow/rows")}},
        {{"agreement with the rules"}, {Figure(s.agreement, "/shadow/agreement")}},
        {{"accuracy of the rules"}, {Figure(s.rules_accuracy, "/shadow/rules_accuracy")}},
        {{"accuracy of the existing system"},
         {Figure(s.shadow_accuracy, "/shadow/shadow_accuracy")}},
        {{"decisions not a class (not scored)"}, {Figure(s.unrecognized, "/shadow/unrecognized")}}};
    content += html::Table("Beside the existing system in column \u201c" + s.column + "\u201d",
                           {"figure", "value"}, {false, true}, shadow_rows);
  }
  return html::Section("headline", "Headline: rules vs naive baselines", intro, content);
}

std::string PerClass(const Report& r) {
  const MetricFigures& m = r.metrics;
  std::vector<std::vector<Cell>> rows;
  for (size_t i = 0; i < r.classes.size() && i < m.per_class.size(); ++i) {
    const ClassFigures& c = m.per_class[i];
    const std::string base = Pointer({"metrics", "per_class", r.classes[i]});
    const std::string ci = Pointer({"intervals", "per_class", r.classes[i]});
    std::string name = Escape(r.classes[i]);
    if (static_cast<int>(i) == r.positive_class) name += " (positive)";
    rows.push_back(
        {{name},
         {Figure(c.precision, base + "/precision")},
         {i < r.precision_ci.size() ? Interval95(r, r.precision_ci[i], ci + "/precision") : ""},
         {Figure(c.recall, base + "/recall")},
         {i < r.recall_ci.size() ? Interval95(r, r.recall_ci[i], ci + "/recall") : ""},
         {Figure(c.f1, base + "/f1")},
         {Figure(c.support, base + "/support")}});
  }
  rows.push_back({{"macro average"},
                  {Figure(m.macro.precision, "/metrics/macro/precision")},
                  {""},
                  {Figure(m.macro.recall, "/metrics/macro/recall")},
                  {""},
                  {Figure(m.macro.f1, "/metrics/macro/f1")},
                  {Figure(m.rows, "/metrics/rows")}});
  rows.push_back({{"weighted average"},
                  {Figure(m.weighted.precision, "/metrics/weighted/precision")},
                  {""},
                  {Figure(m.weighted.recall, "/metrics/weighted/recall")},
                  {""},
                  {Figure(m.weighted.f1, "/metrics/weighted/f1")},
                  {Figure(m.rows, "/metrics/rows")}});
  return html::Section(
      "per-class", "Per class", "",
      html::Table("Precision, recall and F1 of each class",
                  {"class", "precision", "95% interval", "recall", "95% interval", "F1", "support"},
                  {false, true, true, true, true, true, true}, rows));
}

std::string Confusion(const Report& r) {
  std::vector<std::string> predicted = r.classes;
  if (r.can_abstain) predicted.push_back("abstain");
  int64_t correct = 0, total = 0;
  for (size_t a = 0; a < r.confusion.size(); ++a) {
    for (size_t p = 0; p < r.confusion[a].size(); ++p) {
      total += r.confusion[a][p];
      if (a == p) correct += r.confusion[a][p];
    }
  }
  std::string description = fmt::format(
      "Rows are actual classes, columns predicted; each cell prints its count and its share of "
      "the actual class. The outlined diagonal cells, marked with a check, are correct: {} of {} "
      "rows.",
      correct, total);
  return html::Section("confusion", "Confusion matrix", description,
                       html::HeatMap("Confusion matrix", description, r.classes, predicted,
                                     r.confusion, true, "/confusion_matrix/matrix"));
}

std::string Rules(const Report& r) {
  std::vector<std::vector<Cell>> rows;
  for (size_t j = 0; j < r.rules.size(); ++j) {
    const RuleFigures& f = r.rules[j];
    const std::string p = fmt::format("/rules/{}", j);
    std::vector<std::string> flags;
    if (!f.enabled) flags.push_back(Flag("disabled"));
    if (f.shadowed)
      flags.push_back(Flag("shadowed") + " fires, but an earlier rule always decides");
    if (f.enabled && f.fires == 0) flags.push_back(Flag("never fires"));
    if (f.conflicts > 0) {
      flags.push_back(Flag("conflicts") + " another rule votes otherwise on " +
                      Figure(f.conflicts, p + "/conflicts") + " of rows");
    }
    if (f.errors > 0) flags.push_back(Flag("errors") + " condition failed on some rows");
    std::string precision =
        f.fires > 0 && f.correct + f.incorrect > 0
            ? Meter(f.precision, Style::kSolid, Figure(f.precision, p + "/precision")) +
                  " <span class=\"ci\">(" + Figure(f.correct, p + "/correct") + " of " +
                  std::to_string(f.correct + f.incorrect) + ")</span>"
            : "-";
    rows.push_back({{"<code>" + BreakableText(f.name, p + "/name") + "</code>"},
                    {Text(f.predict, p + "/predict")},
                    {Meter(f.coverage, Style::kHatched, Figure(f.coverage, p + "/coverage"))},
                    {precision},
                    {Figure(f.fires, p + "/fires"), true},
                    {Figure(f.wins, p + "/wins"), true},
                    {Figure(f.overlaps, p + "/overlaps"), true},
                    {Figure(f.errors, p + "/errors"), true},
                    {fmt::format("{}", fmt::join(flags, "<br>"))}});
  }
  const double n = static_cast<double>(std::max<int64_t>(1, r.labeled_rows));
  const double default_share = static_cast<double>(r.default_rows) / n;
  std::string default_precision =
      r.default_rows > 0 && r.default_predicts_class
          ? Fixed(static_cast<double>(r.default_correct) / static_cast<double>(r.default_rows)) +
                " <span class=\"ci\">(" + Figure(r.default_correct, "/default/correct") + " of " +
                Figure(r.default_rows, "/default/rows") + ")</span>"
          : "-";
  rows.push_back({{"<em>(no rule fired)</em>"},
                  {r.default_predicts_class ? "default" : "abstain"},
                  {Meter(default_share, Style::kHatched, Fixed(default_share))},
                  {default_precision},
                  {std::to_string(r.default_rows), true},
                  {std::to_string(r.default_rows), true},
                  {""},
                  {""},
                  {""}});
  return html::Section(
      "rules", "Rules",
      "Each rule measured on its own over every labeled row, in file order. Coverage (hatched "
      "bar): share of rows where it fires. Precision (solid bar): share of its fires where its "
      "class is right. Wins: rows it decided as the first rule to fire. Overlaps: share of rows "
      "where another rule fires too.",
      html::Table("Coverage and precision of each rule",
                  {"rule", "predicts", "coverage", "precision", "fires", "wins", "overlaps",
                   "errors", "notes"},
                  {false, false, false, false, true, true, true, true, false}, rows));
}

std::string Slices(const Report& r) {
  if (r.slices.empty()) return "";
  std::vector<SliceFigures> sorted = r.slices;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.accuracy != b.accuracy ? a.accuracy < b.accuracy : a.key < b.key;
  });
  std::vector<std::vector<Cell>> rows;
  for (const auto& s : sorted) {
    const std::string p = Pointer({"slices", s.key});
    rows.push_back({{Escape(s.key)},
                    {Figure(s.rows, p + "/rows"), true},
                    {Meter(s.accuracy, Style::kSolid, Figure(s.accuracy, p + "/accuracy"))},
                    {Figure(s.macro_f1, p + "/macro_f1"), true},
                    {Figure(s.coverage, p + "/coverage"), true}});
  }
  return html::Section(
      "slices", "Slices, worst first",
      "The figures on the rows of each value of a slice column, sorted by accuracy, lowest first.",
      html::Table("Accuracy per slice", {"slice", "rows", "accuracy", "macro F1", "coverage"},
                  {false, true, false, true, true}, rows));
}

// Ranking figures and the calibration table of the rules' scores (docs/report.md#scores).
std::string Scores(const Report& r) {
  if (!r.scores) return "";
  const ScoreFigures& s = *r.scores;
  std::vector<std::vector<Cell>> summary = {
      {{"rows scored"}, {Figure(s.rows, "/scores/rows")}},
      {{"ROC AUC"},
       {s.roc_auc ? Figure(*s.roc_auc, "/scores/roc_auc") : std::string("- (one class only)")}},
      {{"average precision"}, {Figure(s.average_precision, "/scores/average_precision")}}};
  std::vector<std::vector<Cell>> rows;
  for (size_t i = 0; i < s.calibration.size(); ++i) {
    const CalibrationBin& b = s.calibration[i];
    const std::string p = fmt::format("/scores/calibration/{}", i);
    const double gap = b.observed - b.mean_score;
    rows.push_back({{fmt::format("<span class=\"meter\">{:.1f}\u2013{:.1f}</span>", b.low, b.high)},
                    {Figure(b.rows, p + "/rows"), true},
                    {Figure(b.positives, p + "/positives"), true},
                    {Meter(b.mean_score, Style::kDotted, Figure(b.mean_score, p + "/mean_score"))},
                    {Meter(b.observed, Style::kSolid, Figure(b.observed, p + "/observed"))},
                    {(gap > 0 && Fixed(gap) != "0.0000" ? "+" : "") + Fixed(gap), true}});
  }
  std::string content =
      html::Table("Ranking by score", {"figure", "value"}, {false, true}, summary) +
      html::Table(
          "Calibration",
          {"score bin", "rows", "positives", "mean score (dotted)", "observed (solid)", "gap"},
          {false, true, true, false, false, true}, rows);
  return html::Section(
      "scores", "Scores and calibration",
      "The confidence of the rule that decides a row, read as the probability of the positive "
      "class, ranked against the labels. Calibration: the rows of each score bin, their mean "
      "score and the share that is positive; a calibrated score has them equal (gap = observed "
      "\u2212 mean score).",
      content);
}

std::string Conditions(const Report& r) {
  std::vector<std::vector<Cell>> rows;
  for (size_t j = 0; j < r.rules.size(); ++j) {
    const RuleFigures& f = r.rules[j];
    rows.push_back(
        {{"<code>" + BreakableText(f.name, fmt::format("/rules/{}/name", j)) + "</code>"},
         {Escape(f.predict)},
         {"<code class=\"condition\">" + Text(f.when, fmt::format("/rules/{}/when", j)) +
          "</code>"},
         {f.enabled ? "yes" : Flag("disabled")}});
  }
  return html::Section(
      "conditions", "The rules as written",
      "First match decides: the first enabled rule whose condition holds gives the class; when "
      "none "
      "fires, the default does.",
      html::Table("Conditions", {"rule", "predicts", "when", "enabled"}, {}, rows));
}

std::string Footer(const Report& r) {
  std::string out = "<footer>\n<dl>\n";
  auto item = [&](const std::string& term, const std::string& html) {
    out += "<dt>" + Escape(term) + "</dt><dd>" + html + "</dd>\n";
  };
  item("rule set", Text(r.ruleset_name, "/ruleset/name"));
  item("version", r.ruleset_version.empty() ? std::string("(none)")
                                            : Text(r.ruleset_version, "/ruleset/version"));
  item("sha256", "<code>" + Text(r.ruleset_sha256, "/ruleset/sha256") + "</code>");
  item("data", Text(r.data_path, "/data/path"));
  item("rows", Figure(r.rows, "/data/rows") + " read, " +
                   Figure(r.labeled_rows, "/data/labeled_rows") + " labeled, " +
                   std::to_string(r.missing_label + r.unknown_label) + " excluded");
  item("classes", Escape(fmt::format("{}", fmt::join(r.classes, ", "))));
  item("intervals", r.bootstrap_resamples > 0 ? fmt::format("95% bootstrap, {} resamples, seed {}",
                                                            r.bootstrap_resamples, r.bootstrap_seed)
                                              : std::string("off"));
  out +=
      "</dl>\n<p>Written by <code>hunch eval</code>. Definitions of every figure: "
      "docs/report.md.</p>\n</footer>\n";
  return out;
}

}  // namespace

std::string ReportToHtml(const Report& r) {
  std::string body = "<main>\n" + Header(r) + Headline(r) + PerClass(r) + Confusion(r) + Rules(r) +
                     Slices(r) + Scores(r) + Conditions(r) + "</main>\n" + Footer(r);
  return html::Page("hunch eval: " + r.ruleset_name, body);
}

}  // namespace hunch
