// In-memory tables (hunch/table.h): columnar prediction against RuleSet::Predict row by row, and
// EvaluateTable against EvaluateFile on a CSV file holding the same cells.
#include "hunch/table.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/eval.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

constexpr char kRules[] = R"(name: table-test
label: y
classes: {0: no, 1: yes, 2: maybe}
default: no
missing: ["", "NA", "-1"]
inputs:  # all declared: "inf" cells would make a file's x a string column
  n: int
  x: double
  b: bool
  s: string
  t: int
rules:
  - name: big
    when: n > 50 && x < 0.5
    predict: yes
    confidence: 0.9
  - name: word
    when: s.matches("^(ab|cd)[0-9]") || s in ["zz", "NA"]
    predict: maybe
  - name: flag_or_missing
    when: b || !has(x)
    predict: yes
  - name: ratio
    when: x / double(n) > 0.05
    predict: maybe
  - name: numeric_text
    when: t >= 7
    predict: yes
)";

// A table of `rows` random cells, held as typed columns (n int, x double, b bool) and text
// columns (s, and t: numbers as text, so it is inferred int), with its CSV text alongside.
struct Fixture {
  int64_t rows;
  std::vector<int64_t> n, y;
  std::vector<double> x;
  std::vector<uint8_t> b, n_present;
  std::deque<std::string> texts;
  std::vector<std::string_view> s, t;
  std::vector<std::vector<std::optional<std::string>>> cells;  // per row: n, x, b, s, t, y
  Table table;

  explicit Fixture(int64_t count, uint32_t seed) : rows(count) {
    std::mt19937 rng(seed);
    auto below = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
    const char* words[] = {"ab1", "cd22", "ab", "zz", "NA", "", "xyz", "AB1", "cd9x", "-1"};
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> row;
      const bool n_here = below(10) != 0;
      n.push_back(below(6) == 0 ? -1 : below(100) - 5);  // -1 is in `missing:`
      n_present.push_back(n_here);
      row.push_back(n_here ? std::optional(std::to_string(n.back())) : std::nullopt);
      const int xk = below(12);
      x.push_back(xk == 0   ? std::nan("")
                  : xk == 1 ? std::numeric_limits<double>::infinity()
                            : below(1000) / 997.0);
      row.push_back(xk == 0   ? std::nullopt
                    : xk == 1 ? std::optional<std::string>("inf")
                              : std::optional(fmt::format("{}", x.back())));
      b.push_back(below(5) == 0);
      row.push_back(b.back() ? "true" : "false");
      s.push_back(texts.emplace_back(words[below(10)]));
      row.push_back(std::string(s.back()));
      t.push_back(texts.emplace_back(below(4) == 0 ? "" : std::to_string(below(12))));
      row.push_back(std::string(t.back()));
      y.push_back(below(3));
      row.push_back(std::to_string(y.back()));
      cells.push_back(std::move(row));
    }
    table.rows = rows;
    table.columns = {
        {.name = "n", .type = ColumnType::kInt, .ints = n.data(), .present = n_present.data()},
        {.name = "x", .type = ColumnType::kDouble, .doubles = x.data()},
        {.name = "b", .type = ColumnType::kBool, .bools = b.data()},
        {.name = "s", .type = ColumnType::kString, .strings = s.data()},
        {.name = "t", .type = ColumnType::kString, .strings = t.data()},
        {.name = "y", .type = ColumnType::kInt, .ints = y.data()},
    };
  }

  std::string Csv() const {
    std::string out = "n,x,b,s,t,y\n";
    for (const auto& row : cells) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) out += ',';
        out += row[c].value_or("");
      }
      out += '\n';
    }
    return out;
  }
};

std::shared_ptr<const RuleSet> LoadFor(const Table& table) {
  std::vector<Diagnostic> diags;
  auto base = RuleSet::LoadFromString(kRules, "rules.yaml", {}, &diags);
  REQUIRE(base.ok());
  auto schema = InferTableSchema(table, (*base)->missing_values());
  REQUIRE(schema.ok());
  LoadOptions options;
  options.data_schema = &*schema;
  auto rules = RuleSet::LoadFromString(kRules, "rules.yaml", options, &diags);
  INFO(FormatDiagnostics(diags));
  REQUIRE(rules.ok());
  return *rules;
}

TEST_CASE("A table's schema keeps typed columns and infers text columns as a file's", "[table]") {
  Fixture f(500, 1);
  auto schema = InferTableSchema(f.table, {"", "NA", "-1"});
  REQUIRE(schema.ok());
  REQUIRE(schema->columns.size() == 6);
  CHECK(schema->columns[0].type == ColumnType::kInt);
  CHECK(schema->columns[0].nullable);
  CHECK(schema->columns[1].type == ColumnType::kDouble);
  CHECK(schema->columns[2].type == ColumnType::kBool);
  CHECK(schema->columns[3].type == ColumnType::kString);
  CHECK(schema->columns[4].type == ColumnType::kInt);  // "7", "", ... read as a file would
}

TEST_CASE("PredictTable hands every batch to on_batch when asked, with the same outcome",
          "[table]") {
  Fixture f(10000, 11);
  auto rules = LoadFor(f.table);
  auto whole = PredictTable(*rules, f.table, {.threads = 1});
  REQUIRE(whole.ok());
  std::vector<int32_t> class_index(f.rows, -7), rule(f.rows, -7);
  std::mutex mu;
  int64_t rows_seen = 0;
  TablePredictOptions options;
  options.threads = 2;
  options.on_batch = [&](int64_t begin, size_t n, const int32_t* c, const int32_t* r) {
    std::copy(c, c + n, class_index.begin() + begin);
    std::copy(r, r + n, rule.begin() + begin);
    std::lock_guard lock(mu);
    rows_seen += static_cast<int64_t>(n);
  };
  auto batched = PredictTable(*rules, f.table, options);
  REQUIRE(batched.ok());
  CHECK(rows_seen == f.rows);
  CHECK(batched->class_index.empty());
  CHECK(batched->rule.empty());
  CHECK(class_index == whole->class_index);
  CHECK(rule == whole->rule);
  CHECK(batched->rule_errors == whole->rule_errors);
}

