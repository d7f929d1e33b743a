// Compiling a rule set to SQL, so a database evaluates the rules where the data lives, and the
// eval report built from the counts such a query returns. docs/scale-out.md has the workflow and
// the contract for the table (one typed column per input, NULL for missing).
#ifndef HUNCH_SQL_H_
#define HUNCH_SQL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/eval.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

enum class SqlDialect { kPostgres, kSqlite, kDuckDb, kSpark, kBigQuery, kTrino };

// "postgres", "sqlite", "duckdb", "spark", "bigquery", "trino"; nullopt for another name.
std::optional<SqlDialect> ParseSqlDialect(std::string_view name);
std::string_view SqlDialectName(SqlDialect dialect);
std::vector<std::string> SqlDialectNames();

enum class SqlMode {
  kPredict,  // SELECT t.*, rule, prediction, confidence FROM table (first match)
  kEval,     // the counts that EvalReportFromCounts turns into the eval report
};

struct SqlOptions {
  SqlDialect dialect = SqlDialect::kPostgres;
  SqlMode mode = SqlMode::kPredict;
  std::string table = "data";        // dots separate parts (schema.table); each part is quoted
  size_t max_query_bytes = 8 << 20;  // a larger query is an error rather than a surprise
};

// The query for `rules` (which must have a known schema: `inputs:` or data). Fails with
// kInvalidArgument naming the rule and the construct when the dialect cannot express a construct
// exactly (e.g. a regex feature its engine lacks), never with a query that means something else.
Result<std::string> CompileToSql(const RuleSet& rules, const SqlOptions& options);

// The column names of an eval-mode query's result, in order.
const std::vector<std::string>& SqlCountColumns();

// The eval report from the rows of an eval-mode query saved as CSV with a header (as `psql --csv`
// or `spark-sql` output converted to CSV writes them). `source` names the data in the report.
// Figures equal a local `EvaluateFile` run; docs/scale-out.md lists what differs (slice order).
Result<Report> EvalReportFromCountsCsv(const RuleSet& rules, const std::string& csv_path,
                                       const EvalOptions& options);

// Runs the eval query for `options.table` in a database and builds the report: `database` is
// "sqlite:PATH" (a REGEXP function backed by RE2 is registered) or a PostgreSQL connection string
// ("postgresql://..." or "host=... dbname=..."; it must start with "postgresql:" or "postgres:"
// or contain '=').
Result<Report> EvalReportFromDatabase(const RuleSet& rules, const std::string& database,
                                      const std::string& table, const EvalOptions& options);

}  // namespace hunch

#endif  // HUNCH_SQL_H_
