// The RuleSet facade: loading (read, compile, check) and row-at-a-time prediction and explanation.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <tuple>

#include "engine/interpreter.h"
#include "engine/ruleset_impl.h"
#include "rules/text.h"

namespace hunch {

Value ParseCellByContent(std::string_view cell) {
  int64_t i;
  auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), i);
  if (ec == std::errc() && p == cell.data() + cell.size() && !cell.empty()) return Value(i);
  double d;
  auto [q, ec2] = std::from_chars(cell.data(), cell.data() + cell.size(), d);
  if (ec2 == std::errc() && q == cell.data() + cell.size() && !cell.empty() && std::isfinite(d)) {
    return Value(d);
  }
  auto equals_lower = [&](std::string_view word) {
    return cell.size() == word.size() && std::equal(cell.begin(), cell.end(), word.begin(),
                                                    [](char a, char b) { return (a | 0x20) == b; });
  };
  if (equals_lower("true")) return Value(true);
  if (equals_lower("false")) return Value(false);
  return Value(std::string(cell));
}

void RuleSet::Impl::IndexMissingValues() {
  missing_lengths = 0;
  missing_has_long = false;
  for (const auto& m : checked.file.missing) {
    if (m.size() < 64)
      missing_lengths |= uint64_t{1} << m.size();
    else
      missing_has_long = true;
  }
}

bool RuleSet::Impl::InMissingList(std::string_view cell) const {
  for (const auto& m : checked.file.missing) {
    if (cell == m) return true;
  }
  return false;
}

bool ParseTypedCellSlow(ColumnType type, std::string_view s, int64_t* i, double* d) {
  switch (type) {
    case ColumnType::kString:
      return true;
    case ColumnType::kInt: {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *i);
      return ec == std::errc() && p == s.data() + s.size() && !s.empty();
    }
    case ColumnType::kDouble: {
      // Non-finite spellings (nan, inf) are text, as in schema inference.
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *d);
      return ec == std::errc() && p == s.data() + s.size() && !s.empty() && std::isfinite(*d);
    }
    case ColumnType::kBool: {
      auto is = [&](std::string_view word) {
        return s.size() == word.size() &&
               std::equal(s.begin(), s.end(), word.begin(),
                          [](char a, char b) { return (a | 0x20) == b; });
      };
      if (is("true"))
        *i = 1;
      else if (is("false"))
        *i = 0;
      else
        return false;
      return true;
    }
  }
  return false;
}

Value RuleSet::Impl::CellValue(int column, std::optional<std::string_view> cell) const {
  if (!cell || IsMissing(*cell)) return Value::Missing();
  if (!checked.schema_known) return ParseCellByContent(*cell);
  const Column& col = checked.schema.columns[column];
  int64_t i = 0;
  double d = 0;
  if (ParseTypedCell(col.type, *cell, &i, &d)) {
    switch (col.type) {
      case ColumnType::kString:
        return Value(std::string(*cell));
      case ColumnType::kInt:
        return Value(i);
      case ColumnType::kDouble:
        return Value(d);
      case ColumnType::kBool:
        return Value(i != 0);
    }
  }
  return Value::Error(fmt::format("cell {} of column '{}' is not a valid {}", QuoteString(*cell),
                                  col.name, ColumnTypeName(col.type)));
}

void RuleSet::Impl::TypeRow(const RawRow& row, std::vector<Value>* out) const {
  out->resize(checked.schema.columns.size());
  for (size_t c = 0; c < out->size(); ++c) {
    (*out)[c] = CellValue(static_cast<int>(c), c < row.size() ? row[c] : std::nullopt);
  }
}

Prediction RuleSet::Impl::PredictTyped(const std::vector<Value>& row) const {
  Prediction p;
  for (size_t j = 0; j < checked.rules.size(); ++j) {
    const CheckedRule& r = checked.rules[j];
    if (!r.enabled) continue;
    Value v = Evaluate(r.condition, row);
    if (v.is_true()) {
      p.fired.push_back(static_cast<int>(j));
    } else if (v.is_error()) {
      p.errored.push_back(static_cast<int>(j));
    }
  }
  Combine(&p);
  return p;
}