TEST_CASE("PredictTable decides every row as RuleSet::Predict does, on any number of threads",
          "[table]") {
  Fixture f(10000, 7);
  auto rules = LoadFor(f.table);
  auto one = PredictTable(*rules, f.table, {.threads = 1});
  auto three = PredictTable(*rules, f.table, {.threads = 3});
  REQUIRE(one.ok());
  REQUIRE(three.ok());
  CHECK(one->class_index == three->class_index);
  CHECK(one->rule == three->rule);
  CHECK(one->rule_errors == three->rule_errors);
  const Schema& schema = rules->schema();
  std::vector<int64_t> errors(rules->rules().size(), 0);
  std::vector<int> winners(rules->rules().size() + 1, 0);
  for (int64_t r = 0; r < f.rows; ++r) {
    RawRow row(schema.columns.size());
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const int at = std::string("nxbsty").find(schema.columns[c].name[0]);
      if (f.cells[r][at]) row[c] = *f.cells[r][at];
    }
    const Prediction p = rules->Predict(row);
    INFO("row " << r);
    REQUIRE(one->class_index[r] == p.class_index);
    REQUIRE(one->rule[r] == p.rule);
    for (int j : p.errored) ++errors[j];
    ++winners[p.rule + 1];
  }
  CHECK(one->rule_errors == errors);
  // The fixture reaches every rule and the default, and some conditions error (inf, x / 0).
  for (int w : winners) CHECK(w > 0);
  CHECK(errors[3] > 0);
}

TEST_CASE("Text read through read_strings predicts as text given in place", "[table]") {
  Fixture f(9000, 11);
  auto rules = LoadFor(f.table);
  Table lazy = f.table;
  int calls = 0;
  for (auto& col : lazy.columns) {
    if (col.type != ColumnType::kString) continue;
    const std::string_view* source = col.strings;
    col.strings = nullptr;
    col.read_strings = [source, &calls](int64_t begin, size_t n, std::string_view* out,
                                        uint8_t* present) {
      ++calls;  // from the predicting threads: counted, not relied on
      for (size_t i = 0; i < n; ++i) out[i] = source[begin + i];
      return true;
    };
  }
  auto direct = PredictTable(*rules, f.table, {.threads = 2});
  auto read = PredictTable(*rules, lazy, {.threads = 2});
  REQUIRE(direct.ok());
  REQUIRE(read.ok());
  CHECK(direct->class_index == read->class_index);
  CHECK(direct->rule == read->rule);
  CHECK(calls > 0);

  lazy.columns[3].read_strings = [](int64_t, size_t, std::string_view*, uint8_t*) { return false; };
  auto failed = PredictTable(*rules, lazy);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message() == "table: error: column 's' cannot be read");
}

TEST_CASE("EvaluateTable reports what EvaluateFile reports on a CSV file of the same cells",
          "[table]") {
  Fixture f(3000, 5);
  testing::TempDir dir("hunch_table_test");
  const std::string csv = dir.Write("data.csv", f.Csv());
  std::vector<Diagnostic> diags;
  auto file_rules = LoadRuleSetForData(dir.Write("rules.yaml", kRules), csv, {}, {}, &diags);
  REQUIRE(file_rules.ok());
  EvalOptions options;
  options.bootstrap = 200;
  options.slice_by = {"b", "s"};
  options.threads = 1;
  auto from_file = EvaluateFile(**file_rules, csv, options);
  REQUIRE(from_file.ok());
  auto from_table = EvaluateTable(*LoadFor(f.table), f.table, csv, options);
  REQUIRE(from_table.ok());
  CHECK(ReportToJson(*from_table) == ReportToJson(*from_file));
  CHECK(from_table->labeled_rows == 3000);
  CHECK(from_table->bad_cells.at("x") > 0);  // inf, as in the file
}

TEST_CASE("A malformed table or a rule set without a schema is refused with a message", "[table]") {
  std::vector<int64_t> v = {1, 2};
  Table dup{.rows = 2,
            .columns = {{.name = "a", .type = ColumnType::kInt, .ints = v.data()},
                        {.name = "a", .type = ColumnType::kInt, .ints = v.data()}}};
  auto schema = InferTableSchema(dup, {""});
  REQUIRE_FALSE(schema.ok());
  CHECK(schema.status().message() == "table: error: duplicate column name 'a'");
  Table empty_column{.rows = 2, .columns = {{.name = "a", .type = ColumnType::kDouble}}};
  CHECK(InferTableSchema(empty_column, {""}).status().message() ==
        "table: error: column 'a' has no double values");
  std::vector<Diagnostic> diags;
  // No data and no `inputs:`: the columns were never typed.
  auto unchecked = RuleSet::LoadFromString(
      "name: u\nlabel: y\nclasses: {0: no, 1: yes}\ndefault: no\nrules:\n"
      "  - name: r\n    when: n > 1\n    predict: yes\n",
      "u.yaml", {}, &diags);
  REQUIRE(unchecked.ok());
  Table ok{.rows = 2, .columns = {{.name = "n", .type = ColumnType::kInt, .ints = v.data()}}};
  auto refused = PredictTable(**unchecked, ok);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hunch
