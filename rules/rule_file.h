// Internal (the facade is hunch/ruleset.h): the rule file as written, read from YAML, with the
// source position of every value so diagnostics can point at it. No expression is parsed here.
#ifndef HUNCH_RULES_RULE_FILE_H_
#define HUNCH_RULES_RULE_FILE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/schema.h"

namespace hunch {

// A position in the file, 1-based.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// A scalar from the file with where it stands, and how to map offsets inside it back to the file
// (expressions are reported at the exact character, even inside quoted or block scalars).
struct SourceText {
  std::string text;
  SourcePos pos;
  std::vector<SourcePos> offsets;  // position of each byte of `text` (+1 past the end), or empty
  // Where byte `offset` of `text` stands; At(0) is the value's first character (`pos` may be its
  // opening quote). Falls back to `pos` when the offsets are unknown.
  SourcePos At(size_t offset) const;
};

struct RuleDef {
  SourcePos pos;
  SourceText name;
  SourceText when;
  SourceText predict;
  std::optional<double> confidence;
  std::optional<double> weight;  // for `policy: weighted`
  SourcePos weight_pos;
  std::vector<std::string> tags;
  bool enabled = true;
  std::string description;
};

struct ClassDef {
  std::string raw;              // the value as it appears in the label column
  std::string name;             // the name rules predict
  SourcePos raw_pos, name_pos;  // where each stands in the file (the same for a list of names)
};

struct RuleFile {
  std::string path;
  std::vector<std::string> lines;  // the file's lines, for diagnostics
  SourceText name;
  std::string description;
  std::string version;
  SourceText label;
  std::vector<ClassDef> classes;
  SourcePos classes_pos;
  std::optional<SourceText> positive;
  SourceText default_class;  // a class name or "abstain"
  std::vector<std::string> missing = {""};
  std::vector<std::pair<SourceText, SourceText>> inputs;  // column name, type name
  SourceText policy;
  std::optional<SourceText> tie_break;
  std::vector<RuleDef> rules;
  std::vector<std::pair<SourceText, SourceText>> slices;  // slice name, expression
};

struct RuleFileLimits {
  size_t max_file_bytes = 16u << 20;
  size_t max_rules = 10000;
};

// Reads the YAML text of a rule file. Every structural mistake (unknown key, wrong type, missing
// required key) is appended to `diagnostics`; returns nullopt only when the YAML itself is broken.
std::optional<RuleFile> ReadRuleFile(const std::string& path, const std::string& text,
                                     const RuleFileLimits& limits,
                                     std::vector<Diagnostic>* diagnostics);

// A diagnostic at `pos` of `file`, with the source line filled in.
Diagnostic MakeDiagnostic(const RuleFile& file, Severity severity, SourcePos pos, int length,
                          std::string code, std::string message);

}  // namespace hunch

#endif  // HUNCH_RULES_RULE_FILE_H_
