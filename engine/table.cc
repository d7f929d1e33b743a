// Implements hunch/table.h: in-memory tables, their schema, columnar prediction over them, and the
// TableReader that lets EvaluateTable reuse the file evaluator.
#include "hunch/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "engine/batch.h"
#include "engine/ruleset_impl.h"
#include "engine/table_reader.h"
#include "engine/vector_eval.h"
#include "rules/schema_inference.h"

namespace hunch {
namespace {

constexpr size_t kBatchRows = 4096;

Status CheckTable(const Table& table) {
  if (table.rows < 0) return InvalidArgument("table: error: negative row count");
  std::unordered_set<std::string_view> names;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const TableColumn& col = table.columns[c];
    if (!names.insert(col.name).second) {
      return InvalidArgument(fmt::format("table: error: duplicate column name '{}'", col.name));
    }
    const bool has_values = col.type == ColumnType::kInt      ? col.ints != nullptr
                            : col.type == ColumnType::kDouble ? col.doubles != nullptr
                            : col.type == ColumnType::kBool
                                ? col.bools != nullptr
                                : col.strings != nullptr || col.read_strings != nullptr;
    if (!has_values && table.rows > 0) {
      return InvalidArgument(fmt::format("table: error: column '{}' has no {} values", col.name,
                                         ColumnTypeName(col.type)));
    }
  }
  return Status::Ok();
}

// A column's cells from row `begin` on: the caller's arrays, or for a column read through
// read_strings, buffers that the reader filled for one batch.
struct Cells {
  ColumnType type = ColumnType::kString;
  const int64_t* ints = nullptr;
  const double* doubles = nullptr;
  const uint8_t* bools = nullptr;
  const std::string_view* strings = nullptr;
  const uint8_t* present = nullptr;

