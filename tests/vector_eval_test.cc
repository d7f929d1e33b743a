// Differential tests of the columnar executor (engine/vector_eval.h) against the interpreter.
#include "engine/vector_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <deque>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/interpreter.h"
#include "hunch/schema.h"
#include "rules/checker.h"
#include "rules/parser.h"
#include "rules/text.h"
#include "rules/value.h"

namespace hunch {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// i, j, k: ints (j is often 0); x, y: doubles; s: short strings, e: e-mail-like; b, c: bools.
Schema TestSchema() {
  Schema s;
  s.columns = {{"i", ColumnType::kInt},    {"j", ColumnType::kInt},    {"k", ColumnType::kInt},
               {"x", ColumnType::kDouble}, {"y", ColumnType::kDouble}, {"s", ColumnType::kString},
               {"e", ColumnType::kString}, {"b", ColumnType::kBool},   {"c", ColumnType::kBool}};
  return s;
}

CheckedExpr Compile(const std::string& src, const Schema& schema) {
  ParseResult parsed = ParseExpression(src);
  INFO(src);
  REQUIRE(parsed.ok());
  CheckResult checked = Check(*parsed.expr, schema, CheckOptions{});
  if (!checked.expr) FAIL(checked.errors.front().message);
  return std::move(*checked.expr);
}

// A batch that owns the text its string views point at.
struct TestBatch {
  RowBatch batch;
  std::deque<std::string> texts;

  explicit TestBatch(const Schema& schema, size_t rows) {
    batch.size = rows;
    for (const auto& col : schema.columns) {
      ColumnVector v;
      v.type = col.type;
      v.state.assign(rows, CellState::kMissing);
      v.ints.assign(rows, 0);
      v.doubles.assign(rows, 0);
      v.strings.assign(rows, std::string_view());
      batch.columns.push_back(std::move(v));
    }
  }
  // Copies would point into the original's texts; moves keep them (deque elements stay put).
  TestBatch(const TestBatch&) = delete;
  TestBatch(TestBatch&&) = default;

  std::string_view Keep(std::string text) { return texts.emplace_back(std::move(text)); }

  // "~" is a missing cell, "!text" a bad one, anything else a value of the column's type.
  void Set(int column, size_t row, const std::string& cell) {
    ColumnVector& v = batch.columns[column];
    if (cell == "~") {
      v.state[row] = CellState::kMissing;
      return;
    }
    if (cell[0] == '!') {
      v.state[row] = CellState::kBad;
      v.strings[row] = Keep(cell.substr(1));
      return;
    }
    v.state[row] = CellState::kPresent;
    switch (v.type) {
      case ColumnType::kInt:
        std::from_chars(cell.data(), cell.data() + cell.size(), v.ints[row]);
        break;
      case ColumnType::kDouble:
        std::from_chars(cell.data(), cell.data() + cell.size(), v.doubles[row]);
        break;
      case ColumnType::kBool:
        v.ints[row] = cell == "true";
        break;
      case ColumnType::kString:
        v.strings[row] = Keep(cell);
        break;
    }
  }
};

// Rows of cells, one string per column in schema order (see TestBatch::Set).
TestBatch MakeBatch(const Schema& schema, const std::vector<std::vector<std::string>>& rows) {
  TestBatch t(schema, rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) t.Set(static_cast<int>(c), r, rows[r][c]);
  }
  return t;
}

// The interpreter's view of a cell, written independently of the executor's.
Value CellOf(const RowBatch& batch, size_t column, size_t row) {
  if (column >= batch.columns.size()) return Value::Missing();
  const ColumnVector& c = batch.columns[column];
  if (c.state.size() < batch.size || c.state[row] == CellState::kMissing) return Value::Missing();
  if (c.state[row] == CellState::kBad) return Value::Error("bad cell");
  switch (c.type) {
    case ColumnType::kInt:
      return Value(c.ints[row]);
    case ColumnType::kDouble:
      return Value(c.doubles[row]);
    case ColumnType::kBool:
      return Value(c.ints[row] != 0);
    case ColumnType::kString:
      return Value(std::string(c.strings[row]));
  }
  return Value::Missing();
}

Truth InterpreterTruth(const Value& v) {
  if (v.is_true()) return Truth::kTrue;
  if (v.is_false()) return Truth::kFalse;
  if (v.is_error()) return Truth::kError;
  if (v.is_unknown()) return Truth::kMissing;
  return Truth::kFalse;  // a dyn condition with a non-bool value neither fires nor errs
}

