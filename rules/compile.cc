// The rule-set compiler: parse and check every expression, resolve classes, hash the canonical
// form.
#include "rules/compile.h"

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <map>
#include <set>

#include "rules/text.h"

namespace hunch {
namespace {

class Compiler {
 public:
  Compiler(const CompileOptions& options, std::vector<Diagnostic>* diags)
      : options_(options), diags_(*diags) {}

  CheckedRuleSet Run(RuleFile file) {
    rs_.file = std::move(file);
    const RuleFile& f = rs_.file;
    BuildSchema();
    for (const auto& c : f.classes) {
      rs_.class_names.push_back(c.name);
      rs_.raw_labels.push_back(c.raw);
    }
    if (!f.classes.empty()) {
      rs_.default_class = ResolveClass(f.default_class, "default", /*allow_abstain=*/true);
      if (f.positive) {
        rs_.positive_class = ResolveClass(*f.positive, "positive", /*allow_abstain=*/false);
        if (rs_.positive_class >= 0 && f.classes.size() != 2) {
          Warn(
              f.positive->At(0), "positive-multiclass",
              fmt::format("'positive' names the class for binary metrics, but there are {} classes",
                          f.classes.size()));
        }
      }
    }
    ResolvePolicy();
    std::map<std::string, const RuleDef*> names;
    for (const RuleDef& def : f.rules) {
      CheckedRule r;
      r.name = def.name.text;
      r.when = def.when.text;
      r.confidence = def.confidence;
      if (def.weight) {
        r.weight = *def.weight;
        if (rs_.policy != Policy::kWeighted && policy_known_) {
          Warn(def.weight_pos, "unused-weight",
               fmt::format("'weight' is used only by policy weighted; this rule set uses {}",
                           PolicyName(rs_.policy)));
        }
      }
      r.tags = def.tags;
      r.enabled = def.enabled;
      r.description = def.description;
      r.pos = def.pos;
      if (!def.name.text.empty()) {
        auto [it, inserted] = names.emplace(def.name.text, &def);
        if (!inserted) {
          Error(def.name.At(0), "duplicate-rule",
                fmt::format("duplicate rule name '{}' (first defined on line {})", def.name.text,
                            it->second->name.pos.line),
                static_cast<int>(def.name.text.size()));
        }
      }
      if (!def.predict.text.empty() && !f.classes.empty()) {
        r.predict = ResolveClass(def.predict, "predict", /*allow_abstain=*/true);
      }
      if (!def.when.text.empty() || def.when.pos.line > 0) {
        auto parsed = ParseAndCheck(def.when, "condition");
        if (parsed.checked) {
          if (parsed.checked->type.kind != TypeKind::kBool &&
              parsed.checked->type.kind != TypeKind::kDyn) {
            Error(def.when.At(0), "type-mismatch",
                  fmt::format("a condition must be bool, found {}", TypeName(parsed.checked->type)),
                  static_cast<int>(def.when.text.size()));
          } else {
            r.condition = std::move(*parsed.checked);
          }
        }
        r.syntax = std::move(parsed.syntax);
        r.columns_read = std::move(parsed.columns);
      }
      rs_.rules.push_back(std::move(r));
    }
    for (const auto& [name, expr] : f.slices) {
      auto parsed = ParseAndCheck(expr, "slice");
      if (parsed.checked) {
        if (parsed.checked->type.kind == TypeKind::kList) {
          Error(expr.At(0), "type-mismatch",
                "a slice expression must give a single value, not a list");
        } else {
          rs_.slices.push_back({name.text, expr.text,
                                parsed.syntax ? ast::Print(*parsed.syntax) : expr.text,
                                std::move(*parsed.checked)});
        }
      }
    }
    // Extra columns the checker met when the schema is unknown become dyn columns at the end.
    for (const auto& name : extra_columns_) {
      rs_.schema.columns.push_back({name, ColumnType::kString, true});
    }
    rs_.canonical = Canonical();
    rs_.sha256 = Sha256Hex(rs_.canonical);
    return std::move(rs_);
  }

 private:
  struct Parsed {
    std::shared_ptr<const ast::Expr> syntax;
    std::optional<CheckedExpr> checked;
    std::vector<std::string> columns;
  };

  void Error(SourcePos pos, std::string code, std::string message, int length = 1) {
    diags_.push_back(MakeDiagnostic(rs_.file, Severity::kError, pos, length, std::move(code),
                                    std::move(message)));
  }
  void Warn(SourcePos pos, std::string code, std::string message, int length = 1) {
    diags_.push_back(MakeDiagnostic(rs_.file, Severity::kWarning, pos, length, std::move(code),
                                    std::move(message)));
  }

