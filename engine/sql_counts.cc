// The eval report from a database: the generated eval query run in SQLite or PostgreSQL (or its
// result saved as CSV), its grouped rows replayed through the same totals as a local run.
#include <dlfcn.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <re2/re2.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <type_traits>

#include "engine/eval_report.h"
#include "engine/ruleset_impl.h"
#include "engine/scores.h"
#include "engine/sql_db.h"
#include "hunch/data.h"
#include "hunch/sql.h"

namespace hunch {
namespace {

constexpr size_t kMaxUnknownLabelValues = 10;

void Re2RegexpFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  auto* re = static_cast<const RE2*>(sqlite3_get_auxdata(ctx, 0));
  if (re == nullptr) {
    std::string pattern(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                        static_cast<size_t>(sqlite3_value_bytes(argv[0])));
    RE2::Options options;
    options.set_log_errors(false);
    auto* compiled = new RE2(pattern, options);
    if (!compiled->ok()) {
      std::string message = "invalid regex: " + compiled->error();
      delete compiled;
      sqlite3_result_error(ctx, message.c_str(), -1);
      return;
    }
    sqlite3_set_auxdata(ctx, 0, compiled, [](void* p) { delete static_cast<RE2*>(p); });
    // SQLite may free the value at once when it cannot keep it; ask again.
    re = static_cast<const RE2*>(sqlite3_get_auxdata(ctx, 0));
    if (re == nullptr) {
      RE2 once(pattern, options);
      const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
      sqlite3_result_int(
          ctx, RE2::PartialMatch(re2::StringPiece(text, sqlite3_value_bytes(argv[1])), once));
      return;
    }
  }
  const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  sqlite3_result_int(ctx,
                     RE2::PartialMatch(re2::StringPiece(text, sqlite3_value_bytes(argv[1])), *re));
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Replays the grouped rows of the eval query into the totals of a local run.
Result<Report> ReportFromRows(const RuleSet& rules, const SqlRows& result, const std::string& where,
                              const std::string& display_path, const EvalOptions& options,
                              int64_t first_line) {
  const CheckedRuleSet& rs = rules.impl().checked;
  if (rs.policy != Policy::kFirstMatch) {
    return InvalidArgument(
        fmt::format("{}: error: policy '{}' is not supported from SQL counts; only first_match is",
                    rs.file.path, PolicyName(rs.policy)));
  }
  if (result.columns != SqlCountColumns()) {
    return DataError(fmt::format(
        "{}: error: expected the columns {} of a `hunch sql --mode eval` result, found {}", where,
        fmt::join(SqlCountColumns(), ","), fmt::join(result.columns, ",")));
  }
  const int k = static_cast<int>(rs.class_names.size());
  std::vector<int> enabled;
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    if (rs.rules[j].enabled) enabled.push_back(static_cast<int>(j));
  }
  EvalTotals t;
  t.confusion = metrics::Confusion(k);
  t.stats = RuleStats(rs.rules.size());
  t.bad_cells.assign(rs.schema.columns.size(), 0);
  t.can_abstain = RuleSetCanAbstain(rs);
  if (scores::HasScores(rs)) t.wins_by_class.assign((rs.rules.size() + 1) * k, 0);
  std::map<std::string, int64_t> unknown_labels;
  std::vector<std::map<std::string, metrics::Confusion>> slices(rs.slices.size());
  std::vector<int> fired, votes, errored;
  for (size_t r = 0; r < result.rows.size(); ++r) {
    const auto& row = result.rows[r];
    const int64_t line = first_line + static_cast<int64_t>(r);
    auto bad = [&](std::string_view column, std::string_view expected) {
      const auto& cell = row[std::find(result.columns.begin(), result.columns.end(), column) -
                             result.columns.begin()];
      return DataError(fmt::format("{}:{}: error: column '{}': expected {}, found {}", where, line,
                                   column, expected, cell ? "'" + *cell + "'" : "NULL"));
    };
    int64_t actual, slice, n;
    if (!row[0] || !ParseInt(*row[0], &actual) || actual < -2 || actual >= k)
      return bad("actual", fmt::format("a class index from -2 to {}", k - 1));
    if (!row[3] || !ParseInt(*row[3], &slice) || slice < -1 ||
        slice >= static_cast<int64_t>(rs.slices.size()))
      return bad("slice", fmt::format("a slice index from -1 to {}", rs.slices.size() - 1));
    if (!row[5] || !ParseInt(*row[5], &n) || n < 0) return bad("n", "a count");
    if (slice == -1 && actual == -1) {
      t.rows += n;
      t.missing_label += n;
      continue;
    }
    if (slice == -1 && actual == -2) {
      t.rows += n;
      t.unknown_label += n;
      unknown_labels[row[1].value_or("")] += n;
      continue;
    }
    if (actual < 0) return bad("actual", "a class index on a slice row");
    const std::string pattern = row[2].value_or("");
    if (pattern.size() != enabled.size() || pattern.find_first_not_of("01E") != std::string::npos) {
      return bad("pattern", fmt::format("{} marks (0, 1 or E), one per enabled rule of {}: the "
                                        "counts come from another rule set",
                                        enabled.size(), rs.file.path));
    }
    fired.clear();
    votes.clear();
    errored.clear();
    for (size_t i = 0; i < enabled.size(); ++i) {
      if (pattern[i] == '1') {
        fired.push_back(enabled[i]);
        votes.push_back(rs.rules[enabled[i]].predict);
      } else if (pattern[i] == 'E') {
        errored.push_back(enabled[i]);
      }
    }
    const int predicted = fired.empty() ? rs.default_class : rs.rules[fired[0]].predict;
    const int column = predicted < 0 ? k : predicted;
    if (slice >= 0) {
      auto [it, inserted] = slices[slice].try_emplace(row[4].value_or(""), k);
      it->second.at(static_cast<int>(actual), column) += n;
      continue;
    }
    t.rows += n;
    t.confusion.at(static_cast<int>(actual), column) += n;
    if (fired.empty() && predicted == actual) t.default_correct += n;
    t.stats.AddRow(fired, votes, errored, static_cast<int>(actual), n);
    if (!t.wins_by_class.empty())
      t.wins_by_class[(fired.empty() ? 0 : fired[0] + 1) * k + actual] += n;
  }
  // The local run keeps the first values in input order; a database has no order, so the most
  // frequent are kept (ties by value). docs/scale-out.md says so.
  std::vector<std::pair<std::string, int64_t>> by_count(unknown_labels.begin(),
                                                        unknown_labels.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (size_t i = 0; i < by_count.size() && i < kMaxUnknownLabelValues; ++i)
    t.unknown_labels.insert(by_count[i]);
  for (size_t s = 0; s < slices.size(); ++s) {
    size_t kept = 0;
    std::optional<metrics::Confusion> other;
    for (auto& [value, confusion] : slices[s]) {
      if (kept++ < options.max_slice_values) {
        t.slices.push_back({rs.slices[s].name + "=" + value, std::move(confusion)});
      } else {
        if (!other) other = metrics::Confusion(k);
        other->Add(confusion);
      }
    }
    if (other) t.slices.push_back({rs.slices[s].name + "=(other)", std::move(*other)});
  }
  return BuildEvalReport(rs, t, options, display_path);
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};

}  // namespace

Status RegisterRe2Regexp(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "regexp", 2,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, Re2RegexpFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    return IoError(fmt::format("error: cannot register regexp(): {}", sqlite3_errmsg(db)));
  return Status::Ok();
}

Result<SqlRows> QuerySqlite(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return InvalidArgument(fmt::format("sqlite: error: {}", sqlite3_errmsg(db)));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  SqlRows out;
  const int columns = sqlite3_column_count(stmt);
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(sqlite3_column_name(stmt, c));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto& row = out.rows.emplace_back(columns);
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      row[c] = std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
    }
  }
  if (rc != SQLITE_DONE) return IoError(fmt::format("sqlite: error: {}", sqlite3_errmsg(db)));
  return out;
}

