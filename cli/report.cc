// `hunch report`: renders a saved JSON report (hunch eval --format json) again, by default as the
// self-contained HTML page, without reading the data or the rules.
#include "hunch/report.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"

namespace hunch::cli {

void AddReport(CLI::App& app, Runner* run) {
  struct Args {
    std::string input, output, format = "html";
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub =
      app.add_subcommand("report", "Render a saved JSON report (hunch eval --format json)");
  sub->add_option("REPORT", args->input, "The JSON report; '-' for stdin")->required();
  sub->add_option("-o,--output", args->output, "Write to this file instead of stdout");
  sub->add_option("--format", args->format, "html (default), text, markdown or json")
      ->check(CLI::IsMember({"html", "text", "markdown", "json"}));
  sub->footer(
      "Exit status: 0 ok, 2 the file cannot be read or is not a hunch eval JSON report.\n"
      "Examples:\n"
      "  hunch eval examples/fraud/rules.yaml examples/fraud/transactions.csv --format json "
      "-o report.json\n"
      "  hunch report report.json -o report.html\n"
      "  hunch report report.json --format markdown");
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
      auto report = ReportFromJson(text, name);
      if (!report.ok()) {
        std::cerr << report.status().message() << "\n";
        return kUsage;
      }
      std::string out = args->format == "json"       ? ReportToJson(*report)
                        : args->format == "text"     ? ReportToText(*report)
                        : args->format == "markdown" ? ReportToMarkdown(*report)
                                                     : ReportToHtml(*report);
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
