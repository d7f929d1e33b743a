// `hunch eval`: streams labeled data through a rule set and gathers the report's counts.
#include "hunch/eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "engine/csv_chunker.h"
#include "engine/input_stream.h"
#include "engine/interpreter.h"
#include "engine/metrics.h"
#include "engine/rule_stats.h"
#include "engine/ruleset_impl.h"
#include "engine/scores.h"
#include "engine/table_reader.h"
#include "engine/vector_eval.h"
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
  auto cls = [](const metrics::ClassScores& c) {
    return ClassFigures{c.precision, c.recall, c.f1, c.support};
  };
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
    ++Group(value).at(actual, predicted);
  }
  // Folds `other` in after this table's rows: groups keep their order of first appearance.
  void Merge(const SliceTable& other) {
    for (const auto& g : other.groups_) Group(g.value).Add(g.confusion);
  }
  std::vector<SliceGroup> Groups() const {
    std::vector<SliceGroup> out;
    for (const auto& g : groups_) out.push_back({name_ + "=" + g.value, g.confusion});
    return out;
  }

 private:
  struct Entry {
    std::string value;
    metrics::Confusion confusion;
  };
  metrics::Confusion& Group(std::string_view value) {
    auto it = index_.find(std::string(value));
    if (it != index_.end()) return groups_[it->second].confusion;
    std::string key = index_.size() < max_values_ ? std::string(value) : std::string("(other)");
    auto [pos, inserted] = index_.emplace(key, groups_.size());
    if (inserted) groups_.push_back({key, metrics::Confusion(k_)});
    return groups_[pos->second].confusion;
  }

  std::string name_;
  int k_;
  size_t max_values_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<Entry> groups_;
};

std::string SliceValueText(const Value& v) {
  if (v.is_unknown()) return v.is_error() ? "(error)" : "(missing)";
  if (v.v.index() == 5) return std::get<std::string>(v.v);
  return ValueToString(v);
}

// What every worker needs to evaluate records; immutable once built.
struct EvalPlan {
  const RuleSet::Impl* impl = nullptr;
  const CheckedRuleSet* rs = nullptr;
  const EvalOptions* options = nullptr;
  int k = 0;
  int label_h = -1;
  std::vector<int> column_h;  // header index of each schema column, -1 if absent
  std::vector<int> slice_h;
  int shadow_h = -1;
  int key_h = -1;          // EvalOptions::key_column
  bool keep_rows = false;  // fill RowOutcomes
  bool scored = false;     // count outcomes per winning rule, for the rules' scores
  std::unordered_map<std::string, int> class_of_raw;
  std::unordered_map<std::string, int> class_of_name;

  // The class of a raw label value, or -1; a scan beats hashing for a handful of classes.
  int ClassOfRaw(std::string_view raw) const {
    for (int i = 0; i < k; ++i) {
      if (rs->raw_labels[i] == raw) return i;
    }
    return -1;
  }
  std::vector<int> enabled;
  std::vector<std::optional<VectorCondition>> conditions;  // per rule; set for enabled rules
  std::vector<int> used_columns;  // schema columns read by a rule or a slice
  bool can_abstain = false;
};

// The counts of a run over some records; merged in input order. Records are typed into a
// columnar batch, and each rule's condition is evaluated over the whole batch at once.
class Accumulator {
 public:
  static constexpr size_t kBatchRows = 4096;

  explicit Accumulator(const EvalPlan& plan)
      : plan_(plan),
        confusion_(plan.k),
        stats_(plan.rs->rules.size()),
        bad_cells_(plan.rs->schema.columns.size(), 0),
        truth_(plan.rs->rules.size()) {
    for (const auto& name : plan.options->slice_by)
      slices_.emplace_back(name, plan.k, plan.options->max_slice_values);
    for (const auto& sl : plan.rs->slices)
      slices_.emplace_back(sl.name, plan.k, plan.options->max_slice_values);
    const size_t columns = plan.rs->schema.columns.size();
    batch_.columns.resize(columns);
    string_offsets_.resize(columns);
    for (size_t c = 0; c < columns; ++c) batch_.columns[c].type = plan.rs->schema.columns[c].type;
    for (int j : plan.enabled) truth_[j].resize(kBatchRows);
    actual_.reserve(kBatchRows);
    slice_keys_.resize(plan.slice_h.size());
    if (plan.scored) wins_by_class_.assign((plan.rs->rules.size() + 1) * plan.k, 0);
    if (plan.keep_rows) {
      for (const auto& name : plan.options->slice_by) kept_.slice_names.push_back(name);
      for (const auto& sl : plan.rs->slices) kept_.slice_names.push_back(sl.name);
      kept_.slice_values.resize(slices_.size());
    }
  }

