// Report: what `hunch eval` measures, as plain data, and its renderings (JSON, text, Markdown).
// Definitions follow scikit-learn (zero_division=0) and Snorkel's LFAnalysis; docs/report.md
// gives every formula.
#ifndef HUNCH_REPORT_H_
#define HUNCH_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hunch/status.h"

namespace hunch {

struct ClassFigures {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;
};

struct MetricFigures {
  int64_t rows = 0;
  double accuracy = 0, balanced_accuracy = 0, kappa = 0, coverage = 0;
  ClassFigures macro, weighted;
  std::vector<ClassFigures> per_class;  // in class order
};

struct RuleFigures {
  std::string name;
  std::string predict;  // class name or "abstain"
  std::string when;     // the condition as written
  bool enabled = true;
  int64_t fires = 0;                   // rows where the condition is true
  int64_t wins = 0;                    // rows it decided (first to fire)
  int64_t correct = 0, incorrect = 0;  // of its fires, by its own prediction
  int64_t errors = 0;                  // rows where the condition hit a runtime error
  double coverage = 0;                 // fires / rows
  double precision = 0;   // correct / (correct + incorrect): Snorkel's empirical accuracy
  double overlaps = 0;    // share of rows where it and another rule fire
  double conflicts = 0;   // share of rows where it fires and another rule predicts otherwise
  bool shadowed = false;  // fires but never wins
  // Under vote, weighted and label_model (`wins` then counts the rows where it voted with the
  // decision): Snorkel's polarity (the classes it voted for on the data), its weight, and the
  // label model's estimate of its accuracy P(true class = its class | it votes).
  std::vector<std::string> polarity;
  double weight = 1.0;
  std::optional<double> estimated_accuracy;
};

// The combined labels of vote, weighted and label_model, beside plain majority vote.
struct PolicyFigures {
  std::string policy, tie_break;
  int64_t no_vote = 0;  // rows on which no rule voted (they get the default)
  int64_t ties = 0;     // rows whose top classes tied (tie_break decided)
  // Snorkel's MajorityLabelVoter with tie_break_policy "abstain", on the same rows: end to end
  // (abstain counts as wrong), on the rows it labels, and its confusion (+ abstain column).
  MetricFigures majority_vote, majority_vote_covered;
  std::vector<std::vector<int64_t>> majority_vote_confusion;
  // Pairwise conflicts: [a][b] = rows where rules voters[a] and voters[b] both vote, differently
  // (empty when there are more than 1,000 voting rules).
  std::vector<std::string> voters;
  std::vector<std::vector<int64_t>> conflict_matrix;
  // The label model, fitted on these rows without their labels.
  bool label_model = false, converged = false;
  int iterations = 0;
  double log_likelihood = 0;          // per row
  std::vector<double> class_balance;  // estimated, in class order
};

struct Interval {
  double low = 0, high = 0;
};

struct SliceFigures {
  std::string key;  // "COLUMN=VALUE" or "SLICE=VALUE"
  int64_t rows = 0;
  double accuracy = 0, macro_f1 = 0, coverage = 0;
};

// The rules beside an existing system (shadow mode), on the labeled rows where it decided.
struct ShadowFigures {
  std::string column;
  int64_t rows = 0;          // labeled rows with a decision of the existing system
  int64_t unrecognized = 0;  // decisions that are not a class name or label value (not scored)
  double agreement = 0;      // share of rows where both predict the same class
  double rules_accuracy = 0, shadow_accuracy = 0;
};

// One bin of a calibration table: the rows whose score falls in (low, high] (the first bin also
// holds a score of exactly low), as scikit-learn's calibration_curve(strategy="uniform") bins.
struct CalibrationBin {
  double low = 0, high = 0;
  int64_t rows = 0, positives = 0;
  double mean_score = 0;  // mean predicted probability of the positive class
  double observed = 0;    // positives / rows: the precision a score in this bin earns
};

// Ranking figures of a score per row (the probability of the positive class), binary only.
struct ScoreFigures {
  int64_t rows = 0;
  std::optional<double> roc_auc;  // sklearn's roc_auc_score; nullopt when one class is absent
  double average_precision = 0;   // sklearn's average_precision_score (step-wise)
  std::vector<CalibrationBin> calibration;  // 10 equal-width bins; empty bins are left out
};

struct Report {
  // The rule set.
  std::string ruleset_name, ruleset_version, ruleset_sha256;
  std::vector<std::string> classes;
  int positive_class = -1;
  bool can_abstain = false;            // the default or some rule predicts abstain
  bool default_predicts_class = true;  // false when `default: abstain`
  // The data.
  std::string data_path;
  int64_t rows = 0;           // records read
  int64_t labeled_rows = 0;   // rows in the metrics
  int64_t missing_label = 0;  // excluded: the label cell is missing
  int64_t unknown_label = 0;  // excluded: the label is not one of `classes`
  std::map<std::string, int64_t> unknown_label_values;  // up to 10 distinct values, with counts
  int64_t bad_rows = 0;                      // malformed records skipped (--skip-bad-rows)
  std::map<std::string, int64_t> bad_cells;  // column -> cells that did not parse as its type
  // The figures.
  MetricFigures metrics;                 // end to end (abstain counts as wrong)
  std::optional<MetricFigures> covered;  // on covered rows, when the rules can abstain
  std::vector<std::vector<int64_t>>
      confusion;  // actual x predicted (+ abstain column if can_abstain)
  std::string majority_class;
  MetricFigures majority, stratified;  // naive baselines
  int bootstrap_resamples = 0;
  uint64_t bootstrap_seed = 0;
  bool small_sample = false;
  Interval accuracy_ci, macro_f1_ci;
  std::vector<Interval> precision_ci, recall_ci;  // per class
  std::vector<RuleFigures> rules;
  int64_t default_rows = 0, default_correct = 0;  // rows where no rule fired
  std::vector<SliceFigures> slices;
  std::optional<ShadowFigures> shadow;
  std::optional<PolicyFigures> policy;  // set unless the policy is first_match
  // For a binary rule set with a positive class whose rules carry `confidence`: the rules' score
  // per row (docs/report.md#scores) ranked against the labels.
  std::optional<ScoreFigures> scores;
  double seconds = 0;
};

// The report as JSON (the schema in docs/report.md).
std::string ReportToJson(const Report& r);
// An aligned plain-text report for a terminal; `color` adds ANSI emphasis.
std::string ReportToText(const Report& r, bool color = false);
// The report as Markdown tables.
std::string ReportToMarkdown(const Report& r);
// The report as one self-contained HTML page: inline CSS and SVG charts, no script, no external
// requests; every string from the rule file or the data is escaped (engine/report_html.cc).
std::string ReportToHtml(const Report& r);
// Reads a report written by ReportToJson back (`path` names it in errors): ReportToJson of the
// result is the same text. Fails with kDataError naming the field when the JSON is not a report.
Result<Report> ReportFromJson(const std::string& json_text, const std::string& path);

// A headline figure by name, for --fail-under: accuracy, balanced_accuracy, kappa, coverage,
// macro_precision, macro_recall, macro_f1, weighted_f1, and for a binary rule set with a positive
// class precision, recall, f1, and when the report has scores roc_auc and average_precision.
// Returns nullopt for an unknown name or a figure the report does not have.
std::optional<double> ReportMetric(const Report& r, const std::string& name);
// The names ReportMetric accepts.
std::vector<std::string> ReportMetricNames();

}  // namespace hunch

#endif  // HUNCH_REPORT_H_
