// Comparing two systems on the same labeled rows: the rules against a model's predictions
// (`hunch compare`), with paired bootstrap intervals of every difference, McNemar's exact test and
// a one-line verdict; and the baseline file that freezes a benchmark (`hunch eval
// --save-baseline`). docs/compare.md explains the statistics.
//
//   hunch::CompareOptions options;
//   options.predictions_path = "model.csv";
//   auto c = hunch::CompareWithPredictions(**rules, "data.csv", options);
//   if (c.ok()) std::cout << hunch::ComparisonToText(*c);
#ifndef HUNCH_COMPARE_H_
#define HUNCH_COMPARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hunch/eval.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

// One figure of both systems: a (the rules, or the old rules) and b (the model, or the new ones).
struct MetricDelta {
  std::string name;  // a ReportMetric name: accuracy, macro_f1, roc_auc, ...
  double a = 0, b = 0;
  double difference = 0;             // b - a
  std::optional<Interval> interval;  // 95% paired bootstrap interval of b - a; none if off
};

struct ClassDelta {
  std::string class_name;
  int64_t support = 0;
  MetricDelta precision, recall, f1;
};

// Who is right on each row. McNemar's exact test asks whether only_a and only_b differ by more
// than chance: a two-sided binomial test of only_b out of only_a + only_b at one half.
struct Contingency {
  int64_t both_right = 0, only_a = 0, only_b = 0, both_wrong = 0;
  double mcnemar_p = 1;
};

struct SliceDelta {
  std::string key;  // "COLUMN=VALUE" or "SLICE=VALUE", as in Report::slices
  int64_t rows = 0;
  MetricDelta accuracy, macro_f1;
};

enum class Winner { kA, kB, kNeither, kUndecided };  // kUndecided: no intervals (bootstrap off)

// Where the model's predictions came from and how they were joined to the data.
struct PredictionSource {
  std::string path, prediction_column, score_column, id_column;  // id_column "": row order
  int64_t rows = 0;                                              // records in the predictions file
  int64_t abstained = 0;  // compared rows whose prediction cell is empty (counted as abstain)
  int64_t unmatched = 0;  // predictions whose id is on no labeled data row
};

// The baseline a comparison was checked against.
struct BaselineCheck {
  std::string path;
  bool same_data = true;  // false only with allow_different_data
  std::string data_sha256, baseline_sha256;
  int64_t baseline_rows = 0;
};

struct Comparison {
  std::string a_name = "rules", b_name = "model";
  Report a_report;  // the eval report of system a (the rules); its data and rule set summary
  std::string b_description;  // e.g. the predictions file, or the new rule set
  std::vector<std::string> classes;
  int positive_class = -1;
  bool can_abstain = false;  // either system abstains somewhere (an abstain column)
  int64_t rows = 0;          // labeled rows compared
  int bootstrap_resamples = 0;
  uint64_t seed = 0;
  std::vector<MetricDelta> metrics;  // every headline metric, then roc_auc, average_precision
  std::vector<ClassDelta> per_class;
  std::vector<std::vector<int64_t>> a_confusion, b_confusion;  // actual x predicted (+ abstain)
  Contingency contingency;
  std::vector<SliceDelta> slices;
  std::optional<ScoreFigures> a_scores, b_scores;  // when a system has a score per row
  // The verdict on `verdict_metric` (see Verdict()).
  std::string verdict_metric;
  Winner winner = Winner::kUndecided;
  std::string verdict;
  std::optional<PredictionSource> predictions;
  std::optional<BaselineCheck> baseline;
};

// A benchmark frozen by `hunch eval --save-baseline`: the report, the rule file itself, and the
// fingerprint of the data it was measured on.
struct Baseline {
  std::string path;  // where it was read from
  std::string ruleset_path, ruleset_source, ruleset_sha256;
  std::string data_path, data_sha256;  // sha256 of the file's bytes (compressed, for .gz)
  int64_t data_rows = 0;
  std::string report_json;  // ReportToJson of the rules on that data
};

struct CompareOptions {
  EvalOptions eval;  // bootstrap, seed, slice_by, threads, data format of the labeled data
  std::string predictions_path;
  std::string predictions_format = "auto";       // csv, jsonl or auto (by extension)
  std::string prediction_column = "prediction";  // class names or raw label values; empty cells
                                                 // are abstentions
  std::string score_column;            // optional: the model's probability of the positive class
  std::string id_column;               // join on this column of both files; "" joins by row order
  std::string metric = "macro_f1";     // the verdict's metric (a ComparisonMetricNames entry)
  const Baseline* baseline = nullptr;  // refuse data whose fingerprint differs from it...
  bool allow_different_data = false;   // ...unless this is set
};

// Evaluates `rules` on the labeled data at `data_path`, joins the model's predictions and
// compares them row by row. Errors name the file and line (or id) of a bad or missing prediction.
Result<Comparison> CompareWithPredictions(const RuleSet& rules, const std::string& data_path,
                                          const CompareOptions& options);

// The metric names a comparison can be judged on: ReportMetricNames().
std::vector<std::string> ComparisonMetricNames();
// The figure `name` of a comparison, or nullopt when it has no such figure.
std::optional<MetricDelta> FindMetric(const Comparison& c, const std::string& name);
// Whether b is significantly better than a on `name`: its interval lies above zero.
bool SignificantlyBetter(const Comparison& c, const std::string& name);
// The one-line verdict on `name`, and who wins it.
std::string Verdict(const Comparison& c, const std::string& name, Winner* winner = nullptr);

// Renderings of a comparison: JSON (docs/compare.md), aligned text, Markdown, HTML.
std::string ComparisonToJson(const Comparison& c);
std::string ComparisonToText(const Comparison& c, bool color = false);
std::string ComparisonToMarkdown(const Comparison& c);
// The comparison as one self-contained HTML page (inline CSS and SVG, no script, no request),
// drawn from its JSON so that a saved JSON renders to the same page (engine/compare_html.cc).
std::string ComparisonToHtml(const Comparison& c);

// What a saved JSON report is, by its fields: `hunch eval`, `hunch compare` or `hunch diff`.
enum class SavedReportKind { kEval, kComparison, kDiff, kUnknown };
SavedReportKind DetectSavedReport(const std::string& json_text);
// The HTML page of a saved `hunch compare` or `hunch diff --format json` report (the kind is
// detected); kDataError naming the file and the field when it is not one.
Result<std::string> SavedComparisonToHtml(const std::string& json_text, const std::string& path);

// Exact two-sided McNemar p-value for b and c discordant rows: min(1, 2 P(X <= min(b, c))) with
// X ~ Binomial(b + c, 1/2); 1 when there are none.
double McNemarExactP(int64_t b, int64_t c);

// Hex SHA-256 of the bytes of the file at `path`.
Result<std::string> FileSha256(const std::string& path);
// The baseline file's JSON for a report measured with the rule file `ruleset_path` (whose text is
// `ruleset_source`) on the data at `data_path` whose bytes hash to `data_sha256`.
std::string BaselineToJson(const Report& report, const std::string& ruleset_path,
                           const std::string& ruleset_source, const std::string& data_sha256);
// Reads a baseline file; a clear error when it is not one.
Result<Baseline> ReadBaseline(const std::string& path);
// Loads the rule set frozen in `baseline`, checked against the data at `data_path`.
Result<std::shared_ptr<const RuleSet>> LoadBaselineRuleSet(const Baseline& baseline,
                                                           const std::string& data_path,
                                                           const DataOptions& data_options,
                                                           std::vector<Diagnostic>* diagnostics);

}  // namespace hunch

#endif  // HUNCH_COMPARE_H_
