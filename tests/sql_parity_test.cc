// Parity of the generated SQL with the native engine, on real databases: every row's rule,
// prediction and confidence from the predict query equals RuleSet's, and the eval report built
// from the eval query's counts equals EvaluateFile's figure for figure. SQLite runs in process
// (with the RE2 REGEXP function); PostgreSQL is a server that CTest starts (tests/e2e/
// pg_server.py), so those cases carry the hidden tag [.postgres] and run through their own CTest
// entry with HUNCH_TEST_PG_STATE naming the server's connection file.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <re2/re2.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/ruleset_impl.h"
#include "engine/sql_db.h"
#include "engine/sql_regex.h"
#include "hunch/data.h"
#include "hunch/eval.h"
#include "hunch/sql.h"
#include "rules/text.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

using Rows = std::vector<std::vector<Value>>;
using testing::TempDir;

struct Case {
  std::string name, rules, data;
};

std::vector<Case> ExampleCases() {
  const std::string src = HUNCH_SOURCE_DIR, shared = std::string(HUNCH_SHARED_DIR) + "/data/";
  return {
      {"titanic", src + "/examples/titanic/rules.yaml", shared + "titanic.csv"},
      {"sms_spam", src + "/examples/sms_spam/rules.yaml", shared + "sms_spam.csv"},
      {"penguins", src + "/examples/penguins/rules.yaml", shared + "penguins.csv"},
      {"adult", src + "/examples/adult/rules.yaml", shared + "adult.csv"},
      {"mushrooms", src + "/examples/mushrooms/rules.yaml", shared + "mushrooms.csv"},
      {"breast_cancer", src + "/examples/breast_cancer/rules.yaml",
       shared + "breast_cancer_wisconsin.csv"},
      {"fraud", src + "/examples/fraud/rules.yaml", src + "/examples/fraud/transactions.csv"},
  };
}

std::shared_ptr<const RuleSet> Load(const std::string& rules, const std::string& data) {
  std::vector<Diagnostic> diags;
  auto rs = LoadRuleSetForData(rules, data, {}, LoadOptions{.lint = false}, &diags);
  INFO(FormatDiagnostics(diags));
  REQUIRE(rs.ok());
  return *rs;
}

// The data as the typed table the SQL expects: missing cells NULL, every other cell typed.
Rows LoadTyped(const RuleSet& rs, const std::string& path) {
  auto cursor = RowCursor::Open(path, {});
  REQUIRE(cursor.ok());
  const Schema& schema = rs.schema();
  std::vector<int> h;
  for (const auto& c : schema.columns) {
    auto& header = (*cursor)->header();
    auto it = std::find(header.begin(), header.end(), c.name);
    h.push_back(it == header.end() ? -1 : static_cast<int>(it - header.begin()));
  }
  Rows rows;
  for (;;) {
    auto more = (*cursor)->Next();
    REQUIRE(more.ok());
    if (!*more) break;
    auto& row = rows.emplace_back();
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      std::optional<std::string_view> cell;
      if (h[c] >= 0 && (*cursor)->present()[h[c]]) cell = (*cursor)->cells()[h[c]];
      row.push_back(rs.impl().CellValue(static_cast<int>(c), cell));
      // A typed table cannot hold a cell that does not parse as its column's type.
      REQUIRE_FALSE(row.back().is_error());
    }
  }
  return rows;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CreateTableSql(const Schema& schema, const std::string& table, bool postgres) {
  std::string sql = fmt::format("CREATE TABLE {} (hunch_row BIGINT", QuoteIdent(table));
  for (const auto& c : schema.columns) {
    const char* type = c.type == ColumnType::kInt      ? "BIGINT"
                       : c.type == ColumnType::kDouble ? (postgres ? "DOUBLE PRECISION" : "REAL")
                       : c.type == ColumnType::kBool   ? (postgres ? "BOOLEAN" : "INTEGER")
                                                       : "TEXT";
    sql += fmt::format(", {} {}", QuoteIdent(c.name), type);
  }
  return sql + ")";
}

// ---- SQLite ----