  void Add(const RawRecord& rec) {
    const EvalPlan& p = plan_;
    const RuleSet::Impl& impl = *p.impl;
    ++rows_;
    if (!rec.present[p.label_h] || impl.IsMissing(rec.cells[p.label_h])) {
      ++missing_label_;
      return;
    }
    const int label = p.ClassOfRaw(rec.cells[p.label_h]);
    if (label < 0) {
      ++unknown_label_;
      std::string value(rec.cells[p.label_h]);
      if (unknown_labels_.count(value) > 0 || unknown_labels_.size() < kMaxUnknownLabelValues)
        ++unknown_labels_[value];
      return;
    }
    actual_.push_back(label);
    if (p.keep_rows) {
      kept_.record.push_back(rows_ - 1);
      if (p.key_h >= 0)
        kept_.key.emplace_back(rec.present[p.key_h] ? rec.cells[p.key_h] : std::string_view());
    }
    for (int c : p.used_columns) {
      const int h = p.column_h[c];
      ColumnVector& col = batch_.columns[c];
      std::vector<std::pair<uint32_t, uint32_t>>& offsets = string_offsets_[c];
      int64_t i = 0;
      double d = 0;
      CellState state = CellState::kMissing;
      std::string_view cell;
      if (h >= 0 && rec.present[h] && !impl.IsMissing(rec.cells[h])) {
        cell = rec.cells[h];
        state = ParseTypedCell(col.type, cell, &i, &d) ? CellState::kPresent : CellState::kBad;
        if (state == CellState::kBad) ++bad_cells_[c];
      }
      col.state.push_back(state);
      switch (col.type) {
        case ColumnType::kInt:
        case ColumnType::kBool:
          col.ints.push_back(i);
          break;
        case ColumnType::kDouble:
          col.doubles.push_back(d);
          break;
        case ColumnType::kString:
          break;
      }
      // Strings (and the text of bad cells) are copied: the reader's buffer moves on.
      if (col.type == ColumnType::kString || state == CellState::kBad) {
        offsets.emplace_back(static_cast<uint32_t>(arena_.size()),
                             static_cast<uint32_t>(cell.size()));
        arena_.append(cell);
      } else {
        offsets.emplace_back(0, 0);
      }
    }
    for (size_t t = 0; t < p.slice_h.size(); ++t) {
      const int h = p.slice_h[t];
      const bool missing = !rec.present[h] || impl.IsMissing(rec.cells[h]);
      slice_keys_[t].emplace_back(missing ? std::string_view("(missing)") : rec.cells[h]);
    }
    shadow_.push_back(ShadowDecision(rec));
    if (actual_.size() == kBatchRows) Flush();
  }

  void AddBadRow() { ++bad_rows_; }
  int64_t rows() const { return rows_; }

