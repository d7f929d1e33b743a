// `hunch sql`: the rule set compiled to a SQL query for a database.
#include "hunch/sql.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "hunch/data.h"

namespace hunch::cli {

void AddSql(CLI::App& app, Runner* run) {
  struct Args {
    std::string rules, data, dialect, mode = "predict", output, input_format = "auto";
    SqlOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "sql", "Compile the rules to SQL: predictions or eval counts computed in a database");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option("--dialect", args->dialect, "postgres, sqlite, duckdb, spark, bigquery or trino")
      ->required()
      ->check(CLI::IsMember(SqlDialectNames()));
  sub->add_option("--table", args->options.table,
                  "Table (or schema.table) holding one typed column per input (default: data)");
  sub->add_option("--mode", args->mode,
                  "predict: the rows with rule, prediction, confidence; eval: the counts for "
                  "hunch eval --from-counts")
      ->check(CLI::IsMember({"predict", "eval"}));
  sub->add_option("--data", args->data,
                  "Column names and types from this data file's header and first rows (else "
                  "from `inputs:`)");
  sub->add_option("--input-format", args->input_format, "Data format: csv, jsonl or auto")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("-o,--output", args->output, "Write the query to this file instead of stdout");
  sub->footer(
      "Exit status: 0 ok, 1 rule-file errors, 2 usage or I/O errors, or a construct the dialect "
      "cannot express exactly.\n"
      "Examples:\n"
      "  hunch sql examples/fraud/rules.yaml --dialect postgres --table transactions\n"
      "  hunch sql rules.yaml --data sample.csv --dialect spark --mode eval -o counts.sql\n"
      "See docs/scale-out.md.");
  sub->callback([run, args] {
    *run = [args]() -> int {
      std::vector<Diagnostic> diags;
      Result<std::shared_ptr<const RuleSet>> rs = Status();
      if (args->data.empty()) {
        rs = RuleSet::Load(args->rules, LoadOptions{.lint = false}, &diags);
      } else {
        DataOptions dopts;
        dopts.format = args->input_format;
        rs = LoadRuleSetForData(args->rules, args->data, dopts, LoadOptions{.lint = false}, &diags);
      }
      if (!rs.ok()) {
        std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
        std::cerr << rs.status().message() << "\n";
        return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
      }
      args->options.dialect = *ParseSqlDialect(args->dialect);
      args->options.mode = args->mode == "eval" ? SqlMode::kEval : SqlMode::kPredict;
      auto sql = CompileToSql(**rs, args->options);
      if (!sql.ok()) {
        std::cerr << sql.status().message() << "\n";
        return kUsage;
      }
      if (args->output.empty()) {
        std::cout << *sql;
        return kOk;
      }
      std::ofstream out(args->output, std::ios::binary);
      out << *sql;
      if (!out) {
        std::cerr << fmt::format("{}: error: cannot write the query\n", args->output);
        return kUsage;
      }
      return kOk;
    };
  });
}

}  // namespace hunch::cli
