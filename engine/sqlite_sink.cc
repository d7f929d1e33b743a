// The SQLite prediction sink: one `predictions` table in a WAL-mode database (sqlite3 C API).
#include "engine/sqlite_sink.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "engine/log_common.h"

namespace hunch {
namespace {

using Json = nlohmann::json;

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS predictions ("
    " event_id TEXT PRIMARY KEY, inference_id TEXT, timestamp TEXT,"
    " ruleset_name TEXT, ruleset_version TEXT, ruleset_sha256 TEXT, label_column TEXT,"
    " input TEXT, prediction TEXT, rule TEXT, confidence REAL, fired TEXT, metadata TEXT,"
    " shadow_decision TEXT, shadow_agrees INTEGER, sample_rate REAL, latency_us INTEGER);"
    "CREATE INDEX IF NOT EXISTS predictions_inference_id ON predictions(inference_id);";

constexpr char kInsert[] =
    "INSERT INTO predictions (event_id, inference_id, timestamp, ruleset_name, ruleset_version,"
    " ruleset_sha256, label_column, input, prediction, rule, confidence, fired, metadata,"
    " shadow_decision, shadow_agrees, sample_rate, latency_us)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class SqliteSink : public PredictionSink {
 public:
  SqliteSink(std::string path, const LogOptions& options)
      : path_(std::move(path)), options_(options), sampler_(options.sample_rate, options.seed) {}

  ~SqliteSink() override {
    if (flusher_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
      }
      flusher_wakeup_.notify_all();
      flusher_.join();
    }
    std::lock_guard<std::mutex> lock(mu_);
    CommitLocked();  // a failure here has nobody to report to
    sqlite3_finalize(insert_);
    // Closing the last connection checkpoints the WAL, synced unless synchronous=OFF (kNever).
    sqlite3_close(db_);
  }

  Status Open() {
    const int rc =
        sqlite3_open_v2(path_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return Error("open");
    // Readers (or a second writer) holding a lock make us wait rather than fail at once.
    sqlite3_busy_timeout(db_, 5000);
    std::string mode;
    if (Status s = QueryText("PRAGMA journal_mode=WAL", &mode); !s.ok()) return s;
    if (mode != "wal") {
      return IoError(fmt::format("{}: error: sqlite: cannot enable WAL mode (journal_mode is {})",
                                 path_, mode));
    }
    if (Status s = Exec(SynchronousPragma(options_.fsync)); !s.ok()) return s;
    if (Status s = Exec(kSchema); !s.ok()) return s;
    if (sqlite3_prepare_v3(db_, kInsert, -1, SQLITE_PREPARE_PERSISTENT, &insert_, nullptr) !=
        SQLITE_OK) {
      return Error("prepare insert");
    }
    if (options_.fsync == FsyncMode::kInterval) {
      flusher_ = std::thread([this] { FlushLoop(); });
    }
    return Status::Ok();
  }

  Status Append(LogRecord* record, bool* kept) override {
    if (kept != nullptr) *kept = false;
    if (record == nullptr) return InvalidArgument("prediction log: null record");
    if (!sampler_.Keep()) return Status::Ok();
    try {
      if (options_.validate_input) {
        const size_t first = record->input_json.find_first_not_of(" \t\r\n");
        if (first == std::string::npos || record->input_json[first] != '{' ||
            !Json::accept(record->input_json)) {
          return InvalidArgument(
              fmt::format("prediction log: input_json is not a JSON object: '{}'",
                          record->input_json.substr(0, 80)));
        }
      }
      if (record->timestamp_us < 0) {
        return InvalidArgument(
            fmt::format("prediction log: timestamp_us {} is before 1970", record->timestamp_us));
      }
      // Serialized outside the lock: only the statement itself is serialized.
      Json fired = Json::array();
      for (const std::string& name : record->fired) fired.push_back(name);
      Json metadata(record->metadata);
      if (!metadata.contains("host")) metadata["host"] = HostName();
      const std::string fired_json = Dump(fired), metadata_json = Dump(metadata);

      std::lock_guard<std::mutex> lock(mu_);
      const int64_t now = NowMicros();
      // The id is drawn under the lock so that ids increase in insertion order.
      if (record->event_id.empty()) record->event_id = NextEventId(now / 1000);
      if (record->timestamp_us == 0) record->timestamp_us = now;
      const std::string timestamp = FormatTimestamp(record->timestamp_us);
      if (options_.fsync == FsyncMode::kInterval && !in_transaction_) {
        if (Status s = Exec("BEGIN"); !s.ok()) return s;
        in_transaction_ = true;
      }
      Status status = Insert(*record, timestamp, fired_json, metadata_json);
      if (status.ok() && kept != nullptr) *kept = true;
      return status;
    } catch (const std::exception& e) {
      return Status(StatusCode::kInternal, fmt::format("{}: error: {}", path_, e.what()));
    }
  }

  Status Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    Status status = CommitLocked();
    if (status.ok() && options_.fsync != FsyncMode::kAlways) {
      // NORMAL and OFF leave WAL commits unsynced; a checkpoint under FULL syncs the WAL and then
      // the database file. FULL waits (busy_timeout) for readers rather than skip frames.
      status = Exec("PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(FULL);");
      if (Status s = Exec(SynchronousPragma(options_.fsync)); status.ok()) status = s;
    }
    if (!deferred_error_.ok()) status = std::exchange(deferred_error_, Status::Ok());
    return status;
  }