  // Whether cell i is absent in the caller's terms (mask or NaN); `missing:` texts are checked
  // by the caller, since only text can hold them.
  bool Absent(size_t i) const {
    if (present != nullptr && present[i] == 0) return true;
    return type == ColumnType::kDouble && std::isnan(doubles[i]);
  }
  // The CSV text of present cell i. Typed cells are formatted into `buf` (32 bytes suffice).
  std::string_view Text(size_t i, char* buf) const {
    switch (type) {
      case ColumnType::kString:
        return strings[i];
      case ColumnType::kBool:
        return bools[i] != 0 ? "true" : "false";
      case ColumnType::kInt:
        return {buf, static_cast<size_t>(std::to_chars(buf, buf + 32, ints[i]).ptr - buf)};
      case ColumnType::kDouble:
        return {buf, static_cast<size_t>(std::to_chars(buf, buf + 32, doubles[i]).ptr - buf)};
    }
    return {};
  }
};

// Rows [begin, begin + n) of `col`; text read through read_strings lands in *texts and *mask.
// False when the reader failed.
bool CellsOf(const TableColumn& col, int64_t begin, size_t n, std::vector<std::string_view>* texts,
             std::vector<uint8_t>* mask, Cells* out) {
  out->type = col.type;
  out->present = col.present != nullptr ? col.present + begin : nullptr;
  switch (col.type) {
    case ColumnType::kInt:
      out->ints = col.ints + begin;
      return true;
    case ColumnType::kDouble:
      out->doubles = col.doubles + begin;
      return true;
    case ColumnType::kBool:
      out->bools = col.bools + begin;
      return true;
    case ColumnType::kString:
      break;
  }
  if (col.strings != nullptr || n == 0) {
    out->strings = col.strings != nullptr ? col.strings + begin : nullptr;
    return true;
  }
  texts->resize(n);
  mask->assign(n, 1);
  if (!col.read_strings(begin, n, texts->data(), mask->data())) return false;
  if (col.present != nullptr) {
    for (size_t i = 0; i < n; ++i) (*mask)[i] &= col.present[begin + i] != 0;
  }
  out->strings = texts->data();
  out->present = mask->data();
  return true;
}

// The rule file's `missing:` texts, checked inline: most cells differ in length from all of them.
class MissingTexts {
 public:
  explicit MissingTexts(const std::vector<std::string>& texts) : texts_(texts) {
    for (const auto& t : texts) lengths_ |= uint64_t{1} << std::min<size_t>(t.size(), 63);
  }
  bool Contains(std::string_view s) const {
    if (((lengths_ >> std::min<size_t>(s.size(), 63)) & 1) == 0) return false;
    for (const auto& t : texts_) {
      if (s == t) return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& texts_;
  uint64_t lengths_ = 0;
};

// Serves a Table's rows as text records, so that EvaluateTable runs exactly the file path.
class MemoryTableReader final : public TableReader {
 public:
  explicit MemoryTableReader(const Table& table) : table_(table) {
    for (const auto& c : table.columns) header_.push_back(c.name);
    text_.resize(table.columns.size() * 32);
    texts_.resize(table.columns.size());
    masks_.resize(table.columns.size());
  }
  const std::vector<std::string>& header() const override { return header_; }
  Result<bool> Next(RawRecord* record) override {
    if (next_ >= table_.rows) return false;
    const int64_t r = next_++;
    const size_t n = table_.columns.size();
    record->number = r + 1;
    record->line = r + 2;  // as if the table were a CSV file with its header on line 1
    record->cells.resize(n);
    record->present.resize(n);
    for (size_t c = 0; c < n; ++c) {
      Cells cells;
      if (!CellsOf(table_.columns[c], r, 1, &texts_[c], &masks_[c], &cells)) {
        return InvalidArgument(fmt::format("table: error: column '{}', row {}: cannot be read",
                                           table_.columns[c].name, r + 1));
      }
      const bool present = !cells.Absent(0);
      record->present[c] = present;
      record->cells[c] = present ? cells.Text(0, text_.data() + 32 * c) : std::string_view();
    }
    return true;
  }
  bool Recover() override { return false; }
  uint64_t bytes_read() const override { return 0; }

 private:
  const Table& table_;
  std::vector<std::string> header_;
  std::string text_;  // 32 bytes per column for the texts of typed cells of the current record
  std::vector<std::vector<std::string_view>> texts_;
  std::vector<std::vector<uint8_t>> masks_;
  int64_t next_ = 0;
};

// What every thread of PredictTable shares; immutable once built.
struct PredictPlan {
  const RuleSet::Impl* impl = nullptr;
  const CheckedRuleSet* rs = nullptr;
  const Table* table = nullptr;
  std::vector<int> source;        // per schema column: its table column, or -1
  std::vector<int> used_columns;  // schema columns read by an enabled rule
  std::vector<int> enabled;
  std::vector<std::optional<VectorCondition>> conditions;  // per rule; set for enabled rules
  // Per source type: whether a `missing:` text is the text of some typed cell (say "-999"), so
  // the column's cells must go through their text.
  bool missing_as_text[4] = {false, false, false, false};
};

// Whether some text in `missing` is exactly how CellText writes a cell of `type`.
bool MissingMatchesTyped(const std::vector<std::string>& missing, ColumnType type) {
  for (const std::string& m : missing) {
    char buf[32];
    const char* end = m.data() + m.size();
    if (type == ColumnType::kBool) {
      if (m == "true" || m == "false") return true;
    } else if (type == ColumnType::kInt) {
      int64_t i;
      auto [p, ec] = std::from_chars(m.data(), end, i);
      if (ec == std::errc() && p == end && !m.empty() &&
          std::string_view(buf, std::to_chars(buf, buf + 32, i).ptr - buf) == m)
        return true;
    } else if (type == ColumnType::kDouble) {
      double d;
      auto [p, ec] = std::from_chars(m.data(), end, d);
      if (ec == std::errc() && p == end && !m.empty() &&
          std::string_view(buf, std::to_chars(buf, buf + 32, d).ptr - buf) == m)
        return true;
    }
  }
  return false;
}

// Sets winner[r] = rule_index where truth[r] is true, r < n; returns the rows in error. The
// pointers are restrict since a byte-sized Truth may alias the winners: the loop vectorizes.
// (GCC 12 at -O3 miscounts a uint8_t per-block error count here; keep the plain sum.)
size_t MarkWinner(const Truth* __restrict truth, int32_t rule_index, size_t n,
                  int32_t* __restrict winner) {
  size_t errors = 0;
  for (size_t r = 0; r < n; ++r) {
    winner[r] = truth[r] == Truth::kTrue ? rule_index : winner[r];
    errors += truth[r] == Truth::kError;
  }
  return errors;
}

// One thread's buffers: a batch of typed columns, the truth of each rule, the texts of converted
// cells.
class BatchPredictor {
 public:
  explicit BatchPredictor(const PredictPlan& plan)
      : plan_(plan),
        missing_(plan.rs->file.missing),
        truth_(plan.rs->rules.size()),
        errors_(plan.rs->rules.size(), 0) {
    const Schema& schema = plan.rs->schema;
    batch_.columns.resize(schema.columns.size());
    offsets_.resize(schema.columns.size());
    texts_.resize(schema.columns.size());
    masks_.resize(schema.columns.size());
    for (size_t c = 0; c < schema.columns.size(); ++c)
      batch_.columns[c].type = schema.columns[c].type;
    for (int j : plan.enabled) truth_[j].resize(kBatchRows);
  }

  // Predicts rows [begin, end) into class_index[0, end - begin) and rule[0, end - begin). False
  // when a column reader failed (the column's name is in *failed).
  bool Run(int64_t begin, int64_t end, int32_t* class_index, int32_t* rule, std::string* failed) {
    const size_t n = static_cast<size_t>(end - begin);
    arena_.clear();
    batch_.size = n;
    for (int c : plan_.used_columns) {
      if (!Fill(c, begin, n)) {
        *failed = plan_.table->columns[plan_.source[c]].name;
        return false;
      }
    }
    for (int j : plan_.enabled) plan_.conditions[j]->Evaluate(batch_, &scratch_, truth_[j].data());
    // First match, a rule at a time from the last: the earliest rule that fired writes last.
    int32_t* winner = rule;
    std::fill(winner, winner + n, -1);
    for (auto j = plan_.enabled.rbegin(); j != plan_.enabled.rend(); ++j) {
      errors_[*j] += MarkWinner(truth_[*j].data(), *j, n, winner);
    }
    const CheckedRuleSet& rs = *plan_.rs;
    if (rs.policy != Policy::kFirstMatch) {
      // Combining policies decide from every rule that fired, as RuleSet::Predict does.
      Prediction p;
      for (size_t r = 0; r < n; ++r) {
        p.fired.clear();
        for (int j : plan_.enabled) {
          if (truth_[j][r] == Truth::kTrue) p.fired.push_back(j);
        }
        plan_.impl->Combine(&p);
        class_index[r] = p.class_index;
        winner[r] = p.rule;
      }
      return true;
    }
    for (size_t r = 0; r < n; ++r)
      class_index[r] = winner[r] < 0 ? rs.default_class : rs.rules[winner[r]].predict;
    return true;
  }

  const std::vector<int64_t>& errors() const { return errors_; }

 private:
  // Types the cells [begin, begin + n) of schema column c into the batch.
  bool Fill(int c, int64_t begin, size_t n) {
    ColumnVector& out = batch_.columns[c];
    const int s = plan_.source[c];
    if (s < 0) {
      out.state.clear();  // no states: missing on every row
      return true;
    }
    out.state.resize(n);
    out.ints.resize(n);
    out.doubles.resize(n);
    out.strings.resize(n);
    const TableColumn& col = plan_.table->columns[s];
    if (col.read_strings && out.type == ColumnType::kString) {
      // Text read straight into the batch.
      std::vector<uint8_t>& mask = masks_[c];
      mask.assign(n, 1);
      if (!col.read_strings(begin, n, out.strings.data(), mask.data())) return false;
      for (size_t i = 0; i < n; ++i) {
        const bool here = mask[i] != 0 && (col.present == nullptr || col.present[begin + i] != 0);
        out.state[i] =
            here && !missing_.Contains(out.strings[i]) ? CellState::kPresent : CellState::kMissing;
      }
      return true;
    }
    Cells in;
    if (!CellsOf(col, begin, n, &texts_[c], &masks_[c], &in)) return false;
    const bool direct = !plan_.missing_as_text[static_cast<int>(in.type)];
    const bool same_type = direct && in.type == out.type;
    const bool int_to_double =
        direct && in.type == ColumnType::kInt && out.type == ColumnType::kDouble;
    if (same_type || int_to_double) {
      FillDirect(in, n, int_to_double, &out);
    } else {
      FillThroughText(in, n, c, &out);
    }
    return true;
  }

  // The common conversions as tight loops: the same type, or int to double.
  void FillDirect(const Cells& in, size_t n, bool int_to_double, ColumnVector* out) const {
    CellState* state = out->state.data();
    switch (in.type) {
      case ColumnType::kString:
        for (size_t i = 0; i < n; ++i) {
          state[i] = missing_.Contains(in.strings[i]) ? CellState::kMissing : CellState::kPresent;
          out->strings[i] = in.strings[i];
        }
        break;
      case ColumnType::kInt:
        if (int_to_double) {
          for (size_t i = 0; i < n; ++i) out->doubles[i] = static_cast<double>(in.ints[i]);
        } else {
          std::copy(in.ints, in.ints + n, out->ints.data());
        }
        std::fill(state, state + n, CellState::kPresent);
        break;
      case ColumnType::kDouble: {
        bool all_finite = true;
        for (size_t i = 0; i < n; ++i) {
          const double v = in.doubles[i];
          out->doubles[i] = v;
          state[i] = std::isnan(v) ? CellState::kMissing : CellState::kPresent;
          all_finite &= !std::isinf(v);
        }
        if (!all_finite) {  // a non-finite double is a bad cell, as "inf" is in a CSV file
          for (size_t i = 0; i < n; ++i) {
            if (std::isinf(in.doubles[i])) {
              state[i] = CellState::kBad;
              out->strings[i] = in.doubles[i] > 0 ? "inf" : "-inf";
            }
          }
        }
        break;
      }
      case ColumnType::kBool:
        for (size_t i = 0; i < n; ++i) out->ints[i] = in.bools[i] != 0;
        std::fill(state, state + n, CellState::kPresent);
        break;
    }
    if (in.present != nullptr) {
      for (size_t i = 0; i < n; ++i) {
        if (in.present[i] == 0) state[i] = CellState::kMissing;
      }
    }
  }

  // Every other conversion goes through the cell's text, exactly as a CSV cell would.
  void FillThroughText(const Cells& in, size_t n, int c, ColumnVector* out) {
    std::vector<std::pair<uint32_t, uint32_t>>& offsets = offsets_[c];
    offsets.clear();
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      if (in.Absent(i)) {
        out->state[i] = CellState::kMissing;
        continue;
      }
      const std::string_view text = in.Text(i, buf);
      if (missing_.Contains(text)) {
        out->state[i] = CellState::kMissing;
        continue;
      }
      int64_t iv = 0;
      double dv = 0;
      const bool ok = ParseTypedCell(out->type, text, &iv, &dv);
      out->state[i] = ok ? CellState::kPresent : CellState::kBad;
      out->ints[i] = iv;
      out->doubles[i] = dv;
      if (out->type == ColumnType::kString || !ok) {
        if (in.type == ColumnType::kString) {
          out->strings[i] = text;  // the caller's memory outlives the batch
        } else {
          offsets.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(arena_.size())});
          arena_.append(text);
          arena_.push_back('\0');
        }
      }
    }
    // Views into the arena are taken once it has stopped growing.
    for (const auto& [i, at] : offsets) out->strings[i] = std::string_view(arena_.data() + at);
  }

