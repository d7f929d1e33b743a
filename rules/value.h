// Internal (the facade is hunch/ruleset.h): runtime values of the expression language.
#ifndef HUNCH_RULES_VALUE_H_
#define HUNCH_RULES_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace hunch {

struct Value;
using ValueList = std::vector<Value>;
using ListPtr = std::shared_ptr<const ValueList>;

// A value that is not known: a missing cell, or the result of a runtime error (division by zero,
// a bad conversion, a cell that does not parse as its column's type). Absorbed by && and || as
// CEL absorbs errors; anything else computed from it is unknown too.
struct Unknown {
  bool error = false;  // false: missing data; true: a runtime error (counted per rule)
  std::string reason;
  bool operator==(const Unknown&) const = default;
};

struct Value {
  std::variant<Unknown, std::nullptr_t, bool, int64_t, double, std::string, ListPtr> v;

  Value() : v(Unknown{}) {}
  Value(std::nullptr_t) : v(nullptr) {}      // NOLINT
  Value(bool b) : v(b) {}                    // NOLINT
  Value(int64_t i) : v(i) {}                 // NOLINT
  Value(double d) : v(d) {}                  // NOLINT
  Value(std::string s) : v(std::move(s)) {}  // NOLINT
  Value(ListPtr l) : v(std::move(l)) {}      // NOLINT
  Value(Unknown u) : v(std::move(u)) {}      // NOLINT

  static Value Missing() { return Value(Unknown{false, "missing"}); }
  static Value Error(std::string reason) { return Value(Unknown{true, std::move(reason)}); }

  bool is_unknown() const { return v.index() == 0; }
  bool is_error() const { return is_unknown() && std::get<Unknown>(v).error; }
  bool is_true() const { return v.index() == 2 && std::get<bool>(v); }
  bool is_false() const { return v.index() == 2 && !std::get<bool>(v); }
};

// "int", "double", "string", "bool", "null", "list", "unknown".
const char* ValueKindName(const Value& v);
// CEL-like rendering: 7200, 7200.5, "text", true, null, [1, 2], unknown (missing).
std::string ValueToString(const Value& v);

}  // namespace hunch

#endif  // HUNCH_RULES_VALUE_H_