void RuleSet::Impl::Combine(Prediction* p) const {
  p->class_index = checked.default_class;
  p->rule = -1;
  p->votes = 0;
  for (int j : p->fired) p->votes += checked.rules[j].predict >= 0;
  if (checked.policy == Policy::kFirstMatch) {
    if (!p->fired.empty()) {
      p->rule = p->fired.front();
      p->class_index = checked.rules[p->rule].predict;
      p->confidence = checked.rules[p->rule].confidence;
    }
    return;
  }
  std::vector<int> voters;
  for (int j : p->fired) {
    if (int v = combiner->VoterOf(j); v >= 0) voters.push_back(v);
  }
  Combiner::Decision d = combiner->Decide(voters);
  p->class_index = d.class_index;
  p->tie = d.tie;
  p->probabilities = std::move(d.probabilities);
  for (int j : p->fired) {
    if (p->class_index >= 0 && checked.rules[j].predict == p->class_index) {
      p->rule = j;
      p->confidence = checked.rules[j].confidence;
      break;
    }
  }
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::string& path,
                                                     const LoadOptions& options,
                                                     std::vector<Diagnostic>* diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kNotFound,
                  fmt::format("{}: error: cannot open rule file: {}", path, std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return IoError(fmt::format("{}: error: cannot read rule file", path));
  return LoadFromString(buffer.str(), path, options, diagnostics);
}

Result<std::shared_ptr<const RuleSet>> RuleSet::LoadFromString(
    const std::string& text, const std::string& path, const LoadOptions& options,
    std::vector<Diagnostic>* diagnostics) {
  const size_t before = diagnostics->size();
  auto count_errors = [&] {
    int n = 0;
    for (size_t i = before; i < diagnostics->size(); ++i) {
      n += (*diagnostics)[i].severity == Severity::kError;
    }
    return n;
  };
  RuleFileLimits limits;
  limits.max_rules = options.max_rules;
  std::optional<RuleFile> file = ReadRuleFile(path, text, limits, diagnostics);
  if (!file) {
    return Status(StatusCode::kRuleError, fmt::format("{}: {} error(s)", path, count_errors()));
  }
  CompileOptions copts;
  copts.data_schema = options.data_schema;
  copts.parse_limits.max_length = options.max_expression_length;
  copts.parse_limits.max_depth = options.max_expression_depth;
  copts.regex_max_mem = options.regex_max_mem;
  copts.lint = options.lint && count_errors() == 0;  // lint of a broken file is noise
  auto impl = std::make_unique<Impl>();
  impl->checked = CompileRuleFile(std::move(*file), copts, diagnostics);
  impl->IndexMissingValues();
  // Reported in file order, as a compiler would, whichever stage found them.
  std::stable_sort(diagnostics->begin() + static_cast<std::ptrdiff_t>(before), diagnostics->end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (int n = count_errors(); n > 0) {
    return Status(StatusCode::kRuleError, fmt::format("{}: {} error(s)", path, n));
  }
  for (const auto& r : impl->checked.rules) {
    impl->rules.push_back(
        {r.name, r.when, r.predict, r.confidence, r.weight, r.tags, r.enabled, r.pos.line,
         r.columns_read});
  }
  impl->combiner = std::make_shared<const Combiner>(impl->checked);
  return std::shared_ptr<const RuleSet>(std::make_shared<RuleSet>(std::move(impl)));
}

const std::string& RuleSet::name() const { return impl_->checked.file.name.text; }
const std::string& RuleSet::version() const { return impl_->checked.file.version; }
const std::string& RuleSet::sha256() const { return impl_->checked.sha256; }
const std::string& RuleSet::label_column() const { return impl_->checked.file.label.text; }
const std::vector<std::string>& RuleSet::class_names() const { return impl_->checked.class_names; }
const std::vector<std::string>& RuleSet::raw_labels() const { return impl_->checked.raw_labels; }
int RuleSet::default_class() const { return impl_->checked.default_class; }
int RuleSet::positive_class() const { return impl_->checked.positive_class; }
const std::vector<std::string>& RuleSet::missing_values() const {
  return impl_->checked.file.missing;
}
const Schema& RuleSet::schema() const { return impl_->checked.schema; }
bool RuleSet::schema_known() const { return impl_->checked.schema_known; }
const std::vector<RuleInfo>& RuleSet::rules() const { return impl_->rules; }
const char* RuleSet::policy() const { return PolicyName(impl_->checked.policy); }
const char* RuleSet::tie_break() const { return TieBreakName(impl_->checked.tie_break); }
bool RuleSet::needs_fit() const { return impl_->combiner->needs_fit(); }
bool RuleSet::fitted() const { return impl_->combiner->fitted(); }

Prediction RuleSet::Predict(const RawRow& row) const {
  std::vector<Value> typed;
  impl_->TypeRow(row, &typed);
  return impl_->PredictTyped(typed);
}

std::vector<Prediction> RuleSet::PredictBatch(const std::vector<RawRow>& rows) const {
  std::vector<Prediction> out;
  out.reserve(rows.size());
  std::vector<Value> typed;
  for (const RawRow& row : rows) {
    impl_->TypeRow(row, &typed);
    out.push_back(impl_->PredictTyped(typed));
  }
  return out;
}

// The combination of the votes: who voted for what, the scores, and how a tie was broken.
std::string RuleSet::Impl::ExplainVotes(const Prediction& p) const {
  const CheckedRuleSet& rs = checked;
  std::string out = fmt::format("policy: {}", PolicyName(rs.policy));
  if (rs.policy == Policy::kLabelModel && !combiner->fitted())
    out += " (not fitted: majority vote)";
  out += fmt::format(", tie_break {}\n", TieBreakName(rs.tie_break));
  std::vector<std::string> by_class(rs.class_names.size());
  for (int j : p.fired) {
    const CheckedRule& r = rs.rules[j];
    if (r.predict < 0) continue;
    if (!by_class[r.predict].empty()) by_class[r.predict] += ", ";
    by_class[r.predict] += r.name;
    if (rs.policy == Policy::kWeighted) by_class[r.predict] += " x" + FormatDouble(r.weight);
  }
  for (size_t c = 0; c < rs.class_names.size(); ++c) {
    out += fmt::format("  {}: {}", rs.class_names[c], by_class[c].empty() ? "-" : by_class[c]);
    if (c < p.probabilities.size()) out += fmt::format(" (p = {:.4f})", p.probabilities[c]);
    out += "\n";
  }
  out += fmt::format("votes: {}{}\n", p.votes,
                     p.votes == 0 ? " (no vote: the default)"
                     : p.tie ? fmt::format(" (a tie, broken by {})", TieBreakName(rs.tie_break))
                             : "");
  return out;
}

std::string RuleSet::Explain(const RawRow& row) const {
  std::vector<Value> typed;
  impl_->TypeRow(row, &typed);
  const CheckedRuleSet& rs = impl_->checked;
  std::string out;
  auto class_name = [&](int k) { return k < 0 ? std::string("abstain") : rs.class_names[k]; };
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const CheckedRule& r = rs.rules[j];
    out += fmt::format("rule {} (line {}) -> {}\n", r.name, r.pos.line, class_name(r.predict));
    if (!r.enabled) {
      out += "  disabled\n";
      continue;
    }
    // Children are reported before their parents; collect, then print parents first.
    std::vector<std::pair<const CheckedExpr*, Value>> seen;
    TraceFn trace = [&](const CheckedExpr& node, const Value& v) { seen.emplace_back(&node, v); };
    Value result = Evaluate(r.condition, typed, &trace);
    std::map<const CheckedExpr*, const Value*> values;
    for (const auto& [node, v] : seen) values[node] = &v;
    std::function<void(const CheckedExpr&, int)> print = [&](const CheckedExpr& node, int depth) {
      // Literals, and lists of literals, explain nothing.
      if (node.op == Op::kConst) return;
      if (node.op == Op::kList &&
          std::all_of(node.args.begin(), node.args.end(),
                      [](const CheckedExpr& a) { return a.op == Op::kConst; })) {
        return;
      }
      std::string text = r.when.substr(node.begin, node.end - node.begin);
      auto it = values.find(&node);
      std::string value = it == values.end() ? "(not evaluated)" : ValueToString(*it->second);
      out += fmt::format("{}{} = {}\n", std::string(static_cast<size_t>(depth) * 2 + 2, ' '), text,
                         value);
      if (node.op == Op::kColumn) return;
      // `x not in L` is !(x in L) over the same text: show it once, then the operands of `in`.
      const CheckedExpr& shown =
          node.op == Op::kNot && node.args[0].begin == node.begin && node.args[0].end == node.end
              ? node.args[0]
              : node;
      for (const auto& a : shown.args) print(a, depth + 1);
    };
    print(r.condition, 0);
    out += fmt::format("  => {}\n", result.is_true()      ? "fired"
                                    : result.is_unknown() ? "unknown (not fired)"
                                                          : "not fired");
  }
  Prediction p = impl_->PredictTyped(typed);
  if (rs.policy == Policy::kFirstMatch) {
    out += p.rule >= 0 ? fmt::format("winner: rule {}\n", rs.rules[p.rule].name)
                       : std::string("winner: none (default)\n");
  } else {
    out += impl_->ExplainVotes(p);
  }
  out += fmt::format("prediction: {}", class_name(p.class_index));
  if (p.confidence) out += fmt::format(" (confidence {})", FormatDouble(*p.confidence));
  out += "\n";
  return out;
}

}  // namespace hunch