  const PredictPlan& plan_;
  MissingTexts missing_;
  RowBatch batch_;
  VectorCondition::Scratch scratch_;
  std::vector<std::vector<Truth>> truth_;
  std::vector<int64_t> errors_;
  std::string arena_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> offsets_;  // (row, arena offset)
  std::vector<std::vector<std::string_view>> texts_;  // per schema column: read_strings' output
  std::vector<std::vector<uint8_t>> masks_;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenMemoryTable(const Table& table) {
  if (Status s = CheckTable(table); !s.ok()) return s;
  return std::unique_ptr<TableReader>(std::make_unique<MemoryTableReader>(table));
}

Result<Schema> InferTableSchema(const Table& table, const std::vector<std::string>& missing_values,
                                size_t sample_rows) {
  if (Status s = CheckTable(table); !s.ok()) return s;
  const int64_t sample = std::min<int64_t>(table.rows, static_cast<int64_t>(sample_rows));
  const size_t n = static_cast<size_t>(sample);
  Schema schema;
  std::vector<std::string_view> texts;
  std::vector<uint8_t> mask;
  for (const TableColumn& col : table.columns) {
    Cells in;
    if (!CellsOf(col, 0, n, &texts, &mask, &in)) {
      return InvalidArgument(fmt::format("table: error: column '{}' cannot be read", col.name));
    }
    if (col.type != ColumnType::kString) {
      Column out{col.name, col.type, false};
      for (size_t r = 0; r < n && !out.nullable; ++r) out.nullable = in.Absent(r);
      schema.columns.push_back(std::move(out));
      continue;
    }
    // Text is typed as a file's column is (InferSchema's rules), straight from the views.
    ColumnTypeInference inference;
    for (size_t r = 0; r < n; ++r) {
      if (in.Absent(r) || IsMissingText(in.strings[r], missing_values)) {
        inference.AddMissing();
      } else {
        inference.AddValue(in.strings[r]);
      }
    }
    schema.columns.push_back(inference.Finish(col.name));
  }
  return schema;
}

Result<TablePredictions> PredictTable(const RuleSet& rules, const Table& table,
                                      const TablePredictOptions& options) {
  if (Status s = CheckTable(table); !s.ok()) return s;
  const RuleSet::Impl& impl = rules.impl();
  const CheckedRuleSet& rs = impl.checked;
  if (!rs.schema_known) {
    return InvalidArgument(fmt::format(
        "{}: error: the rule set was loaded without a schema: load it against the table's "
        "(InferTableSchema) or declare its inputs",
        rules.name()));
  }
  PredictPlan plan;
  plan.impl = &impl;
  plan.rs = &rs;
  plan.table = &table;
  for (const Column& c : rs.schema.columns) {
    int source = -1;
    for (size_t t = 0; t < table.columns.size(); ++t) {
      if (table.columns[t].name == c.name) source = static_cast<int>(t);
    }
    plan.source.push_back(source);
  }
  plan.conditions.resize(rs.rules.size());
  std::vector<bool> used(rs.schema.columns.size(), false);
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    if (!rs.rules[j].enabled) continue;
    plan.enabled.push_back(static_cast<int>(j));
    plan.conditions[j] = VectorCondition::Compile(rs.rules[j].condition, rs.schema);
    for (const auto& name : rs.rules[j].columns_read) {
      if (int c = rs.schema.Find(name); c >= 0) used[c] = true;
    }
  }
  for (size_t c = 0; c < used.size(); ++c) {
    if (used[c]) plan.used_columns.push_back(static_cast<int>(c));
  }
  for (ColumnType t : {ColumnType::kBool, ColumnType::kInt, ColumnType::kDouble})
    plan.missing_as_text[static_cast<int>(t)] = MissingMatchesTyped(rs.file.missing, t);