const char* TruthName(Truth t) {
  static constexpr const char* kNames[] = {"false", "true", "missing", "error"};
  return kNames[static_cast<int>(t)];
}

std::string DescribeRow(const RowBatch& batch, const Schema& schema, size_t row) {
  std::string out;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    out += fmt::format("{}={} ", schema.columns[c].name, ValueToString(CellOf(batch, c, row)));
  }
  return out;
}

// Evaluates both ways and returns the executor's truths; fails the test at the first row where
// they differ.
std::vector<Truth> Differential(const CheckedExpr& expr, const std::string& src,
                                const Schema& schema, const RowBatch& batch,
                                VectorCondition::Scratch* scratch, const VectorCondition& vc) {
  std::vector<Truth> got(batch.size + 1, static_cast<Truth>(0xEE));  // a sentinel past the end
  vc.Evaluate(batch, scratch, got.data());
  if (static_cast<uint8_t>(got[batch.size]) != 0xEE) FAIL("Evaluate wrote past the batch");
  got.pop_back();
  std::vector<Value> row(schema.columns.size());
  for (size_t r = 0; r < batch.size; ++r) {
    for (size_t c = 0; c < row.size(); ++c) row[c] = CellOf(batch, c, r);
    const Value v = Evaluate(expr, row);
    const Truth want = InterpreterTruth(v);
    if (got[r] != want) {
      FAIL(fmt::format("{}\nrow {}: {}\ninterpreter: {} ({}), executor: {}\nplan:\n{}", src, r,
                       DescribeRow(batch, schema, r), TruthName(want), ValueToString(v),
                       static_cast<unsigned>(got[r]) < 4 ? TruthName(got[r]) : "garbage",
                       vc.Dump()));
    }
  }
  return got;
}

std::vector<Truth> Differential(const std::string& src, const Schema& schema,
                                const RowBatch& batch) {
  const CheckedExpr expr = Compile(src, schema);
  VectorCondition::Scratch scratch;
  return Differential(expr, src, schema, batch, &scratch, VectorCondition::Compile(expr, schema));
}

std::string Plan(const std::string& src, const Schema& schema) {
  return VectorCondition::Compile(Compile(src, schema), schema).Dump();
}

// Rows with every int, double, string and bool column set from small vocabularies, plus missing
// and bad cells, for the hand cases.
TestBatch HandBatch(const Schema& schema) {
  const std::vector<std::string> ints = {
      "0", "3", "-3", "~", "!x1", "9223372036854775807", "-9223372036854775808", "2", "7", "1"};
  const std::vector<std::string> doubles = {
      "2.5", "-0.5", "3", "~", "!nope", "0", "1e300", "9223372036854775808", "2", "-2.5"};
  const std::vector<std::string> strings = {"abc", "",  "NG",     "~", "!", "x@tempmail.com",
                                            "ABC", "b", "abcabc", "US"};
  const std::vector<std::string> bools = {"true", "false", "~", "!maybe"};
  std::vector<std::vector<std::string>> rows;
  for (size_t r = 0; r < 40; ++r) {
    rows.push_back({ints[r % ints.size()], ints[(r * 7 + 3) % ints.size()],
                    ints[(r * 3 + 1) % ints.size()], doubles[r % doubles.size()],
                    doubles[(r * 3 + 2) % doubles.size()], strings[r % strings.size()],
                    strings[(r * 7 + 5) % strings.size()], bools[r % bools.size()],
                    bools[(r / 4) % bools.size()]});
  }
  return MakeBatch(schema, rows);
}

// Runs each expression both ways over HandBatch; `vectorised` says whether its plan should be
// free of fallback nodes.
void CheckAll(const std::vector<std::string>& exprs, bool vectorised = true) {
  const Schema schema = TestSchema();
  TestBatch t = HandBatch(schema);
  for (const auto& src : exprs) {
    INFO(src);
    Differential(src, schema, t.batch);
    const std::string plan = Plan(src, schema);
    INFO(plan);
    CHECK((plan.find("fallback") == std::string::npos) == vectorised);
  }
}

// Hand cases for each specialised shape come first, then random conditions over random batches.

