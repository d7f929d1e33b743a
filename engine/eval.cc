// `hunch eval`: streams labeled data through a rule set and gathers the report's counts.
#include "hunch/eval.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/interpreter.h"
#include "engine/metrics.h"
#include "engine/rule_stats.h"
#include "engine/ruleset_impl.h"
#include "engine/table_reader.h"
#include "rules/text.h"

namespace hunch {
namespace {

constexpr size_t kMaxUnknownLabelValues = 10;

MetricFigures ToFigures(const metrics::Scores& s) {
  MetricFigures f;
  f.rows = s.rows;
  f.accuracy = s.accuracy;
  f.balanced_accuracy = s.balanced_accuracy;
  f.kappa = s.kappa;
  f.coverage = s.coverage;
  auto cls = [](const metrics::ClassScores& c) { return ClassFigures{c.precision, c.recall, c.f1, c.support}; };
  f.macro = cls(s.macro);
  f.weighted = cls(s.weighted);
  for (const auto& c : s.per_class) f.per_class.push_back(cls(c));
  return f;
}

// One group of rows whose metrics are reported apart (a slice value).
struct SliceGroup {
  std::string key;
  metrics::Confusion confusion;
};

class SliceTable {
 public:
  SliceTable(std::string name, int num_classes, size_t max_values)
      : name_(std::move(name)), k_(num_classes), max_values_(max_values) {}

  void Add(std::string_view value, int actual, int predicted) {
    auto it = index_.find(std::string(value));
    size_t i;
    if (it != index_.end()) {
      i = it->second;
    } else if (index_.size() < max_values_) {
      i = groups_.size();
      index_.emplace(std::string(value), i);
      groups_.push_back({name_ + "=" + std::string(value), metrics::Confusion(k_)});
    } else {
      if (other_ < 0) {
        other_ = static_cast<int>(groups_.size());
        groups_.push_back({name_ + "=(other)", metrics::Confusion(k_)});
      }
      i = static_cast<size_t>(other_);
    }
    ++groups_[i].confusion.at(actual, predicted);
  }
  const std::vector<SliceGroup>& groups() const { return groups_; }

