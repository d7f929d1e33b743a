// Entry point of the `hunch` tool: dispatches to the subcommands.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "hunch: rules first, a benchmark to beat, and the data for the model that beats it.\n"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  hunch check examples/fraud/rules.yaml --data examples/fraud/transactions.csv\n"
      "  hunch explain examples/fraud/rules.yaml --row '{\"amount\": 7200, \"account_age_days\": "
      "3}'\n"
      "  hunch eval examples/fraud/rules.yaml examples/fraud/transactions.csv\n"
      "  hunch eval examples/fraud/rules.yaml examples/fraud/transactions.csv --format html -o "
      "report.html\n"
      "  hunch report report.json -o report.html\n"
      "  hunch predict examples/fraud/rules.yaml examples/fraud/transactions.csv --log logs/\n"
      "  hunch dataset --log logs/ --labels labels.csv -o train.csv\n"
      "Run 'hunch COMMAND --help' for a command's options and more examples.");
  hunch::cli::Runner run;
  hunch::cli::AddCheck(app, &run);
  hunch::cli::AddExplain(app, &run);
  hunch::cli::AddEval(app, &run);
  hunch::cli::AddPredict(app, &run);
  hunch::cli::AddDataset(app, &run);
  hunch::cli::AddSql(app, &run);
  hunch::cli::AddLabel(app, &run);
  hunch::cli::AddServe(app, &run);
  hunch::cli::AddReport(app, &run);
  hunch::cli::AddCompare(app, &run);
  hunch::cli::AddDiff(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return hunch::cli::kUsage;
  }
  return run ? run() : hunch::cli::kUsage;
}