  // Evaluates the buffered rows. Call before Merge and Finish.
  void Flush() {
    const size_t n = actual_.size();
    if (n == 0) return;
    const EvalPlan& p = plan_;
    const CheckedRuleSet& rs = *p.rs;
    batch_.size = n;
    for (int c : p.used_columns) {
      ColumnVector& col = batch_.columns[c];
      col.strings.resize(n);
      for (size_t r = 0; r < n; ++r) {
        const auto [at, len] = string_offsets_[c][r];
        col.strings[r] = std::string_view(arena_.data() + at, len);
      }
    }
    for (int j : p.enabled) p.conditions[j]->Evaluate(batch_, &scratch_, truth_[j].data());
    std::vector<Value> row;
    for (size_t r = 0; r < n; ++r) {
      const int actual = actual_[r];
      fired_.clear();
      votes_.clear();
      errored_.clear();
      for (int j : p.enabled) {
        const Truth t = truth_[j][r];
        if (t == Truth::kTrue) {
          fired_.push_back(j);
          votes_.push_back(rs.rules[j].predict);
        } else if (t == Truth::kError) {
          errored_.push_back(j);
        }
      }
      const int winner = fired_.empty() ? -1 : fired_[0];
      const int predicted = winner < 0 ? rs.default_class : rs.rules[winner].predict;
      const int column = predicted < 0 ? p.k : predicted;
      if (p.scored) ++wins_by_class_[(winner + 1) * p.k + actual];
      if (p.keep_rows) {
        kept_.actual.push_back(actual);
        kept_.predicted.push_back(predicted);
        kept_.rule.push_back(winner);
      }
      ++confusion_.at(actual, column);
      if (fired_.empty() && predicted == actual) ++default_correct_;
      stats_.AddRow(fired_, votes_, errored_, actual);
      if (shadow_[r] != kNoShadow) {
        if (shadow_[r] == kUnrecognized) {
          ++shadow_unrecognized_;
        } else {
          ++shadow_rows_;
          shadow_agree_ += shadow_[r] == predicted;
          shadow_correct_ += shadow_[r] == actual;
          rules_correct_on_shadow_ += predicted == actual;
        }
      }
      size_t t = 0;
      for (; t < p.slice_h.size(); ++t) {
        slices_[t].Add(slice_keys_[t][r], actual, column);
        if (p.keep_rows) kept_.slice_values[t].push_back(slice_keys_[t][r]);
      }
      if (!rs.slices.empty()) {
        RowValues(r, &row);
        for (const auto& sl : rs.slices) {
          std::string value = SliceValueText(Evaluate(sl.expr, row));
          slices_[t].Add(value, actual, column);
          if (p.keep_rows) kept_.slice_values[t].push_back(std::move(value));
          ++t;
        }
      }
    }
    actual_.clear();
    shadow_.clear();
    arena_.clear();
    for (auto& keys : slice_keys_) keys.clear();
    for (int c : p.used_columns) {
      ColumnVector& col = batch_.columns[c];
      col.state.clear();
      col.ints.clear();
      col.doubles.clear();
      string_offsets_[c].clear();
    }
  }

  void Merge(Accumulator& o) {
    if (plan_.keep_rows) AppendRows(std::move(o.kept_), rows_);
    for (size_t i = 0; i < wins_by_class_.size(); ++i) wins_by_class_[i] += o.wins_by_class_[i];
    rows_ += o.rows_;
    missing_label_ += o.missing_label_;
    unknown_label_ += o.unknown_label_;
    for (const auto& [v, n] : o.unknown_labels_) {
      if (unknown_labels_.count(v) > 0 || unknown_labels_.size() < kMaxUnknownLabelValues)
        unknown_labels_[v] += n;
    }
    bad_rows_ += o.bad_rows_;
    for (size_t c = 0; c < bad_cells_.size(); ++c) bad_cells_[c] += o.bad_cells_[c];
    confusion_.Add(o.confusion_);
    stats_.Merge(o.stats_);
    default_correct_ += o.default_correct_;
    shadow_rows_ += o.shadow_rows_;
    shadow_unrecognized_ += o.shadow_unrecognized_;
    shadow_agree_ += o.shadow_agree_;
    shadow_correct_ += o.shadow_correct_;
    rules_correct_on_shadow_ += o.rules_correct_on_shadow_;
    for (size_t t = 0; t < slices_.size(); ++t) slices_[t].Merge(o.slices_[t]);
  }

  Report Finish(const std::string& display_path) const;
  RowOutcomes TakeRows() { return std::move(kept_); }

 private:
  static constexpr int kNoShadow = -3, kUnrecognized = -2;

