// Internal to the engine (the facade is hunch/ruleset.h): what a loaded RuleSet holds, and the
// conversion of raw cells into typed values shared by every evaluator.
#ifndef HUNCH_ENGINE_RULESET_IMPL_H_
#define HUNCH_ENGINE_RULESET_IMPL_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "hunch/ruleset.h"
#include "rules/compile.h"
#include "rules/value.h"

namespace hunch {

struct RuleSet::Impl {
  CheckedRuleSet checked;
  std::vector<RuleInfo> rules;
  std::shared_ptr<const Combiner> combiner;  // how fired rules combine; fitted or not

  bool IsMissing(std::string_view cell) const;
  // The typed value of a raw cell of column `column`: missing, an error value when it does not
  // parse as the column's type, or the value.
  Value CellValue(int column, std::optional<std::string_view> cell) const;
  // All cells of a row, typed.
  void TypeRow(const RawRow& row, std::vector<Value>* out) const;
  // The policy over typed values.
  Prediction PredictTyped(const std::vector<Value>& row) const;
  // The policy's decision given the enabled rules that fired, in order (sets class_index, rule,
  // confidence, votes, tie, probabilities of *p).
  void Combine(Prediction* p) const;
  std::string ExplainVotes(const Prediction& p) const;
};

// Parses a cell as `type`: true with the value in *i (int; bool as 0/1) or *d (double), or false
// when it is not a valid cell of that type. Strings always parse (nothing is stored).
bool ParseTypedCell(ColumnType type, std::string_view cell, int64_t* i, double* d);

// Parses a cell by content: int, then double, then "true"/"false", else string.
Value ParseCellByContent(std::string_view cell);

}  // namespace hunch

#endif  // HUNCH_ENGINE_RULESET_IMPL_H_