 private:
  std::string name_;
  int k_;
  size_t max_values_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<SliceGroup> groups_;
  int other_ = -1;
};

std::string SliceValueText(const Value& v) {
  if (v.is_unknown()) return v.is_error() ? "(error)" : "(missing)";
  if (v.v.index() == 5) return std::get<std::string>(v.v);
  return ValueToString(v);
}

}  // namespace

Result<Report> EvaluateFile(const RuleSet& rules, const std::string& path, const EvalOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const RuleSet::Impl& impl = rules.impl();
  const CheckedRuleSet& rs = impl.checked;
  auto format = ParseInputFormat(options.data.format);
  if (!format.ok()) return format.status();
  ReaderOptions ro;
  ro.format = *format;
  auto opened = OpenTable(path, ro);
  if (!opened.ok()) return opened.status();
  TableReader& reader = **opened;
  const auto& header = reader.header();
  const std::string display_path = path == "-" ? "<stdin>" : path;

  auto header_index = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  auto unknown_column = [&](std::string_view what, const std::string& name) {
    std::string hint = ClosestMatch(name, header);
    return InvalidArgument(fmt::format("{}: error: {} column '{}' is not in the data{}", display_path,
                                       what, name, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  };
  const int label_h = header_index(rs.file.label.text);
  if (label_h < 0) return unknown_column("label", rs.file.label.text);
  std::vector<int> column_h(rs.schema.columns.size());
  for (size_t c = 0; c < column_h.size(); ++c) column_h[c] = header_index(rs.schema.columns[c].name);
  std::vector<int> slice_h;
  for (const auto& name : options.slice_by) {
    int h = header_index(name);
    if (h < 0) return unknown_column("slice", name);
    slice_h.push_back(h);
  }

  const int k = static_cast<int>(rs.class_names.size());
  std::unordered_map<std::string, int> class_of_raw;
  for (int i = 0; i < k; ++i) class_of_raw.emplace(rs.raw_labels[i], i);
  bool can_abstain = rs.default_class < 0;
  std::vector<int> enabled;
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    if (rs.rules[j].enabled) enabled.push_back(static_cast<int>(j));
    if (rs.rules[j].enabled && rs.rules[j].predict < 0) can_abstain = true;
  }

  Report report;
  report.data_path = display_path;
  metrics::Confusion confusion(k);
  RuleStats stats(rs.rules.size());
  std::vector<SliceTable> slice_tables;
  for (const auto& name : options.slice_by) slice_tables.emplace_back(name, k, options.max_slice_values);
  for (const auto& s : rs.slices) slice_tables.emplace_back(s.name, k, options.max_slice_values);
  std::map<std::string, int64_t> unknown_labels;
  std::vector<int64_t> bad_cells(rs.schema.columns.size(), 0);

  RawRecord rec;
  std::vector<Value> row(rs.schema.columns.size());
  std::vector<int> fired, votes, errored;
  fired.reserve(rs.rules.size());
  while (true) {
    auto more = reader.Next(&rec);
    if (!more.ok()) {
      if (!options.skip_bad_rows || !reader.Recover()) return more.status();
      ++report.bad_rows;
      continue;
    }
    if (!*more) break;
    ++report.rows;
    if (options.progress && (report.rows & 0xFFFF) == 0) options.progress(report.rows, reader.bytes_read());

    const bool label_present = rec.present[label_h] && !impl.IsMissing(rec.cells[label_h]);
    if (!label_present) {
      ++report.missing_label;
      continue;
    }
    auto cls = class_of_raw.find(std::string(rec.cells[label_h]));
    if (cls == class_of_raw.end()) {
      ++report.unknown_label;
      auto& n = unknown_labels[std::string(rec.cells[label_h])];
      if (n > 0 || unknown_labels.size() <= kMaxUnknownLabelValues) ++n;
      else unknown_labels.erase(std::string(rec.cells[label_h]));
      continue;
    }
    const int actual = cls->second;

    for (size_t c = 0; c < row.size(); ++c) {
      const int h = column_h[c];
      row[c] = h >= 0 && rec.present[h] ? impl.CellValue(static_cast<int>(c), rec.cells[h]) : Value::Missing();
      if (row[c].is_error()) ++bad_cells[c];
    }
    fired.clear();
    votes.clear();
    errored.clear();
    for (int j : enabled) {
      Value v = Evaluate(rs.rules[j].condition, row);
      if (v.is_true()) {
        fired.push_back(j);
        votes.push_back(rs.rules[j].predict);
      } else if (v.is_error()) {
        errored.push_back(j);
      }
    }
    const int predicted = fired.empty() ? rs.default_class : rs.rules[fired[0]].predict;
    const int column = predicted < 0 ? k : predicted;
    ++confusion.at(actual, column);
    if (fired.empty() && predicted == actual) ++report.default_correct;
    stats.AddRow(fired, votes, errored, actual);
    size_t t = 0;
    for (int h : slice_h) {
      bool missing = !rec.present[h] || impl.IsMissing(rec.cells[h]);
      slice_tables[t++].Add(missing ? std::string_view("(missing)") : rec.cells[h], actual, column);
    }
    for (const auto& s : rs.slices) slice_tables[t++].Add(SliceValueText(Evaluate(s.expr, row)), actual, column);
  }
  if (options.progress) options.progress(report.rows, reader.bytes_read());

  // The rule set.
  report.ruleset_name = rs.file.name.text;
  report.ruleset_version = rs.file.version;
  report.ruleset_sha256 = rs.sha256;
  report.classes = rs.class_names;
  report.positive_class = rs.positive_class;
  report.can_abstain = can_abstain;
  // The data.
  report.labeled_rows = confusion.total();
  report.unknown_label_values = unknown_labels;
  for (size_t c = 0; c < bad_cells.size(); ++c) {
    if (bad_cells[c] > 0) report.bad_cells[rs.schema.columns[c].name] = bad_cells[c];
  }
  // The figures.
  report.metrics = ToFigures(metrics::Compute(confusion));
  if (can_abstain) report.covered = ToFigures(metrics::ComputeCovered(confusion));
  for (int a = 0; a < k; ++a) {
    std::vector<int64_t> line;
    for (int p = 0; p < k + (can_abstain ? 1 : 0); ++p) line.push_back(confusion.at(a, p));
    report.confusion.push_back(std::move(line));
  }
  metrics::Baseline baseline = metrics::ComputeBaselines(confusion);
  report.majority_class = k > 0 ? rs.class_names[baseline.majority_class] : "";
  report.majority = ToFigures(baseline.majority);
  report.stratified = ToFigures(baseline.stratified);
  report.bootstrap_seed = options.seed;
  if (options.bootstrap > 0 && report.labeled_rows > 0) {
    metrics::Intervals iv = metrics::Bootstrap(confusion, options.bootstrap, options.seed);
    report.bootstrap_resamples = iv.resamples;
    report.small_sample = iv.small_sample;
    report.accuracy_ci = {iv.accuracy.low, iv.accuracy.high};
    report.macro_f1_ci = {iv.macro_f1.low, iv.macro_f1.high};
    for (const auto& i : iv.precision) report.precision_ci.push_back({i.low, i.high});
    for (const auto& i : iv.recall) report.recall_ci.push_back({i.low, i.high});
  }
  const double n = static_cast<double>(std::max<int64_t>(1, stats.rows()));
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const RuleCounts& c = stats.counts()[j];
    RuleFigures f;
    f.name = rs.rules[j].name;
    f.predict = rs.rules[j].predict < 0 ? "abstain" : rs.class_names[rs.rules[j].predict];
    f.enabled = rs.rules[j].enabled;
    f.fires = c.fires;
    f.wins = c.wins;
    f.correct = c.correct;
    f.incorrect = c.incorrect;
    f.errors = c.errors;
    f.coverage = stats.rows() > 0 ? static_cast<double>(c.fires) / n : 0;
    f.precision = c.correct + c.incorrect > 0 ? static_cast<double>(c.correct) / static_cast<double>(c.correct + c.incorrect) : 0;
    f.overlaps = stats.rows() > 0 ? static_cast<double>(c.overlaps) / n : 0;
    f.conflicts = stats.rows() > 0 ? static_cast<double>(c.conflicts) / n : 0;
    f.shadowed = c.fires > 0 && c.wins == 0;
    report.rules.push_back(std::move(f));
  }
  report.default_rows = stats.default_rows();
  for (const auto& table : slice_tables) {
    for (const auto& g : table.groups()) {
      metrics::Scores s = metrics::Compute(g.confusion);
      report.slices.push_back({g.key, s.rows, s.accuracy, s.macro.f1, s.coverage});
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace hunch