TEST_CASE("Comparisons of columns with constants agree on present and missing and bad cells",
          "[differential]") {
  CheckAll({"i > 2",
            "i == 3",
            "i != 3",
            "i <= -3",
            "2 < i",
            "x < 2.5",
            "x >= 2",
            "x == 3",
            "i < 2.5",
            "i == 3.0",
            "x > 2",
            "-0.5 == x",
            "x > -2.5",
            "s == \"abc\"",
            "s < \"b\"",
            "s != \"\"",
            "\"NG\" >= s",
            "b == true",
            "b != c",
            "b < c",
            "i > j",
            "x <= y",
            "i == x",
            "s == e",
            "i == 9223372036854775807",
            "i == 9223372036854775808.0",
            "i < 9223372036854775808.0",
            "x > 9223372036854775807"});
}

TEST_CASE("&& and || absorb unknowns exactly as the interpreter's three-valued logic",
          "[differential]") {
  const Schema schema = TestSchema();
  const std::vector<std::string> values = {"true", "false", "~", "!bad"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : values) {
    for (const auto& q : values) rows.push_back({"0", "0", "0", "0", "0", "a", "a", p, q});
  }
  TestBatch t = MakeBatch(schema, rows);
  // Rows are b x c over true, false, missing, error; a decisive side wins from either side, and
  // of two unknowns the error wins.
  using T = Truth;
  const T F = T::kFalse, Tr = T::kTrue, M = T::kMissing, E = T::kError;
  CHECK(Differential("b && c", schema, t.batch) ==
        std::vector<T>{Tr, F, M, E, F, F, F, F, M, F, M, E, E, F, E, E});
  CHECK(Differential("b || c", schema, t.batch) ==
        std::vector<T>{Tr, Tr, Tr, Tr, Tr, F, M, E, Tr, M, M, E, Tr, E, E, E});
  CHECK(Differential("!b", schema, t.batch) ==
        std::vector<T>{F, F, F, F, Tr, Tr, Tr, Tr, M, M, M, M, E, E, E, E});
  for (const char* src : {"c && b", "c || b", "b && c && true", "b || c || false", "(b || c) && !b",
                          "!(b && c) || (c && i == 0)", "b && (c || b) && c",
                          "(i > 0 || b) && (c || s == \"a\")", "b == c", "b != c", "b && !c"}) {
    Differential(src, schema, t.batch);
    CHECK(Plan(src, schema).find("fallback") == std::string::npos);
  }
}

TEST_CASE("in over constant lists finds values by CEL's heterogeneous equality", "[differential]") {
  CheckAll(
      {"s in [\"abc\", \"NG\"]", "s in []", "i in []",
       "s in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"abc\", \"US\", \"\"]",
       "e in [\"x@tempmail.com\", \"abcabc\", \"ABC\", \"q1\", \"q2\", \"q3\", \"q4\", \"q5\", "
       "\"q6\", \"q7\"]",
       "i in [1, 2.5, 3]", "i in [3.0, -3]", "x in [1, 2.5, 3]", "x in [3, -0.5]",
       "i in [9223372036854775808.0]", "x in [9223372036854775807]", "b in [true]",
       "c in [false, true]", "s in [\"abc\", 1, null]", "i in [\"3\", 3]",
       "i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -3, 0]",
       "x in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 2.5, 0]", "!(s in [\"NG\"])"});
}

TEST_CASE("matches runs plain literals without the regex engine and caches regex results",
          "[differential]") {
  CheckAll({"s.matches(\"abc\")", "s.matches(\"^ab\")", "s.matches(\"bc$\")",
            "s.matches(\"^abc$\")", "s.matches(\"\")", "s.matches(\"^$\")", "e.matches(\"@\")",
            "e.matches(\"@(tempmail|mailinator)\\\\.\")", "s.matches(\"(?i)ABC\")",
            "s.matches(\"a.c\")", "s.matches(\"^[A-Z]+$\")", "matches(s, \"b\")"});
  const Schema schema = TestSchema();
  CHECK(Plan("s.matches(\"abc\")", schema).find("matches contains") != std::string::npos);
  CHECK(Plan("s.matches(\"^ab\")", schema).find("matches prefix") != std::string::npos);
  CHECK(Plan("s.matches(\"bc$\")", schema).find("matches suffix") != std::string::npos);
  CHECK(Plan("s.matches(\"^abc$\")", schema).find("matches equal") != std::string::npos);
  CHECK(Plan("s.matches(\"a.c\")", schema).find("matches regex") != std::string::npos);

  // Few distinct values (the cache serves them) and all-distinct values (it gives up), in
  // batches bigger than the cache, through one Scratch.
  const std::string src = "e.matches(\"^[a-z]+[0-9]*@(tempmail|mailinator)\\\\.\")";
  const CheckedExpr expr = Compile(src, schema);
  const VectorCondition vc = VectorCondition::Compile(expr, schema);
  VectorCondition::Scratch scratch;
  for (int distinct : {3, 100, 5000}) {
    TestBatch t(schema, 3000);
    for (size_t r = 0; r < 3000; ++r) {
      const size_t v = (r * 7919) % distinct;
      t.Set(6, r, v % 13 == 5 ? "~" : fmt::format("u{}@{}.com", v, v % 3 ? "gmail" : "tempmail"));
    }
    Differential(expr, src, schema, t.batch, &scratch, vc);
  }
}

