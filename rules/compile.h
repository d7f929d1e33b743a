// Internal (the facade is hunch/ruleset.h): turns a RuleFile into a checked rule set: parses every
// expression, type-checks it against the schema, resolves classes, lints, computes the hash.
#ifndef HUNCH_RULES_COMPILE_H_
#define HUNCH_RULES_COMPILE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/schema.h"
#include "rules/ast.h"
#include "rules/checked.h"
#include "rules/checker.h"
#include "rules/parser.h"
#include "rules/rule_file.h"

namespace hunch {

struct CompileOptions {
  const Schema* data_schema = nullptr;  // the data's columns, when known
  ParseLimits parse_limits;
  int64_t regex_max_mem = 8 << 20;
  bool lint = true;
};

// How the votes of the rules that fire combine into a prediction (docs/policies.md).
enum class Policy { kFirstMatch, kVote, kWeighted, kLabelModel };
// How `vote`, `weighted` and `label_model` break a tie between classes.
enum class TieBreak { kAbstain, kPriority, kPrior };
const char* PolicyName(Policy p);
const char* TieBreakName(TieBreak t);

struct CheckedRule {
  std::string name;
  std::string when;  // the condition as written
  std::shared_ptr<const ast::Expr> syntax;
  CheckedExpr condition;
  int predict = -1;  // class index; -1 = abstain
  std::optional<double> confidence;
  double weight = 1.0;  // `policy: weighted`
  std::vector<std::string> tags;
  bool enabled = true;
  std::string description;
  SourcePos pos;
  std::vector<std::string> columns_read;
};

struct CheckedSlice {
  std::string name;
  std::string source;     // as written
  std::string canonical;  // printed from the syntax tree: what the hash sees
  CheckedExpr expr;       // any type: rows are grouped by its value
};

struct CheckedRuleSet {
  RuleFile file;
  Schema schema;                   // the data columns first, then declared-only and unresolved ones
  bool schema_known = true;        // false: no data and no inputs; columns were not type-checked
  std::vector<CheckedRule> rules;  // enabled and disabled, in file order
  std::vector<CheckedSlice> slices;
  std::vector<std::string> class_names;
  std::vector<std::string> raw_labels;
  Policy policy = Policy::kFirstMatch;
  TieBreak tie_break = TieBreak::kAbstain;
  int default_class = -1;   // -1 = abstain
  int positive_class = -1;  // -1 = none
  std::string canonical;    // the canonical text that `sha256` hashes
  std::string sha256;
};

// Compiles `file`. All mistakes go to `diagnostics` (errors and lint warnings); the result is
// usable only when no error was added.
CheckedRuleSet CompileRuleFile(RuleFile file, const CompileOptions& options,
                               std::vector<Diagnostic>* diagnostics);

// Lints a compiled rule set: shadowed rules, disabled rules, unused classes, label leakage.
void LintRuleSet(const CheckedRuleSet& rs, std::vector<Diagnostic>* diagnostics);

// Hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);

}  // namespace hunch

#endif  // HUNCH_RULES_COMPILE_H_