struct SqliteDb {
  sqlite3* db = nullptr;
  explicit SqliteDb(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(RegisterRe2Regexp(db).ok());
  }
  ~SqliteDb() { sqlite3_close(db); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << "\n" << (err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  }
  void Load(const Schema& schema, const std::string& table, const Rows& rows) {
    Exec(CreateTableSql(schema, table, false));
    Exec("BEGIN");
    std::string insert = fmt::format("INSERT INTO {} VALUES (?", QuoteIdent(table));
    for (size_t c = 0; c < schema.columns.size(); ++c) insert += ", ?";
    insert += ")";
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, insert.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    for (size_t r = 0; r < rows.size(); ++r) {
      sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(r));
      for (size_t c = 0; c < rows[r].size(); ++c) {
        const Value& v = rows[r][c];
        const int i = static_cast<int>(c) + 2;
        switch (v.v.index()) {
          case 2:
            sqlite3_bind_int(stmt, i, std::get<bool>(v.v) ? 1 : 0);
            break;
          case 3:
            sqlite3_bind_int64(stmt, i, std::get<int64_t>(v.v));
            break;
          case 4:
            sqlite3_bind_double(stmt, i, std::get<double>(v.v));
            break;
          case 5: {
            const auto& s = std::get<std::string>(v.v);
            sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            break;
          }
          default:
            sqlite3_bind_null(stmt, i);
        }
      }
      REQUIRE(sqlite3_step(stmt) == SQLITE_DONE);
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    Exec("COMMIT");
  }
};

// ---- PostgreSQL ----

std::string PostgresConninfo() {
  const char* state = std::getenv("HUNCH_TEST_PG_STATE");
  REQUIRE(state != nullptr);  // set by the CTest entry that starts the server
  std::ifstream in(state);
  std::string line;
  std::getline(in, line);
  REQUIRE_FALSE(line.empty());
  return line;
}

struct PostgresDb {
  PGconn* conn;
  explicit PostgresDb(const std::string& conninfo) : conn(PQconnectdb(conninfo.c_str())) {
    INFO(PQerrorMessage(conn));
    REQUIRE(PQstatus(conn) == CONNECTION_OK);
    Exec("SET client_min_messages = warning");  // no notice for each DROP TABLE IF EXISTS
  }
  ~PostgresDb() { PQfinish(conn); }
  void Exec(const std::string& sql) {
    PGresult* res = PQexec(conn, sql.c_str());
    INFO(sql << "\n" << PQresultErrorMessage(res));
    auto status = PQresultStatus(res);
    PQclear(res);
    REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
  }
  static void CopyText(const std::string& s, std::string* out) {
    for (char c : s) {
      switch (c) {
        case '\\':
          *out += "\\\\";
          break;
        case '\t':
          *out += "\\t";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        default:
          *out += c;
      }
    }
  }
  void Load(const Schema& schema, const std::string& table, const Rows& rows) {
    Exec("DROP TABLE IF EXISTS " + QuoteIdent(table));
    Exec(CreateTableSql(schema, table, true));
    PGresult* res = PQexec(conn, ("COPY " + QuoteIdent(table) + " FROM STDIN").c_str());
    REQUIRE(PQresultStatus(res) == PGRES_COPY_IN);
    PQclear(res);
    std::string buf;
    for (size_t r = 0; r < rows.size(); ++r) {
      buf += std::to_string(r);
      for (const Value& v : rows[r]) {
        buf += '\t';
        switch (v.v.index()) {
          case 2:
            buf += std::get<bool>(v.v) ? "t" : "f";
            break;
          case 3:
            buf += std::to_string(std::get<int64_t>(v.v));
            break;
          case 4:
            buf += FormatDouble(std::get<double>(v.v));  // shortest round trip; strtod reads it
            break;
          case 5:
            CopyText(std::get<std::string>(v.v), &buf);
            break;
          default:
            buf += "\\N";
        }
      }
      buf += '\n';
      if (buf.size() > (1 << 20)) {
        REQUIRE(PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) == 1);
        buf.clear();
      }
    }
    REQUIRE(PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) == 1);
    REQUIRE(PQputCopyEnd(conn, nullptr) == 1);
    res = PQgetResult(conn);
    INFO(PQresultErrorMessage(res));
    REQUIRE(PQresultStatus(res) == PGRES_COMMAND_OK);
    PQclear(res);
    while ((res = PQgetResult(conn)) != nullptr) PQclear(res);
  }
};

