// ComparisonToHtml, DiffToHtml and SavedComparisonToHtml: the pages of `hunch compare` and
// `hunch diff`. Both are drawn from the JSON report (the document --format json writes, read back
// with every field checked), so a saved JSON renders to the very same page and every `data-json`
// pointer points into that JSON; the browser test (tests/e2e/html_report_browser.py) checks them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/html.h"
#include "engine/json_node.h"
#include "hunch/compare.h"
#include "hunch/diff.h"

namespace hunch {
namespace {

using html::Cell;
using html::Escape;
using html::Fixed;
using html::Pointer;
using html::Style;
using json_node::FieldError;
using json_node::Node;
using nlohmann::json;

// What every section needs: the document and the two systems' names (A: rules or old, B: model
// or new).
struct Doc {
  Node root;
  std::string a, b;
  bool intervals = false;  // bootstrap resamples > 0
  bool diff = false;
};

// A figure of the JSON printed in the page: integers as they are, reals with four decimals.
std::string Fig(const Node& n) {
  if (n.raw().is_number_integer()) return html::Figure(n.Int(), n.pointer());
  return html::Figure(n.Number(), n.pointer());
}

std::string Str(const Node& n) {
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(n.pointer()), Escape(n.String()));
}

// A string figure whose long identifiers may break after underscores (rule names at phone width).
std::string BreakableStr(const Node& n) {
  std::string out;
  for (char c : Escape(n.String())) out += c == '_' ? std::string("_<wbr>") : std::string(1, c);
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(n.pointer()), out);
}

// A difference with its sign; the "+" stays outside the figure so the figure reads as the JSON.
std::string SignedFig(const Node& n) {
  const std::string text = Fixed(n.Number());
  return (text[0] == '-' || text == "0.0000" ? "" : "+") + Fig(n);
}

std::optional<Interval> ReadInterval(const Node& n) {
  if (n.IsNull()) return std::nullopt;
  if (n.Size() != 2) n.Fail("[low, high] or null");
  return Interval{n[0].Number(), n[1].Number()};
}

std::string IntervalFig(const Node& n) {
  if (n.IsNull()) return "-";
  ReadInterval(n);
  return "<span class=\"ci\">[" + SignedFig(n[0]) + ", " + SignedFig(n[1]) + "]</span>";
}

// Who is significantly better on a compared figure {A, B, difference, interval, significant}.
std::string Better(const Doc& d, const Node& delta) {
  auto ci = ReadInterval(delta["interval"]);
  if (!ci) return "";
  if (ci->low > 0) return "<strong>" + Escape(d.b) + " better</strong>";
  if (ci->high < 0) return "<strong>" + Escape(d.a) + " better</strong>";
  return "<span class=\"same\">no clear difference</span>";
}

std::vector<Cell> DeltaCells(const Doc& d, const Node& delta) {
  return {{Fig(delta[d.a]), true},
          {Fig(delta[d.b]), true},
          {SignedFig(delta["difference"]), true},
          {IntervalFig(delta["interval"]), true},
          {Better(d, delta)}};
}

html::DifferenceRow DiffRow(const std::string& label, const Node& delta) {
  return {label, delta["difference"].Number(), ReadInterval(delta["interval"])};
}

// Metric names in the order the text report prints them, then any others the JSON holds.
std::vector<std::string> MetricOrder(const Node& metrics) {
  std::vector<std::string> order;
  for (const auto& name : ReportMetricNames()) {
    if (metrics.Has(name)) order.push_back(name);
  }
  for (const auto& name : metrics.Keys()) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  return order;
}

std::string MetricLabel(std::string name) {
  if (name == "kappa") return "Cohen's kappa";
  if (name == "roc_auc") return "ROC AUC";
  for (auto& c : name) c = c == '_' ? ' ' : c;
  if (name.size() > 3 && name.substr(name.size() - 3) == " f1")
    name.replace(name.size() - 2, 2, "F1");
  if (name == "f1") name = "F1";
  return name;
}

std::string PValue(double p) {
  return p >= 0.001 ? fmt::format("{:.4f}", p) : fmt::format("{:.1e}", p);
}

