// `hunch diff`: what changed between two versions of a rule set on the same labeled data.
#include "hunch/diff.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"

namespace hunch::cli {

void AddDiff(CLI::App& app, Runner* run) {
  struct Args {
    std::string old_rules, new_rules, data, format = "text", output, input_format = "auto";
    DiffOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub =
      app.add_subcommand("diff", "What changed between two versions of the rules on the same data");
  sub->add_option("OLD", args->old_rules, "The old rule file")->required();
  sub->add_option("NEW", args->new_rules, "The new rule file")->required();
  sub->add_option("DATA", args->data, "Labeled data: CSV or JSONL, optionally .gz")->required();
  sub->add_option("--format", args->format,
                  "text, json, markdown or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}));
  sub->add_option("-o,--output", args->output, "Write the diff to this file");
  sub->add_option("--input-format", args->input_format, "csv, jsonl or auto (by extension)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--sample", args->options.sample_rows, "Changed rows to show (default 10)")
      ->check(CLI::Range(0, 100000));
  sub->add_option("--id-column", args->options.eval.key_column,
                  "Show this column beside each sampled row");
  sub->add_option("--metric", args->options.metric, "Metric of the verdict (default: macro_f1)");
  sub->add_option("--bootstrap", args->options.eval.bootstrap,
                  "Paired bootstrap resamples for the 95% intervals (0: off)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--seed", args->options.eval.seed, "Seed of the bootstrap and of the sample");
  sub->add_option("--threads", args->options.eval.threads, "Threads for CSV input (0: all cores)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--slice-by", args->options.eval.slice_by,
                  "Also compare per value of this column (repeatable)")
      ->allow_extra_args(false);
  sub->footer(
      "Exit status: 0 ok, 1 rule-file errors, 2 usage, I/O or data errors.\n"
      "Examples:\n"
      "  hunch diff rules_v1.yaml rules_v2.yaml data.csv --id-column id\n"
      "  hunch diff rules_v1.yaml rules_v2.yaml data.csv --format html -o diff.html");
  sub->callback([run, args] {
    *run = [args]() -> int {
      auto names = ReportMetricNames();
      if (std::find(names.begin(), names.end(), args->options.metric) == names.end()) {
        std::cerr << fmt::format("hunch diff: error: unknown metric '{}'; expected one of {}\n",
                                 args->options.metric, fmt::join(names, ", "));
        return kUsage;
      }
      if (args->data == "-") {
        std::cerr << "hunch diff: error: the data must be a file, not stdin\n";
        return kUsage;
      }
      args->options.eval.data.format = args->input_format;
      std::shared_ptr<const RuleSet> versions[2];
      const std::string* paths[2] = {&args->old_rules, &args->new_rules};
      for (int v = 0; v < 2; ++v) {
        std::vector<Diagnostic> diags;
        auto rs = LoadRuleSetForData(*paths[v], args->data, args->options.eval.data,
                                     LoadOptions{.lint = false}, &diags);
        if (!rs.ok()) {
          std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
          std::cerr << rs.status().message() << "\n";
          return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
        }
        versions[v] = *rs;
      }
      auto d = DiffRuleSets(*versions[0], *versions[1], args->data, args->options);
      if (!d.ok()) {
        std::cerr << d.status().message() << "\n";
        return kUsage;
      }
      const std::string text = args->format == "json"       ? DiffToJson(*d)
                               : args->format == "markdown" ? DiffToMarkdown(*d)
                               : args->format == "html"
                                   ? DiffToHtml(*d)
                                   : DiffToText(*d, args->output.empty() && isatty(STDOUT_FILENO));
      if (!WriteOutput(args->output, text, "diff")) return kUsage;
      return kOk;
    };
  });
}

}  // namespace hunch::cli