TEST_CASE("A regex prefilter skips texts without the regex's literals and never changes a result",
          "[differential]") {
  const Schema schema = TestSchema();
  CHECK(Plan("e.matches(\"@(tempmail|mailinator)\\\\.\")", schema).find("prefiltered") !=
        std::string::npos);
  // Atoms shorter than three bytes are not worth a prefilter; RE2 then runs on every text.
  CHECK(Plan("s.matches(\"x+y\")", schema).find("prefiltered") == std::string::npos);
  // Fragments in every letter case, and non-ASCII letters that Unicode case folding maps onto
  // ASCII ones (the Kelvin sign folds to k, the long s to s): a prefilter that lowercased only
  // ASCII would wrongly rule those texts out.
  const std::vector<std::string> fragments = {
      "@",     "tempmail", "TempMail", "TEMPMAIL", "mailinator", ".",    "kelvin", "\xE2\x84\xAA",
      "elvin", "\xC5\xBF", "s",        "t",        "MAIL",       "mail", "42",     "abce",
      "ABDE",  "x",        "y",        "\xC3\xA9", "sst",        "SsT"};
  std::mt19937 random(7);
  TestBatch t(schema, 4000);
  for (size_t r = 0; r < t.batch.size; ++r) {
    std::string text;
    const size_t parts = random() % 7;
    for (size_t i = 0; i < parts; ++i) text += fragments[random() % fragments.size()];
    if (r % 97 == 0) text = std::string(300, 'q') + text;  // longer than the prefilter looks at
    t.Set(5, r, text.empty() ? "~" : text);
  }
  for (const char* pattern :
       {"@(tempmail|mailinator)\\\\.", "(?i)kelvin", "(?i)\\\\x{212A}elvin", "(?i)sst",
        "MAIL[0-9]+", "(?i)ab(c|d)e", "x+y", "tempmail|(?i)kelvin", "^mail", "caf\\\\x{e9}"}) {
    const std::string src = fmt::format("s.matches(\"{}\")", pattern);
    Differential(src, schema, t.batch);
  }
}

TEST_CASE("A regex whose matches need literal atoms skips the regex engine on texts without them",
          "[differential]") {
  const Schema schema = TestSchema();
  const std::vector<std::string> sources = {
      "e.matches(\"@(tempmail|mailinator|guerrillamail)\\\\.\")",
      "e.matches(\"^[a-z]+[0-9]*@(tempmail|mailinator)\\\\.\")",
      "e.matches(\"mail.*[0-9]{2}\")",
      "e.matches(\"[Tt]emp(mail)?x\")",
      "e.matches(\"(?i)TEMPMAIL\")",
      "e.matches(\"\\\\x{212A}elvin|abc\")"};
  CHECK(Plan(sources[0], schema).find("matches regex prefiltered") != std::string::npos);
  CHECK(Plan(sources[1], schema).find("prefiltered") != std::string::npos);
  const std::vector<std::string> texts = {"jdoe@tempmail.xyz",
                                          "JDOE@TEMPMAIL.XYZ",
                                          "jdoe@TempMail.xyz",
                                          "a@mailinator.",
                                          "@mailinator",
                                          "tempmail.com",
                                          "x@guerrillamail.net",
                                          "x@guerrillamail",
                                          "mail12",
                                          "MAIL 99",
                                          "mailx1",
                                          "Tempmailx",
                                          "tempx",
                                          "TEMPX",
                                          "\xE2\x84\xAA"
                                          "elvin",
                                          "abc",
                                          "",
                                          "~",
                                          "!bad",
                                          "u1@gmail.com",
                                          "\xC3\xA9@tempmail.fr"};
  std::vector<std::vector<std::string>> rows;
  for (int copy = 0; copy < 3; ++copy) {
    for (const auto& t : texts) rows.push_back({"0", "0", "0", "0", "0", "s", t, "true", "true"});
  }
  TestBatch t = MakeBatch(schema, rows);
  for (const auto& src : sources) {
    INFO(src);
    const std::vector<Truth> truth = Differential(src, schema, t.batch);
    if (src == sources[0]) CHECK(std::count(truth.begin(), truth.end(), Truth::kTrue) == 12);
  }
}