std::string Card(const std::string& name, const std::string& value_html,
                 const std::string& more_html) {
  return "<div class=\"card\"><div class=\"name\">" + Escape(name) + "</div><div class=\"value\">" +
         value_html + "</div>" +
         (more_html.empty() ? "" : "<div class=\"more\">" + more_html + "</div>") + "</div>\n";
}

std::string Flag(const std::string& text) {
  return "<span class=\"flag\">" + Escape(text) + "</span>";
}

std::string Version(const Node& ruleset) {
  const std::string v = ruleset["version"].String();
  return v.empty() ? std::string("(none)") : Str(ruleset["version"]);
}

// The verdict, and cards of the verdict's metric and of McNemar's test.
std::string VerdictAndCards(const Doc& d, const std::string& extra_cards) {
  const Node& r = d.root;
  std::string out = "<p class=\"verdict\">Verdict: " + Str(r["verdict"]["text"]) + "</p>\n";
  out += "<div class=\"cards\">\n";
  const std::string metric = r["verdict"]["metric"].String();
  if (r["metrics"].Has(metric)) {
    Node m = r["metrics"][metric];
    out += Card(MetricLabel(metric) + " (the verdict's metric)",
                Fig(m[d.a]) + " &#8594; " + Fig(m[d.b]),
                Escape(d.a) + " &#8594; " + Escape(d.b) + ": " + SignedFig(m["difference"]) +
                    (m["interval"].IsNull() ? "" : ", 95% interval " + IntervalFig(m["interval"])));
  }
  Node ct = r["contingency"];
  const int64_t only_a = ct["only_" + d.a + "_right"].Int(),
                only_b = ct["only_" + d.b + "_right"].Int();
  out += Card("McNemar's exact test", "p = " + PValue(ct["mcnemar_exact_p"].Number()),
              fmt::format("{} rows only {} gets right, {} only {}", only_a, Escape(d.a), only_b,
                          Escape(d.b)));
  out += Card("Rows compared", Fig(r["rows"]), "labeled rows scored for both");
  out += extra_cards;
  return out + "</div>\n";
}

std::string Differences(const Doc& d) {
  Node metrics = d.root["metrics"];
  std::vector<html::DifferenceRow> chart;
  std::vector<std::vector<Cell>> rows;
  for (const auto& name : MetricOrder(metrics)) {
    Node m = metrics[name];
    chart.push_back(DiffRow(MetricLabel(name), m));
    std::vector<Cell> row = {{Escape(MetricLabel(name))}};
    for (auto& c : DeltaCells(d, m)) row.push_back(std::move(c));
    rows.push_back(std::move(row));
  }
  Node bootstrap = d.root["bootstrap"];
  std::string intro = fmt::format(
      "Each figure of both on the same rows, and the difference {} \u2212 {}. ", d.b, d.a);
  intro += d.intervals ? fmt::format(
                             "The error bars are 95% paired bootstrap intervals ({} resamples, "
                             "seed {}): a filled marker means the interval excludes zero, a real "
                             "difference; a hollow one means it may be chance.",
                             bootstrap["resamples"].Int(), bootstrap["seed"].Unsigned())
                       : std::string("Intervals were turned off (--bootstrap 0).");
  std::string content = html::DifferenceChart(
      fmt::format("Differences {} \u2212 {} with 95% intervals", d.b, d.a), d.a, d.b, chart);
  content += html::Table("Metrics", {"metric", d.a, d.b, "difference", "95% interval", "verdict"},
                         {false, true, true, true, true, false}, rows);
  return html::Section("differences", "Metric differences", intro, content);
}

