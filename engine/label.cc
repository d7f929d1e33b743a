// `hunch label`: applies the rules to unlabeled data with the columnar executor, summarises the
// rows by their distinct vote patterns, fits the policy if it needs it, and writes the labels.
#include "hunch/label.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unordered_map>

#include "engine/policy.h"
#include "engine/ruleset_impl.h"
#include "engine/table_reader.h"
#include "engine/vector_eval.h"
#include "rules/text.h"

namespace hunch {
namespace {

// Every row of a data set reduced to the enabled rules that fired on it. Rows with the same rules
// share one pattern, so a million rows of 20 rules keep a few hundred patterns and 12 bytes a row.
struct Collected {
  std::vector<uint32_t> row_pattern;  // per row: index into `patterns`
  std::vector<int64_t> row_number;    // per row: the 1-based record number
  std::vector<std::string> patterns;  // EncodePattern of the fired enabled rules (rule indices)
  std::vector<int64_t> pattern_rows;  // rows per pattern
  std::string id_arena;               // the --id-column cells, one after another
  std::vector<uint32_t> id_end;       // per row: end offset of its id in id_arena
  int64_t rows = 0, bad_rows = 0;
};

class Collector {
 public:
  static constexpr size_t kBatchRows = 4096;

  Collector(const RuleSet::Impl& impl, const std::vector<std::string>& header, int id_h,
            Collected* out)
      : impl_(impl), rs_(impl.checked), id_h_(id_h), out_(*out) {
    for (const auto& c : rs_.schema.columns) {
      auto it = std::find(header.begin(), header.end(), c.name);
      column_h_.push_back(it == header.end() ? -1 : static_cast<int>(it - header.begin()));
    }
    std::vector<bool> used(rs_.schema.columns.size(), false);
    conditions_.resize(rs_.rules.size());
    truth_.resize(rs_.rules.size());
    for (size_t j = 0; j < rs_.rules.size(); ++j) {
      if (!rs_.rules[j].enabled) continue;
      enabled_.push_back(static_cast<int>(j));
      conditions_[j] = VectorCondition::Compile(rs_.rules[j].condition, rs_.schema);
      truth_[j].resize(kBatchRows);
      for (const auto& n : rs_.rules[j].columns_read) {
        if (int c = rs_.schema.Find(n); c >= 0) used[c] = true;
      }
    }
    for (size_t c = 0; c < used.size(); ++c) {
      if (used[c]) used_columns_.push_back(static_cast<int>(c));
    }
    batch_.columns.resize(rs_.schema.columns.size());
    offsets_.resize(rs_.schema.columns.size());
    for (size_t c = 0; c < batch_.columns.size(); ++c)
      batch_.columns[c].type = rs_.schema.columns[c].type;
  }

  void Add(const RawRecord& rec) {
    ++out_.rows;
    out_.row_number.push_back(rec.number);
    if (id_h_ >= 0) {
      if (rec.present[id_h_]) out_.id_arena.append(rec.cells[id_h_]);
      out_.id_end.push_back(static_cast<uint32_t>(out_.id_arena.size()));
    }
    for (int c : used_columns_) {
      const int h = column_h_[c];
      ColumnVector& col = batch_.columns[c];
      int64_t i = 0;
      double d = 0;
      CellState state = CellState::kMissing;
      std::string_view cell;
      if (h >= 0 && rec.present[h] && !impl_.IsMissing(rec.cells[h])) {
        cell = rec.cells[h];
        state = ParseTypedCell(col.type, cell, &i, &d) ? CellState::kPresent : CellState::kBad;
      }
      col.state.push_back(state);
      if (col.type == ColumnType::kInt || col.type == ColumnType::kBool) col.ints.push_back(i);
      if (col.type == ColumnType::kDouble) col.doubles.push_back(d);
      if (col.type == ColumnType::kString || state == CellState::kBad) {
        offsets_[c].emplace_back(static_cast<uint32_t>(arena_.size()),
                                 static_cast<uint32_t>(cell.size()));
        arena_.append(cell);
      } else {
        offsets_[c].emplace_back(0, 0);
      }
    }
    if (++pending_ == kBatchRows) Flush();
  }