// libpq, loaded on the first PostgreSQL query rather than linked: with the Kerberos, LDAP and TLS
// libraries it pulls in, linking it cost every hunch command about 3.5 ms of start-up.
struct LibPq {
  decltype(&PQconnectdb) connectdb;
  decltype(&PQfinish) finish;
  decltype(&PQstatus) status;
  decltype(&PQerrorMessage) error_message;
  decltype(&PQexec) exec;
  decltype(&PQclear) clear;
  decltype(&PQresultStatus) result_status;
  decltype(&PQresultErrorMessage) result_error_message;
  decltype(&PQnfields) nfields;
  decltype(&PQfname) fname;
  decltype(&PQntuples) ntuples;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQgetlength) getlength;

  // The loaded library, or an error naming what is missing. Loads once; thread-safe.
  static Result<const LibPq*> Get() {
    static const Result<LibPq> loaded = Load();
    if (!loaded.ok()) return loaded.status();
    return &loaded.value();
  }

 private:
  static Result<LibPq> Load() {
    void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      return IoError(fmt::format(
          "postgres: error: cannot load libpq.so.5 (Debian package libpq5): {}", dlerror()));
    }
    LibPq pq;
    std::string missing;
    auto bind = [&](auto* slot, const char* name) {
      void* symbol = dlsym(handle, name);
      if (symbol == nullptr) missing += fmt::format(" {}", name);
      *slot = reinterpret_cast<std::remove_pointer_t<decltype(slot)>>(symbol);
    };
    bind(&pq.connectdb, "PQconnectdb");
    bind(&pq.finish, "PQfinish");
    bind(&pq.status, "PQstatus");
    bind(&pq.error_message, "PQerrorMessage");
    bind(&pq.exec, "PQexec");
    bind(&pq.clear, "PQclear");
    bind(&pq.result_status, "PQresultStatus");
    bind(&pq.result_error_message, "PQresultErrorMessage");
    bind(&pq.nfields, "PQnfields");
    bind(&pq.fname, "PQfname");
    bind(&pq.ntuples, "PQntuples");
    bind(&pq.getisnull, "PQgetisnull");
    bind(&pq.getvalue, "PQgetvalue");
    bind(&pq.getlength, "PQgetlength");
    if (!missing.empty())
      return IoError(fmt::format("postgres: error: libpq.so.5 lacks{}", missing));
    return pq;  // the handle stays open for the life of the process
  }
};