  // Appends the rows of a later part of the input whose first record is record `offset` here.
  void AppendRows(RowOutcomes&& o, int64_t offset) {
    for (int64_t r : o.record) kept_.record.push_back(r + offset);
    auto append = [](auto& to, auto& from) {
      to.insert(to.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
    };
    append(kept_.actual, o.actual);
    append(kept_.predicted, o.predicted);
    append(kept_.rule, o.rule);
    append(kept_.key, o.key);
    for (size_t t = 0; t < kept_.slice_values.size(); ++t)
      append(kept_.slice_values[t], o.slice_values[t]);
  }

  int ShadowDecision(const RawRecord& rec) const {
    const EvalPlan& p = plan_;
    if (p.shadow_h < 0 || !rec.present[p.shadow_h] || p.impl->IsMissing(rec.cells[p.shadow_h]))
      return kNoShadow;
    const std::string decision(rec.cells[p.shadow_h]);
    if (auto it = p.class_of_name.find(decision); it != p.class_of_name.end()) return it->second;
    if (auto it = p.class_of_raw.find(decision); it != p.class_of_raw.end()) return it->second;
    return kUnrecognized;
  }

  // The typed values of buffered row r, for the interpreter (rule-file slices).
  void RowValues(size_t r, std::vector<Value>* row) const {
    row->assign(batch_.columns.size(), Value::Missing());
    for (int c : plan_.used_columns) {
      const ColumnVector& col = batch_.columns[c];
      switch (col.state[r]) {
        case CellState::kMissing:
          break;
        case CellState::kBad:
          (*row)[c] = Value::Error("cell does not parse as its column's type");
          break;
        case CellState::kPresent:
          switch (col.type) {
            case ColumnType::kInt:
              (*row)[c] = Value(col.ints[r]);
              break;
            case ColumnType::kBool:
              (*row)[c] = Value(col.ints[r] != 0);
              break;
            case ColumnType::kDouble:
              (*row)[c] = Value(col.doubles[r]);
              break;
            case ColumnType::kString:
              (*row)[c] = Value(std::string(col.strings[r]));
              break;
          }
      }
    }
  }

  const EvalPlan& plan_;
  int64_t rows_ = 0, missing_label_ = 0, unknown_label_ = 0, bad_rows_ = 0, default_correct_ = 0;
  int64_t shadow_rows_ = 0, shadow_unrecognized_ = 0, shadow_agree_ = 0, shadow_correct_ = 0,
          rules_correct_on_shadow_ = 0;
  std::map<std::string, int64_t> unknown_labels_;
  metrics::Confusion confusion_;
  RuleStats stats_;
  std::vector<SliceTable> slices_;
  std::vector<int64_t> bad_cells_;
  // The batch being filled, and scratch reused across batches.
  RowBatch batch_;
  std::string arena_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> string_offsets_;
  std::vector<int> actual_;
  std::vector<int> shadow_;
  std::vector<std::vector<std::string>> slice_keys_;
  std::vector<std::vector<Truth>> truth_;
  VectorCondition::Scratch scratch_;
  std::vector<int> fired_, votes_, errored_;
  std::vector<int64_t> wins_by_class_;  // (winning rule + 1) x actual class, when scored
  RowOutcomes kept_;                    // when keep_rows
};

Report Accumulator::Finish(const std::string& display_path) const {
  const CheckedRuleSet& rs = *plan_.rs;
  const EvalOptions& options = *plan_.options;
  const int k = plan_.k;
  Report report;
  report.data_path = display_path;
  report.rows = rows_;
  report.missing_label = missing_label_;
  report.unknown_label = unknown_label_;
  report.unknown_label_values = unknown_labels_;
  report.bad_rows = bad_rows_;
  report.default_correct = default_correct_;
  report.ruleset_name = rs.file.name.text;
  report.ruleset_version = rs.file.version;
  report.ruleset_sha256 = rs.sha256;
  report.classes = rs.class_names;
  report.positive_class = rs.positive_class;
  report.can_abstain = plan_.can_abstain;
  report.default_predicts_class = rs.default_class >= 0;
  report.labeled_rows = confusion_.total();
  for (size_t c = 0; c < bad_cells_.size(); ++c) {
    if (bad_cells_[c] > 0) report.bad_cells[rs.schema.columns[c].name] = bad_cells_[c];
  }
  report.metrics = ToFigures(metrics::Compute(confusion_));
  if (plan_.can_abstain) report.covered = ToFigures(metrics::ComputeCovered(confusion_));
  for (int a = 0; a < k; ++a) {
    std::vector<int64_t> line;
    for (int p = 0; p < k + (plan_.can_abstain ? 1 : 0); ++p) line.push_back(confusion_.at(a, p));
    report.confusion.push_back(std::move(line));
  }
  metrics::Baseline baseline = metrics::ComputeBaselines(confusion_);
  report.majority_class = k > 0 ? rs.class_names[baseline.majority_class] : "";
  report.majority = ToFigures(baseline.majority);
  report.stratified = ToFigures(baseline.stratified);
  report.bootstrap_seed = options.seed;
  if (options.bootstrap > 0 && report.labeled_rows > 0) {
    metrics::Intervals iv = metrics::Bootstrap(confusion_, options.bootstrap, options.seed);
    report.bootstrap_resamples = iv.resamples;
    report.small_sample = iv.small_sample;
    report.accuracy_ci = {iv.accuracy.low, iv.accuracy.high};
    report.macro_f1_ci = {iv.macro_f1.low, iv.macro_f1.high};
    for (const auto& i : iv.precision) report.precision_ci.push_back({i.low, i.high});
    for (const auto& i : iv.recall) report.recall_ci.push_back({i.low, i.high});
  }
  const double n = static_cast<double>(std::max<int64_t>(1, stats_.rows()));
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const RuleCounts& c = stats_.counts()[j];
    RuleFigures f;
    f.name = rs.rules[j].name;
    f.predict = rs.rules[j].predict < 0 ? "abstain" : rs.class_names[rs.rules[j].predict];
    f.enabled = rs.rules[j].enabled;
    f.fires = c.fires;
    f.wins = c.wins;
    f.correct = c.correct;
    f.incorrect = c.incorrect;
    f.errors = c.errors;
    f.coverage = static_cast<double>(c.fires) / n;
    f.precision = c.correct + c.incorrect > 0 ? static_cast<double>(c.correct) /
                                                    static_cast<double>(c.correct + c.incorrect)
                                              : 0;
    f.overlaps = static_cast<double>(c.overlaps) / n;
    f.conflicts = static_cast<double>(c.conflicts) / n;
    f.shadowed = c.fires > 0 && c.wins == 0;
    report.rules.push_back(std::move(f));
  }
  report.default_rows = stats_.default_rows();
  if (plan_.shadow_h >= 0) {
    ShadowFigures sh;
    sh.column = options.shadow_column;
    sh.rows = shadow_rows_;
    sh.unrecognized = shadow_unrecognized_;
    const double m = static_cast<double>(std::max<int64_t>(1, shadow_rows_));
    sh.agreement = static_cast<double>(shadow_agree_) / m;
    sh.rules_accuracy = static_cast<double>(rules_correct_on_shadow_) / m;
    sh.shadow_accuracy = static_cast<double>(shadow_correct_) / m;
    report.shadow = sh;
  }
  if (plan_.scored) {
    std::vector<scores::Tie> ties;
    for (int w = -1; w < static_cast<int>(rs.rules.size()); ++w) {
      const int64_t* counts = &wins_by_class_[(w + 1) * k];
      const double positives = static_cast<double>(counts[rs.positive_class]);
      const double negatives = static_cast<double>(counts[1 - rs.positive_class]);
      if (positives + negatives > 0)
        ties.push_back({scores::RuleScore(rs, w), positives, negatives});
    }
    ties = scores::GroupTies(std::move(ties));
    ScoreFigures sf;
    sf.rows = report.labeled_rows;
    scores::Ranking ranking = scores::Rank(ties);
    sf.roc_auc = ranking.roc_auc;
    sf.average_precision = ranking.average_precision;
    sf.calibration = scores::Calibrate(ties);
    report.scores = std::move(sf);
  }
  for (const auto& table : slices_) {
    for (const auto& g : table.Groups()) {
      metrics::Scores sc = metrics::Compute(g.confusion);
      report.slices.push_back({g.key, sc.rows, sc.accuracy, sc.macro.f1, sc.coverage});
    }
  }
  return report;
}

