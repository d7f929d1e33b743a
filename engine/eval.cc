// `hunch eval`: streams labeled data through a rule set and gathers the report's counts.
#include "hunch/eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "engine/csv_chunker.h"
#include "engine/eval_report.h"
#include "engine/input_stream.h"
#include "engine/interpreter.h"
#include "engine/metrics.h"
#include "engine/plain_csv.h"
#include "engine/policy.h"
#include "engine/rule_stats.h"
#include "engine/ruleset_impl.h"
#include "engine/scores.h"
#include "engine/table_reader.h"
#include "engine/vector_eval.h"
#include "hunch/table.h"
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
    ++Group(value).confusion.at(actual, predicted);
  }
  // Combining policies: the row's vote pattern, decided once the policy is fitted (Groups).
  void AddPattern(std::string_view value, int actual, const std::string& pattern) {
    auto& counts = Group(value).patterns[pattern];
    counts.resize(k_, 0);
    ++counts[actual];
  }
  // Folds `other` in after this table's rows: groups keep their order of first appearance.
  void Merge(const SliceTable& other) {
    for (const auto& g : other.groups_) {
      Entry& e = Group(g.value);
      e.confusion.Add(g.confusion);
      for (const auto& [key, counts] : g.patterns) {
        auto& mine = e.patterns[key];
        mine.resize(k_, 0);
        for (int c = 0; c < k_; ++c) mine[c] += counts[c];
      }
    }
  }
  // `decide` maps a vote pattern to its predicted column (AddPattern rows).
  std::vector<SliceGroup> Groups(const std::function<int(const std::string&)>& decide) const {
    std::vector<SliceGroup> out;
    for (const auto& g : groups_) {
      metrics::Confusion confusion = g.confusion;
      for (const auto& [key, counts] : g.patterns) {
        const int column = decide(key);
        for (int c = 0; c < k_; ++c) confusion.at(c, column) += counts[c];
      }
      out.push_back({name_ + "=" + g.value, confusion});
    }
    return out;
  }

 private:
  struct Entry {
    std::string value;
    metrics::Confusion confusion;
    PatternCounts patterns;
  };
  Entry& Group(std::string_view value) {
    auto it = index_.find(std::string(value));
    if (it != index_.end()) return groups_[it->second];
    std::string key = index_.size() < max_values_ ? std::string(value) : std::string("(other)");
    auto [pos, inserted] = index_.emplace(key, groups_.size());
    if (inserted) groups_.push_back({key, metrics::Confusion(k_), {}});
    return groups_[pos->second];
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
  // vote, weighted, label_model: rows are kept as vote patterns and decided in Finish, once the
  // policy is fitted on all of them.
  bool combine = false;
  const Combiner* combiner = nullptr;
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
    shadow_.push_back(p.shadow_h < 0
                          ? kNoShadow
                          : ShadowDecision(rec.present[p.shadow_h], rec.cells[p.shadow_h]));
    if (actual_.size() == kBatchRows) Flush();
  }

  // Adds the records of a chunk of plain CSV (see plain_csv.h) column by column, straight from
  // the chunk's bytes, which must stay valid until the call returns. Returns false, with this
  // accumulator spoiled, when some record is not plain: the caller reads the chunk again with the
  // full reader into a fresh accumulator.
  bool AddPlainCsv(std::string_view bytes, size_t num_fields, size_t max_record_bytes) {
    PlainCsvSplitter split(bytes, num_fields, max_record_bytes);
    while (size_t n = split.Next(kBatchRows)) AddSplitRows(split, n);
    return split.plain();
  }

  void AddBadRow() { ++bad_rows_; }

 private:
  // Types header column `h` of the kept records into `col` (values into `ints` or `doubles`,
  // whichever the type uses).
  template <ColumnType type>
  void TypeColumn(const PlainCsvSplitter& split, int h, ColumnVector* col, int64_t* ints,
                  double* doubles, int64_t* bad_cells) const {
    const RuleSet::Impl& impl = *plan_.impl;
    const size_t m = labeled_.size();
    CellState* state = col->state.data();
    std::string_view* strings = col->strings.data();
    if (h < 0) {
      std::fill(state, state + m, CellState::kMissing);
      return;
    }
    int64_t ignored_int;
    double ignored_double;
    for (size_t i = 0; i < m; ++i) {
      const std::string_view cell = split.Cell(labeled_[i], h);
      if (impl.IsMissing(cell)) {
        state[i] = CellState::kMissing;
        continue;
      }
      int64_t* const int_out = ints ? ints + i : &ignored_int;
      double* const double_out = doubles ? doubles + i : &ignored_double;
      bool parsed = false;
      if constexpr (type == ColumnType::kInt || type == ColumnType::kDouble) {
        // The one-load parser reads 8 bytes from the cell's start: they must be in the chunk.
        parsed =
            split.end() - cell.data() >= 8 && ParseShortNumber<type>(cell, int_out, double_out);
      }
      if (parsed || ParseTypedCell(type, cell, int_out, double_out)) {
        state[i] = CellState::kPresent;
        strings[i] = cell;  // used by string columns only; cheaper to store than to test
      } else {
        state[i] = CellState::kBad;
        strings[i] = cell;
        ++*bad_cells;
      }
    }
  }

  // The typing half of Add, one column at a time over a batch of split records.
  void AddSplitRows(const PlainCsvSplitter& split, size_t n) {
    const EvalPlan& p = plan_;
    const RuleSet::Impl& impl = *p.impl;
    rows_ += static_cast<int64_t>(n);
    labeled_.clear();
    for (size_t r = 0; r < n; ++r) {
      const std::string_view raw = split.Cell(r, p.label_h);
      if (impl.IsMissing(raw)) {
        ++missing_label_;
        continue;
      }
      const int label = p.ClassOfRaw(raw);
      if (label < 0) {
        ++unknown_label_;
        std::string value(raw);
        if (unknown_labels_.count(value) > 0 || unknown_labels_.size() < kMaxUnknownLabelValues)
          ++unknown_labels_[value];
        continue;
      }
      actual_.push_back(label);
      labeled_.push_back(static_cast<uint32_t>(r));
    }
    const size_t m = labeled_.size();
    for (int c : p.used_columns) {
      ColumnVector& col = batch_.columns[c];
      col.state.resize(m);
      col.strings.resize(m);
      switch (col.type) {
        case ColumnType::kInt:
          col.ints.resize(m);
          TypeColumn<ColumnType::kInt>(split, p.column_h[c], &col, col.ints.data(), nullptr,
                                       &bad_cells_[c]);
          break;
        case ColumnType::kBool:
          col.ints.resize(m);
          TypeColumn<ColumnType::kBool>(split, p.column_h[c], &col, col.ints.data(), nullptr,
                                        &bad_cells_[c]);
          break;
        case ColumnType::kDouble:
          col.doubles.resize(m);
          TypeColumn<ColumnType::kDouble>(split, p.column_h[c], &col, nullptr, col.doubles.data(),
                                          &bad_cells_[c]);
          break;
        case ColumnType::kString:
          TypeColumn<ColumnType::kString>(split, p.column_h[c], &col, nullptr, nullptr,
                                          &bad_cells_[c]);
          break;
      }
    }
    for (size_t t = 0; t < p.slice_h.size(); ++t) {
      for (size_t i = 0; i < m; ++i) {
        const std::string_view cell = split.Cell(labeled_[i], p.slice_h[t]);
        slice_keys_[t].emplace_back(impl.IsMissing(cell) ? std::string_view("(missing)") : cell);
      }
    }
    for (size_t i = 0; i < m; ++i)
      shadow_.push_back(p.shadow_h < 0 ? kNoShadow
                                       : ShadowDecision(true, split.Cell(labeled_[i], p.shadow_h)));
    strings_in_place_ = true;
    Flush();
    strings_in_place_ = false;
  }

 public:
  int64_t rows() const { return rows_; }

  // Evaluates the buffered rows. Call before Merge and Finish.
  void Flush() {
    const size_t n = actual_.size();
    if (n == 0) return;
    const EvalPlan& p = plan_;
    const CheckedRuleSet& rs = *p.rs;
    batch_.size = n;
    for (int c : p.used_columns) {
      if (strings_in_place_) break;
      ColumnVector& col = batch_.columns[c];
      col.strings.resize(n);
      for (size_t r = 0; r < n; ++r) {
        const auto [at, len] = string_offsets_[c][r];
        col.strings[r] = std::string_view(arena_.data() + at, len);
      }
    }
    for (int j : p.enabled) p.conditions[j]->Evaluate(batch_, &scratch_, truth_[j].data());
    if (p.combine) {
      AddPatterns(n);
    } else {
      TallyRules(n);
      if (p.scored) {
        for (size_t r = 0; r < n; ++r) ++wins_by_class_[(first_[r] + 1) * p.k + actual_[r]];
      }
      if (p.keep_rows) {
        kept_.actual.insert(kept_.actual.end(), actual_.begin(), actual_.begin() + n);
        kept_.predicted.insert(kept_.predicted.end(), predicted_.begin(), predicted_.begin() + n);
        kept_.rule.insert(kept_.rule.end(), first_.begin(), first_.begin() + n);
      }
    }
    if (!p.combine && (p.shadow_h >= 0 || !slices_.empty())) {
      std::vector<Value> row;
      for (size_t r = 0; r < n; ++r) {
        const int actual = actual_[r];
        const int predicted = predicted_[r];
        const int column = predicted < 0 ? p.k : predicted;
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
    }
    actual_.clear();
    shadow_.clear();
    arena_.clear();
    for (auto& keys : slice_keys_) keys.clear();
    for (int c : p.used_columns) {
      if (strings_in_place_) break;  // AddSplitRows sizes the columns itself, without zeroing
      ColumnVector& col = batch_.columns[c];
      col.state.clear();
      col.ints.clear();
      col.doubles.clear();
      string_offsets_[c].clear();
    }
  }

  // From the rules' truth values over the batch: each row's prediction (first match) into
  // predicted_, the confusion counts, and every rule's counts. Column by column, so that the
  // loops run without branches over a whole batch.
  void TallyRules(size_t n) {
    const EvalPlan& p = plan_;
    const CheckedRuleSet& rs = *p.rs;
    const int* actual = actual_.data();
    first_.assign(n, -1);
    for (auto it = p.enabled.rbegin(); it != p.enabled.rend(); ++it) {
      const int j = *it;
      const Truth* t = truth_[j].data();
      int32_t* first = first_.data();
      for (size_t r = 0; r < n; ++r) first[r] = t[r] == Truth::kTrue ? j : first[r];
    }
    // Snorkel's overlaps and conflicts count votes; a rule that predicts abstain does not vote.
    voters_.assign(n, 0);
    conflict_.assign(n, 0);
    first_vote_.assign(n, -1);
    for (int j : p.enabled) {
      const int vote = rs.rules[j].predict;
      if (vote < 0) continue;
      const Truth* t = truth_[j].data();
      uint8_t* voters = voters_.data();
      uint8_t* conflict = conflict_.data();
      int32_t* first_vote = first_vote_.data();
      for (size_t r = 0; r < n; ++r) {
        const uint8_t fired = t[r] == Truth::kTrue;
        conflict[r] |= fired & (voters[r] > 0) & (first_vote[r] != vote);
        first_vote[r] = fired && voters[r] == 0 ? vote : first_vote[r];
        voters[r] = std::min<uint8_t>(voters[r] + fired, 2);
      }
    }
    rule_deltas_.assign(rs.rules.size(), RuleCounts{});
    for (int j : p.enabled) {
      const int vote = rs.rules[j].predict;
      const Truth* t = truth_[j].data();
      const int32_t* first = first_.data();
      const uint8_t* voters = voters_.data();
      const uint8_t* conflict = conflict_.data();
      int32_t fires = 0, errors = 0, wins = 0, correct = 0, overlaps = 0, conflicts = 0;
      for (size_t r = 0; r < n; ++r) {
        const int32_t fired = t[r] == Truth::kTrue;
        fires += fired;
        errors += t[r] == Truth::kError;
        wins += first[r] == j;
        correct += fired & (actual[r] == vote);
        overlaps += fired & (voters[r] > 1);
        conflicts += fired & conflict[r];
      }
      RuleCounts& c = rule_deltas_[j];
      c.fires = fires;
      c.errors = errors;
      c.wins = wins;
      if (vote >= 0) {
        c.correct = correct;
        c.incorrect = fires - correct;
        c.overlaps = overlaps;
        c.conflicts = conflicts;
      }
    }
    predicted_.resize(n);
    int64_t default_rows = 0;
    for (size_t r = 0; r < n; ++r) {
      const int first = first_[r];
      const int predicted = first >= 0 ? rs.rules[first].predict : rs.default_class;
      predicted_[r] = predicted;
      ++confusion_.at(actual[r], predicted < 0 ? p.k : predicted);
      default_rows += first < 0;
      default_correct_ += first < 0 && predicted == actual[r];
    }
    stats_.AddBatch(static_cast<int64_t>(n), default_rows, rule_deltas_);
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
    MergePatterns(o.patterns_, &patterns_);
    MergePatterns(o.shadow_patterns_, &shadow_patterns_);
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

  static void AddPattern(PatternCounts* table, const std::string& key, int actual, int k) {
    auto& counts = (*table)[key];
    counts.resize(k, 0);
    ++counts[actual];
  }
  static void MergePatterns(const PatternCounts& from, PatternCounts* into) {
    for (const auto& [key, counts] : from) {
      auto& mine = (*into)[key];
      mine.resize(counts.size(), 0);
      for (size_t c = 0; c < counts.size(); ++c) mine[c] += counts[c];
    }
  }

  // The buffered rows under a combining policy: per-rule counts now, decisions in Finish.
  void AddPatterns(size_t n) {
    const EvalPlan& p = plan_;
    const CheckedRuleSet& rs = *p.rs;
    std::vector<Value> row;
    std::string key;
    for (size_t r = 0; r < n; ++r) {
      const int actual = actual_[r];
      fired_.clear();
      votes_.clear();
      errored_.clear();
      voter_ids_.clear();
      for (int j : p.enabled) {
        const Truth t = truth_[j][r];
        if (t == Truth::kTrue) {
          fired_.push_back(j);
          votes_.push_back(rs.rules[j].predict);
          if (int v = p.combiner->VoterOf(j); v >= 0) voter_ids_.push_back(v);
        } else if (t == Truth::kError) {
          errored_.push_back(j);
        }
      }
      stats_.AddRow(fired_, votes_, errored_, actual);
      key = EncodePattern(voter_ids_);
      AddPattern(&patterns_, key, actual, p.k);
      if (shadow_[r] == kUnrecognized) {
        ++shadow_unrecognized_;
      } else if (shadow_[r] != kNoShadow) {
        const int shadow = shadow_[r];
        AddPattern(&shadow_patterns_, key + EncodePattern(std::span<const int>(&shadow, 1)), actual,
                   p.k);
      }
      size_t t = 0;
      for (; t < p.slice_h.size(); ++t) slices_[t].AddPattern(slice_keys_[t][r], actual, key);
      if (!rs.slices.empty()) {
        RowValues(r, &row);
        for (const auto& sl : rs.slices)
          slices_[t++].AddPattern(SliceValueText(Evaluate(sl.expr, row)), actual, key);
      }
    }
  }

  // Under a combining policy: the confusion, rule figures, slices, shadow and the comparison with
  // majority vote, from the vote patterns.
  using Decide = std::function<const Combiner::Decision&(const std::string&)>;
  void FinishCombined(const Combiner& combiner, const Decide& decide, Report* report) const;

  int ShadowDecision(bool present, std::string_view cell) const {
    const EvalPlan& p = plan_;
    if (!present || p.impl->IsMissing(cell)) return kNoShadow;
    const std::string decision(cell);
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
  bool strings_in_place_ = false;  // the batch's string views point into the input, not arena_
  std::vector<uint32_t> labeled_;  // split records with a usable label
  std::vector<int> actual_;
  std::vector<int> shadow_;
  std::vector<std::vector<std::string>> slice_keys_;
  std::vector<std::vector<Truth>> truth_;
  VectorCondition::Scratch scratch_;
  // TallyRules' per-row scratch: first rule to fire, votes so far (capped at 2), whether two
  // votes differ, the first vote, and the prediction.
  std::vector<int32_t> first_;
  std::vector<uint8_t> voters_, conflict_;
  std::vector<int32_t> first_vote_;
  std::vector<int> predicted_;
  std::vector<RuleCounts> rule_deltas_;
  // AddPatterns' per-row scratch.
  std::vector<int> fired_, votes_, errored_, voter_ids_;
  PatternCounts patterns_, shadow_patterns_;  // combining policies: rows by vote pattern
  std::vector<int64_t> wins_by_class_;        // (winning rule + 1) x actual class, when scored
  RowOutcomes kept_;                          // when keep_rows
};

Report Accumulator::Finish(const std::string& display_path) const {
  const EvalOptions& options = *plan_.options;
  const int k = plan_.k;
  // A combining policy is fitted on every row's vote pattern (never on the labels), then decides
  // each pattern once.
  std::optional<Combiner> fitted;
  std::unordered_map<std::string, Combiner::Decision> decisions;
  const Decide decide = [&](const std::string& key) -> const Combiner::Decision& {
    auto it = decisions.find(key);
    if (it == decisions.end())
      it = decisions.emplace(key, fitted->Decide(DecodePattern(key))).first;
    return it->second;
  };
  auto column_of = [&](const std::string& key) {
    const int c = decide(key).class_index;
    return c < 0 ? k : c;
  };
  metrics::Confusion combined(k);
  if (plan_.combine) {
    fitted.emplace(*plan_.combiner);
    if (fitted->needs_fit()) {
      LabelModelOptions lm;
      lm.max_iterations = options.max_iterations;
      lm.tolerance = options.tolerance;
      fitted->Fit(patterns_, lm);
    }
    for (const auto& [key, counts] : patterns_) {
      const int column = column_of(key);
      for (int a = 0; a < k; ++a) combined.at(a, column) += counts[a];
    }
  }
  EvalTotals t;
  t.rows = rows_;
  t.missing_label = missing_label_;
  t.unknown_label = unknown_label_;
  t.unknown_labels = unknown_labels_;
  t.bad_rows = bad_rows_;
  t.default_correct = default_correct_;
  t.confusion = plan_.combine ? combined : confusion_;
  t.stats = stats_;
  t.bad_cells = bad_cells_;
  t.can_abstain = plan_.can_abstain;
  if (plan_.scored) t.wins_by_class = wins_by_class_;
  if (plan_.shadow_h >= 0) {
    ShadowFigures sh;
    sh.column = plan_.options->shadow_column;
    sh.rows = shadow_rows_;
    sh.unrecognized = shadow_unrecognized_;
    const double m = static_cast<double>(std::max<int64_t>(1, shadow_rows_));
    sh.agreement = static_cast<double>(shadow_agree_) / m;
    sh.rules_accuracy = static_cast<double>(rules_correct_on_shadow_) / m;
    sh.shadow_accuracy = static_cast<double>(shadow_correct_) / m;
    t.shadow = sh;
  }
  for (const auto& table : slices_) {
    for (auto& g : table.Groups(column_of))
      t.slices.push_back({std::move(g.key), std::move(g.confusion)});
  }
  Report report = BuildEvalReport(*plan_.rs, t, options, display_path);
  if (plan_.combine) FinishCombined(*fitted, decide, &report);
  return report;
}

void Accumulator::FinishCombined(const Combiner& combiner, const Decide& decide,
                                 Report* report) const {
  const CheckedRuleSet& rs = *plan_.rs;
  const int k = plan_.k;
  const std::vector<int>& voter_rule = combiner.voter_rule();
  const size_t m = voter_rule.size();
  PolicyFigures pf;
  pf.policy = PolicyName(rs.policy);
  pf.tie_break = TieBreakName(rs.tie_break);
  metrics::Confusion mv(k);
  std::vector<int64_t> wins(rs.rules.size(), 0);
  std::vector<std::vector<bool>> polarity(rs.rules.size(), std::vector<bool>(k, false));
  // m x m counts: kept for up to 1,000 voting rules (8 MB), left empty above that.
  const bool with_matrix = m <= 1000;
  if (with_matrix) pf.conflict_matrix.assign(m, std::vector<int64_t>(m, 0));
  int64_t no_vote_rows = 0, no_vote_correct = 0;
  for (const auto& [key, counts] : patterns_) {
    int64_t rows = 0;
    for (int64_t n : counts) rows += n;
    const std::vector<int> voters = DecodePattern(key);
    const Combiner::Decision& d = decide(key);
    const Combiner::Decision v = combiner.MajorityVote(voters);
    for (int a = 0; a < k; ++a) mv.at(a, v.class_index < 0 ? k : v.class_index) += counts[a];
    if (d.tie) pf.ties += rows;
    if (voters.empty()) {
      no_vote_rows += rows;
      if (d.class_index >= 0) no_vote_correct += counts[d.class_index];
    }
    for (size_t i = 0; i < voters.size(); ++i) {
      const int a = voters[i], ca = combiner.voter_class()[a];
      if (rows > 0) polarity[voter_rule[a]][ca] = true;
      if (ca == d.class_index) wins[voter_rule[a]] += rows;
      for (size_t j = i + 1; with_matrix && j < voters.size(); ++j) {
        const int b = voters[j];
        if (combiner.voter_class()[b] != ca) {
          pf.conflict_matrix[a][b] += rows;
          pf.conflict_matrix[b][a] += rows;
        }
      }
    }
  }
  pf.no_vote = no_vote_rows;
  pf.majority_vote = ToFigures(metrics::Compute(mv));
  pf.majority_vote_covered = ToFigures(metrics::ComputeCovered(mv));
  for (int a = 0; a < k; ++a) {
    std::vector<int64_t> line;
    for (int p = 0; p <= k; ++p) line.push_back(mv.at(a, p));
    pf.majority_vote_confusion.push_back(std::move(line));
  }
  for (int j : voter_rule) pf.voters.push_back(rs.rules[j].name);
  const auto& model = combiner.label_model();
  if (model) {
    pf.label_model = true;
    pf.converged = model->converged;
    pf.iterations = model->iterations;
    pf.log_likelihood = model->log_likelihood;
    pf.class_balance = model->class_balance;
  }
  for (size_t j = 0; j < rs.rules.size() && j < report->rules.size(); ++j) {
    RuleFigures& f = report->rules[j];
    f.weight = rs.rules[j].weight;
    if (!rs.rules[j].enabled) continue;
    f.wins = wins[j];
    f.shadowed = f.fires > 0 && f.wins == 0;
    for (int c = 0; c < k; ++c) {
      if (polarity[j][c]) f.polarity.push_back(rs.class_names[c]);
    }
    const int v = combiner.VoterOf(static_cast<int>(j));
    if (model && v >= 0) f.estimated_accuracy = model->accuracy[v];
  }
  report->default_rows = no_vote_rows;
  report->default_correct = no_vote_correct;
  if (report->shadow) {
    int64_t rows = 0, agree = 0, shadow_correct = 0, rules_correct = 0;
    for (const auto& [key, counts] : shadow_patterns_) {
      const int shadow = DecodePattern(key.substr(key.size() - 2)).front();
      const int predicted = decide(key.substr(0, key.size() - 2)).class_index;
      for (int a = 0; a < k; ++a) {
        rows += counts[a];
        agree += predicted == shadow ? counts[a] : 0;
        shadow_correct += shadow == a ? counts[a] : 0;
        rules_correct += predicted == a ? counts[a] : 0;
      }
    }
    const double n = static_cast<double>(std::max<int64_t>(1, rows));
    report->shadow->rows = rows;
    report->shadow->agreement = static_cast<double>(agree) / n;
    report->shadow->rules_accuracy = static_cast<double>(rules_correct) / n;
    report->shadow->shadow_accuracy = static_cast<double>(shadow_correct) / n;
  }
  report->policy = std::move(pf);
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
  p.scored = scores::HasScores(rs) && rs.policy == Policy::kFirstMatch;
  p.k = static_cast<int>(rs.class_names.size());
  for (int i = 0; i < p.k; ++i) {
    p.class_of_raw.emplace(rs.raw_labels[i], i);
    p.class_of_name.emplace(rs.class_names[i], i);
  }
  p.can_abstain = rs.default_class < 0;
  p.combine = rs.policy != Policy::kFirstMatch;
  p.combiner = p.impl->combiner.get();
  // A tie left abstained abstains; a rule that predicts abstain does not vote, so cannot.
  const bool ties_abstain = rs.tie_break == TieBreak::kAbstain;
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
    if (rs.rules[j].predict < 0 && !p.combine) p.can_abstain = true;
    p.conditions[j] = VectorCondition::Compile(rs.rules[j].condition, rs.schema);
    mark(rs.rules[j].columns_read);
  }
  if (p.combine && ties_abstain) p.can_abstain = true;
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

struct ChunkResult {
  std::unique_ptr<Accumulator> acc;
  Status status;
};

// Parses and evaluates one chunk: plain CSV straight into columns, anything else (quotes,
// carriage returns, ragged or empty lines) with the full reader, which also words the errors.
ChunkResult EvaluateChunk(CsvChunker& chunker, const EvalPlan& plan, CsvChunk chunk) {
  ReaderOptions ro;
  ChunkResult d;
  d.acc = std::make_unique<Accumulator>(plan);
  // Kept rows (compare, diff) carry record numbers and ids, which only the full reader gives.
  if (!plan.keep_rows &&
      d.acc->AddPlainCsv(chunk.bytes(), chunker.header().size(), ro.max_record_bytes)) {
    chunker.Recycle(std::move(chunk));
    return d;
  }
  d.acc = std::make_unique<Accumulator>(plan);
  std::string bytes(chunk.bytes());
  const int64_t first_line = chunk.first_line;
  const bool last = chunk.last;
  chunker.Recycle(std::move(chunk));
  auto reader = OpenCsvChunkReader(InputStream::FromMemory(chunker.name(), std::move(bytes)),
                                   chunker.header(), first_line, ro, last);
  d.status = reader.ok() ? RunSequential(**reader, *plan.options, d.acc.get()) : reader.status();
  return d;
}

// Evaluates CSV chunk by chunk on the calling thread.
Status RunChunked(CsvChunker& chunker, const EvalPlan& plan, Accumulator* total) {
  const EvalOptions& options = *plan.options;
  for (;;) {
    CsvChunk chunk;
    Result<bool> more = chunker.Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    ChunkResult d = EvaluateChunk(chunker, plan, std::move(chunk));
    if (!d.status.ok()) return d.status;
    total->Merge(*d.acc);
    if (options.progress) options.progress(total->rows(), chunker.bytes_read());
  }
}

// Parses and evaluates CSV chunks on `threads` threads, the calling one included: each takes the
// next chunk from the chunker (cheap for a mapped file, a read otherwise) and evaluates it, so no
// thread only hands out work. Results merge in chunk order, so every figure is identical to a
// one-thread run, and the first error in input order is the one reported.
Status RunParallel(CsvChunker& chunker, const EvalPlan& plan, int threads, Accumulator* total) {
  const EvalOptions& options = *plan.options;
  std::mutex input_mu;  // the chunker and input_error
  Status input_error;
  std::mutex merge_mu;  // done, next_merge, result, and the progress callback
  std::map<int64_t, ChunkResult> done;
  int64_t next_merge = 0;
  Status result;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> bytes_read{0};

  auto worker = [&] {
    while (!stop) {
      CsvChunk chunk;
      {
        std::lock_guard lock(input_mu);
        if (stop || !input_error.ok()) return;
        Result<bool> more = chunker.Next(&chunk);
        if (!more.ok()) input_error = more.status();  // after every chunk handed out so far
        if (!more.ok() || !*more) return;
        bytes_read = chunker.bytes_read();
      }
      const int64_t index = chunk.index;
      ChunkResult d = EvaluateChunk(chunker, plan, std::move(chunk));
      std::lock_guard lock(merge_mu);
      done.emplace(index, std::move(d));
      for (auto it = done.find(next_merge); it != done.end(); it = done.find(next_merge)) {
        if (result.ok()) {
          if (!it->second.status.ok()) {
            result = it->second.status;
            stop = true;
          } else {
            total->Merge(*it->second.acc);
          }
        }
        done.erase(it);
        ++next_merge;
      }
      if (options.progress && result.ok()) options.progress(total->rows(), bytes_read);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (!result.ok()) return result;
  return input_error;
}

}  // namespace

bool RuleSetCanAbstain(const CheckedRuleSet& rs) {
  if (rs.default_class < 0) return true;
  for (const auto& r : rs.rules) {
    if (r.enabled && r.predict < 0) return true;
  }
  return false;
}

Report BuildEvalReport(const CheckedRuleSet& rs, const EvalTotals& t, const EvalOptions& options,
                       const std::string& display_path) {
  const int k = static_cast<int>(rs.class_names.size());
  Report report;
  report.data_path = display_path;
  report.rows = t.rows;
  report.missing_label = t.missing_label;
  report.unknown_label = t.unknown_label;
  report.unknown_label_values = t.unknown_labels;
  report.bad_rows = t.bad_rows;
  report.default_correct = t.default_correct;
  report.ruleset_name = rs.file.name.text;
  report.ruleset_version = rs.file.version;
  report.ruleset_sha256 = rs.sha256;
  report.classes = rs.class_names;
  report.positive_class = rs.positive_class;
  report.can_abstain = t.can_abstain;
  report.default_predicts_class = rs.default_class >= 0;
  report.labeled_rows = t.confusion.total();
  for (size_t c = 0; c < t.bad_cells.size(); ++c) {
    if (t.bad_cells[c] > 0) report.bad_cells[rs.schema.columns[c].name] = t.bad_cells[c];
  }
  report.metrics = ToFigures(metrics::Compute(t.confusion));
  if (t.can_abstain) report.covered = ToFigures(metrics::ComputeCovered(t.confusion));
  for (int a = 0; a < k; ++a) {
    std::vector<int64_t> line;
    for (int p = 0; p < k + (t.can_abstain ? 1 : 0); ++p) line.push_back(t.confusion.at(a, p));
    report.confusion.push_back(std::move(line));
  }
  metrics::Baseline baseline = metrics::ComputeBaselines(t.confusion);
  report.majority_class = k > 0 ? rs.class_names[baseline.majority_class] : "";
  report.majority = ToFigures(baseline.majority);
  report.stratified = ToFigures(baseline.stratified);
  report.bootstrap_seed = options.seed;
  if (options.bootstrap > 0 && report.labeled_rows > 0) {
    metrics::Intervals iv = metrics::Bootstrap(t.confusion, options.bootstrap, options.seed);
    report.bootstrap_resamples = iv.resamples;
    report.small_sample = iv.small_sample;
    report.accuracy_ci = {iv.accuracy.low, iv.accuracy.high};
    report.macro_f1_ci = {iv.macro_f1.low, iv.macro_f1.high};
    for (const auto& i : iv.precision) report.precision_ci.push_back({i.low, i.high});
    for (const auto& i : iv.recall) report.recall_ci.push_back({i.low, i.high});
  }
  const double n = static_cast<double>(std::max<int64_t>(1, t.stats.rows()));
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const RuleCounts& c = t.stats.counts()[j];
    RuleFigures f;
    f.name = rs.rules[j].name;
    f.when = rs.rules[j].when;
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
  report.default_rows = t.stats.default_rows();
  report.shadow = t.shadow;
  for (const auto& g : t.slices) {
    metrics::Scores sc = metrics::Compute(g.confusion);
    report.slices.push_back({g.key, sc.rows, sc.accuracy, sc.macro.f1, sc.coverage});
  }
  if (!t.wins_by_class.empty()) {
    std::vector<scores::Tie> ties;
    for (int w = -1; w < static_cast<int>(rs.rules.size()); ++w) {
      const int64_t* counts = &t.wins_by_class[(w + 1) * k];
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
  return report;
}

// Row outcomes (compare, diff) are first-match decisions; combining policies decide only once
// every row is seen.
Status CombinedRowsUnsupported(const RuleSet& rules) {
  return InvalidArgument(
      fmt::format("{}: error: compare and diff support first_match rule sets only, not policy '{}'",
                  rules.impl().checked.file.path, PolicyName(rules.impl().checked.policy)));
}

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
  if (csv) {
    auto chunker = CsvChunker::Open(path, ro);
    if (!chunker.ok()) return chunker.status();
    auto p = MakePlan(rules, (*chunker)->header(), display_path, options);
    if (!p.ok()) return p.status();
    plan = std::move(*p);
    plan->keep_rows = rows != nullptr;
    if (plan->keep_rows && plan->combine) return CombinedRowsUnsupported(rules);
    acc = std::make_unique<Accumulator>(*plan);
    status = threads > 1 ? RunParallel(**chunker, *plan, threads, acc.get())
                         : RunChunked(**chunker, *plan, acc.get());
  } else {
    auto opened = OpenTable(path, ro);
    if (!opened.ok()) return opened.status();
    auto p = MakePlan(rules, (*opened)->header(), display_path, options);
    if (!p.ok()) return p.status();
    plan = std::move(*p);
    plan->keep_rows = rows != nullptr;
    if (plan->keep_rows && plan->combine) return CombinedRowsUnsupported(rules);
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

// The file path's sequential branch, over the table's rows as text records.
Result<Report> EvaluateTable(const RuleSet& rules, const Table& table,
                             const std::string& display_path, const EvalOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto reader = OpenMemoryTable(table);
  if (!reader.ok()) return reader.status();
  auto plan = MakePlan(rules, (*reader)->header(), display_path, options);
  if (!plan.ok()) return plan.status();
  Accumulator acc(*plan);
  if (Status s = RunSequential(**reader, options, &acc); !s.ok()) return s;
  Report report = acc.Finish(display_path);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace hunch