TEST_CASE("String equality compares every byte of strings of every length", "[differential]") {
  const Schema schema = TestSchema();
  const std::string base = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  std::vector<std::vector<std::string>> rows;
  for (size_t len = 0; len <= base.size(); ++len) {
    rows.push_back({"0", "0", "0", "0", "0", base.substr(0, len), "x", "true", "true"});
    for (size_t at = 0; at < len; ++at) {
      std::string changed = base.substr(0, len);
      changed[at] = '#';
      rows.push_back({"0", "0", "0", "0", "0", changed, "x", "true", "true"});
    }
  }
  TestBatch t = MakeBatch(schema, rows);
  for (size_t len : {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 33, 40}) {
    const std::string lit = QuoteString(base.substr(0, len));
    std::string many = lit;
    for (int k = 0; k < 9; ++k) many += fmt::format(", \"{}\"", k);
    const std::vector<Truth> equal = Differential("s == " + lit, schema, t.batch);
    CHECK(std::count(equal.begin(), equal.end(), Truth::kTrue) == 1);
    for (const std::string& src :
         {"s != " + lit, "s in [" + lit + ", \"zz\"]", "s in [" + many + "]",
          "s.matches(\"^" + base.substr(0, len) + "$\")",
          "s.matches(\"^[a-z]" + base.substr(1, len) + "$\")"}) {
      INFO(src);
      Differential(src, schema, t.batch);
    }
  }
}

TEST_CASE("String functions and has() and conversions agree with the interpreter",
          "[differential]") {
  CheckAll({"s.contains(\"b\")",
            "s.contains(\"\")",
            "e.contains(s)",
            "s.startsWith(\"ab\")",
            "s.endsWith(\"bc\")",
            "e.endsWith(s)",
            "\"abcabc\".contains(s)",
            "has(i)",
            "has(s)",
            "has(b) && !has(c)",
            "size(s) == 3",
            "size(e) > size(s)",
            "s.lowerAscii() == \"abc\"",
            "s.upperAscii() == \"ABC\"",
            "s + e == \"abcabc\"",
            "s + \"c\" < e",
            "int(s) > 0",
            "double(s) < 3.0",
            "bool(s)",
            "int(x) == 3",
            "double(i) > 2.5",
            "string(i) == \"3\"",
            "string(x) == \"2.5\"",
            "string(b) == \"true\"",
            "string(1e300) == s",
            "int(i) == i",
            "string(s) == s",
            "bool(b) == c",
            "double(x) == x"});
}

TEST_CASE("Integer overflow and division by zero are errors and mixed arithmetic is double",
          "[differential]") {
  CheckAll({"i + j > 0",
            "i - j < 0",
            "i * j == 0",
            "i * 2 > i",
            "i / j == 1",
            "i % j == 1",
            "k / j != 0",
            "-i > 0",
            "-x < 0.0",
            "i + x > 1.0",
            "x / j > 0.0",
            "i / 0 == 0",
            "x / 0.0 > 1.0",
            "i * 3037000500 > 0",
            "(i + 1) * (j - 1) <= k",
            "i - 9223372036854775807 < 0",
            "i % -1 == 0",
            "i / -1 > 0",
            "x * y < 1e300",
            "-(-9223372036854775808) > 0",
            "(x - x) / (y - y) != 0.0"});
}

TEST_CASE("A conditional runs each branch on its own rows so the other branch's errors stay out",
          "[differential]") {
  CheckAll({"(j != 0 ? i / j : 0) > 1", "(b ? s : e) == \"abc\"", "(c ? x : y) < 2.5",
            "b ? i / j > 0 : c", "(i > 0 ? \"pos\" : s).startsWith(\"p\")",
            "(b ? (c ? 1 : 2) : 3) == 2"});
}