  TablePredictions out;
  const bool to_caller = static_cast<bool>(options.on_batch);
  if (!to_caller) {
    out.class_index.resize(static_cast<size_t>(table.rows));
    out.rule.resize(static_cast<size_t>(table.rows));
  }
  out.rule_errors.assign(rs.rules.size(), 0);
  const int64_t batches = (table.rows + kBatchRows - 1) / static_cast<int64_t>(kBatchRows);
  if (batches == 0) return out;
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = static_cast<int>(
      std::clamp<int64_t>(options.threads > 0 ? options.threads : hardware, 1, batches));
  // Batches are handed out one at a time; each writes its own rows, so the result does not
  // depend on the number of threads.
  std::atomic<int64_t> next{0};
  std::mutex mu;
  std::string failed;
  auto work = [&] {
    BatchPredictor predictor(plan);
    std::vector<int32_t> class_buffer(to_caller ? kBatchRows : 0);
    std::vector<int32_t> rule_buffer(to_caller ? kBatchRows : 0);
    std::string column;
    for (int64_t b = next++; b < batches; b = next++) {
      const int64_t begin = b * static_cast<int64_t>(kBatchRows);
      const int64_t end = std::min(table.rows, begin + static_cast<int64_t>(kBatchRows));
      int32_t* class_index = to_caller ? class_buffer.data() : out.class_index.data() + begin;
      int32_t* rule = to_caller ? rule_buffer.data() : out.rule.data() + begin;
      if (!predictor.Run(begin, end, class_index, rule, &column)) {
        next = batches;  // the others stop after their batch
        std::lock_guard lock(mu);
        failed = column;
        return;
      }
      if (to_caller) options.on_batch(begin, static_cast<size_t>(end - begin), class_index, rule);
    }
    std::lock_guard lock(mu);
    for (size_t j = 0; j < out.rule_errors.size(); ++j) out.rule_errors[j] += predictor.errors()[j];
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  if (!failed.empty())
    return InvalidArgument(fmt::format("table: error: column '{}' cannot be read", failed));
  return out;
}

}  // namespace hunch