// ---- The checks ----

// Every row of the predict query against the engine's first-match prediction.
void CheckPredictions(const RuleSet& rs, const Rows& rows, const SqlRows& result) {
  auto col = [&](std::string_view name) {
    auto it = std::find(result.columns.begin(), result.columns.end(), name);
    REQUIRE(it != result.columns.end());
    return static_cast<size_t>(it - result.columns.begin());
  };
  const size_t row_c = col("hunch_row"), rule_c = col("rule"), pred_c = col("prediction"),
               conf_c = col("confidence");
  REQUIRE(result.rows.size() == rows.size());
  std::vector<bool> seen(rows.size(), false);
  int mismatches = 0;
  std::string first;
  for (const auto& r : result.rows) {
    REQUIRE(r[row_c].has_value());
    const size_t i = std::stoul(*r[row_c]);
    REQUIRE(i < rows.size());
    REQUIRE_FALSE(seen[i]);
    seen[i] = true;
    Prediction p = rs.impl().PredictTyped(rows[i]);
    std::optional<std::string> rule, prediction;
    if (p.rule >= 0) rule = rs.rules()[p.rule].name;
    if (p.class_index >= 0) prediction = rs.class_names()[p.class_index];
    std::optional<double> confidence;
    if (r[conf_c]) confidence = std::stod(*r[conf_c]);
    if (r[rule_c] != rule || r[pred_c] != prediction || confidence != p.confidence) {
      if (mismatches++ == 0) {
        first = fmt::format("row {}: engine rule {} prediction {}, SQL rule {} prediction {}", i,
                            rule.value_or("NULL"), prediction.value_or("NULL"),
                            r[rule_c].value_or("NULL"), r[pred_c].value_or("NULL"));
      }
    }
  }
  INFO(first);
  CHECK(mismatches == 0);
}

