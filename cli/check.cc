// `hunch check`: load and type-check a rule file (optionally against data), print diagnostics.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "hunch/data.h"
#include "hunch/ruleset.h"

namespace hunch::cli {

void AddCheck(CLI::App& app, Runner* run) {
  struct Args {
    std::string rules, data, format = "text", input_format = "auto";
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand("check", "Load, type-check and lint a rule file");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option("--data", args->data,
                  "Check column names and types against this data file's header and first rows");
  sub->add_option("--format", args->format, "Diagnostics as 'text' or 'json'")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--input-format", args->input_format, "Data format: csv, jsonl or auto")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->footer(
      "Exit status: 0 clean (warnings allowed), 1 errors in the rule file, 2 usage or I/O errors.\n"
      "Example:\n  hunch check examples/titanic/rules.yaml --data ../shared/data/titanic.csv");
  sub->callback([run, args] {
    *run = [args] {
      std::vector<Diagnostic> diags;
      Result<std::shared_ptr<const RuleSet>> rs = Status();
      if (args->data.empty()) {
        rs = RuleSet::Load(args->rules, LoadOptions{}, &diags);
      } else {
        DataOptions dopts;
        dopts.format = args->input_format;
        rs = LoadRuleSetForData(args->rules, args->data, dopts, LoadOptions{}, &diags);
      }
      if (!rs.ok() && rs.status().code() != StatusCode::kRuleError) {
        std::cerr << rs.status().message() << "\n";
        return kUsage;
      }
      if (args->format == "json") {
        std::cout << DiagnosticsToJson(diags) << "\n";
      } else {
        std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
        if (rs.ok()) {
          const RuleSet& r = **rs;
          std::cout << "ok: " << r.name() << ": " << r.rules().size() << " rules, "
                    << r.class_names().size() << " classes, sha256 " << r.sha256().substr(0, 12)
                    << (r.schema_known()
                            ? ""
                            : " (columns not type-checked: pass --data or declare inputs)")
                    << "\n";
        }
      }
      return rs.ok() ? kOk : kErrors;
    };
  });
}

}  // namespace hunch::cli
