// Implements hunch/diff.h: two versions of a rule set compared on the same rows, and the
// renderings of the result.
#include "hunch/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <unordered_map>

#include "engine/compare_render.h"
#include "engine/paired.h"
#include "engine/render.h"
#include "engine/ruleset_impl.h"
#include "engine/scores.h"
#include "rules/ast.h"

namespace hunch {
namespace {

using nlohmann::json;
using render::MarkdownTable;
using render::Pct;
using render::Table;

std::string ClassText(const std::vector<std::string>& classes, int c) {
  return c < 0 ? "abstain" : classes[c];
}

std::string RuleText(const CheckedRuleSet& rs, int rule) {
  return rule < 0 ? "(default)" : rs.rules[rule].name;
}

std::vector<RuleChange> RuleChanges(const CheckedRuleSet& old_rs, const CheckedRuleSet& new_rs,
                                    const Report& before, const Report& after) {
  std::unordered_map<std::string, size_t> new_index;
  for (size_t j = 0; j < new_rs.rules.size(); ++j) new_index.emplace(new_rs.rules[j].name, j);
  auto condition = [](const CheckedRule& r) { return r.syntax ? ast::Print(*r.syntax) : r.when; };
  std::vector<RuleChange> out;
  std::vector<bool> matched(new_rs.rules.size(), false);
  for (size_t j = 0; j < old_rs.rules.size(); ++j) {
    const CheckedRule& o = old_rs.rules[j];
    RuleChange ch;
    ch.name = o.name;
    ch.old_condition = condition(o);
    ch.before = before.rules[j];
    auto it = new_index.find(o.name);
    if (it == new_index.end()) {
      ch.change = "removed";
    } else {
      matched[it->second] = true;
      const CheckedRule& n = new_rs.rules[it->second];
      ch.new_condition = condition(n);
      ch.after = after.rules[it->second];
      if (ch.old_condition != ch.new_condition) ch.what.push_back("condition");
      if (o.predict != n.predict) ch.what.push_back("predict");
      if (o.confidence != n.confidence) ch.what.push_back("confidence");
      if (o.enabled != n.enabled) ch.what.push_back("enabled");
      ch.change = ch.what.empty() ? "unchanged" : "changed";
    }
    out.push_back(std::move(ch));
  }
  for (size_t j = 0; j < new_rs.rules.size(); ++j) {
    if (matched[j]) continue;
    RuleChange ch;
    ch.name = new_rs.rules[j].name;
    ch.change = "added";
    ch.new_condition = condition(new_rs.rules[j]);
    ch.after = after.rules[j];
    out.push_back(std::move(ch));
  }
  return out;
}

}  // namespace

Result<RuleSetDiff> DiffRuleSets(const RuleSet& old_rules, const RuleSet& new_rules,
                                 const std::string& data_path, const DiffOptions& options) {
  const CheckedRuleSet& old_rs = old_rules.impl().checked;
  const CheckedRuleSet& new_rs = new_rules.impl().checked;
  if (old_rules.label_column() != new_rules.label_column() ||
      old_rs.class_names != new_rs.class_names || old_rs.raw_labels != new_rs.raw_labels) {
    return InvalidArgument(fmt::format(
        "{} vs {}: error: the two rule sets predict different things (label '{}' with classes {} "
        "vs label '{}' with classes {}); diff compares versions with the same label and classes",
        old_rules.name(), new_rules.name(), old_rules.label_column(),
        fmt::join(old_rs.class_names, ", "), new_rules.label_column(),
        fmt::join(new_rs.class_names, ", ")));
  }
  RowOutcomes old_rows, new_rows;
  auto before = EvaluateFile(old_rules, data_path, options.eval, &old_rows);
  if (!before.ok()) return before.status();
  auto after = EvaluateFile(new_rules, data_path, options.eval, &new_rows);
  if (!after.ok()) return after.status();

  RuleSetDiff d;
  const int k = static_cast<int>(old_rs.class_names.size());
  const size_t n = old_rows.actual.size();
  PairedRows paired;
  paired.k = k;
  paired.positive_class =
      old_rs.positive_class == new_rs.positive_class ? old_rs.positive_class : -1;
  paired.actual = old_rows.actual;
  paired.a = old_rows.predicted;
  paired.b = new_rows.predicted;
  paired.slice_names = old_rows.slice_names;
  paired.slice_values = old_rows.slice_values;
  paired.max_slice_values = options.eval.max_slice_values;
  if (paired.positive_class >= 0 && scores::HasScores(old_rs) && scores::HasScores(new_rs)) {
    paired.a_score.resize(n);
    paired.b_score.resize(n);
    for (size_t i = 0; i < n; ++i) {
      paired.a_score[i] = scores::RuleScore(old_rs, old_rows.rule[i]);
      paired.b_score[i] = scores::RuleScore(new_rs, new_rows.rule[i]);
    }
  }
  Comparison& c = d.comparison;
  c.a_name = "old";
  c.b_name = "new";
  c.classes = old_rs.class_names;
  c.can_abstain = before->can_abstain || after->can_abstain;
  c.b_description = new_rs.file.name.text;
  ComparePaired(paired, options.eval.bootstrap, options.eval.seed, &c, options.eval.threads);
  c.verdict_metric = options.metric;
  c.verdict = Verdict(c, options.metric, &c.winner);

  d.transitions.assign(k + 1, std::vector<int64_t>(k + 1, 0));
  std::vector<size_t> changed;
  for (size_t i = 0; i < n; ++i) {
    const int was = old_rows.predicted[i], now = new_rows.predicted[i];
    ++d.transitions[was < 0 ? k : was][now < 0 ? k : now];
    if (was == now) continue;
    changed.push_back(i);
    const int actual = old_rows.actual[i];
    d.fixed += was != actual && now == actual;
    d.broken += was == actual && now != actual;
  }
  d.changed = static_cast<int64_t>(changed.size());
  // A seeded uniform sample (reservoir), shown in data order.
  std::vector<size_t> chosen;
  std::mt19937_64 rng(options.eval.seed);
  for (size_t t = 0; t < changed.size(); ++t) {
    if (chosen.size() < options.sample_rows) {
      chosen.push_back(changed[t]);
    } else {
      const size_t j = static_cast<size_t>((static_cast<unsigned __int128>(rng()) * (t + 1)) >> 64);
      if (j < options.sample_rows) chosen[j] = changed[t];
    }
  }
  std::sort(chosen.begin(), chosen.end());
  for (size_t i : chosen) {
    ChangedRow row;
    row.row = old_rows.record[i] + 1;
    if (!old_rows.key.empty()) row.key = old_rows.key[i];
    row.actual = ClassText(c.classes, old_rows.actual[i]);
    row.old_prediction = ClassText(c.classes, old_rows.predicted[i]);
    row.new_prediction = ClassText(c.classes, new_rows.predicted[i]);
    row.old_rule = RuleText(old_rs, old_rows.rule[i]);
    row.new_rule = RuleText(new_rs, new_rows.rule[i]);
    d.sample.push_back(std::move(row));
  }
  d.rules = RuleChanges(old_rs, new_rs, *before, *after);
  c.a_report = std::move(*before);
  d.new_report = std::move(*after);
  return d;
}

namespace {

std::vector<std::string> DiffSummary(const RuleSetDiff& d) {
  const Report& o = d.comparison.a_report;
  const Report& n = d.new_report;
  auto version = [](const Report& r) {
    return fmt::format("{} (version {}, sha256 {})", r.ruleset_name,
                       r.ruleset_version.empty() ? "-" : r.ruleset_version,
                       r.ruleset_sha256.substr(0, 12));
  };
  std::vector<std::string> lines = {"old       " + version(o), "new       " + version(n),
                                    fmt::format("data      {}: {} rows, {} labeled and compared",
                                                o.data_path, o.rows, d.comparison.rows)};
  if (d.comparison.bootstrap_resamples > 0) {
    lines.push_back(
        fmt::format("intervals 95% paired bootstrap of new - old, {} resamples, seed {}",
                    d.comparison.bootstrap_resamples, d.comparison.seed));
  }
  const double share = d.comparison.rows > 0
                           ? static_cast<double>(d.changed) / static_cast<double>(d.comparison.rows)
                           : 0;
  lines.push_back(fmt::format(
      "changed   {} rows ({:.2f}%): {} fixed (wrong before, right now), {} broken (right before, "
      "wrong now), {} still wrong",
      d.changed, 100 * share, d.fixed, d.broken, d.changed - d.fixed - d.broken));
  return lines;
}

struct DiffTables {
  std::vector<std::vector<std::string>> transitions, sample, rules;
};

DiffTables BuildDiffTables(const RuleSetDiff& d) {
  const Comparison& c = d.comparison;
  DiffTables t;
  std::vector<std::string> labels = c.classes;
  if (c.can_abstain) labels.push_back("abstain");  // else its row and column are all zero
  std::vector<std::string> head = {"old \\ new"};
  for (const auto& l : labels) head.push_back(l);
  t.transitions.push_back(head);
  for (size_t i = 0; i < labels.size(); ++i) {
    std::vector<std::string> line = {labels[i]};
    for (size_t j = 0; j < labels.size(); ++j)
      line.push_back(i == j ? "-" : std::to_string(d.transitions[i][j]));
    t.transitions.push_back(line);
  }
  const bool keys = std::any_of(d.sample.begin(), d.sample.end(),
                                [](const ChangedRow& r) { return !r.key.empty(); });
  std::vector<std::string> sample_head = {"row"};
  if (keys) sample_head.push_back("id");
  for (const char* h : {"actual", "old", "old rule", "new", "new rule"}) sample_head.push_back(h);
  t.sample.push_back(sample_head);
  for (const auto& r : d.sample) {
    std::vector<std::string> line = {std::to_string(r.row)};
    if (keys) line.push_back(r.key);
    for (const auto* s :
         {&r.actual, &r.old_prediction, &r.old_rule, &r.new_prediction, &r.new_rule})
      line.push_back(*s);
    t.sample.push_back(line);
  }
  t.rules.push_back({"rule", "change", "fires", "wins", "precision", "what changed"});
  auto arrow = [](const std::optional<RuleFigures>& b, const std::optional<RuleFigures>& a,
                  auto field) {
    std::string before = b ? field(*b) : "-", after = a ? field(*a) : "-";
    return before == after ? before : before + " -> " + after;
  };
  for (const auto& ch : d.rules) {
    t.rules.push_back(
        {ch.name, ch.change,
         arrow(ch.before, ch.after, [](const RuleFigures& f) { return std::to_string(f.fires); }),
         arrow(ch.before, ch.after, [](const RuleFigures& f) { return std::to_string(f.wins); }),
         arrow(ch.before, ch.after,
               [](const RuleFigures& f) { return f.fires > 0 ? Pct(f.precision) : "-"; }),
         fmt::format("{}", fmt::join(ch.what, ", "))});
  }
  return t;
}

json FiguresJson(const std::optional<RuleFigures>& f) {
  if (!f) return nullptr;
  return {{"fires", f->fires},         {"wins", f->wins},           {"correct", f->correct},
          {"incorrect", f->incorrect}, {"precision", f->precision}, {"coverage", f->coverage}};
}

}  // namespace

std::string DiffToJson(const RuleSetDiff& d) {
  const Report& o = d.comparison.a_report;
  const Report& n = d.new_report;
  json out;
  auto ruleset = [](const Report& r) {
    return json{
        {"name", r.ruleset_name}, {"version", r.ruleset_version}, {"sha256", r.ruleset_sha256}};
  };
  out["old"] = ruleset(o);
  out["new"] = ruleset(n);
  out["data"] = {{"path", o.data_path},
                 {"rows", o.rows},
                 {"labeled_rows", o.labeled_rows},
                 {"excluded_rows", o.missing_label + o.unknown_label}};
  std::vector<std::string> labels = d.comparison.classes;
  labels.push_back("abstain");
  out["changed"] = {{"rows", d.changed},
                    {"fixed", d.fixed},
                    {"broken", d.broken},
                    {"labels", labels},
                    {"transitions", d.transitions}};
  json sample = json::array();
  for (const auto& r : d.sample) {
    sample.push_back({{"row", r.row},
                      {"id", r.key.empty() ? json(nullptr) : json(r.key)},
                      {"actual", r.actual},
                      {"old", r.old_prediction},
                      {"old_rule", r.old_rule},
                      {"new", r.new_prediction},
                      {"new_rule", r.new_rule}});
  }
  out["changed"]["sample"] = sample;
  json rules = json::array();
  for (const auto& ch : d.rules) {
    rules.push_back(
        {{"name", ch.name},
         {"change", ch.change},
         {"what", ch.what},
         {"old_condition", ch.old_condition.empty() ? json(nullptr) : json(ch.old_condition)},
         {"new_condition", ch.new_condition.empty() ? json(nullptr) : json(ch.new_condition)},
         {"before", FiguresJson(ch.before)},
         {"after", FiguresJson(ch.after)}});
  }
  out["rules"] = rules;
  out.update(render::ComparisonCoreJson(d.comparison));
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string DiffToText(const RuleSetDiff& d, bool color) {
  const std::string bold = color ? "\033[1m" : "", off = color ? "\033[0m" : "";
  const DiffTables t = BuildDiffTables(d);
  std::string out;
  for (const auto& line : DiffSummary(d)) out += line + "\n";
  out += "\n" + bold + "Verdict: " + d.comparison.verdict + off + "\n";
  out += "\n" + bold + "Changed predictions (rows: old, columns: new)" + off + "\n" +
         Table(t.transitions, std::vector<bool>(t.transitions[0].size(), true));
  if (!d.sample.empty()) {
    out += "\n" + bold + "Sample of changed rows (hunch explain --row-number ROW shows why)" + off +
           "\n" + Table(t.sample, std::vector<bool>(t.sample[0].size(), false));
  }
  out +=
      "\n" + bold + "Rules" + off + "\n" + Table(t.rules, {false, false, true, true, true, false});
  out += render::CompareSectionsToText(d.comparison, render::BuildCompareSections(d.comparison),
                                       color);
  return out;
}

std::string DiffToMarkdown(const RuleSetDiff& d) {
  const DiffTables t = BuildDiffTables(d);
  std::string out = fmt::format("# Diff of `{}` and `{}`\n\n", d.comparison.a_report.ruleset_name,
                                d.new_report.ruleset_name);
  for (const auto& line : DiffSummary(d)) out += "    " + line + "\n";
  out += "\n**Verdict:** " + d.comparison.verdict + "\n";
  out += "\n## Changed predictions\n\nRows are the old prediction, columns the new one.\n\n" +
         MarkdownTable(t.transitions);
  if (!d.sample.empty()) out += "\n## Sample of changed rows\n\n" + MarkdownTable(t.sample);
  out += "\n## Rules\n\n" + MarkdownTable(t.rules);
  out +=
      render::CompareSectionsToMarkdown(d.comparison, render::BuildCompareSections(d.comparison));
  return out;
}

}  // namespace hunch
