// Internal to the front end (the facade is hunch/ruleset.h): parses an expression into an AST.
#ifndef HUNCH_RULES_PARSER_H_
#define HUNCH_RULES_PARSER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rules/ast.h"

namespace hunch {

struct ParseLimits {
  size_t max_length = 16 * 1024;  // bytes of expression source
  int max_depth = 256;            // nesting of parentheses, operators and calls
};

// The first syntax error of an expression, at byte offsets [begin, end) of the source.
struct ParseError {
  uint32_t begin = 0, end = 0;
  std::string message;
};

struct ParseResult {
  ast::ExprPtr expr;  // null when there is an error
  bool ok() const { return expr != nullptr; }
  ParseError error;
};

// Parses CEL syntax (plus the aliases `and`, `or`, `not`, `not in`). Stops at the first error:
// later errors in the same expression are usually consequences of the first.
ParseResult ParseExpression(std::string_view source, const ParseLimits& limits = {});

}  // namespace hunch

#endif  // HUNCH_RULES_PARSER_H_
