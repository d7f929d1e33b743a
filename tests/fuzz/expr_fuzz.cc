// Fuzzes the expression front end and both evaluators: parse, print and re-parse (the canonical
// form must be a fixed point, since the rule set's hash is taken over it), type-check against a
// schema of every column type, then evaluate on edge-case rows with the reference interpreter and
// the columnar executor, which must agree on every row.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/interpreter.h"
#include "engine/vector_eval.h"
#include "hunch/schema.h"
#include "rules/ast.h"
#include "rules/checker.h"
#include "rules/parser.h"
#include "rules/value.h"

namespace hunch {
namespace {

[[noreturn]] void Fail(const std::string& what, std::string_view source) {
  std::fprintf(stderr, "%s\nexpression: %.*s\n", what.c_str(), static_cast<int>(source.size()),
               source.data());
  std::abort();
}

const Schema& FuzzSchema() {
  static const Schema schema = [] {
    Schema s;
    s.columns = {{"i", ColumnType::kInt},    {"j", ColumnType::kInt},    {"x", ColumnType::kDouble},
                 {"y", ColumnType::kDouble}, {"s", ColumnType::kString}, {"t", ColumnType::kString},
                 {"b", ColumnType::kBool},   {"c", ColumnType::kBool}};
    return s;
  }();
  return schema;
}

// Edge-case cells per column, row by row: "~" missing, "!" a bad cell.
struct EdgeRows {
  RowBatch batch;
  std::vector<std::vector<Value>> values;  // the interpreter's view of the same rows
  std::deque<std::string> texts;

  EdgeRows() {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr double kInf = std::numeric_limits<double>::infinity();
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const std::vector<int64_t> ints = {0, 1, -1, kMax, kMin, 7200, 3, -2};
    const std::vector<double> doubles = {0.0, -0.0, 1.5, kNaN, kInf, -kInf, 1e300, -7.25};
    const std::vector<std::string> strings = {
        "", "abc", "\xc3\x84\xc3\x96", "123", "a@tempmail.com", "ABC", "a\nb", "\xff"};
    const size_t rows = ints.size() + 2;  // the last two rows: missing, then bad cells
    batch.size = rows;
    values.assign(rows, std::vector<Value>(FuzzSchema().columns.size()));
    for (size_t c = 0; c < FuzzSchema().columns.size(); ++c) {
      ColumnVector v;
      v.type = FuzzSchema().columns[c].type;
      v.state.assign(rows, CellState::kPresent);
      v.ints.assign(rows, 0);
      v.doubles.assign(rows, 0);
      v.strings.assign(rows, std::string_view());
      for (size_t r = 0; r + 2 < rows; ++r) {
        const size_t k = (r + c) % ints.size();  // columns of one type differ on each row
        switch (v.type) {
          case ColumnType::kInt:
            v.ints[r] = ints[k];
            values[r][c] = Value(ints[k]);
            break;
          case ColumnType::kDouble:
            v.doubles[r] = doubles[k];
            values[r][c] = Value(doubles[k]);
            break;
          case ColumnType::kBool:
            v.ints[r] = k % 2;
            values[r][c] = Value(k % 2 == 1);
            break;
          case ColumnType::kString:
            v.strings[r] = texts.emplace_back(strings[k]);
            values[r][c] = Value(strings[k]);
            break;
        }
      }
      v.state[rows - 2] = CellState::kMissing;
      values[rows - 2][c] = Value::Missing();
      v.state[rows - 1] = CellState::kBad;
      v.strings[rows - 1] = texts.emplace_back("oops");
      values[rows - 1][c] = Value::Error("bad cell");
      batch.columns.push_back(std::move(v));
    }
  }
};

Truth InterpreterTruth(const Value& v) {
  if (v.is_true()) return Truth::kTrue;
  if (v.is_false()) return Truth::kFalse;
  if (v.is_error()) return Truth::kError;
  if (v.is_unknown()) return Truth::kMissing;
  return Truth::kFalse;
}

}  // namespace
}  // namespace hunch

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hunch;
  static const EdgeRows rows;
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  ParseResult parsed = ParseExpression(source);
  if (!parsed.ok()) {
    if (parsed.error.begin > parsed.error.end || parsed.error.end > size + 1 ||
        parsed.error.message.empty()) {
      Fail("parse error without a place or a message: " + parsed.error.message, source);
    }
    return 0;
  }
  const std::string printed = ast::Print(*parsed.expr);
  ParseResult reparsed = ParseExpression(printed, ParseLimits{printed.size() + 1, 1 << 20});
  if (!reparsed.ok()) Fail("the canonical form does not parse: " + printed, source);
  if (ast::Print(*reparsed.expr) != printed) {
    Fail(
        "the canonical form is not a fixed point: " + printed + " -> " + ast::Print(*reparsed.expr),
        source);
  }
  for (bool check_types : {true, false}) {
    CheckOptions options;
    options.check_types = check_types;
    CheckResult checked = Check(*parsed.expr, FuzzSchema(), options);
    if (!checked.expr) {
      if (checked.errors.empty()) Fail("check failed without an error", source);
      for (const CheckError& e : checked.errors) {
        if (e.begin > e.end || e.end > size || e.message.empty() || e.code.empty()) {
          Fail("check error without a place, code or message: " + e.message, source);
        }
      }
      continue;
    }
    DumpChecked(*checked.expr, {"i", "j", "x", "y", "s", "t", "b", "c"});
    for (const std::vector<Value>& row : rows.values) ValueToString(Evaluate(*checked.expr, row));
    // Only conditions (bool, or dyn when unchecked) go to the executor, as in a rule set.
    const TypeKind kind = checked.expr->type.kind;
    if (kind != TypeKind::kBool && kind != TypeKind::kDyn) continue;
    const VectorCondition vc = VectorCondition::Compile(*checked.expr, FuzzSchema());
    VectorCondition::Scratch scratch;
    std::vector<Truth> got(rows.batch.size);
    vc.Evaluate(rows.batch, &scratch, got.data());
    for (size_t r = 0; r < rows.batch.size; ++r) {
      const Value v = Evaluate(*checked.expr, rows.values[r]);
      if (InterpreterTruth(v) != got[r]) {
        Fail("the executor and the interpreter disagree on row " + std::to_string(r) + ": " +
                 ValueToString(v) + " vs truth " + std::to_string(static_cast<int>(got[r])) +
                 "\nplan:\n" + vc.Dump(),
             source);
      }
    }
  }
  return 0;
}