  void ResolvePolicy() {
    const RuleFile& f = rs_.file;
    static const std::vector<std::pair<std::string, Policy>> kPolicies = {
        {"first_match", Policy::kFirstMatch},
        {"vote", Policy::kVote},
        {"weighted", Policy::kWeighted},
        {"label_model", Policy::kLabelModel}};
    static const std::vector<std::pair<std::string, TieBreak>> kTieBreaks = {
        {"abstain", TieBreak::kAbstain},
        {"priority", TieBreak::kPriority},
        {"prior", TieBreak::kPrior}};
    auto resolve = [&](const SourceText& value, const auto& table, std::string_view code,
                       std::string_view key, auto* out) {
      for (const auto& [name, v] : table) {
        if (value.text == name) {
          *out = v;
          return;
        }
      }
      std::vector<std::string> names;
      for (const auto& [name, v] : table) names.push_back(name);
      std::string hint = ClosestMatch(value.text, names);
      Error(value.At(0), std::string(code),
            fmt::format("unknown {} '{}': expected {}{}", key, value.text, fmt::join(names, ", "),
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)),
            static_cast<int>(value.text.size()));
    };
    resolve(f.policy, kPolicies, "unsupported-policy", "policy", &rs_.policy);
    policy_known_ = std::any_of(kPolicies.begin(), kPolicies.end(),
                                [&](const auto& p) { return p.first == f.policy.text; });
    if (f.tie_break) {
      resolve(*f.tie_break, kTieBreaks, "bad-tie-break", "tie_break", &rs_.tie_break);
      if (rs_.policy == Policy::kFirstMatch && policy_known_) {
        Warn(
            f.tie_break->At(0), "unused-tie-break",
            "'tie_break' has no effect with policy first_match: the first rule that fires decides");
      }
    }
  }

