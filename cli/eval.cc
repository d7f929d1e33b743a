// `hunch eval`: the benchmark report of a rule set on labeled data.
#include "hunch/eval.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "hunch/compare.h"
#include "hunch/sql.h"

namespace hunch::cli {
namespace {

// Schema inference reads the start of the data and evaluation reads it all, so stdin is first
// spooled to a temporary file (streamed, so memory stays bounded).
Result<std::string> SpoolStdin() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string path = (dir / fmt::format("hunch-stdin-{}", getpid())).string();
  std::ofstream out(path, std::ios::binary);
  if (!out)
    return IoError(fmt::format("{}: error: cannot create a temporary file for stdin", path));
  out << std::cin.rdbuf();
  if (!out.good() && std::cin.peek() != EOF) return IoError("<stdin>: error: cannot copy stdin");
  return path;
}

struct Threshold {
  std::string metric;
  double value = 0;
};

}  // namespace

void AddEval(CLI::App& app, Runner* run) {
  struct Args {
    std::string rules, data, format = "text", output, input_format = "auto", save_baseline;
    std::string from_counts, db, table = "data";  // the counts of `hunch sql --mode eval`
    EvalOptions options;
    std::vector<std::string> fail_under;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub =
      app.add_subcommand("eval", "Evaluate rules on labeled data: the benchmark report");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option(
      "DATA", args->data,
      "Labeled data: CSV or JSONL, optionally .gz; '-' for stdin. With --from-counts or --db: "
      "optional, read only for the column types (as hunch sql --data)");
  auto* counts_option = sub->add_option(
      "--from-counts", args->from_counts,
      "The report from the CSV result of the query of `hunch sql --mode eval` (docs/scale-out.md)");
  auto* db_option = sub->add_option(
      "--db", args->db,
      "Run the eval query in this database: sqlite:PATH, or a PostgreSQL connection string");
  sub->add_option("--table", args->table, "With --db: the table (default: data)");
  counts_option->excludes(db_option);
  sub->add_option("--format", args->format,
                  "text, json, markdown or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}));
  sub->add_option("-o,--output", args->output, "Write the report to this file instead of stdout");
  sub->add_option("--input-format", args->input_format, "csv, jsonl or auto (by extension)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--bootstrap", args->options.bootstrap,
                  "Bootstrap resamples for 95% intervals (0: off)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--seed", args->options.seed, "Seed of the bootstrap");
  sub->add_option("--threads", args->options.threads,
                  "Threads for CSV input (0: all cores); results do not depend on it")
      ->check(CLI::Range(0, 256));
  sub->add_option("--slice-by", args->options.slice_by,
                  "Report metrics per value of this column (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--shadow-column", args->options.shadow_column,
                  "Column with an existing system's decisions, scored beside the rules");
  sub->add_flag("--skip-bad-rows", args->options.skip_bad_rows,
                "Count and skip malformed rows instead of stopping");
  sub->add_option("--save-baseline", args->save_baseline,
                  "Also write the benchmark (report, rule file, data fingerprint) to this file, "
                  "for 'hunch compare --baseline'");
  sub->add_option("--fail-under", args->fail_under,
                  "METRIC=VALUE: exit 3 when the metric is below (repeatable)")
      ->allow_extra_args(false);
  sub->footer(fmt::format(
      "Metrics for --fail-under: {}.\n"
      "Exit status: 0 ok, 1 rule-file errors, 2 usage, I/O or data errors, 3 a --fail-under "
      "threshold missed.\n"
      "Examples:\n"
      "  hunch eval examples/titanic/rules.yaml ../shared/data/titanic.csv\n"
      "  hunch eval rules.yaml data.jsonl.gz --format json -o report.json --slice-by country\n"
      "  hunch eval rules.yaml data.csv --fail-under accuracy=0.8 --bootstrap 0\n"
      "  hunch eval rules.yaml --db postgresql:///warehouse --table transactions\n"
      "  hunch eval rules.yaml data.csv --format html -o report.html",
      fmt::join(ReportMetricNames(), ", ")));
  sub->callback([run, args] {
    *run = [args]() -> int {
      std::vector<Threshold> thresholds;
      for (const auto& spec : args->fail_under) {
        auto eq = spec.find('=');
        Threshold t;
        if (eq != std::string::npos) {
          t.metric = spec.substr(0, eq);
          char* end = nullptr;
          t.value = std::strtod(spec.c_str() + eq + 1, &end);
          if (end == spec.c_str() + eq + 1 || *end != '\0') eq = std::string::npos;
        }
        auto names = ReportMetricNames();
        if (eq == std::string::npos ||
            std::find(names.begin(), names.end(), t.metric) == names.end()) {
          std::cerr << fmt::format(
              "hunch eval: error: --fail-under '{}': expected METRIC=VALUE with METRIC one of {}\n",
              spec, fmt::join(names, ", "));
          return kUsage;
        }
        thresholds.push_back(t);
      }
      const bool remote = !args->from_counts.empty() || !args->db.empty();
      if (!remote && args->data.empty()) {
        std::cerr << "hunch eval: error: DATA is required (or --from-counts FILE, or --db)\n";
        return kUsage;
      }
      if (remote && !args->options.slice_by.empty()) {
        std::cerr << "hunch eval: error: --slice-by needs the data; with --from-counts or --db, "
                     "declare slices in the rule file\n";
        return kUsage;
      }
      if (remote && !args->options.shadow_column.empty()) {
        std::cerr << "hunch eval: error: --shadow-column needs the data (not with --from-counts "
                     "or --db)\n";
        return kUsage;
      }
      std::string data = args->data;
      std::string spooled;
      if (data == "-") {
        auto path = SpoolStdin();
        if (!path.ok()) {
          std::cerr << path.status().message() << "\n";
          return kUsage;
        }
        spooled = data = *path;
      }
      struct Cleanup {
        std::string path;
        ~Cleanup() {
          if (!path.empty()) std::remove(path.c_str());
        }
      } cleanup{spooled};
      args->options.data.format = args->input_format;
      std::vector<Diagnostic> diags;
      Result<std::shared_ptr<const RuleSet>> rs = Status();
      if (data.empty()) {
        rs = RuleSet::Load(args->rules, LoadOptions{.lint = false}, &diags);
      } else {
        rs = LoadRuleSetForData(args->rules, data, args->options.data, LoadOptions{.lint = false},
                                &diags);
      }
      if (!rs.ok()) {
        std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
        std::cerr << rs.status().message() << "\n";
        return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
      }
      for (const auto& t : thresholds) {
        if ((t.metric == "precision" || t.metric == "recall" || t.metric == "f1") &&
            (*rs)->positive_class() < 0) {
          std::cerr << fmt::format(
              "hunch eval: error: --fail-under {}: the rule file names no 'positive' class\n",
              t.metric);
          return kUsage;
        }
      }
      const bool tty = isatty(STDERR_FILENO) != 0;
      const auto started = std::chrono::steady_clock::now();
      bool printed_progress = false;
      if (tty) {
        args->options.progress = [&](int64_t rows, uint64_t bytes) {
          double s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          if (s < 2.0) return;
          std::cerr << fmt::format("\r{} rows, {:.0f} MB, {:.0f} MB/s   ", rows, bytes / 1e6,
                                   bytes / 1e6 / s);
          printed_progress = true;
        };
      }
      auto report = !args->from_counts.empty()
                        ? EvalReportFromCountsCsv(**rs, args->from_counts, args->options)
                    : !args->db.empty()
                        ? EvalReportFromDatabase(**rs, args->db, args->table, args->options)
                        : EvaluateFile(**rs, data, args->options);
      if (printed_progress) std::cerr << "\n";
      if (!report.ok()) {
        std::string message = report.status().message();
        if (!spooled.empty()) {
          for (size_t p; (p = message.find(spooled)) != std::string::npos;)
            message.replace(p, spooled.size(), "<stdin>");
        }
        std::cerr << message << "\n";
        return kUsage;
      }
      if (!spooled.empty()) report->data_path = "<stdin>";
      std::string text = args->format == "json"       ? ReportToJson(*report)
                         : args->format == "markdown" ? ReportToMarkdown(*report)
                         : args->format == "html"
                             ? ReportToHtml(*report)
                             : ReportToText(*report, args->output.empty() && isatty(STDOUT_FILENO));
      if (!WriteOutput(args->output, text, "report")) return kUsage;
      if (!args->save_baseline.empty()) {
        auto sha = FileSha256(data);
        std::ifstream rules_in(args->rules, std::ios::binary);
        std::stringstream source;
        source << rules_in.rdbuf();
        if (!sha.ok() || !rules_in) {
          std::cerr << (sha.ok() ? fmt::format("{}: error: cannot read the rule file", args->rules)
                                 : sha.status().message())
                    << "\n";
          return kUsage;
        }
        std::ofstream out(args->save_baseline, std::ios::binary);
        out << BaselineToJson(*report, args->rules, source.str(), *sha);
        if (!out) {
          std::cerr << fmt::format("{}: error: cannot write the baseline\n", args->save_baseline);
          return kUsage;
        }
      }
      int status = kOk;
      for (const auto& t : thresholds) {
        auto v = ReportMetric(*report, t.metric);
        if (!v) {
          std::cerr << fmt::format(
              "hunch eval: error: metric '{}' needs a binary rule set with 'positive'{}\n",
              t.metric,
              t.metric == "roc_auc" || t.metric == "average_precision"
                  ? " whose rules carry a confidence, and both classes in the data"
                  : "");
          return kUsage;
        }
        if (*v < t.value) {
          std::cerr << fmt::format("fail: {} = {:.4f} is below {}\n", t.metric, *v, t.value);
          status = kBelowThreshold;
        }
      }
      return status;
    };
  });
}

}  // namespace hunch::cli
