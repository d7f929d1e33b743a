// `hunch explain`: show how every rule evaluates on one row, sub-expression by sub-expression.
#include <iostream>

#include "cli/commands.h"
#include "hunch/data.h"
#include "hunch/label.h"
#include "hunch/ruleset.h"

namespace hunch::cli {

void AddExplain(CLI::App& app, Runner* run) {
  struct Args {
    std::string rules, row, data, input_format = "auto";
    int64_t row_number = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand("explain", "Show why a row gets its prediction");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  auto* row = sub->add_option("--row", args->row, "The row as a JSON object");
  auto* data = sub->add_option(
      "--data", args->data,
      "A data file to take the row from (with --row-number), or to type --row's cells");
  sub->add_option("--row-number", args->row_number, "1-based data row of --data (header excluded)")
      ->needs(data)
      ->excludes(row);
  sub->add_option("--input-format", args->input_format, "Data format: csv, jsonl or auto")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->footer(
      "Examples:\n"
      "  hunch explain rules.yaml --row '{\"amount\": 7200, \"account_age_days\": 12}'\n"
      "  hunch explain examples/titanic/rules.yaml --data ../shared/data/titanic.csv --row-number "
      "2");
  sub->callback([run, args] {
    *run = [args] {
      if (args->row.empty() && args->row_number <= 0) {
        std::cerr << "hunch explain: error: give --row JSON, or --data FILE with --row-number N\n";
        return kUsage;
      }
      std::vector<Diagnostic> diags;
      Result<std::shared_ptr<const RuleSet>> rs = Status();
      DataOptions dopts;
      dopts.format = args->input_format;
      LoadOptions lopts;
      lopts.lint = false;
      if (args->data.empty())
        rs = RuleSet::Load(args->rules, lopts, &diags);
      else
        rs = LoadRuleSetForData(args->rules, args->data, dopts, lopts, &diags);
      if (!rs.ok()) {
        std::cerr << FormatDiagnostics(diags);
        std::cerr << rs.status().message() << "\n";
        return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
      }
      std::vector<std::string> storage, ignored;
      Result<RawRow> raw = args->row_number > 0
                               ? ReadDataRow(args->data, args->row_number, **rs, dopts, &storage)
                               : RowFromJson(args->row, **rs, &storage, &ignored);
      if (!raw.ok()) {
        std::cerr << raw.status().message() << "\n";
        return kUsage;
      }
      for (const auto& k : ignored) {
        std::cerr << "note: field '" << k << "' is not a column the rules read; ignored\n";
      }
      // With data, label_model and tie_break prior are fitted on it, as eval and label do.
      std::shared_ptr<const RuleSet> explained = *rs;
      if ((*rs)->needs_fit() && !args->data.empty()) {
        LabelOptions lo;
        lo.data = dopts;
        auto fitted = FitRuleSet(**rs, args->data, lo);
        if (!fitted.ok()) {
          std::cerr << fitted.status().message() << "\n";
          return kUsage;
        }
        explained = *fitted;
      }
      std::cout << explained->Explain(*raw);
      return kOk;
    };
  });
}

}  // namespace hunch::cli
