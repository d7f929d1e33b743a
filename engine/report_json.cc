// ReportFromJson: a saved `hunch eval --format json` report read back into a Report, so it can be
// rendered again (e.g. as HTML) without the data. Every field is checked: a missing or mistyped one
// is named by its JSON pointer.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/json_node.h"
#include "hunch/report.h"

namespace hunch {
namespace {

using json_node::FieldError;
using json_node::Node;
using nlohmann::json;

ClassFigures ReadClass(const Node& n, bool with_support) {
  ClassFigures c;
  c.precision = n["precision"].Number();
  c.recall = n["recall"].Number();
  c.f1 = n["f1"].Number();
  if (with_support) c.support = n["support"].Int();
  return c;
}

MetricFigures ReadMetrics(const Node& n, const std::vector<std::string>& classes) {
  MetricFigures m;
  m.rows = n["rows"].Int();
  m.accuracy = n["accuracy"].Number();
  m.balanced_accuracy = n["balanced_accuracy"].Number();
  m.kappa = n["kappa"].Number();
  m.coverage = n["coverage"].Number();
  m.macro = ReadClass(n["macro"], false);
  m.weighted = ReadClass(n["weighted"], false);
  Node per_class = n["per_class"];
  for (const auto& c : classes) m.per_class.push_back(ReadClass(per_class[c], true));
  if (per_class.Keys().size() != classes.size())
    throw FieldError(per_class.pointer() + ": expected one entry per class");
  return m;
}

Interval ReadInterval(const Node& n) {
  if (n.Size() != 2) n.Fail("[low, high]");
  return {n[0].Number(), n[1].Number()};
}

Report Read(const Node& root) {
  Report r;
  r.ruleset_name = root["ruleset"]["name"].String();
  r.ruleset_version = root["ruleset"]["version"].String();
  r.ruleset_sha256 = root["ruleset"]["sha256"].String();
  Node data = root["data"];
  r.data_path = data["path"].String();
  r.rows = data["rows"].Int();
  r.labeled_rows = data["labeled_rows"].Int();
  r.missing_label = data["missing_label"].Int();
  r.unknown_label = data["unknown_label"].Int();
  r.unknown_label_values = data["unknown_label_values"].Counts();
  r.bad_rows = data["bad_rows"].Int();
  r.bad_cells = data["bad_cells"].Counts();
  r.classes = root["classes"].Strings();
  if (r.classes.empty()) root["classes"].Fail("at least one class");

  Node metrics = root["metrics"];
  r.metrics = ReadMetrics(metrics, r.classes);
  if (metrics.Has("covered")) r.covered = ReadMetrics(metrics["covered"], r.classes);
  if (metrics.Has("positive")) {
    Node name = metrics["positive"]["class"];
    auto it = std::find(r.classes.begin(), r.classes.end(), name.String());
    if (it == r.classes.end()) name.Fail("one of the classes");
    r.positive_class = static_cast<int>(it - r.classes.begin());
  }

  Node confusion = root["confusion_matrix"];
  if (confusion["labels"].Strings() != r.classes) confusion["labels"].Fail("the classes");
  std::vector<std::string> predicted = confusion["predicted_labels"].Strings();
  r.can_abstain = predicted.size() == r.classes.size() + 1;
  Node matrix = confusion["matrix"];
  if (matrix.Size() != r.classes.size()) matrix.Fail("one row per class");
  for (size_t a = 0; a < matrix.Size(); ++a) {
    Node row = matrix[a];
    if (row.Size() != predicted.size()) row.Fail("one count per predicted label");
    std::vector<int64_t> counts;
    for (size_t p = 0; p < row.Size(); ++p) counts.push_back(row[p].Int());
    r.confusion.push_back(std::move(counts));
  }

  auto read_baseline = [](const Node& n, MetricFigures* m) {
    m->accuracy = n["accuracy"].Number();
    m->macro.f1 = n["macro_f1"].Number();
    m->weighted.f1 = n["weighted_f1"].Number();
    m->balanced_accuracy = n["balanced_accuracy"].Number();
    m->kappa = n["kappa"].Number();
  };
  Node baselines = root["baselines"];
  r.majority_class = baselines["majority"]["class"].String();
  read_baseline(baselines["majority"], &r.majority);
  read_baseline(baselines["stratified"], &r.stratified);

  Node intervals = root["intervals"];
  r.bootstrap_resamples = static_cast<int>(intervals["resamples"].Int());
  r.bootstrap_seed = intervals["seed"].Unsigned();
  r.small_sample = intervals["small_sample"].Bool();
  if (r.bootstrap_resamples > 0) {
    r.accuracy_ci = ReadInterval(intervals["accuracy"]);
    r.macro_f1_ci = ReadInterval(intervals["macro_f1"]);
    Node per_class = intervals["per_class"];
    for (const auto& c : r.classes) {
      r.precision_ci.push_back(ReadInterval(per_class[c]["precision"]));
      r.recall_ci.push_back(ReadInterval(per_class[c]["recall"]));
    }
  }

  Node rules = root["rules"];
  for (size_t i = 0; i < rules.Size(); ++i) {
    Node n = rules[i];
    RuleFigures f;
    f.name = n["name"].String();
    f.predict = n["predict"].String();
    f.when = n["when"].String();
    f.enabled = n["enabled"].Bool();
    f.fires = n["fires"].Int();
    f.wins = n["wins"].Int();
    f.coverage = n["coverage"].Number();
    f.correct = n["correct"].Int();
    f.incorrect = n["incorrect"].Int();
    f.precision = n["precision"].Number();
    f.overlaps = n["overlaps"].Number();
    f.conflicts = n["conflicts"].Number();
    f.errors = n["errors"].Int();
    f.shadowed = n["shadowed"].Bool();
    r.rules.push_back(std::move(f));
  }
  r.default_rows = root["default"]["rows"].Int();
  r.default_correct = root["default"]["correct"].Int();
  r.default_predicts_class = !root["default"]["abstains"].Bool();

  Node slices = root["slices"];
  for (const auto& key : slices.Keys()) {
    Node n = slices[key];
    r.slices.push_back({key, n["rows"].Int(), n["accuracy"].Number(), n["macro_f1"].Number(),
                        n["coverage"].Number()});
  }
  if (root.Has("shadow")) {
    Node n = root["shadow"];
    ShadowFigures sh;
    sh.column = n["column"].String();
    sh.rows = n["rows"].Int();
    sh.unrecognized = n["unrecognized"].Int();
    sh.agreement = n["agreement"].Number();
    sh.rules_accuracy = n["rules_accuracy"].Number();
    sh.shadow_accuracy = n["shadow_accuracy"].Number();
    r.shadow = sh;
  }
  if (root.Has("scores")) {
    Node n = root["scores"];
    ScoreFigures sf;
    sf.rows = n["rows"].Int();
    if (!n["roc_auc"].IsNull()) sf.roc_auc = n["roc_auc"].Number();
    sf.average_precision = n["average_precision"].Number();
    Node bins = n["calibration"];
    for (size_t i = 0; i < bins.Size(); ++i) {
      Node b = bins[i];
      sf.calibration.push_back({b["low"].Number(), b["high"].Number(), b["rows"].Int(),
                                b["positives"].Int(), b["mean_score"].Number(),
                                b["observed"].Number()});
    }
    r.scores = std::move(sf);
  }
  return r;
}

}  // namespace

Result<Report> ReportFromJson(const std::string& json_text, const std::string& path) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return DataError(fmt::format("{}: error: not JSON: {}", path, json_node::ParseErrorText(e)));
  }
  try {
    return Read(Node(j, ""));
  } catch (const FieldError& e) {
    return DataError(fmt::format("{}: error: not a hunch eval JSON report: {}", path, e.what()));
  }
}

}  // namespace hunch