// The report from the database's counts against a local run, every figure (JSON equality).
void CheckReport(const RuleSet& rs, const std::string& data_path, const std::string& database,
                 const std::string& table) {
  EvalOptions options;
  options.threads = 1;
  options.bootstrap = 200;
  auto local = EvaluateFile(rs, data_path, options);
  REQUIRE(local.ok());
  auto remote = EvalReportFromDatabase(rs, database, table, options);
  INFO((remote.ok() ? std::string() : remote.status().message()));
  REQUIRE(remote.ok());
  for (Report* r : {&*local, &*remote}) {
    r->data_path.clear();
    r->seconds = 0;
  }
  // A database has no row order: slices come sorted by value (docs/scale-out.md).
  std::stable_sort(local->slices.begin(), local->slices.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  const std::string local_json = ReportToJson(*local), remote_json = ReportToJson(*remote);
  if (local_json != remote_json && std::getenv("HUNCH_SQL_DUMP") != nullptr) {
    std::ofstream(std::string(std::getenv("HUNCH_SQL_DUMP")) + ".local.json") << local_json;
    std::ofstream(std::string(std::getenv("HUNCH_SQL_DUMP")) + ".sql.json") << remote_json;
    std::filesystem::copy_file(rs.impl().checked.file.path,
                               std::string(std::getenv("HUNCH_SQL_DUMP")) + ".rules.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(data_path, std::string(std::getenv("HUNCH_SQL_DUMP")) + ".csv",
                               std::filesystem::copy_options::overwrite_existing);
  }
  CHECK(local_json == remote_json);
  CHECK(local->labeled_rows > 0);
}

Result<SqlRows> RunSqlite(SqliteDb& db, const RuleSet& rs, const std::string& table) {
  SqlOptions o{.dialect = SqlDialect::kSqlite, .mode = SqlMode::kPredict, .table = table};
  auto sql = CompileToSql(rs, o);
  if (!sql.ok()) return sql.status();
  return QuerySqlite(db.db, *sql);
}

Result<SqlRows> RunPostgres(const std::string& conninfo, const RuleSet& rs,
                            const std::string& table) {
  SqlOptions o{.dialect = SqlDialect::kPostgres, .mode = SqlMode::kPredict, .table = table};
  auto sql = CompileToSql(rs, o);
  if (!sql.ok()) return sql.status();
  return QueryPostgres(conninfo, *sql);
}

// ---- Random rule sets over data with missing values ----

class RandomCase {
 public:
  RandomCase(uint64_t seed, bool zero_doubles) : rng_(seed), zero_doubles_(zero_doubles) {}

  std::string Rules() {
    std::string y =
        "name: random\nlabel: y\nclasses: [a, b, c]\n"
        "missing: ['', 'NA']\n"
        "inputs: {i1: int, i2: int, d1: double, d2: double, s1: string, s2: string, b1: bool, "
        "y: string}\n";
    y += Pick<int>({0, 1}) ? "default: a\n" : "default: abstain\n";
    y += "rules:\n";
    for (int r = 0; r < 6; ++r) {
      y += fmt::format("  - name: r{}\n    when: |-\n      {}\n    predict: {}\n", r, Bool(3),
                       Pick<std::string>({"a", "b", "c", "abstain"}));
      if (Pick<int>({0, 1})) y += fmt::format("    confidence: 0.{}\n", Below(10));
      if (Below(8) == 0) y += "    enabled: false\n";
    }
    y += fmt::format("slices:\n  sl: |-\n    {}\n", Pick<std::string>({Str(2), Int(2), Bool(2)}));
    return y;
  }

  std::string Data(int rows) {
    std::string csv = "i1,i2,d1,d2,s1,s2,b1,y\n";
    for (int r = 0; r < rows; ++r) {
      std::vector<std::string> cells = {
          IntCell(),    IntCell(),
          DoubleCell(), DoubleCell(),
          StrCell(),    StrCell(),
          BoolCell(),   Pick<std::string>({"a", "b", "c", "a", "b", "zz", ""})};
      for (size_t c = 0; c < cells.size(); ++c) {
        if (c > 0) csv += ',';
        csv += Csv(cells[c]);
      }
      csv += '\n';
    }
    return csv;
  }

 private:
  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <typename T>
  T Pick(std::initializer_list<T> items) {
    return items.begin()[Below(static_cast<int>(items.size()))];
  }
  bool Missing() { return Below(7) == 0; }
  std::string MissingText() { return Pick<std::string>({"", "NA"}); }

  std::string IntCell() {
    if (Missing()) return MissingText();
    if (Below(12) == 0)
      return Pick<std::string>(
          {"9223372036854775807", "-9223372036854775808", "4611686018427387904"});
    return std::to_string(Below(11) - 5);
  }
  std::string DoubleCell() {
    if (Missing()) return MissingText();
    int v = Below(41) - 20;
    if (v == 0 && !zero_doubles_) v = 1;
    return Pick<std::string>({fmt::format("{}.{}", v / 4, std::abs(v % 4) * 25), std::to_string(v),
                              fmt::format("{}e-1", v)});
  }
  std::string StrCell() {
    if (Missing()) return MissingText();
    return Pick<std::string>({"a", "ab", "abc", "B", "\xC3\xA9t\xC3\xA9", "x'y", "zz", "a b", "K",
                              "12", "true", "0", "q\"r", "back\\slash"});
  }
  std::string BoolCell() {
    if (Missing()) return MissingText();
    return Pick<std::string>({"true", "false", "True", "FALSE"});
  }
  static std::string Csv(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }

  std::string StrLit() {
    return Pick<std::string>({"\"a\"", "\"ab\"", "'x\\'y'", "\"\\u00e9t\\u00e9\"", "\"\"",
                              "\"back\\\\slash\"", "\"B\"", "\"12\""});
  }

  std::string Bool(int depth) {
    const int choice = depth <= 0 ? Below(3) : Below(14);
    switch (choice) {
      case 0:
        return "b1";
      case 1:
        return fmt::format("has({})", Pick<std::string>({"i1", "d1", "s1", "b1"}));
      case 2:
        return fmt::format("{} {} {}", Int(0),
                           Pick<std::string>({"<", "<=", ">", ">=", "==", "!="}),
                           Pick<int>({0, 1}) ? Int(0) : Double(0));
      case 3:
        return fmt::format("({}) {} ({})", Num(depth - 1),
                           Pick<std::string>({"<", "<=", ">", ">=", "==", "!="}), Num(depth - 1));
      case 4:
        return fmt::format("({}) {} ({})", Str(depth - 1),
                           Pick<std::string>({"<", "<=", ">", ">=", "==", "!="}), Str(depth - 1));
      case 5:
      case 6:
        return fmt::format("({}) {} ({})", Bool(depth - 1), Pick<std::string>({"&&", "||"}),
                           Bool(depth - 1));
      case 7:
        return fmt::format("!({})", Bool(depth - 1));
      case 8:
        return Pick<int>({0, 1})
                   ? fmt::format("({}) {} [1, -2, {}]", Int(depth - 1),
                                 Pick<std::string>({"in", "not in"}), Int(0))
                   : fmt::format("({}) in [\"a\", \"zz\", {}]", Str(depth - 1), Str(0));
      case 9:
        return fmt::format("({}).{}({})", Str(depth - 1),
                           Pick<std::string>({"contains", "startsWith", "endsWith"}),
                           Pick<int>({0, 1}) ? StrLit() : Str(0));
      case 10:
        return fmt::format(
            "({}).matches({})", Str(depth - 1),
            Pick<std::string>({"r\"^a\"", "r\"b$\"", "r\"a.c\"", "r\"[a-c]+\"", "r\"\\d\"",
                               "r\"(?i)ab\"", "r\"(?i)k\"", "\"\\u00e9\"", "r\"x'y\"",
                               "r\"^(a|zz)$\"", "r\"\\s\"", "r\"^[^a-z]*$\"", "r\"\\\\\""}));
      case 11:
        return fmt::format("bool({})", Str(depth - 1));
      case 12:
        return fmt::format("({}) ? ({}) : ({})", Bool(depth - 1), Bool(depth - 1), Bool(depth - 1));
      default:
        return fmt::format("({}) == ({})", Bool(depth - 1), Bool(depth - 1));
    }
  }

  std::string Num(int depth) { return Pick<int>({0, 1}) ? Int(depth) : Double(depth); }

  std::string Int(int depth) {
    const int choice = depth <= 0 ? Below(3) : Below(12);
    switch (choice) {
      case 0:
        return Pick<std::string>({"i1", "i2"});
      case 1:
        return Pick<std::string>(
            {"0", "1", "-3", "7", "9223372036854775807", "-9223372036854775808"});
      case 2:
        return "i1";
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        return fmt::format("({}) {} ({})", Int(depth - 1),
                           Pick<std::string>({"+", "-", "*", "/", "%"}), Int(depth - 1));
      case 8:
        return fmt::format("-({})", Int(depth - 1));
      case 9:
        return fmt::format("size({})", Str(depth - 1));
      case 10:
        return fmt::format("int({})", Double(depth - 1));
      default:
        return fmt::format("({}) ? ({}) : ({})", Bool(depth - 1), Int(depth - 1), Int(depth - 1));
    }
  }

  std::string Double(int depth) {
    const int choice = depth <= 0 ? Below(2) : Below(9);
    switch (choice) {
      case 0:
        return Pick<std::string>({"d1", "d2"});
      case 1:
        return Pick<std::string>({"1.5", "-0.25", "2.0", "1e300"});
      case 2:
      case 3:
        return fmt::format("({}) {} ({})", Double(depth - 1), Pick<std::string>({"+", "-", "*"}),
                           Pick<int>({0, 1}) ? Int(depth - 1) : Double(depth - 1));
      case 4:
      case 5:
        // SQLite has no NaN: without zero doubles, nothing here divides 0.0 by 0.0.
        return fmt::format(
            "({}) / ({})", Num(depth - 1),
            zero_doubles_ ? Double(depth - 1) : Pick<std::string>({"d1", "d2", "0.5"}));
      case 6:
        return fmt::format("-({})", Double(depth - 1));
      case 7:
        return fmt::format("double({})", Int(depth - 1));
      default:
        return fmt::format("({}) ? ({}) : ({})", Bool(depth - 1), Double(depth - 1),
                           Double(depth - 1));
    }
  }

  std::string Str(int depth) {
    const int choice = depth <= 0 ? Below(2) : Below(8);
    switch (choice) {
      case 0:
        return Pick<std::string>({"s1", "s2"});
      case 1:
        return StrLit();
      case 2:
      case 3:
        return fmt::format("({}) + ({})", Str(depth - 1), Str(depth - 1));
      case 4:
        return fmt::format("({}).{}()", Str(depth - 1),
                           Pick<std::string>({"lowerAscii", "upperAscii"}));
      case 5:
        return fmt::format("string({})", Int(depth - 1));
      case 6:
        return "string(b1)";
      default:
        return fmt::format("({}) ? ({}) : ({})", Bool(depth - 1), Str(depth - 1), Str(depth - 1));
    }
  }

  std::mt19937_64 rng_;
  bool zero_doubles_;
};

// Data for tests/sql_golden/rules.yaml (every construct the generator compiles), with missing
// cells, the numeric missing value -1, and strings that exercise the regexes and conversions.
std::string GoldenData(uint64_t seed, int rows) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::vector<std::string> items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
  };
  std::string csv = "n,m,x,name,email,flag,outcome\n";
  for (int r = 0; r < rows; ++r) {
    csv += fmt::format("{},{},{},{},{},{},{}\n",
                       pick({"0", "1", "3", "7", "-1", "-7", "", "NA", "42", "-3"}),
                       pick({"0", "1", "2", "-1", "", "5", "9223372036854775807"}),
                       pick({"0.5", "2.5", "3", "-1", "", "1000.5", "7.25", "-2.75", "1e3"}),
                       pick({"a", "\"b\"\"c\"", "o'k", "\\xy", "caf\xC3\xA9", "true", "0", "Maria",
                             "zed", "", "NA"}),
                       pick({"joe@tempmail.com", "x.y_z@mailinator.net", "TEST@gmail.com", "a@b.c",
                             "", "joe@tempmail.org"}),
                       pick({"true", "false", ""}), pick({"ok", "bad", "odd", "ok", "", "weird"}));
  }
  return csv;
}