Result<EvalPlan> MakePlan(const RuleSet& rules, const std::vector<std::string>& header,
                          const std::string& display_path, const EvalOptions& options) {
  EvalPlan p;
  p.impl = &rules.impl();
  p.rs = &p.impl->checked;
  p.options = &options;
  const CheckedRuleSet& rs = *p.rs;
  auto header_index = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  auto unknown_column = [&](std::string_view what, const std::string& name) {
    std::string hint = ClosestMatch(name, header);
    return InvalidArgument(
        fmt::format("{}: error: {} column '{}' is not in the data{}", display_path, what, name,
                    hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  };
  p.label_h = header_index(rs.file.label.text);
  if (p.label_h < 0) return unknown_column("label", rs.file.label.text);
  for (const auto& c : rs.schema.columns) p.column_h.push_back(header_index(c.name));
  for (const auto& name : options.slice_by) {
    int h = header_index(name);
    if (h < 0) return unknown_column("slice", name);
    p.slice_h.push_back(h);
  }
  if (!options.shadow_column.empty()) {
    p.shadow_h = header_index(options.shadow_column);
    if (p.shadow_h < 0) return unknown_column("shadow", options.shadow_column);
  }
  if (!options.key_column.empty()) {
    p.key_h = header_index(options.key_column);
    if (p.key_h < 0) return unknown_column("id", options.key_column);
  }
  p.scored = scores::HasScores(rs);
  p.k = static_cast<int>(rs.class_names.size());
  for (int i = 0; i < p.k; ++i) {
    p.class_of_raw.emplace(rs.raw_labels[i], i);
    p.class_of_name.emplace(rs.class_names[i], i);
  }
  p.can_abstain = rs.default_class < 0;
  p.conditions.resize(rs.rules.size());
  std::vector<bool> used(rs.schema.columns.size(), false);
  auto mark = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) {
      if (int c = rs.schema.Find(n); c >= 0) used[c] = true;
    }
  };
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    if (!rs.rules[j].enabled) continue;
    p.enabled.push_back(static_cast<int>(j));
    if (rs.rules[j].predict < 0) p.can_abstain = true;
    p.conditions[j] = VectorCondition::Compile(rs.rules[j].condition, rs.schema);
    mark(rs.rules[j].columns_read);
  }
  // Slice expressions may read any column; their columns are typed too.
  if (!rs.slices.empty()) std::fill(used.begin(), used.end(), true);
  for (size_t c = 0; c < used.size(); ++c) {
    if (used[c]) p.used_columns.push_back(static_cast<int>(c));
  }
  return p;
}

