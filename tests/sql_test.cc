// The SQL generator: golden queries for every dialect and mode, quoting of hostile names and
// literals, the regex rewriting, and the constructs a dialect cannot express (an error, never a
// different query). Parity with the engine on real databases is in sql_parity_test.cc.
#include "hunch/sql.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/ruleset_impl.h"
#include "engine/sql_db.h"
#include "engine/sql_regex.h"
#include "rules/text.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

const std::string kGoldenDir = std::string(HUNCH_SOURCE_DIR) + "/tests/sql_golden/";

std::shared_ptr<const RuleSet> LoadText(const std::string& text) {
  std::vector<Diagnostic> diags;
  auto rs = RuleSet::LoadFromString(text, "test.yaml", LoadOptions{.lint = false}, &diags);
  INFO(FormatDiagnostics(diags));
  REQUIRE(rs.ok());
  return *rs;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares with the golden file, or rewrites it under HUNCH_UPDATE_GOLDEN=1.
void CheckGolden(const std::string& name, const std::string& text) {
  const std::string path = kGoldenDir + name;
  if (std::getenv("HUNCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  INFO("golden file " << path << " (regenerate with HUNCH_UPDATE_GOLDEN=1)");
  CHECK(ReadFile(path) == text);
}

Result<std::string> Sql(const RuleSet& rs, SqlDialect d, SqlMode mode = SqlMode::kPredict,
                        const std::string& table = "data") {
  SqlOptions o;
  o.dialect = d;
  o.mode = mode;
  o.table = table;
  return CompileToSql(rs, o);
}

constexpr SqlDialect kAll[] = {SqlDialect::kPostgres, SqlDialect::kSqlite,   SqlDialect::kDuckDb,
                               SqlDialect::kSpark,    SqlDialect::kBigQuery, SqlDialect::kTrino};

// The string literals and quoted identifiers of a query, decoded by the dialect's rules, and the
// text outside them. A value that broke out of its literal would show up in `outside`.
struct Tokens {
  std::vector<std::string> literals, identifiers;
  std::string outside;
};

Tokens Scan(const std::string& sql, SqlDialect d) {
  const bool backslash = d == SqlDialect::kSpark || d == SqlDialect::kBigQuery;
  const char ident_quote = backslash ? '`' : '"';
  Tokens t;
  for (size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '-' && sql.compare(i, 2, "--") == 0) {  // a comment, to the end of the line
      i = sql.find('\n', i);
      if (i == std::string::npos) break;
      continue;
    }
    if (c == '\'' || c == ident_quote) {
      const bool e_string = c == '\'' && i > 0 && sql[i - 1] == 'E' && d == SqlDialect::kPostgres;
      // Spark's `quoted` identifiers double a backquote; BigQuery's take backslash escapes.
      const bool escapes = c == '\'' ? backslash : d == SqlDialect::kBigQuery;
      std::string value;
      size_t j = i + 1;
      for (;;) {
        REQUIRE(j < sql.size());  // unterminated: something broke the quoting
        if ((escapes || e_string) && sql[j] == '\\') {
          char n = sql[j + 1];
          if (n == 'u') {
            value += static_cast<char>(std::stoi(sql.substr(j + 2, 4), nullptr, 16));
            j += 6;
          } else {
            value += n;
            j += 2;
          }
          continue;
        }
        if (sql[j] == c) {
          if (!escapes && j + 1 < sql.size() && sql[j + 1] == c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j++];
      }
      (c == '\'' ? t.literals : t.identifiers).push_back(value);
      t.outside += c == '\'' ? " 'L' " : " I ";
      i = j + 1;
      continue;
    }
    t.outside += c;
    ++i;
  }
  return t;
}

}  // namespace

TEST_CASE("Generated SQL matches the golden queries for every dialect and mode", "[sql]") {
  std::vector<Diagnostic> diags;
  auto golden = RuleSet::Load(kGoldenDir + "rules.yaml", LoadOptions{.lint = false}, &diags);
  REQUIRE(golden.ok());
  auto fraud = RuleSet::Load(std::string(HUNCH_SOURCE_DIR) + "/examples/fraud/rules.yaml",
                             LoadOptions{.lint = false}, &diags);
  REQUIRE(fraud.ok());
  for (SqlDialect d : kAll) {
    const std::string name(SqlDialectName(d));
    for (SqlMode mode : {SqlMode::kPredict, SqlMode::kEval}) {
      const std::string suffix = mode == SqlMode::kPredict ? "predict" : "eval";
      auto sql = Sql(**golden, d, mode, "warehouse.events");
      INFO(name << " " << suffix << (sql.ok() ? "" : ": " + sql.status().message()));
      REQUIRE(sql.ok());
      CheckGolden(fmt::format("{}.{}.sql", name, suffix), *sql);
      auto fraud_sql = Sql(**fraud, d, mode, "transactions");
      REQUIRE(fraud_sql.ok());
      CheckGolden(fmt::format("fraud.{}.{}.sql", name, suffix), *fraud_sql);
    }
  }
}

TEST_CASE("Hostile column names and string literals stay inside their quotes in every dialect",
          "[sql]") {
  // Quotes of every kind, backslashes, a comment opener, SQL after a quote, non-ASCII text.
  const std::string name_a = "a\"b'c\\d";  // backquoted in the rule: any byte but a backquote
  const std::string name_b = "x; DROP TABLE t; --";
  const std::string lit1 = "it's \\' \"q\" `b` ; DROP TABLE t; --";
  const std::string lit2 = "\\\\'); DELETE FROM t; --";
  const std::string lit3 = "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80\ttab\nline";
  std::string rules = fmt::format(
      "name: hostile\nlabel: \"y`\\\"'\"\nclasses: [p, q]\ndefault: p\n"
      "inputs: {{'{}': string, '{}': int}}\n"
      "rules:\n"
      "  - name: \"r'1\\\"\"\n"
      "    when: >-\n"
      "      `{}` == {} || `{}` in [{}, {}] || `{}` > 3\n"
      "    predict: q\n",
      "a\"b''c\\d", name_b, name_a, QuoteString(lit1), name_a, QuoteString(lit2), QuoteString(lit3),
      name_b);
  auto rs = LoadText(rules);
  REQUIRE(rs->schema().columns[0].name == name_a);
  for (SqlDialect d : kAll) {
    for (SqlMode mode : {SqlMode::kPredict, SqlMode::kEval}) {
      auto sql = Sql(*rs, d, mode, "my\"table");
      REQUIRE(sql.ok());
      INFO(SqlDialectName(d) << "\n" << *sql);
      Tokens t = Scan(*sql, d);
      for (const auto& lit : {lit1, lit2, lit3}) {
        CHECK(std::find(t.literals.begin(), t.literals.end(), lit) != t.literals.end());
      }
      for (const auto& id : {name_a, name_b, std::string("my\"table")}) {
        CHECK(std::find(t.identifiers.begin(), t.identifiers.end(), id) != t.identifiers.end());
      }
      // Eval mode reads the label column, whose name holds every quote.
      CHECK((std::count(t.identifiers.begin(), t.identifiers.end(), "y`\"'") > 0) ==
            (mode == SqlMode::kEval));
      CHECK(t.outside.find("DROP") == std::string::npos);
      CHECK(t.outside.find("DELETE") == std::string::npos);
    }
  }
  // And SQLite runs it: the hostile names and values round-trip through a real table.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  REQUIRE(RegisterRe2Regexp(db).ok());
  const std::string create = "CREATE TABLE \"my\"\"table\" (\"a\"\"b'c\\d\" TEXT, \"" + name_b +
                             "\" INTEGER, \"y`\"\"'\" TEXT); INSERT INTO \"my\"\"table\" VALUES ";
  std::string insert = create;
  const std::vector<std::string> values = {lit1, lit2, lit3, "zzz"};
  for (size_t i = 0; i < values.size(); ++i) {
    std::string quoted = "'";
    for (char c : values[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    insert += fmt::format("{}({}', {}, 'p')", i ? ", " : "", quoted, i == 3 ? 5 : 0);
  }
  REQUIRE(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  auto sql = Sql(*rs, SqlDialect::kSqlite, SqlMode::kPredict, "my\"table");
  REQUIRE(sql.ok());
  auto rows = QuerySqlite(db, *sql);
  REQUIRE(rows.ok());
  REQUIRE(rows->rows.size() == 4);
  for (const auto& row : rows->rows) CHECK(row[4] == std::optional<std::string>("q"));
  sqlite3_close(db);
}

TEST_CASE("A NUL in a literal is refused for PostgreSQL and encoded for the other dialects",
          "[sql]") {
  auto rs = LoadText(
      "name: nul\nlabel: y\nclasses: [p, q]\ndefault: p\ninputs: {s: string, y: string}\n"
      "rules:\n  - name: r\n    when: s == \"a\\x00b\"\n    predict: q\n");
  auto pg = Sql(*rs, SqlDialect::kPostgres);
  REQUIRE_FALSE(pg.ok());
  CHECK_THAT(pg.status().message(), Catch::Contains("rule 'r' (line 7)") &&
                                        Catch::Contains("NUL") && Catch::Contains("postgres"));
  auto lite = Sql(*rs, SqlDialect::kSqlite);
  REQUIRE(lite.ok());
  CHECK_THAT(*lite, Catch::Contains("CAST(X'610062' AS TEXT)"));
  for (SqlDialect d : {SqlDialect::kDuckDb, SqlDialect::kTrino}) {
    auto sql = Sql(*rs, d);
    REQUIRE(sql.ok());
    CHECK_THAT(*sql, Catch::Contains("('a' || chr(0) || 'b')"));
  }
  for (SqlDialect d : {SqlDialect::kSpark, SqlDialect::kBigQuery}) {
    auto sql = Sql(*rs, d);
    REQUIRE(sql.ok());
    CHECK_THAT(*sql, Catch::Contains("'a\\u0000b'"));
  }
}

TEST_CASE(
    "Constructs a dialect cannot express exactly are errors naming rule, construct and "
    "dialect",
    "[sql]") {
  struct Bad {
    std::string when;
    SqlDialect dialect;
    std::string expected;
  };
  const std::vector<Bad> cases = {
      {"s.matches(r'\\bword\\b')", SqlDialect::kPostgres, "word boundary \\b"},
      {"s.matches(r'\\bword\\b')", SqlDialect::kSpark, "word boundary \\b"},
      {"s.matches(r'\\pL+')", SqlDialect::kTrino, "Unicode class \\p"},
      {"s.matches(r'(?s)a.b')", SqlDialect::kPostgres, "flag group"},
      {"s.matches(r'a{300}')", SqlDialect::kPostgres, "repeat count above 255"},
      {"s.matches(r'(?i)café')", SqlDialect::kPostgres, "non-ASCII character under (?i)"},
      {"int(s) > 3", SqlDialect::kPostgres, "int() of a string"},
      {"double(s) > 3.0", SqlDialect::kSqlite, "double() of a string"},
      {"string(x) == '1'", SqlDialect::kBigQuery, "string() of a double"},
      {"[1, 2][i] == 1", SqlDialect::kDuckDb, "list indexing"},
      {"dyn(i) == 1", SqlDialect::kPostgres, "dyn"},
  };
  for (const auto& c : cases) {
    auto rs =
        LoadText(fmt::format("name: bad\nlabel: y\nclasses: [p, q]\ndefault: p\n"
                             "inputs: {{s: string, i: int, x: double, y: string}}\n"
                             "rules:\n  - name: ok\n    when: i > 1\n    predict: q\n"
                             "  - name: tricky\n    when: |-\n      {}\n    predict: q\n",
                             c.when));
    auto sql = Sql(*rs, c.dialect);
    INFO(c.when);
    REQUIRE_FALSE(sql.ok());
    CHECK(sql.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(sql.status().message(),
               Catch::Contains("test.yaml: error: rule 'tricky' (line 10)") &&
                   Catch::Contains(c.expected) &&
                   Catch::Contains(std::string(SqlDialectName(c.dialect)) + " SQL"));
  }
  // The same regexes are fine where the database runs RE2.
  auto rs = LoadText(
      "name: re2\nlabel: y\nclasses: [p, q]\ndefault: p\ninputs: {s: string, y: string}\n"
      "rules:\n  - name: r\n    when: s.matches(r'\\bword\\b|\\pL|(?s)a.b')\n    predict: q\n");
  for (SqlDialect d : {SqlDialect::kSqlite, SqlDialect::kDuckDb, SqlDialect::kBigQuery})
    CHECK(Sql(*rs, d).ok());
}

TEST_CASE("A query over the size limit is refused with the reason", "[sql]") {
  auto rs = LoadText(
      "name: big\nlabel: y\nclasses: [p, q]\ndefault: p\ninputs: {i: int, j: int, y: string}\n"
      "rules:\n  - name: r\n    when: i * j * i * j > 3\n    predict: q\n");
  SqlOptions o;
  REQUIRE(CompileToSql(*rs, o).ok());
  o.max_query_bytes = 2000;
  auto sql = CompileToSql(*rs, o);
  REQUIRE_FALSE(sql.ok());
  CHECK_THAT(sql.status().message(),
             Catch::Contains("over the limit of 2000") && Catch::Contains("nested integer"));
}

TEST_CASE("The eval report from a database names a missing table", "[sql]") {
  testing::TempDir dir("hunch_sql_db");
  const std::string path = dir.Child("empty.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_close(db);
  auto rs = LoadText(
      "name: t\nlabel: y\nclasses: [p, q]\ndefault: p\ninputs: {i: int, y: string}\n"
      "rules:\n  - name: r\n    when: i > 3\n    predict: q\n");
  auto report = EvalReportFromDatabase(*rs, "sqlite:" + path, "events", {});
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.status().message(), Catch::Contains("no such table: events"));
}

TEST_CASE("A rule set without column types cannot be compiled", "[sql]") {
  auto rs = LoadText(
      "name: untyped\nlabel: y\nclasses: [p, q]\ndefault: p\n"
      "rules:\n  - name: r\n    when: amount > 3\n    predict: q\n");
  auto sql = Sql(*rs, SqlDialect::kPostgres);
  REQUIRE_FALSE(sql.ok());
  CHECK_THAT(sql.status().message(), Catch::Contains("declare them with `inputs:`"));
}

TEST_CASE("RE2 patterns are rewritten for PostgreSQL and Java regex engines", "[sql]") {
  struct Case {
    std::string re2;
    RegexFlavor flavor;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"a.c", RegexFlavor::kPostgres, "a[^\\u000A]c"},
      {"^ab$", RegexFlavor::kPostgres, "^ab$"},
      {"^ab$", RegexFlavor::kJava, "\\Aab\\z"},
      {"\\d{5,}", RegexFlavor::kPostgres, "[0-9]{5,}"},
      {"\\w+\\s\\S", RegexFlavor::kJava,
       "[0-9A-Z\\_a-z]+[\\u0009-\\u000A\\u000C-\\u000D\\ ][^\\u0009-\\u000A\\u000C-\\u000D\\ ]"},
      {"[[:alpha:]_-]", RegexFlavor::kPostgres, "[A-Za-z\\_\\-]"},
      {"(?i)sk", RegexFlavor::kJava, "[sS\xC5\xBF][kK\xE2\x84\xAA]"},
      {"(?:a|b)*?x+?", RegexFlavor::kPostgres, "(?:a|b)*x+"},
      {"(?P<name>a)", RegexFlavor::kJava, "(a)"},
      {"a{,3}", RegexFlavor::kPostgres, "a\\{\\,3\\}"},
      {"\\Qa.b\\E", RegexFlavor::kJava, "a\\.b"},
      {"[&&]", RegexFlavor::kJava, "[\\&\\&]"},
      {"caf\xC3\xA9", RegexFlavor::kPostgres, "caf\xC3\xA9"},
      {"\\x41\\x{263A}", RegexFlavor::kJava, "A\xE2\x98\xBA"},
      {"a\\.b", RegexFlavor::kRe2, "a\\.b"},
  };
  for (const auto& c : cases) {
    std::string out, error;
    INFO(c.re2);
    REQUIRE(TranslateRegex(c.re2, c.flavor, &out, &error));
    CHECK(out == c.expected);
  }
  for (const char* bad : {"\\bx", "\\pN", "(?m)^a", "(?i)\\w", "\\C", "(?i)[a-z]"}) {
    std::string out, error;
    INFO(bad);
    CHECK_FALSE(TranslateRegex(bad, RegexFlavor::kPostgres, &out, &error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("The SQLite REGEXP function searches with RE2", "[sql]") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  REQUIRE(RegisterRe2Regexp(db).ok());
  auto rows = QuerySqlite(db,
                          "SELECT 'xx123' REGEXP '\\d{3}', 'ab' REGEXP '^b', NULL REGEXP 'a', "
                          "'a\nb' REGEXP 'a.b', 'caf\xC3\xA9' REGEXP '^caf.$'");
  REQUIRE(rows.ok());
  CHECK(rows->rows[0][0] == std::optional<std::string>("1"));
  CHECK(rows->rows[0][1] == std::optional<std::string>("0"));
  CHECK_FALSE(rows->rows[0][2].has_value());
  CHECK(rows->rows[0][3] == std::optional<std::string>("0"));  // RE2: . does not match \n
  CHECK(rows->rows[0][4] == std::optional<std::string>("1"));  // . is one code point
  auto bad = QuerySqlite(db, "SELECT 'a' REGEXP 'a('");
  CHECK_FALSE(bad.ok());
  sqlite3_close(db);
}

TEST_CASE("Eval counts that do not fit the rule set are refused with the line", "[sql]") {
  testing::TempDir dir("hunch_sql_counts");
  std::vector<Diagnostic> diags;
  auto rs = RuleSet::Load(std::string(HUNCH_SOURCE_DIR) + "/examples/fraud/rules.yaml",
                          LoadOptions{.lint = false}, &diags);
  REQUIRE(rs.ok());
  const std::string header = "actual,label,pattern,slice,slice_value,n\n";
  auto report = EvalReportFromCountsCsv(
      **rs,
      dir.Write("ok.csv", header + "0,,00000,-1,,90\n1,,10000,-1,,8\n1,,00000,-1,,2\n"
                                   "-2,maybe,,-1,,3\n-1,,,-1,,1\n"
                                   "0,,00000,0,true,40\n1,,10000,0,true,8\n"
                                   "0,,00000,0,false,50\n1,,00000,0,false,2\n"),
      {});
  REQUIRE(report.ok());
  CHECK(report->rows == 104);
  CHECK(report->labeled_rows == 100);
  CHECK(report->missing_label == 1);
  CHECK(report->unknown_label_values.at("maybe") == 3);
  CHECK(report->rules[0].fires == 8);
  CHECK(report->rules[0].correct == 8);
  CHECK(report->metrics.accuracy == Approx(0.98));
  REQUIRE(report->slices.size() == 2);
  CHECK(report->slices[0].key == "night=false");
  CHECK(report->slices[1].rows == 48);

  auto short_pattern =
      EvalReportFromCountsCsv(**rs, dir.Write("short.csv", header + "0,,000,-1,,5\n"), {});
  REQUIRE_FALSE(short_pattern.ok());
  CHECK_THAT(short_pattern.status().message(),
             Catch::Contains("short.csv:2: error: column 'pattern'") && Catch::Contains("5 marks"));
  auto bad_count =
      EvalReportFromCountsCsv(**rs, dir.Write("n.csv", header + "0,,00000,-1,,x\n"), {});
  REQUIRE_FALSE(bad_count.ok());
  CHECK_THAT(bad_count.status().message(), Catch::Contains("n.csv:2: error: column 'n'"));
  auto wrong_header = EvalReportFromCountsCsv(**rs, dir.Write("h.csv", "a,b\n1,2\n"), {});
  REQUIRE_FALSE(wrong_header.ok());
  CHECK_THAT(wrong_header.status().message(), Catch::Contains("expected the columns"));
}

}  // namespace hunch
