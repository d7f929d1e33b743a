// Internal to the engine (the facade is hunch/sql.h): rewriting an RE2 pattern for a database's
// regex engine, so that it matches exactly the same strings, or saying which construct cannot be.
#ifndef HUNCH_ENGINE_SQL_REGEX_H_
#define HUNCH_ENGINE_SQL_REGEX_H_

#include <string>
#include <string_view>

namespace hunch {

enum class RegexFlavor {
  kRe2,       // the same engine (SQLite with hunch's REGEXP, DuckDB, BigQuery): kept as is
  kPostgres,  // PostgreSQL's advanced regular expressions (ARE), `~`
  kJava,      // java.util.regex (Spark's RLIKE) and Joni (Trino's regexp_like)
};

// Rewrites `pattern` (a valid RE2 pattern, searched unanchored) for `flavor`. Constructs whose
// meaning differs (`.` and `$` around newlines, `\d` and `\w` under locales) are spelled out;
// ones that cannot be kept exactly (word boundaries, Unicode classes, flags other than a leading
// (?i)) make it return false with `*error` naming the construct.
bool TranslateRegex(std::string_view pattern, RegexFlavor flavor, std::string* out,
                    std::string* error);

}  // namespace hunch

#endif  // HUNCH_ENGINE_SQL_REGEX_H_