  void BuildSchema() {
    const RuleFile& f = rs_.file;
    if (options_.data_schema != nullptr) rs_.schema = *options_.data_schema;
    for (const auto& [name, type] : f.inputs) {
      auto t = ParseColumnType(type.text);
      if (!t) {
        std::string hint = ClosestMatch(type.text, {"bool", "int", "double", "string"});
        Error(
            type.At(0), "bad-type",
            fmt::format("unknown type '{}' for input '{}': expected bool, int, double or string{}",
                        type.text, name.text,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)),
            static_cast<int>(type.text.size()));
        extra_columns_.push_back(name.text);  // of unknown type: its uses are not errors too
        continue;
      }
      int idx = rs_.schema.Find(name.text);
      if (idx >= 0) {
        rs_.schema.columns[idx].type = *t;
      } else {
        if (options_.data_schema != nullptr) {
          Warn(name.At(0), "input-not-in-data",
               fmt::format("input '{}' is declared but not in the data: it is missing on every row",
                           name.text),
               static_cast<int>(name.text.size()));
        }
        rs_.schema.columns.push_back({name.text, *t, true});
      }
    }
    rs_.schema_known = options_.data_schema != nullptr || !f.inputs.empty();
    if (options_.data_schema != nullptr && !f.label.text.empty() &&
        options_.data_schema->Find(f.label.text) < 0) {
      std::vector<std::string> names;
      for (const auto& c : options_.data_schema->columns) names.push_back(c.name);
      std::string hint = ClosestMatch(f.label.text, names);
      Warn(f.label.At(0), "label-not-in-data",
           fmt::format("label column '{}' is not in the data{}", f.label.text,
                       hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)),
           static_cast<int>(f.label.text.size()));
    }
  }

  int ResolveClass(const SourceText& value, std::string_view key, bool allow_abstain) {
    if (allow_abstain && value.text == "abstain") return -1;
    for (size_t i = 0; i < rs_.class_names.size(); ++i) {
      if (rs_.class_names[i] == value.text) return static_cast<int>(i);
    }
    std::string hint;
    for (size_t i = 0; i < rs_.raw_labels.size(); ++i) {
      if (rs_.raw_labels[i] == value.text) {
        hint = fmt::format(" (label value {} is class '{}': write the class name)", value.text,
                           rs_.class_names[i]);
      }
    }
    if (hint.empty()) {
      std::string close = ClosestMatch(value.text, rs_.class_names);
      if (!close.empty()) hint = fmt::format(" (did you mean '{}'?)", close);
    }
    Error(value.At(0), "unknown-class",
          fmt::format("'{}' for '{}' is not a class: expected one of {}{}{}", value.text, key,
                      fmt::join(rs_.class_names, ", "), allow_abstain ? " or abstain" : "", hint),
          static_cast<int>(value.text.size()));
    return -1;
  }

  Parsed ParseAndCheck(const SourceText& src, std::string_view what) {
    Parsed out;
    ParseResult parsed = ParseExpression(src.text, options_.parse_limits);
    if (!parsed.ok()) {
      Report(src, parsed.error.begin, parsed.error.end, "syntax", parsed.error.message);
      return out;
    }
    CheckOptions copts;
    copts.allow_unknown_columns = !rs_.schema_known;
    copts.regex_max_mem = options_.regex_max_mem;
    CheckResult checked = Check(*parsed.expr, rs_.schema, copts, &extra_columns_);
    for (const auto& e : checked.errors) Report(src, e.begin, e.end, e.code, e.message);
    out.columns = checked.columns_read;
    out.syntax = std::move(parsed.expr);
    out.checked = std::move(checked.expr);
    return out;
  }

  void Report(const SourceText& src, uint32_t begin, uint32_t end, const std::string& code,
              const std::string& message) {
    SourcePos p = src.At(begin);
    SourcePos q = src.At(end > begin ? end - 1 : begin);
    int length = p.line == q.line ? std::max(1, q.column - p.column + 1) : 1;
    Error(p, code, message, length);
  }

  std::string Canonical() {
    const RuleFile& f = rs_.file;
    std::string out = "hunch-ruleset-v1\n";
    out += "name " + QuoteString(f.name.text) + "\n";
    out += "version " + QuoteString(f.version) + "\n";
    out += "label " + QuoteString(f.label.text) + "\n";
    for (const auto& c : f.classes)
      out += "class " + QuoteString(c.raw) + " " + QuoteString(c.name) + "\n";
    out += "default " + QuoteString(f.default_class.text) + "\n";
    if (f.positive) out += "positive " + QuoteString(f.positive->text) + "\n";
    for (const auto& m : f.missing) out += "missing " + QuoteString(m) + "\n";
    std::map<std::string, std::string> inputs;
    for (const auto& [n, t] : f.inputs) {
      auto type = ParseColumnType(t.text);  // aliases hash as the type they name
      inputs[n.text] = type ? std::string(ColumnTypeName(*type)) : t.text;
    }
    for (const auto& [n, t] : inputs) out += "input " + QuoteString(n) + " " + t + "\n";
    out += "policy " + f.policy.text + "\n";
    // Only the combining policies have a tie break, so first_match hashes as it always did.
    if (rs_.policy != Policy::kFirstMatch)
      out += std::string("tie_break ") + TieBreakName(rs_.tie_break) + "\n";
    for (const auto& r : rs_.rules) {
      out += "rule " + QuoteString(r.name) + " when " +
             (r.syntax ? ast::Print(*r.syntax) : QuoteString(r.when));
      out += " predict " +
             (r.predict >= 0 ? QuoteString(rs_.class_names[r.predict]) : std::string("abstain"));
      if (r.confidence) out += " confidence " + FormatDouble(*r.confidence);
      if (r.weight != 1.0) out += " weight " + FormatDouble(r.weight);
      if (!r.enabled) out += " disabled";
      for (const auto& t : r.tags) out += " tag " + QuoteString(t);
      out += "\n";
    }
    for (const auto& s : rs_.slices)
      out += "slice " + QuoteString(s.name) + " " + s.canonical + "\n";
    return out;
  }

  const CompileOptions& options_;
  std::vector<Diagnostic>& diags_;
  CheckedRuleSet rs_;
  std::vector<std::string> extra_columns_;
  bool policy_known_ = true;  // false after an unknown policy: its keys' warnings would be noise
};

}  // namespace

const char* PolicyName(Policy p) {
  switch (p) {
    case Policy::kFirstMatch:
      return "first_match";
    case Policy::kVote:
      return "vote";
    case Policy::kWeighted:
      return "weighted";
    case Policy::kLabelModel:
      return "label_model";
  }
  return "?";
}

const char* TieBreakName(TieBreak t) {
  switch (t) {
    case TieBreak::kAbstain:
      return "abstain";
    case TieBreak::kPriority:
      return "priority";
    case TieBreak::kPrior:
      return "prior";
  }
  return "?";
}

// Nettle rather than OpenSSL: OpenSSL's first digest initialises its whole algorithm table,
// about 0.8 ms of every hunch command's start-up.
std::string Sha256Hex(const std::string& data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  std::string hex;
  for (uint8_t byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

CheckedRuleSet CompileRuleFile(RuleFile file, const CompileOptions& options,
                               std::vector<Diagnostic>* diagnostics) {
  size_t before = diagnostics->size();
  CheckedRuleSet rs = Compiler(options, diagnostics).Run(std::move(file));
  bool clean = true;
  for (size_t i = before; i < diagnostics->size(); ++i) {
    if ((*diagnostics)[i].severity == Severity::kError) clean = false;
  }
  if (clean && options.lint) LintRuleSet(rs, diagnostics);
  return rs;
}

}  // namespace hunch