  void Flush() {
    if (pending_ == 0) return;
    batch_.size = pending_;
    for (int c : used_columns_) {
      ColumnVector& col = batch_.columns[c];
      col.strings.resize(pending_);
      for (size_t r = 0; r < pending_; ++r) {
        col.strings[r] =
            std::string_view(arena_.data() + offsets_[c][r].first, offsets_[c][r].second);
      }
    }
    for (int j : enabled_) conditions_[j]->Evaluate(batch_, &scratch_, truth_[j].data());
    std::vector<int> fired;
    std::string key;
    for (size_t r = 0; r < pending_; ++r) {
      fired.clear();
      for (int j : enabled_) {
        if (truth_[j][r] == Truth::kTrue) fired.push_back(j);
      }
      key = EncodePattern(fired);
      auto [it, inserted] = ids_.emplace(key, static_cast<uint32_t>(out_.patterns.size()));
      if (inserted) {
        out_.patterns.push_back(key);
        out_.pattern_rows.push_back(0);
      }
      ++out_.pattern_rows[it->second];
      out_.row_pattern.push_back(it->second);
    }
    pending_ = 0;
    arena_.clear();
    for (int c : used_columns_) {
      ColumnVector& col = batch_.columns[c];
      col.state.clear();
      col.ints.clear();
      col.doubles.clear();
      offsets_[c].clear();
    }
  }

