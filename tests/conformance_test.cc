// Runs the cases of CEL's conformance suite (google/cel-spec, see
// shared/cel-conformance/README.md) that fall inside the subset of CEL that rules use, through the
// same parser, checker and evaluator as rules. What is out of the subset is skipped by rule (the
// table in SkipRules()), never case by case, so a case added to the data is either run or skipped
// for a stated reason; an in-scope case that fails is a bug to fix, not a case to skip.
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/interpreter.h"
#include "hunch/schema.h"
#include "rules/checker.h"
#include "rules/parser.h"
#include "rules/value.h"

namespace hunch {
namespace {

using nlohmann::json;

struct ConformanceCase {
  json line;         // the case as read, for the fields the skip rules look at
  std::string name;  // "file/section/name"
  std::string expr;
  std::string syntax;  // expr without the contents of its string literals (see StripStrings)
  bool disable_check = false;
};

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The expression with the contents of each string literal removed (prefix and quotes kept, so
// b'\xff' becomes b''), so that skip rules match the syntax and never text inside a string.
std::string StripStrings(std::string_view expr) {
  std::string out;
  size_t i = 0;
  while (i < expr.size()) {
    const char quote = expr[i];
    if (quote != '"' && quote != '\'') {
      out.push_back(quote);
      ++i;
      continue;
    }
    // The prefix is up to two of r, R, b, B directly before the quote, starting a word.
    size_t p = i;
    while (p > 0 && i - p < 2 && std::strchr("rRbB", expr[p - 1]) != nullptr) --p;
    const bool raw = (p == 0 || !IsIdentChar(expr[p - 1])) &&
                     expr.substr(p, i - p).find_first_of("rR") != std::string_view::npos;
    const std::string_view close =
        expr.substr(i, 3) == std::string(3, quote) ? expr.substr(i, 3) : expr.substr(i, 1);
    size_t j = i + close.size();
    while (j < expr.size() && expr.substr(j, close.size()) != close) {
      j += (!raw && expr[j] == '\\') ? 2 : 1;
    }
    out.append(2, quote);
    i = j + close.size();
  }
  return out;
}

// True when `pattern` (RE2 syntax) matches the case's syntax, outside string literals.
bool SyntaxHas(const ConformanceCase& c, const std::string& pattern) {
  static auto* const compiled = new std::map<std::string, std::unique_ptr<RE2>>;
  auto& re = (*compiled)[pattern];
  if (re == nullptr) re = std::make_unique<RE2>(pattern);
  return RE2::PartialMatch(c.syntax, *re);
}

// Whether a typed VALUE (see README.md), or any element of it, is of one of `kinds`.
bool ValueHasKind(const json& value, const std::vector<std::string>& kinds) {
  const std::string& type = value.at("type").get_ref<const std::string&>();
  if (std::find(kinds.begin(), kinds.end(), type) != kinds.end()) return true;
  if (type == "list") {
    for (const auto& item : value.at("value")) {
      if (ValueHasKind(item, kinds)) return true;
    }
  }
  return false;
}

// Whether a binding or the expected value is of one of `kinds`: an expression whose inputs or
// result are of a kind uses that kind even where its text does not show it.
bool ValuesHaveKind(const ConformanceCase& c, const std::vector<std::string>& kinds) {
  for (const auto& [name, value] : c.line.at("bindings").items()) {
    if (ValueHasKind(value, kinds)) return true;
  }
  const json& expect = c.line.at("expect");
  return expect.contains("value") && ValueHasKind(expect.at("value"), kinds);
}

// The column type that holds a binding of CEL type `type`, if a Schema can describe it.
std::optional<ColumnType> BindingColumnType(std::string_view type) {
  if (type == "int") return ColumnType::kInt;
  if (type == "double") return ColumnType::kDouble;
  if (type == "string") return ColumnType::kString;
  if (type == "bool") return ColumnType::kBool;
  return std::nullopt;
}

struct SkipRule {
  const char* label;  // as printed in the counts
  std::function<bool(const ConformanceCase&)> applies;
};

// What is outside the subset, and why. A case is counted under the first rule that applies.
const std::vector<SkipRule>& SkipRules() {
  static const auto* const kRules = new std::vector<SkipRule>{
      // Rows are flat tables of scalar cells: there are no messages, so no message types either.
      {"protobuf messages",
       [](const ConformanceCase& c) {
         return c.line.contains("container") ||
                SyntaxHas(c, R"(\bTestAllTypes\b|\bgoogle\s*\.\s*protobuf\b)");
       }},
      {"timestamps/durations",
       [](const ConformanceCase& c) { return SyntaxHas(c, R"(\b(timestamp|duration)\s*\()"); }},
      // The macros range over a list or a map; rows hold no list columns, and the language has
      // no comprehensions (they would also be the only source of unbounded work per row).
      {"comprehension macros",
       [](const ConformanceCase& c) {
         return SyntaxHas(c, R"(\.\s*(all|exists|exists_one|filter|map)\s*\()");
       }},
      // type() and type names as values (`int`, `type`, `dyn` not called): type values are out
      // of the subset; the same names called as functions are conversions, which are in it.
      {"type values",
       [](const ConformanceCase& c) {
         return c.line.at("section") == "type" || ValuesHaveKind(c, {"type"}) ||
                SyntaxHas(c, R"(\btype\s*\()") ||
                SyntaxHas(c, R"((?:^|[^.\w])(?:int|uint|double|string|bool|bytes|list|map|)"
                             R"(null_type|type|dyn)\s*(?:$|[^\s(\w]))");
       }},
      // Cells are int64, double, string or bool: there is no unsigned type.
      {"unsigned ints",
       [](const ConformanceCase& c) {
         return ValuesHaveKind(c, {"uint"}) ||
                SyntaxHas(c, R"(\b(?:0[xX][0-9a-fA-F]+|\d+)[uU]\b|\buint\s*\()");
       }},
      // Cells are text; there is no bytes type (nor bytes literals or bytes()).
      {"bytes",
       [](const ConformanceCase& c) {
         return ValuesHaveKind(c, {"bytes"}) ||
                SyntaxHas(c, R"((?:^|[^\w])(?:[bB][rR]?|[rR][bB])['"]|\bbytes\s*\()");
       }},
      // Rows hold scalar cells; map literals parse (to name them in errors) but do not check.
      {"maps",
       [](const ConformanceCase& c) {
         return ValuesHaveKind(c, {"map"}) || SyntaxHas(c, R"(\{)");
       }},
      // A binding becomes a column of the Schema, whose types are bool, int, double and string;
      // a null or list binding would need a column type that rows do not have.
      {"null/list bindings",
       [](const ConformanceCase& c) {
         for (const auto& [name, value] : c.line.at("bindings").items()) {
           if (!BindingColumnType(value.at("type").get_ref<const std::string&>())) return true;
         }
         return false;
       }},
  };
  return *kRules;
}

double JsonDouble(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
    if (s == "nan") return std::nan("");
    throw std::runtime_error("bad double: " + s);
  }
  return v.get<double>();
}

// Converts a typed VALUE of the data to a Value; false for kinds a Value cannot hold.
bool ToValue(const json& typed, Value* out) {
  const std::string& type = typed.at("type").get_ref<const std::string&>();
  const json& v = typed.at("value");
  if (type == "int") {
    *out = Value(v.get<int64_t>());
  } else if (type == "double") {
    *out = Value(JsonDouble(v));
  } else if (type == "string") {
    *out = Value(v.get<std::string>());
  } else if (type == "bool") {
    *out = Value(v.get<bool>());
  } else if (type == "null") {
    *out = Value(nullptr);
  } else if (type == "list") {
    auto list = std::make_shared<ValueList>();
    for (const auto& item : v) {
      list->emplace_back();
      if (!ToValue(item, &list->back())) return false;
    }
    *out = Value(ListPtr(std::move(list)));
  } else {
    return false;
  }
  return true;
}

// Exact equality: same kind (an int never equals a double), NaN equals NaN, -0.0 differs from
// 0.0, lists element by element. Stricter than CEL's ==, as a conformance check must be.
bool SameValue(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index() || a.is_unknown()) return false;
  if (const auto* x = std::get_if<double>(&a.v)) {
    double y = std::get<double>(b.v);
    if (std::isnan(*x) || std::isnan(y)) return std::isnan(*x) && std::isnan(y);
    return *x == y && std::signbit(*x) == std::signbit(y);
  }
  if (const auto* x = std::get_if<ListPtr>(&a.v)) {
    const auto& l = **x;
    const auto& r = *std::get<ListPtr>(b.v);
    if (l.size() != r.size()) return false;
    for (size_t i = 0; i < l.size(); ++i) {
      if (!SameValue(l[i], r[i])) return false;
    }
    return true;
  }
  return a.v == b.v;
}

std::string Describe(const Value& v) {
  if (v.is_unknown()) return ValueToString(v);
  return fmt::format("{} {}", ValueKindName(v), ValueToString(v));
}

// Runs one in-scope case; returns "" when it passes, else what happened instead.
std::string Run(const ConformanceCase& c) {
  ParseResult parsed = ParseExpression(c.expr);
  if (!parsed.ok()) return fmt::format("parse error: {}", parsed.error.message);

  // Each binding becomes a column, and its value the row's cell at that column's index.
  Schema schema;
  std::vector<Value> row;
  for (const auto& [name, typed] : c.line.at("bindings").items()) {
    std::optional<ColumnType> type = BindingColumnType(typed.at("type").get<std::string>());
    row.emplace_back();
    if (!type || !ToValue(typed, &row.back())) {
      return fmt::format("binding '{}' has no column type (a skip rule is missing)", name);
    }
    schema.columns.push_back({name, *type, false});
  }

  CheckOptions options;
  options.check_types = !c.disable_check;
  CheckResult checked = Check(*parsed.expr, schema, options);
  if (!checked.expr) {
    // Not even for an expected error: the suite expects evaluation errors, and where it runs the
    // checker (disable_check false) CEL's checker accepts the expression, so rejecting it is a
    // difference from CEL; the suite's ill-typed cases all disable the checker.
    const CheckError& e = checked.errors.front();
    return fmt::format("check error: {}: {}", e.code, e.message);
  }
  Value got = Evaluate(*checked.expr, row);

  const json& expect = c.line.at("expect");
  if (expect.contains("error")) {
    if (got.is_error()) return "";
    return fmt::format("expected an error ({}), got {}", expect.at("error").get<std::string>(),
                       Describe(got));
  }
  Value want;
  if (!ToValue(expect.at("value"), &want)) {
    return fmt::format("expected value of kind '{}' (a skip rule is missing)",
                       expect.at("value").at("type").get<std::string>());
  }
  if (SameValue(want, got)) return "";
  return fmt::format("expected {}, got {}", Describe(want), Describe(got));
}

std::vector<ConformanceCase> ReadCases() {
  std::ifstream in(HUNCH_SHARED_DIR "/cel-conformance/cases.jsonl");
  std::vector<ConformanceCase> cases;
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    ConformanceCase c;
    c.line = json::parse(text);
    c.name =
        fmt::format("{}/{}/{}", c.line.at("file").get<std::string>(),
                    c.line.at("section").get<std::string>(), c.line.at("name").get<std::string>());
    c.expr = c.line.at("expr").get<std::string>();
    c.syntax = StripStrings(c.expr);
    c.disable_check = c.line.value("disable_check", false);
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST_CASE("Every in-scope case of CEL's conformance suite passes", "[conformance]") {
  const std::vector<ConformanceCase> cases = ReadCases();
  REQUIRE(!cases.empty());

  const auto& rules = SkipRules();
  std::vector<int> skipped_by_rule(rules.size(), 0);
  int run = 0, failed = 0, skipped = 0;
  std::string failures;
  for (const auto& c : cases) {
    auto rule =
        std::find_if(rules.begin(), rules.end(), [&](const SkipRule& r) { return r.applies(c); });
    if (rule != rules.end()) {
      ++skipped_by_rule[rule - rules.begin()];
      ++skipped;
      continue;
    }
    ++run;
    std::string problem = Run(c);
    if (!problem.empty()) {
      ++failed;
      failures += fmt::format("  FAILED {}: {}\n    {}\n", c.name, c.expr, problem);
    }
  }

  std::string by_reason;
  for (size_t i = 0; i < rules.size(); ++i) {
    by_reason += fmt::format("{}{} {}", i == 0 ? "" : ", ", rules[i].label, skipped_by_rule[i]);
  }
  std::cout << fmt::format("CEL conformance: {} run, {} passed, {} failed; {} skipped: {}\n", run,
                           run - failed, failed, skipped, by_reason)
            << failures << std::flush;

  INFO(failures);
  REQUIRE(failed == 0);
}

}  // namespace
}  // namespace hunch