Result<SqlRows> QueryPostgres(const std::string& conninfo, const std::string& sql) {
  auto lib = LibPq::Get();
  if (!lib.ok()) return lib.status();
  const LibPq& pq = **lib;
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(pq.connectdb(conninfo.c_str()), pq.finish);
  if (pq.status(conn.get()) != CONNECTION_OK) {
    std::string message = pq.error_message(conn.get());
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
      message.pop_back();
    return IoError(fmt::format("postgres: error: cannot connect: {}", message));
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> res(pq.exec(conn.get(), sql.c_str()), pq.clear);
  if (pq.result_status(res.get()) != PGRES_TUPLES_OK) {
    std::string message = pq.result_error_message(res.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return InvalidArgument(fmt::format("postgres: {}", message));
  }
  SqlRows out;
  const int columns = pq.nfields(res.get());
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(pq.fname(res.get(), c));
  const int rows = pq.ntuples(res.get());
  out.rows.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    auto& row = out.rows.emplace_back(columns);
    for (int c = 0; c < columns; ++c) {
      if (pq.getisnull(res.get(), r, c)) continue;
      row[c] = std::string(pq.getvalue(res.get(), r, c),
                           static_cast<size_t>(pq.getlength(res.get(), r, c)));
    }
  }
  return out;
}

Result<Report> EvalReportFromCountsCsv(const RuleSet& rules, const std::string& csv_path,
                                       const EvalOptions& options) {
  DataOptions data;
  data.format = "csv";
  auto cursor = RowCursor::Open(csv_path, data);
  if (!cursor.ok()) return cursor.status();
  SqlRows rows;
  rows.columns = (*cursor)->header();
  for (;;) {
    auto more = (*cursor)->Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    auto& row = rows.rows.emplace_back();
    // CSV cannot tell NULL from an empty string; only `label` and `pattern` can be either, and
    // both are read the same way.
    for (size_t c = 0; c < (*cursor)->cells().size(); ++c)
      row.emplace_back(std::string((*cursor)->cells()[c]));
  }
  return ReportFromRows(rules, rows, csv_path, csv_path, options, 2);
}

Result<Report> EvalReportFromDatabase(const RuleSet& rules, const std::string& database,
                                      const std::string& table, const EvalOptions& options) {
  SqlOptions sql_options;
  sql_options.mode = SqlMode::kEval;
  sql_options.table = table;
  const bool sqlite = database.rfind("sqlite:", 0) == 0;
  const bool postgres = database.rfind("postgresql:", 0) == 0 ||
                        database.rfind("postgres:", 0) == 0 ||
                        database.find('=') != std::string::npos;
  if (!sqlite && !postgres) {
    return InvalidArgument(
        fmt::format("--db '{}': error: expected sqlite:PATH or a PostgreSQL connection string "
                    "(postgresql://... or 'host=... dbname=...')",
                    database));
  }
  sql_options.dialect = sqlite ? SqlDialect::kSqlite : SqlDialect::kPostgres;
  auto sql = CompileToSql(rules, sql_options);
  if (!sql.ok()) return sql.status();
  Result<SqlRows> rows = SqlRows{};
  std::string display;
  if (sqlite) {
    const std::string path = database.substr(7);
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, SqliteCloser> db(raw);
    if (rc != SQLITE_OK) {
      return NotFound(fmt::format("{}: error: cannot open the SQLite database: {}", path,
                                  raw ? sqlite3_errmsg(raw) : "out of memory"));
    }
    if (Status s = RegisterRe2Regexp(db.get()); !s.ok()) return s;
    rows = QuerySqlite(db.get(), *sql);
    display = fmt::format("{} (SQLite table {})", path, table);
  } else {
    rows = QueryPostgres(database, *sql);
    display = fmt::format("PostgreSQL table {}", table);
  }
  if (!rows.ok()) return rows.status();
  return ReportFromRows(rules, *rows, display, display, options, 1);
}

}  // namespace hunch
