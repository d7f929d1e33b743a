// `hunch compare`: the rules against a model's predictions on the same labeled rows.
#include "hunch/compare.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"

namespace hunch::cli {

void AddCompare(CLI::App& app, Runner* run) {
  struct Args {
    std::vector<std::string> positional;
    std::string format = "text", output, input_format = "auto", baseline, require;
    bool allow_different_data = false;
    CompareOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "compare", "Compare a model's predictions with the rules on the same labeled rows");
  sub->add_option("RULES DATA", args->positional,
                  "Rule file and labeled data (with --baseline: the data only, or both)")
      ->required()
      ->expected(1, 2);
  sub->add_option("-p,--predictions", args->options.predictions_path,
                  "The model's predictions: CSV or JSONL, one per data row")
      ->required();
  sub->add_option("--prediction-column", args->options.prediction_column,
                  "Column of the predictions: class names or label values (default: prediction)");
  sub->add_option("--score-column", args->options.score_column,
                  "Column of the model's probability of the positive class (binary rule sets)");
  sub->add_option("--id-column", args->options.id_column,
                  "Join predictions to data rows on this column of both (default: row order)");
  sub->add_option("--predictions-format", args->options.predictions_format,
                  "csv, jsonl or auto (by extension)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--baseline", args->baseline,
                  "A baseline from 'hunch eval --save-baseline': refuse other data; RULES may be "
                  "left out (the baseline holds them)");
  sub->add_flag("--allow-different-data", args->allow_different_data,
                "Compare even when the data is not the baseline's");
  sub->add_option("--metric", args->options.metric,
                  "Metric of the verdict (default: macro_f1, or the --require metric)");
  sub->add_option("--require", args->require,
                  "Exit 3 unless the model is significantly better than the rules on METRIC");
  sub->add_option("--format", args->format,
                  "text, json, markdown or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}));
  sub->add_option("-o,--output", args->output, "Write the comparison to this file");
  sub->add_option("--input-format", args->input_format, "Data format: csv, jsonl or auto")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--bootstrap", args->options.eval.bootstrap,
                  "Paired bootstrap resamples for the 95% intervals (0: off, no verdict)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--seed", args->options.eval.seed, "Seed of the bootstrap");
  sub->add_option("--threads", args->options.eval.threads, "Threads for CSV input (0: all cores)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--slice-by", args->options.eval.slice_by,
                  "Also compare per value of this column (repeatable)")
      ->allow_extra_args(false);
  sub->footer(fmt::format(
      "Metrics for --metric and --require: {}.\n"
      "Exit status: 0 ok, 1 rule-file errors, 2 usage, I/O or data errors, 3 --require not met.\n"
      "Examples:\n"
      "  hunch compare examples/fraud/rules.yaml examples/fraud/transactions.csv \\\n"
      "      --predictions examples/fraud/model_predictions.csv --score-column score\n"
      "  hunch eval rules.yaml data.csv --save-baseline baseline.json\n"
      "  hunch compare --baseline baseline.json data.csv -p model.csv --require macro_f1\n"
      "  hunch compare rules.yaml data.csv -p model.csv --format html -o compare.html",
      fmt::join(ComparisonMetricNames(), ", ")));
  sub->callback([run, args] {
    *run = [args]() -> int {
      CompareOptions& options = args->options;
      auto names = ComparisonMetricNames();
      auto known = [&](const std::string& m) {
        return std::find(names.begin(), names.end(), m) != names.end();
      };
      if (!args->require.empty() && options.metric == "macro_f1") options.metric = args->require;
      for (const std::string& m : {options.metric, args->require}) {
        if (!m.empty() && !known(m)) {
          std::cerr << fmt::format(
              "hunch compare: error: unknown metric '{}'; expected one of {}\n", m,
              fmt::join(names, ", "));
          return kUsage;
        }
      }
      if (!args->require.empty() && options.eval.bootstrap == 0) {
        std::cerr << "hunch compare: error: --require needs the bootstrap intervals; drop "
                     "--bootstrap 0\n";
        return kUsage;
      }
      std::string rules_path, data;
      if (args->positional.size() == 2) {
        rules_path = args->positional[0];
        data = args->positional[1];
      } else if (!args->baseline.empty()) {
        data = args->positional[0];
      } else {
        std::cerr << "hunch compare: error: expected RULES DATA (or --baseline FILE DATA)\n";
        return kUsage;
      }
      if (data == "-" || options.predictions_path == "-") {
        std::cerr << "hunch compare: error: the data and the predictions must be files, not "
                     "stdin\n";
        return kUsage;
      }
      options.eval.data.format = args->input_format;
      std::optional<Baseline> baseline;
      if (!args->baseline.empty()) {
        auto b = ReadBaseline(args->baseline);
        if (!b.ok()) {
          std::cerr << b.status().message() << "\n";
          return kUsage;
        }
        baseline = std::move(*b);
        options.baseline = &*baseline;
        options.allow_different_data = args->allow_different_data;
      } else if (args->allow_different_data) {
        std::cerr << "hunch compare: error: --allow-different-data needs --baseline\n";
        return kUsage;
      }
      std::vector<Diagnostic> diags;
      auto rs = rules_path.empty() ? LoadBaselineRuleSet(*baseline, data, options.eval.data, &diags)
                                   : LoadRuleSetForData(rules_path, data, options.eval.data,
                                                        LoadOptions{.lint = false}, &diags);
      if (!rs.ok()) {
        std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
        std::cerr << rs.status().message() << "\n";
        return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
      }
      auto c = CompareWithPredictions(**rs, data, options);
      if (!c.ok()) {
        std::cerr << c.status().message() << "\n";
        return kUsage;
      }
      if (!args->require.empty() && !FindMetric(*c, args->require)) {
        std::cerr << fmt::format(
            "hunch compare: error: --require {}: the comparison has no such figure (precision, "
            "recall and f1 need a 'positive' class; roc_auc and average_precision need scores "
            "from both)\n",
            args->require);
        return kUsage;
      }
      const std::string text =
          args->format == "json"       ? ComparisonToJson(*c)
          : args->format == "markdown" ? ComparisonToMarkdown(*c)
          : args->format == "html"
              ? ComparisonToHtml(*c)
              : ComparisonToText(*c, args->output.empty() && isatty(STDOUT_FILENO));
      if (!WriteOutput(args->output, text, "comparison")) return kUsage;
      if (!args->require.empty() && !SignificantlyBetter(*c, args->require)) {
        std::cerr << fmt::format(
            "fail: the model is not significantly better than the rules on "
            "{}: {}\n",
            args->require, Verdict(*c, args->require));
        return kBelowThreshold;
      }
      return kOk;
    };
  });
}

}  // namespace hunch::cli