TEST_CASE("Shapes without a kernel fall back to the interpreter and still agree",
          "[differential]") {
  CheckAll({"dyn(i) == 3", "[1, 2, 3][1] == i", "i in [j, 3]", "size([1, 2]) == i",
            "dyn(s) == \"abc\" && b", "[true, false][0] || c", "(b ? [1] : [2])[0] == i",
            "[s, e][1] == \"abc\"", "[\"x\", s][1].startsWith(\"a\")", "[x, y][0] > 1.0",
            "[i, j][1] / k > 0"},
           false);
  // A dyn condition: the interpreter's value is the truth.
  CheckAll({"dyn(b)", "dyn(i > 0) && dyn(c)"}, false);
}

TEST_CASE("A column the batch does not carry is missing on every row", "[differential]") {
  const Schema schema = TestSchema();
  TestBatch t = HandBatch(schema);
  t.batch.columns[0] = ColumnVector{};  // i: not filled
  t.batch.columns.resize(6);            // e, b, c: absent
  for (const char* src : {"i > 0", "has(i) || has(c)", "e == \"a\" || s == \"abc\"", "b",
                          "!c || i in [1]", "dyn(i) == 1 || j > 0"}) {
    const std::vector<Truth> got = Differential(src, schema, t.batch);
    INFO(src);
    CHECK(got.size() == t.batch.size);
  }
}

// Random well-typed conditions over the test schema, written as source text and run through the
// parser and checker like rule conditions.
class ConditionGenerator {
 public:
  explicit ConditionGenerator(uint64_t seed) : rng_(seed) {}

  std::string Bool(int depth) {
    if (depth <= 0) return Pick({"b", "c", "true", "false", "has(i)", "has(s)", "has(c)"});
    const int d = depth - 1;
    switch (Below(19)) {
      case 0:
      case 1:
        return Paren(Number(d) + " " + Pick({"<", "<=", ">", ">=", "==", "!="}) + " " + Number(d));
      case 2:
        return Paren(String(d) + " " + Pick({"<", "<=", ">", ">=", "==", "!="}) + " " + String(d));
      case 3:
        return Paren(Bool(d) + " " + Pick({"==", "!=", "<", ">="}) + " " + Bool(d));
      case 4:
        return Paren(Int(d) + " in " + NumberList());
      case 5:
        return Paren(Double(d) + " in " + NumberList());
      case 6:
        return Paren(String(d) + " in " + StringList());
      case 7:
      case 8:
        return Paren(Bool(d) + " && " + Bool(d));
      case 9:
      case 10:
        return Paren(Bool(d) + " || " + Bool(d));
      case 11:
        return "!" + Paren(Bool(d));
      case 12:
        return String(d) + ".matches(" + QuoteString(Pick(Regexes())) + ")";
      case 13:
        return String(d) + "." + Pick({"contains", "startsWith", "endsWith"}) + "(" + String(d) +
               ")";
      case 14:
        return Paren(Bool(d) + " ? " + Bool(d) + " : " + Bool(d));
      case 15:
        return "bool(" + String(d) + ")";
      case 16:
        return Paren("size(" + String(d) + ") " + Pick({">", "==", "<="}) + " " + Int(0));
      case 17:  // shapes for the fallback: dyn, list indexing, lists with non-literal items
        switch (Below(4)) {
          case 0:
            return Paren("dyn(" + Int(d) + ") == " + Int(d));
          case 1:
            return Paren("[" + Int(d) + ", " + Int(0) + "][" + Pick({"0", "1"}) + "] > " + Int(d));
          case 2:
            return Paren(Int(d) + " in [" + Int(d) + ", 1]");
          default:
            return "[" + Bool(d) + ", " + Bool(d) + "][" + Pick({"0", "1"}) + "]";
        }
      default:
        return Bool(0);
    }
  }

  std::string Int(int depth) {
    if (depth <= 0 || Below(4) == 0) {
      if (Below(2) == 0) return Pick({"i", "j", "k"});
      return IntLiteral();
    }
    const int d = depth - 1;
    switch (Below(9)) {
      case 0:
      case 1:
      case 2:
        return Paren(Int(d) + " " + Pick({"+", "-", "*", "/", "%"}) + " " + Int(d));
      case 3:
        return "-" + Paren(Int(d));
      case 4:
        return "int(" + Double(d) + ")";
      case 5:
        return "int(" + String(d) + ")";
      case 6:
        return "size(" + String(d) + ")";
      case 7:
        return Paren(Bool(d) + " ? " + Int(d) + " : " + Int(d));
      default:
        return Pick({"i", "j", "k"});
    }
  }