 private:
  static const char* SynchronousPragma(FsyncMode mode) {
    switch (mode) {
      case FsyncMode::kAlways:
        return "PRAGMA synchronous=FULL";
      case FsyncMode::kInterval:
        return "PRAGMA synchronous=NORMAL";
      case FsyncMode::kNever:
        break;
    }
    return "PRAGMA synchronous=OFF";
  }

  Status Error(const std::string& what) const {
    return IoError(fmt::format("{}: error: sqlite {}: {}", path_, what,
                               db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory"));
  }

  Status Exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return Status::Ok();
    Status status = IoError(fmt::format("{}: error: sqlite: {}: {}", path_, sql,
                                        message != nullptr ? message : sqlite3_errmsg(db_)));
    sqlite3_free(message);
    return status;
  }

  // The first column of the first row of `sql`.
  Status QueryText(const char* sql, std::string* out) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) return Error(sql);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      *out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    Status status = rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok() : Error(sql);
    sqlite3_finalize(stmt);
    return status;
  }

  // Under mu_.
  Status Insert(const LogRecord& r, const std::string& timestamp, const std::string& fired,
                const std::string& metadata) {
    sqlite3_stmt* s = insert_;
    // SQLITE_STATIC: every string outlives the sqlite3_step below, so none is copied.
    auto text = [s](int index, const std::string& value) {
      return sqlite3_bind_text(s, index, value.data(), static_cast<int>(value.size()),
                               SQLITE_STATIC);
    };
    auto text_or_null = [&](int index, const std::string& value) {
      return value.empty() ? sqlite3_bind_null(s, index) : text(index, value);
    };
    int rc = SQLITE_OK;
    auto bind = [&rc](int result) {
      if (rc == SQLITE_OK) rc = result;
    };
    bind(text(1, r.event_id));
    bind(text_or_null(2, r.inference_id));
    bind(text(3, timestamp));
    bind(text(4, r.ruleset_name));
    bind(text(5, r.ruleset_version));
    bind(text(6, r.ruleset_sha256));
    bind(text(7, r.label_column));
    bind(text(8, r.input_json));
    bind(text(9, r.prediction));
    bind(text_or_null(10, r.rule));
    bind(r.confidence ? sqlite3_bind_double(s, 11, *r.confidence) : sqlite3_bind_null(s, 11));
    bind(text(12, fired));
    bind(text(13, metadata));
    bind(r.shadow_decision ? text(14, *r.shadow_decision) : sqlite3_bind_null(s, 14));
    bind(r.shadow_agrees ? sqlite3_bind_int(s, 15, *r.shadow_agrees ? 1 : 0)
                         : sqlite3_bind_null(s, 15));
    bind(sqlite3_bind_double(s, 16, options_.sample_rate));
    bind(sqlite3_bind_int64(s, 17, r.latency_us));
    Status status;
    if (rc != SQLITE_OK) {
      status = Error("bind");
    } else if (sqlite3_step(s) != SQLITE_DONE) {
      status = Error(fmt::format("insert of event {}", r.event_id));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);  // drops the pointers to the strings about to go away
    return status;
  }

  // Under mu_. Ends kInterval's open transaction.
  Status CommitLocked() {
    if (!in_transaction_) return Status::Ok();
    Status status = Exec("COMMIT");
    // A failed COMMIT may leave the transaction open (SQLITE_BUSY) or rolled back; either way a
    // fresh one starts at the next Append.
    if (!status.ok() && sqlite3_get_autocommit(db_) == 0) Exec("ROLLBACK");
    in_transaction_ = false;
    return status;
  }

  // kInterval: commits the open transaction once per interval, so at most one interval of
  // records is uncommitted (and invisible to other connections) at any time.
  void FlushLoop() {
    const auto interval = std::chrono::milliseconds(options_.fsync_interval_ms);
    std::unique_lock<std::mutex> lock(mu_);
    while (!flusher_wakeup_.wait_for(lock, interval, [this] { return stopping_; })) {
      Status status = CommitLocked();
      if (!status.ok() && deferred_error_.ok()) deferred_error_ = std::move(status);
    }
  }

  const std::string path_;
  const LogOptions options_;
  Sampler sampler_;

  std::mutex mu_;  // guards everything below: the connection is used by one thread at a time
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_transaction_ = false;
  bool stopping_ = false;
  Status deferred_error_;  // a background commit's failure, reported by the next Flush
  std::condition_variable flusher_wakeup_;
  std::thread flusher_;
};

}  // namespace

Result<std::unique_ptr<PredictionSink>> OpenSqliteSink(const std::string& path,
                                                       const LogOptions& options) {
  if (path.empty()) return InvalidArgument("prediction log: sqlite: no database path given");
  if (!(options.sample_rate >= 0.0 && options.sample_rate <= 1.0)) {
    return InvalidArgument(
        fmt::format("prediction log: sample_rate {} is not within 0..1", options.sample_rate));
  }
  if (options.fsync == FsyncMode::kInterval && options.fsync_interval_ms <= 0) {
    return InvalidArgument(fmt::format("prediction log: fsync_interval_ms {} must be positive",
                                       options.fsync_interval_ms));
  }
  try {
    auto sink = std::make_unique<SqliteSink>(path, options);
    if (Status s = sink->Open(); !s.ok()) return s;
    return std::unique_ptr<PredictionSink>(std::move(sink));
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, fmt::format("{}: error: {}", path, e.what()));
  }
}

}  // namespace hunch