constexpr int kRandomSets = 60;
constexpr int kRandomRows = 400;

}  // namespace

TEST_CASE("SQLite predictions and eval reports equal the engine's on every example dataset",
          "[sql]") {
  TempDir dir("hunch_sql_parity");
  for (const auto& c : ExampleCases()) {
    SECTION(c.name) {
      auto rs = Load(c.rules, c.data);
      Rows rows = LoadTyped(*rs, c.data);
      const std::string path = dir.Child(c.name + ".db");
      {
        SqliteDb db(path);
        db.Load(rs->schema(), c.name, rows);
        auto result = RunSqlite(db, *rs, c.name);
        INFO((result.ok() ? std::string() : result.status().message()));
        REQUIRE(result.ok());
        CheckPredictions(*rs, rows, *result);
      }
      CheckReport(*rs, c.data, "sqlite:" + path, c.name);
    }
  }
}

TEST_CASE(
    "SQLite predictions and eval reports equal the engine's on random rule sets with "
    "missing values",
    "[sql]") {
  TempDir dir("hunch_sql_random");
  int compiled = 0;
  for (int seed = 1; seed <= kRandomSets; ++seed) {
    RandomCase gen(static_cast<uint64_t>(seed), /*zero_doubles=*/false);
    const std::string rules_text = gen.Rules();
    const std::string rules = dir.Write(fmt::format("r{}.yaml", seed), rules_text);
    const std::string data = dir.Write(fmt::format("d{}.csv", seed), gen.Data(kRandomRows));
    INFO("seed " << seed << "\n" << rules_text);
    auto rs = Load(rules, data);
    Rows rows = LoadTyped(*rs, data);
    const std::string path = dir.Child(fmt::format("r{}.db", seed));
    {
      SqliteDb db(path);
      db.Load(rs->schema(), "data", rows);
      auto result = RunSqlite(db, *rs, "data");
      INFO((result.ok() ? std::string() : result.status().message()));
      REQUIRE(result.ok());
      CheckPredictions(*rs, rows, *result);
    }
    CheckReport(*rs, data, "sqlite:" + path, "data");
    ++compiled;
  }
  CHECK(compiled == kRandomSets);
}

