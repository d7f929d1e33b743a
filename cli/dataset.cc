// `hunch dataset`: the prediction log joined with late labels, written as a training set.
#include "hunch/dataset.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"

namespace hunch::cli {

void AddDataset(CLI::App& app, Runner* run) {
  auto o = std::make_shared<DatasetOptions>();
  CLI::App* sub =
      app.add_subcommand("dataset", "Join logged predictions with labels into a training set");
  sub->add_option("--log", o->log_dir, "Prediction log directory (from hunch predict --log)")
      ->required();
  sub->add_option("--labels", o->labels_path,
                  "Labels: CSV or JSONL with columns id, label [, timestamp]")
      ->required();
  sub->add_option("-o,--output", o->output_path,
                  "Training set to write (.csv or .jsonl; '-' for stdout)")
      ->required();
  sub->add_option("--format", o->output_format, "csv, jsonl or auto (by the output's extension)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--join-on", o->join_on,
                  "Log field the label ids match: inference_id (default) or event_id")
      ->check(CLI::IsMember({"inference_id", "event_id"}));
  sub->add_option("--label-column", o->label_column,
                  "Name of the label column (default: the rule file's label)");
  sub->footer(
      "Counts go to stderr. The output is valid input for `hunch eval` with the same rule file.\n"
      "Examples:\n"
      "  hunch dataset --log logs/ --labels labels.csv -o train.csv\n"
      "  hunch eval rules.yaml train.csv --slice-by hunch_ruleset_version");
  sub->callback([run, o] {
    *run = [o] {
      auto st = BuildDataset(*o);
      if (!st.ok()) {
        std::cerr << st.status().message() << "\n";
        return kUsage;
      }
      for (const auto& w : st->warnings) std::cerr << w << "\n";
      std::cerr << fmt::format(
          "predictions {}, labeled {} (written), unlabeled {}, without {} {}, label rows {}, "
          "duplicate labels {} "
          "(latest wins), labels with no prediction {}, torn log lines skipped {}\n",
          st->predictions, st->labeled, st->unlabeled, o->join_on, st->no_join_key, st->labels,
          st->duplicate_labels, st->orphan_labels, st->torn_lines);
      if (st->shadow_records > 0) {
        std::cerr << fmt::format(
            "shadow: {} predictions with the existing system's decision, rules agree on {} "
            "({:.4f})\n",
            st->shadow_records, st->shadow_agreements,
            static_cast<double>(st->shadow_agreements) / static_cast<double>(st->shadow_records));
      }
      return kOk;
    };
  });
}

}  // namespace hunch::cli