// Both systems' headline figures beside the naive baselines (JSON written before baselines were
// part of it has none: the section is left out).
std::string Baselines(const Doc& d) {
  if (!d.root.Has("baselines")) return "";
  Node metrics = d.root["metrics"], base = d.root["baselines"];
  Node majority = base["majority"], stratified = base["stratified"];
  struct Row {
    const char* label;
    const char* metric;
    const char* baseline;
  };
  const Row figures[] = {{"accuracy", "accuracy", "accuracy"},
                         {"balanced accuracy", "balanced_accuracy", "balanced_accuracy"},
                         {"Cohen's kappa", "kappa", "kappa"},
                         {"macro F1", "macro_f1", "macro_f1"},
                         {"weighted F1", "weighted_f1", "weighted_f1"}};
  std::vector<html::Series> series = {{d.a, Style::kSolid},
                                      {d.b, Style::kHatched},
                                      {"majority", Style::kDotted},
                                      {"stratified", Style::kOutline}};
  std::vector<html::BarGroup> groups;
  std::vector<std::vector<Cell>> rows;
  for (const auto& f : figures) {
    Node m = metrics[f.metric];
    groups.push_back({f.label,
                      {m[d.a].Number(), m[d.b].Number(), majority[f.baseline].Number(),
                       stratified[f.baseline].Number()},
                      {}});
    rows.push_back({{f.label},
                    {Fig(m[d.a])},
                    {Fig(m[d.b])},
                    {Fig(majority[f.baseline])},
                    {Fig(stratified[f.baseline])}});
  }
  std::string content = html::BarChart(
      fmt::format("Headline figures of {} and {} beside the naive baselines", d.a, d.b), series,
      groups);
  content += html::Table("Headline figures", {"metric", d.a, d.b, "majority", "stratified"},
                         {false, true, true, true, true}, rows);
  return html::Section(
      "baselines", "Both beside the naive baselines",
      "Always predicting the majority class \u201c" + majority["class"].String() +
          "\u201d, and guessing at random in proportion to the classes (stratified), on the same "
          "labeled rows. Bars below zero (kappa) are drawn at zero; the table has the figures.",
      content);
}

std::string WhoIsRight(const Doc& d) {
  Node ct = d.root["contingency"];
  Node only_a = ct["only_" + d.a + "_right"], only_b = ct["only_" + d.b + "_right"];
  std::vector<std::vector<Cell>> rows = {
      {{Escape(d.a) + " right"}, {Fig(ct["both_right"]), true}, {Fig(only_a), true}},
      {{Escape(d.a) + " wrong"}, {Fig(only_b), true}, {Fig(ct["both_wrong"]), true}}};
  const double p = ct["mcnemar_exact_p"].Number();
  std::string text = fmt::format(
      "<p>McNemar's exact test on the {} rows where exactly one is right ({} only {}, {} only "
      "{}): <strong>p = {}</strong>{}.</p>\n",
      only_a.Int() + only_b.Int(), only_a.Int(), Escape(d.a), only_b.Int(), Escape(d.b), PValue(p),
      p < 0.05 ? " \u2014 more than chance would give" : " \u2014 within what chance would give");
  return html::Section("who-is-right", "Who is right",
                       "Every labeled row counted by whether each system gets it right.",
                       html::Table("Rows by who is right", {"", d.b + " right", d.b + " wrong"},
                                   {false, true, true}, rows) +
                           text);
}

std::string PerClass(const Doc& d) {
  Node per_class = d.root["per_class"];
  std::vector<std::vector<Cell>> rows;
  const std::string positive =
      d.root["positive"].IsNull() ? std::string() : d.root["positive"].String();
  for (const auto& cls : d.root["classes"].Strings()) {
    Node c = per_class[cls];
    const std::pair<const char*, const char*> figures[] = {
        {"precision", "precision"}, {"recall", "recall"}, {"F1", "f1"}};
    bool first = true;
    for (const auto& [label, key] : figures) {
      std::string name = first ? Escape(cls) + (cls == positive ? " (positive)" : "") : "";
      std::vector<Cell> row = {{name}, {first ? Fig(c["support"]) : "", true}, {label}};
      for (auto& cell : DeltaCells(d, c[key])) row.push_back(std::move(cell));
      rows.push_back(std::move(row));
      first = false;
    }
  }
  return html::Section(
      "per-class", "Per class", "",
      html::Table("Precision, recall and F1 of each class",
                  {"class", "support", "figure", d.a, d.b, "difference", "95% interval", "verdict"},
                  {false, true, false, true, true, true, true, false}, rows));
}

