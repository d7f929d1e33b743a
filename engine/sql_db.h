// Internal to the engine (the facade is hunch/sql.h): running generated SQL in SQLite and
// PostgreSQL, and the rows of an eval-mode query turned into the eval report's totals.
#ifndef HUNCH_ENGINE_SQL_DB_H_
#define HUNCH_ENGINE_SQL_DB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hunch/status.h"

struct sqlite3;

namespace hunch {

// A result set as text: NULL is nullopt.
struct SqlRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Registers regexp(PATTERN, TEXT), which SQLite's `TEXT REGEXP PATTERN` calls: an RE2 search,
// with each pattern compiled once per statement, as the engine's matches().
Status RegisterRe2Regexp(sqlite3* db);

// Runs `sql` and returns every row as text (SQLite's own text of each value).
Result<SqlRows> QuerySqlite(sqlite3* db, const std::string& sql);

// Connects with a libpq connection string, runs `sql`, returns every row as text.
Result<SqlRows> QueryPostgres(const std::string& conninfo, const std::string& sql);

}  // namespace hunch

#endif  // HUNCH_ENGINE_SQL_DB_H_