TEST_CASE("SQLite results equal the engine's on the golden rule set of every construct", "[sql]") {
  TempDir dir("hunch_sql_golden");
  const std::string data = dir.Write("golden.csv", GoldenData(3, 3000));
  auto rs = Load(std::string(HUNCH_SOURCE_DIR) + "/tests/sql_golden/rules.yaml", data);
  Rows rows = LoadTyped(*rs, data);
  const std::string path = dir.Child("golden.db");
  {
    SqliteDb db(path);
    db.Load(rs->schema(), "data", rows);
    auto result = RunSqlite(db, *rs, "data");
    INFO((result.ok() ? std::string() : result.status().message()));
    REQUIRE(result.ok());
    CheckPredictions(*rs, rows, *result);
  }
  CheckReport(*rs, data, "sqlite:" + path, "data");
}

TEST_CASE("SQLite results equal the engine's on the benchmark workload", "[sql]") {
  TempDir dir("hunch_sql_bench");
  const std::string data = dir.Child("transactions.csv");
  const std::string command =
      fmt::format("/usr/bin/python3 {}/bench/gen_transactions.py --rows 20000 --seed 7 --out {}",
                  HUNCH_SHARED_DIR, data);
  REQUIRE(std::system(command.c_str()) == 0);
  auto rs = Load(std::string(HUNCH_SHARED_DIR) + "/bench/fraud.rules.yaml", data);
  Rows rows = LoadTyped(*rs, data);
  const std::string path = dir.Child("bench.db");
  {
    SqliteDb db(path);
    db.Load(rs->schema(), "transactions", rows);
    auto result = RunSqlite(db, *rs, "transactions");
    REQUIRE(result.ok());
    CheckPredictions(*rs, rows, *result);
  }
  CheckReport(*rs, data, "sqlite:" + path, "transactions");
}

