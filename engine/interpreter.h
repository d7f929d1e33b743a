// Internal (the facade is hunch/ruleset.h): the row-at-a-time reference evaluator. It defines
// the language's semantics; any faster executor must agree with it.
#ifndef HUNCH_ENGINE_INTERPRETER_H_
#define HUNCH_ENGINE_INTERPRETER_H_

#include <functional>
#include <span>

#include "rules/checked.h"
#include "rules/value.h"

namespace hunch {

// Called after each node is evaluated (children first), for `explain`. Nodes skipped by
// short-circuit evaluation are not reported.
using TraceFn = std::function<void(const CheckedExpr& node, const Value& value)>;

// Evaluates `e` over a row of column values (indexed by CheckedExpr::column). Never fails:
// missing cells and runtime errors come back as Unknown values.
Value Evaluate(const CheckedExpr& e, std::span<const Value> row, const TraceFn* trace = nullptr);

// Compares two numbers of any mix of int and double as CEL does (an int meets a double in double
// precision, a double outside the int64 range orders by range): -1, 0, 1, or 2 if unordered (NaN).
int CompareNumbers(const Value& a, const Value& b);

}  // namespace hunch

#endif  // HUNCH_ENGINE_INTERPRETER_H_