  std::string Double(int depth) {
    if (depth <= 0 || Below(4) == 0) {
      if (Below(2) == 0) return Pick({"x", "y"});
      return DoubleLiteral();
    }
    const int d = depth - 1;
    switch (Below(8)) {
      case 0:
      case 1:
        return Paren(Double(d) + " " + Pick({"+", "-", "*", "/"}) + " " + Number(d));
      case 2:
        return Paren(Int(d) + " " + Pick({"+", "-", "*", "/"}) + " " + Double(d));
      case 3:
        return "-" + Paren(Double(d));
      case 4:
        return "double(" + Int(d) + ")";
      case 5:
        return "double(" + String(d) + ")";
      case 6:
        return Paren(Bool(d) + " ? " + Double(d) + " : " + Double(d));
      default:
        return Pick({"x", "y"});
    }
  }

  std::string String(int depth) {
    if (depth <= 0 || Below(3) == 0) {
      if (Below(3) != 0) return Pick({"s", "e"});
      return QuoteString(Pick(Strings()));
    }
    const int d = depth - 1;
    switch (Below(7)) {
      case 0:
        return String(d) + "." + Pick({"lowerAscii", "upperAscii"}) + "()";
      case 1:
        return "string(" + Int(d) + ")";
      case 2:
        return "string(" + Double(d) + ")";
      case 3:
        return "string(" + Bool(d) + ")";
      case 4:
        return Paren(String(d) + " + " + String(d));
      case 5:
        return Paren(Bool(d) + " ? " + String(d) + " : " + String(d));
      default:
        return Pick({"s", "e"});
    }
  }

  static const std::vector<std::string>& Strings() {
    static const std::vector<std::string> kStrings = {"",
                                                      "a",
                                                      "abc",
                                                      "ABC",
                                                      "aBc",
                                                      "hello world",
                                                      "x@tempmail.com",
                                                      "jdoe123@gmail.com",
                                                      "u@mailinator.net",
                                                      "1",
                                                      "-5",
                                                      "2.5",
                                                      "1e3",
                                                      "true",
                                                      "False",
                                                      "t",
                                                      "0",
                                                      "\xC3\xA9",
                                                      "NG",
                                                      "RU",
                                                      "US",
                                                      "mobile",
                                                      " 7",
                                                      "9223372036854775808",
                                                      "nan",
                                                      "inf",
                                                      "-0",
                                                      "+1",
                                                      "abcabc",
                                                      "a.c",
                                                      "axc",
                                                      "TRUE",
                                                      "f"};
    return kStrings;
  }
  static const std::vector<std::string>& Regexes() {
    static const std::vector<std::string> kRegexes = {
        "^a",     "c$",         "abc",      "",
        "^$",     "a.c",        "(?i)abc",  "@(tempmail|mailinator)\\.",
        "[0-9]+", "^NG$",       "\xC3\xA9", "\\.",
        "x|y",    "^-?[0-9]+$", "com$",     "b+c*"};
    return kRegexes;
  }

  int64_t RandomInt() {
    static const int64_t kInts[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    -3,
                                    7,
                                    100,
                                    5000,
                                    kMax,
                                    kMin,
                                    kMax - 1,
                                    kMin + 1,
                                    4611686018427387904,
                                    9007199254740993,
                                    3037000500,
                                    -3037000500};
    if (Below(2) == 0) return kInts[Below(std::size(kInts))];
    return static_cast<int64_t>(Below(21)) - 10;
  }
  double RandomDouble() {
    static const double kDoubles[] = {0.0,
                                      -0.0,
                                      0.5,
                                      2.5,
                                      -2.5,
                                      1e300,
                                      -1e300,
                                      3.0,
                                      1e-300,
                                      9223372036854775808.0,
                                      -9223372036854775808.0,
                                      9223372036854774784.0,
                                      9007199254740992.0,
                                      100.0};
    if (Below(2) == 0) return kDoubles[Below(std::size(kDoubles))];
    return (static_cast<double>(Below(41)) - 20) / 4;
  }
  std::string RandomString() { return Pick(Strings()); }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  uint64_t Below(uint64_t n) { return rng_() % n; }