std::vector<std::vector<int64_t>> Matrix(const Node& n, size_t rows, size_t columns) {
  if (n.Size() != rows) n.Fail("one row per class");
  std::vector<std::vector<int64_t>> out;
  for (size_t r = 0; r < rows; ++r) {
    if (n[r].Size() != columns) n[r].Fail("one count per predicted label");
    std::vector<int64_t> line;
    for (size_t c = 0; c < columns; ++c) line.push_back(n[r][c].Int());
    out.push_back(std::move(line));
  }
  return out;
}

std::string Confusion(const Doc& d) {
  Node cm = d.root["confusion_matrix"];
  const auto labels = cm["labels"].Strings(), predicted = cm["predicted_labels"].Strings();
  std::string content = "<div class=\"pair\">\n";
  for (const std::string* name : {&d.a, &d.b}) {
    auto counts = Matrix(cm[*name], labels.size(), predicted.size());
    int64_t correct = 0, total = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
      for (size_t c = 0; c < counts[r].size(); ++c) {
        total += counts[r][c];
        if (r == c) correct += counts[r][c];
      }
    }
    const std::string description =
        fmt::format("{}: {} of {} rows correct (the outlined diagonal, marked with a check)", *name,
                    correct, total);
    content += "<figure>\n<figcaption>" + Escape(*name) + "</figcaption>\n" +
               html::HeatMap("Confusion matrix of " + *name, description, labels, predicted, counts,
                             true, Pointer({"confusion_matrix", *name})) +
               "<p>" + Escape(description) + ".</p>\n</figure>\n";
  }
  return html::Section("confusion", "Confusion matrices",
                       "Rows are actual classes, columns predicted; each cell prints its count "
                       "and its share of the actual class.",
                       content + "</div>\n");
}

std::string Slices(const Doc& d) {
  Node slices = d.root["slices"];
  auto keys = slices.Keys();
  if (keys.empty()) return "";
  // Worst first: where B loses most against A on accuracy.
  std::stable_sort(keys.begin(), keys.end(), [&](const std::string& x, const std::string& y) {
    return slices[x]["accuracy"]["difference"].Number() <
           slices[y]["accuracy"]["difference"].Number();
  });
  std::vector<html::DifferenceRow> chart;
  std::vector<std::vector<Cell>> rows;
  for (const auto& key : keys) {
    Node s = slices[key];
    chart.push_back(DiffRow(key, s["accuracy"]));
    std::vector<Cell> row = {{Escape(key)}, {Fig(s["rows"]), true}};
    for (const char* figure : {"accuracy", "macro_f1"}) {
      Node m = s[figure];
      row.push_back({Fig(m[d.a]), true});
      row.push_back({Fig(m[d.b]), true});
      row.push_back({SignedFig(m["difference"]) + "<br>" + IntervalFig(m["interval"]), true});
    }
    row.push_back({Better(d, s["accuracy"])});
    rows.push_back(std::move(row));
  }
  std::string content = html::DifferenceChart(
      fmt::format("Accuracy difference {} \u2212 {} per slice, worst first", d.b, d.a), d.a, d.b,
      chart);
  content += html::Table("Accuracy and macro F1 per slice",
                         {"slice", "rows", "accuracy " + d.a, d.b, "difference", "macro F1 " + d.a,
                          d.b, "difference", "accuracy verdict"},
                         {false, true, true, true, true, true, true, true, false}, rows);
  return html::Section(
      "slices", "Slices, worst first",
      fmt::format("The figures on the rows of each value of a slice column, sorted by the "
                  "accuracy difference {} \u2212 {}, lowest first: where {} does worst against {} "
                  "comes first.",
                  d.b, d.a, d.b, d.a),
      content);
}

