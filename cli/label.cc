// `hunch label`: training labels for unlabeled data, from the rules as labeling functions.
#include "hunch/label.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"

namespace hunch::cli {
namespace {

std::string Share(int64_t n, int64_t total) {
  return fmt::format("{} ({:.1f}%)", n, total > 0 ? 100.0 * n / total : 0.0);
}

void PrintSummary(const LabelSummary& s, const LabelOptions& o, const std::string& out) {
  std::string text =
      fmt::format("policy {} (tie_break {}): {} rows read", s.policy, s.tie_break, s.rows);
  if (s.bad_rows > 0) text += fmt::format(", {} malformed rows skipped", s.bad_rows);
  text += fmt::format("\n  labeled {}", Share(s.labeled, s.rows));
  for (size_t c = 0; c < s.classes.size(); ++c)
    text += fmt::format("{} {} {}", c ? "," : ":", s.classes[c], s.per_class[c]);
  text += fmt::format("\n  abstained {}: no vote {}, tie {}", Share(s.abstained, s.rows), s.no_vote,
                      s.abstained - s.no_vote);
  if (s.ties > 0) text += fmt::format(" ({} tied rows in all)", s.ties);
  text += o.matrix         ? "\n  label matrix: every row written"
          : o.keep_abstain ? "\n  abstained rows kept (empty label)"
                           : "\n  abstained rows dropped";
  if (s.label_model) {
    text +=
        fmt::format("\n  label model: {} after {} iterations, log-likelihood {:.6f} per row",
                    s.converged ? "converged" : "DID NOT CONVERGE", s.iterations, s.log_likelihood);
    text += "\n  estimated class balance:";
    for (size_t c = 0; c < s.classes.size(); ++c)
      text += fmt::format(" {} {:.4f}", s.classes[c], s.class_balance[c]);
  }
  text += "\n  rule                      votes  estimated accuracy";
  for (size_t j = 0; j < s.rules.size(); ++j) {
    text += fmt::format("\n  {:<24} {:>6}  {}", s.rules[j], s.rule_votes[j],
                        s.rule_accuracy[j] ? fmt::format("{:.4f}", *s.rule_accuracy[j]) : "-");
  }
  text += fmt::format("\n{} rows written to {} in {:.2f} s\n", s.written,
                      out == "-" ? "stdout" : out, s.seconds);
  std::cerr << text;
}

}  // namespace

void AddLabel(CLI::App& app, Runner* run) {
  struct Args {
    std::string rules, data, output, input_format = "auto";
    LabelOptions options;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "label", "Label unlabeled data with the rules as labeling functions (weak supervision)");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option("DATA", args->data, "Data: CSV or JSONL, optionally .gz; no label column needed")
      ->required();
  sub->add_option("-o,--output", args->output, "Output CSV ('-' for stdout)")->required();
  sub->add_option("--input-format", args->input_format, "csv, jsonl or auto (by extension)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_flag("--probabilities", args->options.probabilities,
                "Add a p_CLASS column per class (the policy's probabilities)");
  sub->add_flag("--keep-abstain", args->options.keep_abstain,
                "Keep rows that get no label (empty label cell) instead of dropping them");
  sub->add_flag("--matrix", args->options.matrix,
                "Write Snorkel's label matrix instead: a column per rule, -1 abstain, else the "
                "class index (order of classes:)");
  sub->add_option("--id-column", args->options.id_column,
                  "Copy this column of the data into the output beside the row number");
  sub->add_option("--max-iterations", args->options.max_iterations,
                  "Label model: EM iterations at most")
      ->check(CLI::Range(1, 1000000));
  sub->add_option("--tolerance", args->options.tolerance,
                  "Label model: converged when no parameter moves more than this")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--skip-bad-rows", args->options.skip_bad_rows,
                "Count and skip malformed rows instead of stopping");
  sub->add_flag("-q,--quiet", args->quiet, "No summary on stderr");
  sub->footer(
      "Exit status: 0 ok, 1 rule-file errors, 2 usage, I/O or data errors.\n"
      "Examples:\n"
      "  hunch label examples/sms_spam/vote.yaml ../shared/data/sms_spam.csv -o labels.csv\n"
      "  hunch label rules.yaml unlabeled.csv -o L.csv --matrix");
  sub->callback([run, args] {
    *run = [args]() -> int {
      if (args->options.matrix && (args->options.probabilities || args->options.keep_abstain ||
                                   !args->options.id_column.empty())) {
        std::cerr << "hunch label: error: --matrix writes every row and only the votes: it does "
                     "not take --probabilities, --keep-abstain or --id-column\n";
        return kUsage;
      }
      if (args->data == "-") {
        std::cerr << "hunch label: error: DATA must be a file: it is read twice (the column "
                     "types, then the rows)\n";
        return kUsage;
      }
      args->options.data.format = args->input_format;
      std::vector<Diagnostic> diags;
      auto rs = LoadRuleSetForData(args->rules, args->data, args->options.data,
                                   LoadOptions{.lint = false}, &diags);
      // The label column is not needed here: its warning would only be noise.
      std::erase_if(diags, [](const Diagnostic& d) { return d.code == "label-not-in-data"; });
      if (!rs.ok()) {
        std::cerr << FormatDiagnostics(diags, isatty(STDERR_FILENO) != 0);
        std::cerr << rs.status().message() << "\n";
        return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
      }
      auto summary = LabelFile(**rs, args->data, args->output, args->options);
      if (!summary.ok()) {
        std::cerr << summary.status().message() << "\n";
        return kUsage;
      }
      if (!args->quiet) PrintSummary(*summary, args->options, args->output);
      return kOk;
    };
  });
}

}  // namespace hunch::cli