 private:
  const RuleSet::Impl& impl_;
  const CheckedRuleSet& rs_;
  int id_h_;
  Collected& out_;
  std::vector<int> column_h_, enabled_, used_columns_;
  std::vector<std::optional<VectorCondition>> conditions_;
  std::vector<std::vector<Truth>> truth_;
  RowBatch batch_;
  std::string arena_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> offsets_;
  VectorCondition::Scratch scratch_;
  size_t pending_ = 0;
  std::unordered_map<std::string, uint32_t> ids_;
};

Status Collect(const RuleSet& rules, const std::string& path, const LabelOptions& options,
               Collected* out) {
  auto format = ParseInputFormat(options.data.format);
  if (!format.ok()) return format.status();
  ReaderOptions ro;
  ro.format = *format;
  auto opened = OpenTable(path, ro);
  if (!opened.ok()) return opened.status();
  TableReader& reader = **opened;
  int id_h = -1;
  if (!options.id_column.empty()) {
    const auto& header = reader.header();
    auto it = std::find(header.begin(), header.end(), options.id_column);
    if (it == header.end()) {
      std::string hint = ClosestMatch(options.id_column, header);
      return InvalidArgument(fmt::format(
          "{}: error: id column '{}' is not in the data{}", path == "-" ? "<stdin>" : path,
          options.id_column, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    id_h = static_cast<int>(it - header.begin());
  }
  Collector collector(rules.impl(), reader.header(), id_h, out);
  RawRecord rec;
  for (;;) {
    auto more = reader.Next(&rec);
    if (!more.ok()) {
      if (!options.skip_bad_rows || !reader.Recover()) return more.status();
      ++out->bad_rows;
      continue;
    }
    if (!*more) break;
    collector.Add(rec);
    if (options.progress && (out->rows & 0xFFFF) == 0)
      options.progress(out->rows, reader.bytes_read());
  }
  collector.Flush();
  return Status::Ok();
}

// The patterns in voter space, for fitting: rules predicting abstain are not voters.
PatternCounts VoterPatterns(const Combiner& combiner, const Collected& data) {
  PatternCounts out;
  std::vector<int> voters;
  for (size_t p = 0; p < data.patterns.size(); ++p) {
    voters.clear();
    for (int j : DecodePattern(data.patterns[p])) {
      if (int v = combiner.VoterOf(j); v >= 0) voters.push_back(v);
    }
    auto& counts = out[EncodePattern(voters)];
    counts.resize(1, 0);
    counts[0] += data.pattern_rows[p];
  }
  return out;
}

std::shared_ptr<const RuleSet> Fitted(const RuleSet& rules, const Collected& data,
                                      const LabelOptions& options) {
  const RuleSet::Impl& impl = rules.impl();
  auto copy = std::make_unique<RuleSet::Impl>();
  copy->checked = impl.checked;
  copy->rules = impl.rules;
  auto combiner = std::make_shared<Combiner>(copy->checked);
  LabelModelOptions lm;
  lm.max_iterations = options.max_iterations;
  lm.tolerance = options.tolerance;
  combiner->Fit(VoterPatterns(*combiner, data), lm);
  copy->combiner = std::move(combiner);
  return std::make_shared<RuleSet>(std::move(copy));
}

void FillModelSummary(const RuleSet& rules, LabelSummary* s) {
  const RuleSet::Impl& impl = rules.impl();
  s->policy = rules.policy();
  s->tie_break = rules.tie_break();
  s->classes = rules.class_names();
  s->rules.clear();
  s->rule_accuracy.clear();
  const auto& model = impl.combiner->label_model();
  s->label_model = model.has_value();
  if (model) {
    s->converged = model->converged;
    s->iterations = model->iterations;
    s->log_likelihood = model->log_likelihood;
    s->class_balance = model->class_balance;
  }
  for (size_t j = 0; j < impl.checked.rules.size(); ++j) {
    if (!impl.checked.rules[j].enabled) continue;
    s->rules.push_back(impl.checked.rules[j].name);
    const int v = impl.combiner->VoterOf(static_cast<int>(j));
    s->rule_accuracy.push_back(model && v >= 0 ? std::optional<double>(model->accuracy[v])
                                               : std::nullopt);
  }
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> FitRuleSet(const RuleSet& rules,
                                                  const std::string& data_path,
                                                  const LabelOptions& options,
                                                  LabelSummary* summary) {
  if (!rules.needs_fit()) {
    return std::shared_ptr<const RuleSet>(&rules, [](const RuleSet*) {});
  }
  // Rows are read with typed columns: a rule set loaded without data is compiled again, for
  // reading only, against the data's schema. Its rules are the same, in the same order.
  std::shared_ptr<const RuleSet> typed;
  const RuleSet* reader = &rules;
  if (!rules.schema_known()) {
    auto schema = InferFileSchema(data_path, rules.missing_values(), options.data);
    if (!schema.ok()) return schema.status();
    CompileOptions co;
    co.data_schema = &*schema;
    co.lint = false;
    std::vector<Diagnostic> diags;
    auto impl = std::make_unique<RuleSet::Impl>();
    impl->checked = CompileRuleFile(rules.impl().checked.file, co, &diags);
    for (const auto& d : diags) {
      if (d.severity == Severity::kError) {
        return Status(StatusCode::kRuleError, fmt::format("{}:{}:{}: error: against {}: {}", d.file,
                                                          d.line, d.column, data_path, d.message));
      }
    }
    impl->rules = rules.impl().rules;
    impl->combiner = std::make_shared<const Combiner>(impl->checked);
    typed = std::make_shared<RuleSet>(std::move(impl));
    reader = typed.get();
  }
  Collected data;
  if (Status st = Collect(*reader, data_path, options, &data); !st.ok()) return st;
  auto fitted = Fitted(rules, data, options);
  if (summary != nullptr) {
    summary->rows = data.rows;
    summary->bad_rows = data.bad_rows;
    FillModelSummary(*fitted, summary);
  }
  return fitted;
}

Result<LabelSummary> LabelFile(const RuleSet& rules, const std::string& data_path,
                               const std::string& out_path, const LabelOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Collected data;
  if (Status st = Collect(rules, data_path, options, &data); !st.ok()) return st;
  std::shared_ptr<const RuleSet> fitted =
      rules.needs_fit() ? Fitted(rules, data, options)
                        : std::shared_ptr<const RuleSet>(&rules, [](const RuleSet*) {});
  const RuleSet::Impl& impl = fitted->impl();
  const CheckedRuleSet& rs = impl.checked;
  const int k = static_cast<int>(rs.class_names.size());

  LabelSummary s;
  s.rows = data.rows;
  s.bad_rows = data.bad_rows;
  FillModelSummary(*fitted, &s);
  s.per_class.assign(k, 0);
  s.rule_votes.assign(s.rules.size(), 0);

  // One decision per pattern; the enabled rules' columns in the matrix.
  std::vector<int> enabled;
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    if (rs.rules[j].enabled) enabled.push_back(static_cast<int>(j));
  }
  std::vector<int> column_of_rule(rs.rules.size(), -1);
  for (size_t e = 0; e < enabled.size(); ++e) column_of_rule[enabled[e]] = static_cast<int>(e);
  std::vector<Prediction> decisions(data.patterns.size());
  std::vector<std::string> tails(data.patterns.size());  // the text after the row and id
  for (size_t p = 0; p < data.patterns.size(); ++p) {
    Prediction& d = decisions[p];
    d.fired = DecodePattern(data.patterns[p]);
    impl.Combine(&d);
    const int64_t n = data.pattern_rows[p];
    if (d.class_index >= 0) {
      s.labeled += n;
      s.per_class[d.class_index] += n;
    } else {
      s.abstained += n;
    }
    if (d.votes == 0) s.no_vote += n;
    if (d.tie) s.ties += n;
    std::string names;
    for (int j : d.fired) {
      if (rs.rules[j].predict < 0) continue;
      s.rule_votes[column_of_rule[j]] += n;
      if (!names.empty()) names += ';';
      names += rs.rules[j].name;
    }
    std::string& t = tails[p];
    if (options.matrix) {
      std::vector<int> row(enabled.size(), -1);
      for (int j : d.fired) row[column_of_rule[j]] = rs.rules[j].predict;
      for (size_t e = 0; e < row.size(); ++e) t += (e ? "," : "") + std::to_string(row[e]);
      continue;
    }
    t = "," + (d.class_index >= 0 ? CsvField(rs.raw_labels[d.class_index]) : std::string());
    if (options.probabilities) {
      for (int c = 0; c < k; ++c) {
        double prob = !d.probabilities.empty() ? d.probabilities[c]
                      : d.class_index >= 0     ? (c == d.class_index ? 1.0 : 0.0)
                                               : 1.0 / k;
        t += fmt::format(",{:.6g}", prob);
      }
    }
    t += fmt::format(",{},{}", d.votes, CsvField(names));
  }

  // Written to a temporary file beside the output and renamed, so a failure leaves nothing.
  const bool to_stdout = out_path == "-";
  const std::string tmp = to_stdout ? "" : out_path + ".tmp-hunch";
  std::ofstream file;
  if (!to_stdout) {
    file.open(tmp, std::ios::binary);
    if (!file) return IoError(fmt::format("{}: error: cannot create the output file", out_path));
  }
  std::ostream& out = to_stdout ? std::cout : file;
  std::string buf;
  if (options.matrix) {
    for (size_t e = 0; e < enabled.size(); ++e)
      buf += (e ? "," : "") + CsvField(rs.rules[enabled[e]].name);
  } else {
    buf = "row";
    if (!options.id_column.empty()) buf += "," + CsvField(options.id_column);
    buf += "," + CsvField(rs.file.label.text);
    if (options.probabilities) {
      for (const auto& c : rs.class_names) buf += "," + CsvField("p_" + c);
    }
    buf += ",votes,rules";
  }
  buf += '\n';
  for (size_t r = 0; r < data.row_pattern.size(); ++r) {
    const uint32_t p = data.row_pattern[r];
    if (options.matrix) {
      buf += tails[p];
    } else {
      if (decisions[p].class_index < 0 && !options.keep_abstain) continue;
      buf += std::to_string(data.row_number[r]);
      if (!options.id_column.empty()) {
        const uint32_t begin = r == 0 ? 0 : data.id_end[r - 1];
        buf += ',';
        buf += CsvField(std::string_view(data.id_arena).substr(begin, data.id_end[r] - begin));
      }
      buf += tails[p];
    }
    buf += '\n';
    ++s.written;
    if (buf.size() > (1u << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  if (!out) {
    if (!to_stdout) std::remove(tmp.c_str());
    return IoError(fmt::format("{}: error: cannot write the labels", out_path));
  }
  if (!to_stdout) {
    file.close();
    std::error_code ec;
    std::filesystem::rename(tmp, out_path, ec);
    if (ec) {
      std::remove(tmp.c_str());
      return IoError(fmt::format("{}: error: cannot write the labels: {}", out_path, ec.message()));
    }
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return s;
}

}  // namespace hunch