std::string Scores(const Doc& d) {
  Node scores = d.root["scores"];
  std::vector<std::string> names;
  for (const std::string* name : {&d.a, &d.b}) {
    if (scores.Has(*name)) names.push_back(*name);
  }
  if (names.empty()) return "";
  std::vector<std::vector<Cell>> summary;
  for (const auto& name : names) {
    Node s = scores[name];
    summary.push_back({{Escape(name)},
                       {Fig(s["rows"])},
                       {s["roc_auc"].IsNull() ? "- (one class only)" : Fig(s["roc_auc"])},
                       {Fig(s["average_precision"])}});
  }
  std::string content =
      html::Table("Ranking by score", {"system", "rows", "ROC AUC", "average precision"},
                  {false, true, true, true}, summary);
  content += "<div class=\"pair\">\n";
  for (const auto& name : names) {
    Node bins = scores[name]["calibration"];
    std::vector<std::vector<Cell>> rows;
    for (size_t i = 0; i < bins.Size(); ++i) {
      Node b = bins[i];
      const double gap = b["observed"].Number() - b["mean_score"].Number();
      rows.push_back(
          {{fmt::format("<span class=\"meter\">{:.1f}\u2013{:.1f}</span>", b["low"].Number(),
                        b["high"].Number())},
           {Fig(b["rows"]), true},
           {"<span class=\"meter\">" + html::InlineBar(b["mean_score"].Number(), Style::kDotted) +
            Fig(b["mean_score"]) + "</span>"},
           {"<span class=\"meter\">" + html::InlineBar(b["observed"].Number(), Style::kSolid) +
            Fig(b["observed"]) + "</span>"},
           {(gap > 0 && Fixed(gap) != "0.0000" ? "+" : "") + Fixed(gap), true}});
    }
    if (rows.empty()) continue;
    content += "<figure>\n" +
               html::Table("Calibration of " + name,
                           {"score bin", "rows", "mean score (dotted)", "observed (solid)", "gap"},
                           {false, true, false, false, true}, rows) +
               "</figure>\n";
  }
  content += "</div>\n";
  return html::Section(
      "scores", "Scores",
      "The score of each row as the probability of the positive class, ranked against the labels. "
      "Calibration: the rows of each score bin, their mean score and the share that is positive; "
      "a calibrated score has them equal (gap = observed \u2212 mean score).",
      content);
}

std::string FooterItem(const std::string& term, const std::string& html) {
  return "<dt>" + Escape(term) + "</dt><dd>" + html + "</dd>\n";
}

std::string RuleSetItem(const Node& ruleset) {
  return Str(ruleset["name"]) + ", version " + Version(ruleset) + ", sha256 <code>" +
         Str(ruleset["sha256"]) + "</code>";
}

std::string DataItems(const Doc& d) {
  Node data = d.root["data"];
  std::string out = FooterItem("data", Str(data["path"]));
  out += FooterItem("rows", Fig(data["rows"]) + " read, " + Fig(data["labeled_rows"]) +
                                " labeled, " + Fig(data["excluded_rows"]) + " excluded, " +
                                Fig(d.root["rows"]) + " compared");
  Node bootstrap = d.root["bootstrap"];
  out += FooterItem("intervals", d.intervals ? fmt::format("95% paired bootstrap, {} resamples, "
                                                           "seed {}",
                                                           bootstrap["resamples"].Int(),
                                                           bootstrap["seed"].Unsigned())
                                             : std::string("off"));
  out += FooterItem("classes",
                    Escape(fmt::format("{}", fmt::join(d.root["classes"].Strings(), ", "))));
  return out;
}

