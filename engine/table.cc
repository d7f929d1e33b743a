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
                            : col.type == ColumnType::kBool   ? col.bools != nullptr
                                                              : col.strings != nullptr;
    if (!has_values && table.rows > 0) {
      return InvalidArgument(fmt::format("table: error: column '{}' has no {} values", col.name,
                                         ColumnTypeName(col.type)));
    }
  }
  return Status::Ok();
}

// Whether the cell is absent in the caller's terms (mask or NaN); `missing:` texts are checked
// by the caller, since only text cells can hold them.
bool Absent(const TableColumn& col, int64_t r) {
  if (col.present != nullptr && col.present[r] == 0) return true;
  return col.type == ColumnType::kDouble && std::isnan(col.doubles[r]);
}

// The CSV text of a present cell. Typed cells are formatted into `buf` (32 bytes suffice).
std::string_view CellText(const TableColumn& col, int64_t r, char* buf) {
  switch (col.type) {
    case ColumnType::kString:
      return col.strings[r];
    case ColumnType::kBool:
      return col.bools[r] != 0 ? "true" : "false";
    case ColumnType::kInt: {
      auto res = std::to_chars(buf, buf + 32, col.ints[r]);
      return {buf, static_cast<size_t>(res.ptr - buf)};
    }
    case ColumnType::kDouble: {
      auto res = std::to_chars(buf, buf + 32, col.doubles[r]);
      return {buf, static_cast<size_t>(res.ptr - buf)};
    }
  }
  return {};
}

// Serves a Table's rows as text records, so that EvaluateTable runs exactly the file path.
class MemoryTableReader final : public TableReader {
 public:
  explicit MemoryTableReader(const Table& table) : table_(table) {
    for (const auto& c : table.columns) header_.push_back(c.name);
    text_.resize(table.columns.size() * 32);
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
      const TableColumn& col = table_.columns[c];
      const bool present = !Absent(col, r);
      record->present[c] = present;
      record->cells[c] = present ? CellText(col, r, text_.data() + 32 * c) : std::string_view();
    }
    return true;
  }
  bool Recover() override { return false; }
  uint64_t bytes_read() const override { return 0; }

 private:
  const Table& table_;
  std::vector<std::string> header_;
  std::string text_;  // 32 bytes per column for the texts of typed cells of the current record
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

// One thread's buffers: a batch of typed columns, the truth of each rule, the texts of converted
// cells.
class BatchPredictor {
 public:
  explicit BatchPredictor(const PredictPlan& plan)
      : plan_(plan), truth_(plan.rs->rules.size()), errors_(plan.rs->rules.size(), 0) {
    const Schema& schema = plan.rs->schema;
    batch_.columns.resize(schema.columns.size());
    offsets_.resize(schema.columns.size());
    for (size_t c = 0; c < schema.columns.size(); ++c)
      batch_.columns[c].type = schema.columns[c].type;
    for (int j : plan.enabled) truth_[j].resize(kBatchRows);
  }

  // Predicts rows [begin, end) into class_index and rule (indexed by row).
  void Run(int64_t begin, int64_t end, int32_t* class_index, int32_t* rule) {
    const size_t n = static_cast<size_t>(end - begin);
    arena_.clear();
    batch_.size = n;
    for (int c : plan_.used_columns) Fill(c, begin, n);
    for (int j : plan_.enabled) plan_.conditions[j]->Evaluate(batch_, &scratch_, truth_[j].data());
    const CheckedRuleSet& rs = *plan_.rs;
    for (size_t r = 0; r < n; ++r) {
      int winner = -1;
      for (int j : plan_.enabled) {
        const Truth t = truth_[j][r];
        if (t == Truth::kTrue) {
          if (winner < 0) winner = j;
        } else if (t == Truth::kError) {
          ++errors_[j];
        }
      }
      class_index[begin + r] = winner < 0 ? rs.default_class : rs.rules[winner].predict;
      rule[begin + r] = winner;
    }
  }

  const std::vector<int64_t>& errors() const { return errors_; }