// Reads records one after another (JSONL, or a single thread).
Status RunSequential(TableReader& reader, const EvalOptions& options, Accumulator* acc) {
  RawRecord rec;
  int64_t n = 0;
  for (;;) {
    auto more = reader.Next(&rec);
    if (!more.ok()) {
      if (!options.skip_bad_rows || !reader.Recover()) return more.status();
      acc->AddBadRow();
      continue;
    }
    if (!*more) break;
    acc->Add(rec);
    if (options.progress && (++n & 0xFFFF) == 0) options.progress(n, reader.bytes_read());
  }
  acc->Flush();
  return Status::Ok();
}

// Parses and evaluates CSV chunks on several threads; results merge in chunk order, so every
// figure is identical to a one-thread run.
Status RunParallel(CsvChunker& chunker, const EvalPlan& plan, int threads, Accumulator* total) {
  const EvalOptions& options = *plan.options;
  struct Done {
    std::unique_ptr<Accumulator> acc;
    Status status;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<CsvChunk> queue;
  std::map<int64_t, Done> done;
  bool input_finished = false, stop = false;
  const size_t max_queued = static_cast<size_t>(threads) * 2;
  ReaderOptions ro;

  auto worker = [&] {
    for (;;) {
      CsvChunk chunk;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || input_finished || stop; });
        if (stop || queue.empty()) return;
        chunk = std::move(queue.front());
        queue.pop_front();
        cv.notify_all();
      }
      Done d;
      d.acc = std::make_unique<Accumulator>(plan);
      auto reader =
          OpenCsvChunkReader(InputStream::FromMemory(chunker.name(), std::move(chunk.bytes)),
                             chunker.header(), chunk.first_line, ro);
      d.status = reader.ok() ? RunSequential(**reader, options, d.acc.get()) : reader.status();
      std::lock_guard lock(mu);
      done.emplace(chunk.index, std::move(d));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);

  Status result;
  int64_t next_merge = 0, produced = 0;
  auto merge_ready = [&](std::unique_lock<std::mutex>& lock) {
    for (auto it = done.find(next_merge); it != done.end(); it = done.find(next_merge)) {
      Done d = std::move(it->second);
      done.erase(it);
      ++next_merge;
      lock.unlock();
      if (result.ok()) {
        if (!d.status.ok()) result = d.status;  // the first error in input order
        total->Merge(*d.acc);
      }
      lock.lock();
      if (!result.ok()) stop = true;
    }
  };
  for (;;) {
    CsvChunk chunk;
    Result<bool> more = chunker.Next(&chunk);
    std::unique_lock lock(mu);
    merge_ready(lock);
    if (!more.ok() && result.ok()) {
      result = more.status();
      stop = true;
    }
    if (stop || !more.ok() || !*more) break;
    queue.push_back(std::move(chunk));
    ++produced;
    cv.notify_all();
    cv.wait(lock, [&] { return queue.size() < max_queued || stop; });
    if (options.progress) {
      lock.unlock();
      options.progress(total->rows(), chunker.bytes_read());
    }
  }
  {
    std::unique_lock lock(mu);
    input_finished = true;
    cv.notify_all();
    while (next_merge < produced && !stop) {
      cv.wait(lock, [&] { return done.count(next_merge) > 0; });
      merge_ready(lock);
    }
    stop = true;
    cv.notify_all();
  }
  for (auto& t : pool) t.join();
  return result;
}

}  // namespace

