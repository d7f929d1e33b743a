// The prediction log: every prediction, with its input and context, appended durably to JSONL
// segments so that, once ground truth arrives, the log becomes a training set. docs/log-format.md
// documents the record.
#ifndef HUNCH_PREDICTION_LOG_H_
#define HUNCH_PREDICTION_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

// When a record counts as written.
enum class FsyncMode {
  kAlways,    // Append returns after the record is on disk (fsync); concurrent appends share one
  kInterval,  // a background flush every `fsync_interval_ms`; a crash loses at most that window
  kNever,     // left to the OS
};

struct LogOptions {
  std::string dir;  // segments go to DIR/YYYY/MM/DD/HH/ (UTC)
  FsyncMode fsync = FsyncMode::kInterval;
  int fsync_interval_ms = 100;
  uint64_t max_segment_bytes = 64ull << 20;  // a segment is closed and a new one opened past this
  double sample_rate = 1.0;                  // share of records kept, 0..1 (predictions unaffected)
  uint64_t seed = 0;                         // of the sampling; 0 = from the clock
  // Parse every record's input_json to refuse one that is not a JSON object. A caller that
  // builds it with AppendRecordJson (hunch/data.h) or has parsed it already may skip the cost.
  bool validate_input = true;
};

// One prediction as logged. JSON-valued fields hold serialized JSON text.
struct LogRecord {
  std::string event_id;      // filled by Append when empty: a UUIDv7 (time-ordered, unique)
  std::string inference_id;  // the caller's id of the row, may be empty
  int64_t timestamp_us = 0;  // Unix microseconds, UTC; filled by Append when 0
  std::string ruleset_name, ruleset_version, ruleset_sha256, label_column;
  std::string input_json;  // the row as received, a JSON object
  std::string prediction;  // class name, or "abstain"
  std::string rule;        // winning rule's name; empty when the default decided
  std::optional<double> confidence;
  std::vector<std::string> fired;
  std::map<std::string, std::string> metadata;  // caller's key/values; "host" is added
  std::optional<std::string> shadow_decision;   // the existing system's decision, if given
  std::optional<bool> shadow_agrees;
  int64_t latency_us = 0;
};

// Where predictions are recorded: the JSONL log below, or an SQLite database.
class PredictionSink {
 public:
  virtual ~PredictionSink() = default;
  // Records one prediction (unless sampled out: Ok with *kept = false). Thread-safe.
  virtual Status Append(LogRecord* record, bool* kept = nullptr) = 0;
  // Records several predictions, committed together where the sink can (one fdatasync for all
  // under kAlways); `kept` gets one flag per record. On an error none counts as recorded.
  virtual Status AppendBatch(std::vector<LogRecord>* records, std::vector<bool>* kept);
  // Makes everything recorded so far durable.
  virtual Status Flush() = 0;
};

// Opens the sink `options.dir` names: "sqlite:PATH" for an SQLite database (one table, WAL mode,
// the same fields as the JSONL record), anything else a JSONL log directory.
Result<std::unique_ptr<PredictionSink>> OpenPredictionSink(const LogOptions& options);

// Appends records to the log. Thread-safe: many threads may Append at once.
class PredictionLog : public PredictionSink {
 public:
  // Creates DIR if needed. A previous writer's segments are never reopened: a new one starts.
  static Result<std::unique_ptr<PredictionLog>> Open(const LogOptions& options);
  ~PredictionLog() override;  // flushes and closes

  // Writes one record (unless sampled out: then returns Ok with *kept = false). With kAlways it
  // returns only after the record is durable. Fills record->event_id and timestamp_us if empty.
  Status Append(LogRecord* record, bool* kept = nullptr) override;
  Status AppendBatch(std::vector<LogRecord>* records, std::vector<bool>* kept) override;
  // Writes everything buffered to disk now.
  Status Flush() override;

  struct Stats {
    uint64_t records = 0, bytes = 0, sampled_out = 0, errors = 0, segments = 0;
    // Records of the batches whose write failed. Under kInterval, Append had already returned Ok
    // for them: they are lost. Under the other modes their Append returned the error.
    uint64_t failed_records = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  explicit PredictionLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The record of `prediction`, made by `rules` for a row given as a JSON object (e.g. from
// AppendRecordJson in hunch/data.h). Metadata, shadow and latency are the caller's to add.
LogRecord MakeLogRecord(const RuleSet& rules, const Prediction& prediction, std::string input_json,
                        std::string inference_id = "");

// The JSON text of one record (one line, no newline).
std::string LogRecordToJson(const LogRecord& record, double sample_rate);

struct LogReadStats {
  uint64_t records = 0, segments = 0, torn_lines = 0;
  std::vector<std::string> warnings;  // "SEGMENT:LINE: warning: torn last line skipped", ...
};

// Reads every record under DIR, segment by segment in time order, as parsed JSON text lines.
// A torn (incomplete or unparsable) last line of a segment is skipped and counted with a
// warning; a bad line elsewhere is an error naming SEGMENT:LINE.
Status ReadLog(const std::string& dir,
               const std::function<void(const std::string& json_line)>& on_record,
               LogReadStats* stats);

}  // namespace hunch

#endif  // HUNCH_PREDICTION_LOG_H_
