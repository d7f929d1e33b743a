// `hunch report`: renders a saved JSON report (hunch eval, compare or diff --format json) again,
// by default as the self-contained HTML page, without reading the data or the rules.
#include "hunch/report.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "hunch/compare.h"

namespace hunch::cli {

void AddReport(CLI::App& app, Runner* run) {
  struct Args {
    std::string input, output, format = "html";
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub =
      app.add_subcommand("report", "Render a saved JSON report of hunch eval, compare or diff");
  sub->add_option("REPORT", args->input, "The JSON report; '-' for stdin")->required();
  sub->add_option("-o,--output", args->output, "Write to this file instead of stdout");
  sub->add_option("--format", args->format,
                  "html (default), text, markdown or json (compare and diff: html or json)")
      ->check(CLI::IsMember({"html", "text", "markdown", "json"}));
  sub->footer(
      "Exit status: 0 ok, 2 the file cannot be read or is not a hunch eval, compare or diff JSON\n"
      "report.\n"
      "Examples:\n"
      "  hunch eval examples/fraud/rules.yaml examples/fraud/transactions.csv --format json "
      "-o report.json\n"
      "  hunch report report.json -o report.html\n"
      "  hunch report report.json --format markdown\n"
      "  hunch diff rules.yaml rules_v2.yaml data.csv --format json -o diff.json\n"
      "  hunch report diff.json -o diff.html");
  sub->callback([run, args] {
    *run = [args]() -> int {
      std::string text;
      const std::string name = args->input == "-" ? "<stdin>" : args->input;
      if (args->input == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
      } else {
        std::ifstream in(args->input, std::ios::binary);
        if (!in) {
          std::cerr << fmt::format("{}: error: cannot open the report\n", name);
          return kUsage;
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
      }
      std::string out;
      const SavedReportKind kind = DetectSavedReport(text);
      if (kind == SavedReportKind::kComparison || kind == SavedReportKind::kDiff) {
        const char* what = kind == SavedReportKind::kDiff ? "diff" : "compare";
        if (args->format == "text" || args->format == "markdown") {
          std::cerr << fmt::format(
              "{}: error: a saved hunch {} report renders as html or json only; run hunch {} "
              "--format {} for {}\n",
              name, what, what, args->format, args->format);
          return kUsage;
        }
        auto page = SavedComparisonToHtml(text, name);  // checks every field, for json too
        if (!page.ok()) {
          std::cerr << page.status().message() << "\n";
          return kUsage;
        }
        out = args->format == "json" ? text : *page;
      } else {
        auto report = ReportFromJson(text, name);
        if (!report.ok()) {
          std::cerr << report.status().message() << "\n";
          if (kind == SavedReportKind::kUnknown) {
            std::cerr << "hunch report renders the JSON of hunch eval, compare or diff "
                         "(--format json)\n";
          }
          return kUsage;
        }
        out = args->format == "json"       ? ReportToJson(*report)
              : args->format == "text"     ? ReportToText(*report)
              : args->format == "markdown" ? ReportToMarkdown(*report)
                                           : ReportToHtml(*report);
      }
      if (args->output.empty()) {
        std::cout << out;
        return kOk;
      }
      std::ofstream file(args->output, std::ios::binary);
      file << out;
      if (!file) {
        std::cerr << fmt::format("{}: error: cannot write the report\n", args->output);
        return kUsage;
      }
      return kOk;
    };
  });
}

}  // namespace hunch::cli