 private:
  // Types the cells [begin, begin + n) of schema column c into the batch.
  void Fill(int c, int64_t begin, size_t n) {
    ColumnVector& out = batch_.columns[c];
    out.state.clear();
    const int s = plan_.source[c];
    if (s < 0) return;  // no states: missing on every row
    const TableColumn& in = plan_.table->columns[s];
    const RuleSet::Impl& impl = *plan_.impl;
    out.state.resize(n);
    out.ints.resize(n);
    out.doubles.resize(n);
    out.strings.resize(n);
    std::vector<std::pair<uint32_t, uint32_t>>& offsets = offsets_[c];
    offsets.clear();
    const bool direct = !plan_.missing_as_text[static_cast<int>(in.type)];
    const bool same_type = direct && in.type == out.type;
    const bool int_to_double =
        direct && in.type == ColumnType::kInt && out.type == ColumnType::kDouble;
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      const int64_t r = begin + static_cast<int64_t>(i);
      if (Absent(in, r)) {
        out.state[i] = CellState::kMissing;
        continue;
      }
      if (same_type && in.type != ColumnType::kString) {
        out.state[i] = CellState::kPresent;
        if (in.type == ColumnType::kInt) {
          out.ints[i] = in.ints[r];
        } else if (in.type == ColumnType::kBool) {
          out.ints[i] = in.bools[r] != 0;
        } else if (std::isfinite(in.doubles[r])) {
          out.doubles[i] = in.doubles[r];
        } else {
          out.state[i] = CellState::kBad;
          out.strings[i] = in.doubles[r] > 0 ? "inf" : "-inf";
        }
        continue;
      }
      if (int_to_double) {
        out.state[i] = CellState::kPresent;
        out.doubles[i] = static_cast<double>(in.ints[r]);
        continue;
      }
      // Everything else goes through the cell's text, exactly as a CSV cell would.
      std::string_view text = CellText(in, r, buf);
      if (impl.IsMissing(text)) {
        out.state[i] = CellState::kMissing;
        continue;
      }
      int64_t iv = 0;
      double dv = 0;
      const bool ok = ParseTypedCell(out.type, text, &iv, &dv);
      out.state[i] = ok ? CellState::kPresent : CellState::kBad;
      out.ints[i] = iv;
      out.doubles[i] = dv;
      if (out.type == ColumnType::kString || !ok) {
        if (in.type == ColumnType::kString) {
          out.strings[i] = text;  // the caller's memory outlives the call
        } else {
          offsets.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(arena_.size())});
          arena_.append(text);
          arena_.push_back('\0');
        }
      }
    }
    // Views into the arena are taken once it has stopped growing.
    for (const auto& [i, at] : offsets) out.strings[i] = std::string_view(arena_.data() + at);
  }

  const PredictPlan& plan_;
  RowBatch batch_;
  VectorCondition::Scratch scratch_;
  std::vector<std::vector<Truth>> truth_;
  std::vector<int64_t> errors_;
  std::string arena_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> offsets_;  // (row, arena offset)
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
  // Text columns are inferred together, as the columns of a file are.
  std::vector<std::string> text_header;
  std::vector<std::vector<std::string>> cells(static_cast<size_t>(sample));
  std::vector<std::vector<bool>> present(static_cast<size_t>(sample));
  for (const TableColumn& col : table.columns) {
    if (col.type != ColumnType::kString) continue;
    text_header.push_back(col.name);
    for (int64_t r = 0; r < sample; ++r) {
      const bool here = !Absent(col, r);
      cells[r].emplace_back(here ? col.strings[r] : std::string_view());
      present[r].push_back(here);
    }
  }
  Schema text_schema = InferSchema(text_header, cells, present, missing_values);
  Schema schema;
  size_t next_text = 0;
  for (const TableColumn& col : table.columns) {
    if (col.type == ColumnType::kString) {
      schema.columns.push_back(text_schema.columns[next_text++]);
      continue;
    }
    Column out{col.name, col.type, false};
    for (int64_t r = 0; r < sample && !out.nullable; ++r) out.nullable = Absent(col, r);
    schema.columns.push_back(std::move(out));
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
  out.class_index.resize(static_cast<size_t>(table.rows));
  out.rule.resize(static_cast<size_t>(table.rows));
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
  auto work = [&] {
    BatchPredictor predictor(plan);
    for (int64_t b = next++; b < batches; b = next++) {
      const int64_t begin = b * static_cast<int64_t>(kBatchRows);
      const int64_t end = std::min(table.rows, begin + static_cast<int64_t>(kBatchRows));
      predictor.Run(begin, end, out.class_index.data(), out.rule.data());
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
  return out;
}

}  // namespace hunch
