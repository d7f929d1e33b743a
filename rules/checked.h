// Internal (the facade is hunch/ruleset.h): the checked expression, with resolved columns,
// functions and compiled regexes, ready to evaluate. Produced by the checker (checker.h).
#ifndef HUNCH_RULES_CHECKED_H_
#define HUNCH_RULES_CHECKED_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/value.h"

namespace re2 {
class RE2;
}

namespace hunch {

enum class TypeKind : uint8_t { kBool, kInt, kDouble, kString, kNull, kList, kDyn, kError };

// A static type. Lists carry their element kind (kDyn when mixed or nested).
struct Type {
  TypeKind kind = TypeKind::kDyn;
  TypeKind elem = TypeKind::kDyn;
  bool operator==(const Type&) const = default;
};
std::string TypeName(Type t);

enum class Op : uint8_t {
  kConst,
  kColumn,
  kList,
  kError,
  kNot,
  kNeg,
  kAnd,
  kOr,
  kConditional,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kNe,
  kIn,
  kIndex,
  kSize,
  kContains,
  kStartsWith,
  kEndsWith,
  kMatches,
  kLowerAscii,
  kUpperAscii,
  kHas,
  kToInt,
  kToDouble,
  kToString,
  kToBool,
  kDyn,
};

struct CheckedExpr {
  Op op = Op::kConst;
  Type type;
  uint32_t begin = 0, end = 0;            // source offsets, for `explain`
  Value constant;                         // kConst; kError: the error value
  int column = -1;                        // kColumn, kHas
  std::shared_ptr<const re2::RE2> regex;  // kMatches: compiled once, at load time
  std::vector<CheckedExpr> args;
};

// Operator spelling for dumps: "&&", "+", "size", ...
const char* OpName(Op op);
// An indented tree of the checked expression with types, one node a line.
std::string DumpChecked(const CheckedExpr& e, const std::vector<std::string>& column_names);

}  // namespace hunch

#endif  // HUNCH_RULES_CHECKED_H_