TEST_CASE(
    "PostgreSQL predictions and eval reports equal the engine's on every example dataset "
    "and the benchmark workload",
    "[.postgres]") {
  const std::string conninfo = PostgresConninfo();
  PostgresDb db(conninfo);
  TempDir dir("hunch_sql_pg");
  std::vector<Case> cases = ExampleCases();
  const std::string bench = dir.Child("transactions.csv");
  REQUIRE(std::system(fmt::format("/usr/bin/python3 {}/bench/gen_transactions.py --rows 20000 "
                                  "--seed 7 --out {}",
                                  HUNCH_SHARED_DIR, bench)
                          .c_str()) == 0);
  cases.push_back({"bench", std::string(HUNCH_SHARED_DIR) + "/bench/fraud.rules.yaml", bench});
  cases.push_back({"golden", std::string(HUNCH_SOURCE_DIR) + "/tests/sql_golden/rules.yaml",
                   dir.Write("golden.csv", GoldenData(3, 3000))});
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto rs = Load(c.rules, c.data);
      Rows rows = LoadTyped(*rs, c.data);
      db.Load(rs->schema(), c.name, rows);
      auto result = RunPostgres(conninfo, *rs, c.name);
      INFO((result.ok() ? std::string() : result.status().message()));
      REQUIRE(result.ok());
      CheckPredictions(*rs, rows, *result);
      CheckReport(*rs, c.data, conninfo, c.name);
    }
  }
}

TEST_CASE(
    "PostgreSQL predictions and eval reports equal the engine's on random rule sets with "
    "missing values, NaN and infinities",
    "[.postgres]") {
  const std::string conninfo = PostgresConninfo();
  PostgresDb db(conninfo);
  TempDir dir("hunch_sql_pg_random");
  for (int seed = 1; seed <= kRandomSets; ++seed) {
    RandomCase gen(static_cast<uint64_t>(seed) + 1000, /*zero_doubles=*/true);
    const std::string rules_text = gen.Rules();
    const std::string rules = dir.Write(fmt::format("r{}.yaml", seed), rules_text);
    const std::string data = dir.Write(fmt::format("d{}.csv", seed), gen.Data(kRandomRows));
    INFO("seed " << seed << "\n" << rules_text);
    auto rs = Load(rules, data);
    Rows rows = LoadTyped(*rs, data);
    const std::string table = fmt::format("random_{}", seed);
    db.Load(rs->schema(), table, rows);
    auto result = RunPostgres(conninfo, *rs, table);
    INFO((result.ok() ? std::string() : result.status().message()));
    REQUIRE(result.ok());
    CheckPredictions(*rs, rows, *result);
    CheckReport(*rs, data, conninfo, table);
  }
}

}  // namespace hunch

