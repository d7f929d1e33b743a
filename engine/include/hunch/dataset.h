// Joins the prediction log with ground truth that arrived later into a training set, which is
// also valid input for `hunch eval` with the same rule file.
#ifndef HUNCH_DATASET_H_
#define HUNCH_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/status.h"

namespace hunch {

struct DatasetOptions {
  std::string log_dir;
  std::string labels_path;  // CSV or JSONL with columns id, label [, timestamp, source]
  DataOptions labels_format;
  std::string output_path;  // "-" for stdout
  std::string output_format =
      "auto";  // csv or jsonl; auto: by the output's extension (csv for "-")
  std::string join_on = "inference_id";  // or "event_id"
  std::string label_column;              // default: the `label` column named in the logged rule set
};

struct DatasetStats {
  int64_t predictions = 0;        // log records read
  int64_t labeled = 0;            // written to the training set
  int64_t unlabeled = 0;          // predictions with no label (yet)
  int64_t no_join_key = 0;        // predictions without the join key (e.g. no inference_id)
  int64_t labels = 0;             // label rows read
  int64_t duplicate_labels = 0;   // label rows for an id seen before (the latest wins)
  int64_t orphan_labels = 0;      // ids with a label but no prediction
  int64_t torn_lines = 0;         // incomplete log lines skipped (after a crash)
  int64_t shadow_records = 0;     // predictions logged with the existing system's decision
  int64_t shadow_agreements = 0;  // of those, where the rules agreed
  std::vector<std::string> warnings;
};

// Writes the training set: the logged input columns, the label (raw value, in the rule file's
// label column), then hunch_prediction, hunch_rule, hunch_ruleset_version, hunch_timestamp,
// hunch_event_id, hunch_inference_id, hunch_label_count, hunch_shadow_decision and meta_<key> for
// each metadata key. `hunch eval --shadow-column hunch_shadow_decision` then scores both systems.
Result<DatasetStats> BuildDataset(const DatasetOptions& options);

}  // namespace hunch

#endif  // HUNCH_DATASET_H_