std::string ComparePage(const Doc& d) {
  const Node& r = d.root;
  std::string header = "<header>\n<h1>Comparison of " + Escape(d.a) + " " + Str(r["rules"]["name"]);
  std::string model = d.b;
  if (r.Has("predictions")) model = r["predictions"]["path"].String();
  header += " with " + Escape(d.b) +
            (r.Has("predictions") ? " " + Str(r["predictions"]["path"]) : std::string()) +
            "</h1>\n";
  header += VerdictAndCards(d, "");
  std::vector<std::string> notes;
  if (r.Has("predictions")) {
    Node p = r["predictions"];
    std::string note =
        "Predictions from column \u201c" + Escape(p["prediction_column"].String()) + "\u201d" +
        (p["score_column"].IsNull()
             ? std::string()
             : ", scores from \u201c" + Escape(p["score_column"].String()) + "\u201d") +
        ", joined " +
        (p["id_column"].IsNull() ? std::string("by row order")
                                 : "on \u201c" + Escape(p["id_column"].String()) + "\u201d") +
        ": " + Fig(p["rows"]) + " predictions.";
    if (p["abstained"].Int() > 0)
      note += " " + Fig(p["abstained"]) + " empty predictions count as abstentions.";
    if (p["unmatched"].Int() > 0)
      note += " " + Fig(p["unmatched"]) + " predictions match no labeled row.";
    notes.push_back(note);
  }
  if (r.Has("baseline")) {
    Node b = r["baseline"];
    notes.push_back(b["same_data"].Bool()
                        ? "Checked against the baseline " + Str(b["path"]) +
                              ": same data, same rule set."
                        : Flag("Different data") + " than the baseline " + Str(b["path"]) +
                              " (allowed by --allow-different-data).");
  }
  if (!notes.empty()) {
    header += "<ul class=\"notes\">\n";
    for (const auto& n : notes) header += "<li>" + n + "</li>\n";
    header += "</ul>\n";
  }
  header += "</header>\n";

  std::string footer = "<footer>\n<dl>\n";
  footer += FooterItem("rule set", RuleSetItem(r["rules"]));
  if (r.Has("predictions")) footer += FooterItem("model", Str(r["predictions"]["path"]));
  footer += DataItems(d);
  if (r.Has("baseline")) {
    Node b = r["baseline"];
    footer += FooterItem("data sha256", "<code>" + Str(b["data_sha256"]) + "</code>");
    footer += FooterItem("baseline", Str(b["path"]) + ", data sha256 <code>" +
                                         Str(b["baseline_data_sha256"]) + "</code>");
  }
  footer +=
      "</dl>\n<p>Written by <code>hunch compare</code>. How to read it: docs/compare.md.</p>\n"
      "</footer>\n";
  const std::string body = "<main>\n" + header + Differences(d) + Baselines(d) + WhoIsRight(d) +
                           PerClass(d) + Confusion(d) + Slices(d) + Scores(d) + "</main>\n" +
                           footer;
  return html::Page("hunch compare: " + r["rules"]["name"].String() + " vs " + model, body);
}

