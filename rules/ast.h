// Internal to the front end (the facade is hunch/ruleset.h): the syntax tree of an expression,
// as parsed, before any type checking.
#ifndef HUNCH_RULES_AST_H_
#define HUNCH_RULES_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hunch::ast {

enum class Kind {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,        // literals
  kIdent,        // a column or a reserved name; `text` holds the name
  kList,         // [args...]
  kMap,          // {k: v, ...}: parsed so the error can name it, never checked
  kUnary,        // op in `text`: "!" or "-"; args[0]
  kBinary,       // op in `text`: + - * / % < <= > >= == != in && ||; args[0], args[1]
  kConditional,  // args[0] ? args[1] : args[2]
  kCall,         // text = function; has_target: args[0] is the receiver (x.f(...))
  kIndex,        // args[0][args[1]]
  kSelect,       // args[0].text (field selection): parsed so the error can name it
};

struct Expr {
  Kind kind = Kind::kNull;
  uint32_t begin = 0, end = 0;  // byte offsets of the node in the expression source
  std::string text;             // identifier, operator, function name, or string/bytes value
  bool bool_value = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double double_value = 0;
  bool has_target = false;
  std::vector<std::unique_ptr<Expr>> args;
};

using ExprPtr = std::unique_ptr<Expr>;

// A canonical one-line rendering: fully parenthesized binary operators, normalized literals.
// Two expressions that differ only in spacing or redundant parentheses print the same.
std::string Print(const Expr& e);
// An indented tree, one node a line, for `explain` and tests.
std::string Dump(const Expr& e);

}  // namespace hunch::ast

#endif  // HUNCH_RULES_AST_H_
