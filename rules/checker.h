// Internal (the facade is hunch/ruleset.h): type-checks an expression against a schema.
#ifndef HUNCH_RULES_CHECKER_H_
#define HUNCH_RULES_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hunch/schema.h"
#include "rules/ast.h"
#include "rules/checked.h"

namespace hunch {

struct CheckOptions {
  // When false (CEL's "disable_check"), type mismatches, unknown columns and unknown functions
  // become runtime errors instead of check errors.
  bool check_types = true;
  // When true, names that are not in the schema are accepted as columns of unknown type
  // (`hunch check` without data or declared inputs); they are appended to `extra_columns`.
  bool allow_unknown_columns = false;
  int64_t regex_max_mem = 8 << 20;  // RE2's memory budget per regex
};

struct CheckError {
  uint32_t begin = 0, end = 0;  // offsets in the expression source
  std::string code;             // e.g. "unknown-column", "type-mismatch", "bad-regex"
  std::string message;
};

struct CheckResult {
  std::optional<CheckedExpr> expr;        // set when there are no errors
  std::vector<CheckError> errors;         // all of them, without cascades
  std::vector<std::string> columns_read;  // distinct column names the expression reads
};

// Resolves columns against `schema` (and `extra_columns`, columns of unknown type, which may grow
// when options.allow_unknown_columns), functions, and regexes; infers and checks types.
CheckResult Check(const ast::Expr& expr, const Schema& schema, const CheckOptions& options,
                  std::vector<std::string>* extra_columns = nullptr);

}  // namespace hunch

#endif  // HUNCH_RULES_CHECKER_H_