namespace hunch {

TEST_CASE("Regexes rewritten for PostgreSQL match exactly the strings RE2 matches", "[.postgres]") {
  const std::vector<std::string> patterns = {"a.c",
                                             "^ab",
                                             "ab$",
                                             "^$",
                                             "\\d{2,3}",
                                             "\\D",
                                             "\\w+",
                                             "\\W",
                                             "\\s",
                                             "\\S+$",
                                             "[a-c]+x",
                                             "[^a-z]",
                                             "[[:digit:]_]+",
                                             "[[:punct:]]",
                                             "[\\d.-]+",
                                             "(?i)ab",
                                             "(?i)k",
                                             "(?i)s",
                                             "a|b|^c",
                                             "(?:ab)+?c",
                                             "a{2}",
                                             "a{2,}",
                                             "x{0,1}y",
                                             "a{,2}",
                                             "\\.",
                                             "\\\\",
                                             "\\$",
                                             "\\^a",
                                             "caf\xC3\xA9",
                                             "\\x{e9}",
                                             "[\xC3\xA9-\xC3\xAB]",
                                             "\\Aab\\z",
                                             "\\Qa.b\\E",
                                             "\\t",
                                             "[\\n]",
                                             "(a)(b)?",
                                             "\\[x\\]",
                                             "[]a]",
                                             "[a-]",
                                             "\\*+",
                                             ".",
                                             "^.$",
                                             "\\{",
                                             "a\\|b"};
  const std::vector<std::string> subjects = {
      "",    "a",           "abc",         "aXc",  "a\nc", "AB", "ab\n",         "xab",
      "12",  "1234",        "_x_",         "a b",  "\t",   "K",  "\xE2\x84\xAA", "\xC5\xBF",
      "S",   "caf\xC3\xA9", "caf\xC3\xAB", "a.b",  "a\\b", "$",  "^a",           "cab",
      "aab", "[x]",         "]",           "-",    "**",   "{",  "a|b",          "\xC3\xA9",
      "\n",  "y",           "xy",          "x-1.5"};
  const std::string conninfo = PostgresConninfo();
  std::string values;
  for (size_t i = 0; i < subjects.size(); ++i) {
    std::string quoted = "'";
    for (char c : subjects[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    values += fmt::format("{}({}, {}')", i ? ", " : "", i, quoted);
  }
  int compared = 0;
  for (const auto& pattern : patterns) {
    RE2 re(pattern);
    REQUIRE(re.ok());
    std::string translated, why;
    INFO("pattern " << pattern);
    REQUIRE(TranslateRegex(pattern, RegexFlavor::kPostgres, &translated, &why));
    std::string lit = "'";
    for (char c : translated) lit += c == '\'' ? std::string("''") : std::string(1, c);
    lit += "'";
    auto rows = QueryPostgres(
        conninfo,
        fmt::format("SELECT i, s ~ {} FROM (VALUES {}) AS v(i, s) ORDER BY i", lit, values));
    INFO("translated " << translated << (rows.ok() ? "" : " " + rows.status().message()));
    REQUIRE(rows.ok());
    REQUIRE(rows->rows.size() == subjects.size());
    for (size_t i = 0; i < subjects.size(); ++i) {
      INFO("subject " << QuoteString(subjects[i]));
      const bool expected = RE2::PartialMatch(subjects[i], re);
      CHECK((rows->rows[i][1] == std::optional<std::string>("t")) == expected);
      ++compared;
    }
  }
  CHECK(compared == static_cast<int>(patterns.size() * subjects.size()));
}

}  // namespace hunch