std::string Changed(const Doc& d) {
  Node changed = d.root["changed"];
  const auto labels = changed["labels"].Strings();
  Node transitions = changed["transitions"];
  auto counts = Matrix(transitions, labels.size(), labels.size());
  // The abstain row and column only when some row abstains under either version.
  size_t shown = labels.size();
  if (!labels.empty() && labels.back() == "abstain") {
    bool any = false;
    for (size_t i = 0; i < labels.size(); ++i) {
      any = any || counts[i].back() > 0 || counts.back()[i] > 0;
    }
    if (!any) --shown;
  }
  std::vector<std::string> headers = {"old \u2193 new \u2192"};
  for (size_t j = 0; j < shown; ++j) headers.push_back(labels[j]);
  std::vector<std::vector<Cell>> rows;
  for (size_t i = 0; i < shown; ++i) {
    std::vector<Cell> row = {{Escape(labels[i])}};
    for (size_t j = 0; j < shown; ++j) {
      const std::string fig = Fig(transitions[i][j]);
      row.push_back({i == j ? "<span class=\"same\">" + fig + " unchanged</span>" : fig, true});
    }
    rows.push_back(std::move(row));
  }
  // The same counts as a list, largest first: which way the predictions moved.
  std::vector<std::pair<int64_t, std::pair<size_t, size_t>>> moves;
  for (size_t i = 0; i < shown; ++i) {
    for (size_t j = 0; j < shown; ++j) {
      if (i != j && counts[i][j] > 0) moves.push_back({counts[i][j], {i, j}});
    }
  }
  std::stable_sort(moves.begin(), moves.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  std::string list;
  if (!moves.empty()) {
    list = "<ul class=\"notes\">\n";
    const double total = std::max<double>(1, static_cast<double>(changed["rows"].Int()));
    for (const auto& [n, ij] : moves) {
      list += fmt::format("<li><span class=\"meter\">{}</span> {} \u2192 {}: {} rows</li>\n",
                          html::InlineBar(static_cast<double>(n) / total, Style::kHatched),
                          Escape(labels[ij.first]), Escape(labels[ij.second]), n);
    }
    list += "</ul>\n";
  }
  std::vector<bool> numeric(headers.size(), true);
  numeric[0] = false;
  std::string content =
      html::Table("Rows by old and new prediction", headers, numeric, rows) + list;

  Node sample = changed["sample"];
  if (sample.Size() > 0) {
    bool ids = false;
    for (size_t i = 0; i < sample.Size(); ++i) ids = ids || !sample[i]["id"].IsNull();
    std::vector<std::string> head = {"row"};
    if (ids) head.push_back("id");
    for (const char* h : {"actual", "old", "old rule", "new", "new rule", "now"}) head.push_back(h);
    std::vector<std::vector<Cell>> lines;
    for (size_t i = 0; i < sample.Size(); ++i) {
      Node s = sample[i];
      std::vector<Cell> line = {{Fig(s["row"])}};
      if (ids) line.push_back({s["id"].IsNull() ? "" : Str(s["id"])});
      const std::string actual = s["actual"].String(), was = s["old"].String(),
                        now = s["new"].String();
      line.push_back({Str(s["actual"])});
      line.push_back({Str(s["old"])});
      line.push_back({"<code>" + Str(s["old_rule"]) + "</code>"});
      line.push_back({Str(s["new"])});
      line.push_back({"<code>" + Str(s["new_rule"]) + "</code>"});
      line.push_back({now == actual   ? std::string("<strong>fixed</strong>")
                      : was == actual ? Flag("broken")
                                      : std::string("still wrong")});
      lines.push_back(std::move(line));
    }
    content += html::Table("A sample of changed rows", head, {}, lines) +
               "<p><code>hunch explain --row-number ROW</code> shows why a row is predicted as "
               "it is.</p>\n";
  }
  return html::Section(
      "changed", "Changed predictions",
      "Labeled rows by their prediction under the old rules (rows) and the new (columns); the "
      "diagonal is unchanged.",
      content);
}

std::string RuleChanges(const Doc& d) {
  Node rules = d.root["rules"];
  auto arrow = [](const Node& ch, const char* field, bool share) {
    auto one = [&](const char* side) -> std::string {
      Node f = ch[side];
      if (f.IsNull()) return "-";
      if (share && f["fires"].Int() == 0) return "-";
      return Fig(f[field]);
    };
    const std::string before = one("before"), after = one("after");
    const bool same = !ch["before"].IsNull() && !ch["after"].IsNull() &&
                      ch["before"][field].raw() == ch["after"][field].raw();
    return same ? before : before + " &#8594; " + after;
  };
  std::vector<std::vector<Cell>> rows;
  for (size_t i = 0; i < rules.Size(); ++i) {
    Node ch = rules[i];
    const std::string change = ch["change"].String();
    std::string conditions;
    if (!ch["old_condition"].IsNull() && !ch["new_condition"].IsNull() &&
        ch["old_condition"].String() == ch["new_condition"].String()) {
      conditions = "<code class=\"condition\">" + Str(ch["new_condition"]) + "</code>";
    } else {
      if (!ch["old_condition"].IsNull())
        conditions += "old: <code class=\"condition\">" + Str(ch["old_condition"]) + "</code>";
      if (!ch["new_condition"].IsNull()) {
        conditions += std::string(conditions.empty() ? "" : "<br>") +
                      "new: <code class=\"condition\">" + Str(ch["new_condition"]) + "</code>";
      }
    }
    auto what = ch["what"].Strings();
    rows.push_back(
        {{"<code>" + BreakableStr(ch["name"]) + "</code>"},
         {change == "unchanged" ? "<span class=\"same\">unchanged</span>" : Flag(change)},
         {Escape(fmt::format("{}", fmt::join(what, ", ")))},
         {arrow(ch, "fires", false), true},
         {arrow(ch, "wins", false), true},
         {arrow(ch, "precision", true), true},
         {conditions}});
  }
  return html::Section(
      "rules", "Rules",
      "The rules matched by name between the versions, with their figures on the data under each "
      "(old \u2192 new where they differ). Precision: share of a rule's fires where its class is "
      "right.",
      html::Table("Rule by rule",
                  {"rule", "change", "what changed", "fires", "wins", "precision", "condition"},
                  {false, false, false, true, true, true, false}, rows));
}

std::string DiffPage(const Doc& d) {
  const Node& r = d.root;
  Node changed = r["changed"];
  std::string header = "<header>\n<h1>Diff of " + Str(r["old"]["name"]) + " (version " +
                       Version(r["old"]) + ") and " + Str(r["new"]["name"]) + " (version " +
                       Version(r["new"]) + ")</h1>\n";
  const int64_t still_wrong =
      changed["rows"].Int() - changed["fixed"].Int() - changed["broken"].Int();
  header += VerdictAndCards(
      d, Card("Changed predictions", Fig(changed["rows"]),
              "<strong>" + Fig(changed["fixed"]) + " fixed</strong> (wrong before, right now), " +
                  Fig(changed["broken"]) + " " + Flag("broken") + " (right before, wrong now), " +
                  std::to_string(still_wrong) + " still wrong"));
  header += "</header>\n";
  std::string footer = "<footer>\n<dl>\n";
  footer += FooterItem("old rules", RuleSetItem(r["old"]));
  footer += FooterItem("new rules", RuleSetItem(r["new"]));
  footer += DataItems(d);
  footer +=
      "</dl>\n<p>Written by <code>hunch diff</code>. How to read it: docs/compare.md.</p>\n"
      "</footer>\n";
  const std::string body = "<main>\n" + header + Differences(d) + Changed(d) + RuleChanges(d) +
                           Baselines(d) + WhoIsRight(d) + PerClass(d) + Confusion(d) + Slices(d) +
                           Scores(d) + "</main>\n" + footer;
  return html::Page("hunch diff: " + r["old"]["name"].String() + " vs " + r["new"]["name"].String(),
                    body);
}

// The page of a compare or diff JSON document; throws FieldError on a missing or mistyped field.
std::string Render(const json& j, bool diff) {
  Doc d{Node(j, ""), "", "", false, diff};
  auto systems = d.root["systems"].Strings();
  if (systems.size() != 2) d.root["systems"].Fail("two system names");
  d.a = systems[0];
  d.b = systems[1];
  d.intervals = d.root["bootstrap"]["resamples"].Int() > 0;
  return diff ? DiffPage(d) : ComparePage(d);
}

}  // namespace