Result<Report> EvaluateFile(const RuleSet& rules, const std::string& path,
                            const EvalOptions& options) {
  return EvaluateFile(rules, path, options, nullptr);
}

Result<Report> EvaluateFile(const RuleSet& rules, const std::string& path,
                            const EvalOptions& options, RowOutcomes* rows) {
  const auto started = std::chrono::steady_clock::now();
  auto format = ParseInputFormat(options.data.format);
  if (!format.ok()) return format.status();
  ReaderOptions ro;
  ro.format = *format;
  const std::string display_path = path == "-" ? "<stdin>" : path;
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool csv =
      *format == InputFormat::kCsv ||
      (*format == InputFormat::kAuto && (path == "-" || FormatForPath(path) == InputFormat::kCsv));
  std::optional<EvalPlan> plan;
  std::unique_ptr<Accumulator> acc;
  Status status;
  if (csv && threads > 1) {
    auto chunker = CsvChunker::Open(path, ro);
    if (!chunker.ok()) return chunker.status();
    auto p = MakePlan(rules, (*chunker)->header(), display_path, options);
    if (!p.ok()) return p.status();
    plan = std::move(*p);
    plan->keep_rows = rows != nullptr;
    acc = std::make_unique<Accumulator>(*plan);
    status = RunParallel(**chunker, *plan, threads, acc.get());
  } else {
    auto opened = OpenTable(path, ro);
    if (!opened.ok()) return opened.status();
    auto p = MakePlan(rules, (*opened)->header(), display_path, options);
    if (!p.ok()) return p.status();
    plan = std::move(*p);
    plan->keep_rows = rows != nullptr;
    acc = std::make_unique<Accumulator>(*plan);
    status = RunSequential(**opened, options, acc.get());
  }
  if (!status.ok()) return status;
  Report report = acc->Finish(display_path);
  if (rows != nullptr) *rows = acc->TakeRows();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace hunch