 private:
  static std::string Paren(const std::string& s) { return "(" + s + ")"; }
  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + Below(options.size()));
  }
  std::string Pick(const std::vector<std::string>& options) {
    return options[Below(options.size())];
  }
  std::string Number(int depth) { return Below(2) == 0 ? Int(depth) : Double(depth); }
  std::string IntLiteral() {
    const int64_t v = RandomInt();
    return v == kMin ? "-9223372036854775808" : std::to_string(v);
  }
  std::string DoubleLiteral() {
    const double v = RandomDouble();
    return std::signbit(v) ? "-" + FormatDouble(-v, true) : FormatDouble(v, true);
  }
  std::string NumberList() {
    std::string out = "[";
    const uint64_t n = Below(12);
    for (uint64_t k = 0; k < n; ++k) {
      if (k > 0) out += ", ";
      out += Below(3) == 0 ? DoubleLiteral() : IntLiteral();
    }
    return out + "]";
  }
  std::string StringList() {
    std::string out = "[";
    const uint64_t n = Below(13);
    for (uint64_t k = 0; k < n; ++k) {
      if (k > 0) out += ", ";
      // Now and then an int: a mixed list is dyn, where no string equals the int.
      out += k > 0 && Below(20) == 0 ? IntLiteral() : QuoteString(Pick(Strings()));
    }
    return out + "]";
  }

  std::mt19937_64 rng_;
};

// A random batch: ~10% missing and ~5% bad cells, whose value slots hold garbage the executor
// must ignore (zeros and extremes, so a stray division would trap).
TestBatch RandomBatch(const Schema& schema, size_t rows, ConditionGenerator& gen) {
  TestBatch t(schema, rows);
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    ColumnVector& v = t.batch.columns[c];
    for (size_t r = 0; r < rows; ++r) {
      const uint64_t roll = gen.Below(100);
      v.state[r] = roll < 10   ? CellState::kMissing
                   : roll < 15 ? CellState::kBad
                               : CellState::kPresent;
      switch (v.type) {
        case ColumnType::kInt:
          // j is the divisor of choice: zero a third of the time.
          v.ints[r] = c == 1 && gen.Chance(33) ? 0 : gen.RandomInt();
          break;
        case ColumnType::kDouble:
          v.doubles[r] = gen.RandomDouble();
          break;
        case ColumnType::kBool:
          v.ints[r] = gen.Chance(50);
          break;
        case ColumnType::kString:
          // s repeats a few values; e is mostly distinct.
          v.strings[r] = c == 5 || gen.Chance(50)
                             ? t.Keep(gen.RandomString())
                             : t.Keep(fmt::format("user{}@{}", gen.Below(100000),
                                                  gen.Chance(10) ? "tempmail.com" : "gmail.com"));
          break;
      }
      if (v.state[r] == CellState::kBad) v.strings[r] = t.Keep(gen.Chance(50) ? "oops" : "");
    }
  }
  return t;
}

TEST_CASE("Random conditions over random batches agree with the interpreter on every row",
          "[differential]") {
  const Schema schema = TestSchema();
  ConditionGenerator gen(20240601);
  VectorCondition::Scratch scratch;  // one for everything: stale buffers must never leak
  size_t conditions = 0, rows = 0, fallbacks = 0;
  size_t outcomes[4] = {};  // rows by truth, to show every outcome is well represented
  std::vector<TestBatch> batches;
  for (int k = 0; k < 24; ++k) {
    static const size_t kSizes[] = {1, 7, 64, 200, 333, 1000, 0, 130};
    batches.push_back(RandomBatch(schema, kSizes[k % std::size(kSizes)], gen));
  }
  for (int n = 0; n < 4000; ++n) {
    const std::string src = gen.Bool(1 + static_cast<int>(gen.Below(4)));
    const CheckedExpr expr = Compile(src, schema);
    const VectorCondition vc = VectorCondition::Compile(expr, schema);
    fallbacks += vc.Dump().find("fallback") != std::string::npos;
    for (int b = 0; b < 2; ++b) {
      const TestBatch& t = batches[gen.Below(batches.size())];
      for (Truth v : Differential(expr, src, schema, t.batch, &scratch, vc)) {
        ++outcomes[static_cast<int>(v)];
      }
      rows += t.batch.size;
    }
    ++conditions;
  }
  std::cout << fmt::format(
      "vector_eval differential: {} conditions ({} with a fallback node), {} rows compared "
      "(false {}, true {}, missing {}, error {})\n",
      conditions, fallbacks, rows, outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
  CHECK(conditions == 4000);
}

}  // namespace
}  // namespace hunch