std::string ComparisonToHtml(const Comparison& c) {
  return Render(json::parse(ComparisonToJson(c)), false);
}

std::string DiffToHtml(const RuleSetDiff& d) { return Render(json::parse(DiffToJson(d)), true); }

SavedReportKind DetectSavedReport(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return SavedReportKind::kUnknown;
  if (j.contains("ruleset")) return SavedReportKind::kEval;
  if (j.contains("systems") && j.contains("changed")) return SavedReportKind::kDiff;
  if (j.contains("systems")) return SavedReportKind::kComparison;
  return SavedReportKind::kUnknown;
}

Result<std::string> SavedComparisonToHtml(const std::string& json_text, const std::string& path) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return DataError(fmt::format("{}: error: not JSON: {}", path, json_node::ParseErrorText(e)));
  }
  const SavedReportKind kind = DetectSavedReport(json_text);
  if (kind != SavedReportKind::kComparison && kind != SavedReportKind::kDiff) {
    return DataError(fmt::format(
        "{}: error: not a hunch compare or diff JSON report: no \"systems\" field", path));
  }
  const bool diff = kind == SavedReportKind::kDiff;
  try {
    return Render(j, diff);
  } catch (const FieldError& e) {
    return DataError(fmt::format("{}: error: not a hunch {} JSON report: {}", path,
                                 diff ? "diff" : "compare", e.what()));
  }
}

}  // namespace hunch
