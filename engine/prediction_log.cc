// The prediction log: JSONL segments per UTC hour, group-committed fsyncs, UUIDv7 ids, ReadLog.
#include "hunch/prediction_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "engine/log_common.h"
#include "hunch/data.h"

namespace hunch {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;
// kInterval: past this many buffered bytes the flusher is woken before its interval ends...
constexpr size_t kEarlyFlushBytes = 1 << 20;
// ...and past this many an appender writes the buffer itself, so memory stays bounded when the
// disk is slower than the producers.
constexpr size_t kMaxBufferedBytes = 16 << 20;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string ErrnoText(int error) { return std::strerror(error); }

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void AppendJsonStringOrNull(std::string* out, const std::string& text) {
  if (text.empty()) {
    *out += "null";
  } else {
    AppendJsonString(text, out);
  }
}

// A JSON object, possibly spread over several lines (which, in valid JSON, are whitespace).
Status CheckInputJson(const std::string& input) {
  const size_t first = input.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && input[first] == '{' && Json::accept(input)) return Status::Ok();
  return InvalidArgument(
      fmt::format("prediction log: input_json is not a JSON object: '{}'", input.substr(0, 80)));
}

Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write: " + ErrnoText(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// fsync of a directory makes the entries created in it (files, subdirectories) survive a crash.
Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(fmt::format("{}: error: open: {}", dir.string(), ErrnoText(errno)));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return IoError(fmt::format("{}: error: fsync: {}", dir.string(), ErrnoText(error)));
  return Status::Ok();
}

// Creates DIR/YYYY/MM/DD/HH one level at a time, syncing the parent of each level it creates.
Status MakeHourDirectory(const fs::path& root, const CivilTime& t, fs::path* hour_dir) {
  fs::path dir = root;
  for (const std::string& part : {fmt::format("{:04d}", t.year), fmt::format("{:02d}", t.month),
                                  fmt::format("{:02d}", t.day), fmt::format("{:02d}", t.hour)}) {
    fs::path child = dir / part;
    if (::mkdir(child.c_str(), 0755) == 0) {
      if (Status s = SyncDirectory(dir); !s.ok()) return s;
    } else if (errno != EEXIST) {
      return IoError(fmt::format("{}: error: mkdir: {}", child.string(), ErrnoText(errno)));
    }
    dir = std::move(child);
  }
  *hour_dir = std::move(dir);
  return Status::Ok();
}

// Records queued between two writes. The leader writes a whole batch with one write() per
// segment it touches and, when `sync`, one fdatasync(); every appender of the batch then wakes.
struct Batch {
  struct Entry {
    int64_t hour;          // of the record's timestamp, in hours since the epoch
    int64_t timestamp_us;  // names the segment when this record opens one
    size_t size;           // of its line in `bytes`, newline included
  };
  explicit Batch(bool sync) : sync(sync) {}
  std::string bytes;
  std::vector<Entry> entries;
  // kInterval: records queued as they are, serialized by the background writer, so the caller's
  // thread pays for a copy rather than for building the JSON line.
  std::vector<LogRecord> deferred;
  size_t deferred_bytes = 0;  // an estimate, for the early-flush threshold
  bool sync;
  bool done = false;
  Status status;
};

std::atomic<uint64_t> segment_counter{0};  // per process, so two logs never pick the same name

}  // namespace

struct PredictionLog::Impl {
  Impl(const LogOptions& o, fs::path root)
      : options(o),
        root(std::move(root)),
        sampler(o.sample_rate, o.seed),
        open_batch(std::make_shared<Batch>(o.fsync != FsyncMode::kNever)) {}

  // Waits until the open batch is written, writing it (and those queued meanwhile by others)
  // itself when no other thread is the leader. Returns the status of that batch's write.
  Status Commit(std::unique_lock<std::mutex>& lock) {
    const std::shared_ptr<Batch> target = open_batch;
    while (!target->done) {
      if (leader_active) {
        written.wait(lock);
        continue;
      }
      leader_active = true;
      std::shared_ptr<Batch> batch = std::move(open_batch);
      open_batch = std::make_shared<Batch>(options.fsync != FsyncMode::kNever);
      lock.unlock();
      Status status = WriteBatch(*batch);
      lock.lock();
      batch->status = std::move(status);
      batch->done = true;
      leader_active = false;
      written.notify_all();
    }
    return target->status;
  }

  // Serializes `record` into `batch` as one line with its partition entry.
  void AppendLine(const LogRecord& record, Batch* batch) {
    std::string line = LogRecordToJson(record, options.sample_rate);
    line += '\n';
    batch->entries.push_back(
        {FloorDiv(record.timestamp_us, kMicrosPerHour), record.timestamp_us, line.size()});
    batch->bytes += line;
  }

  // Leader only. On a failure the segment is abandoned (its tail may be a torn line, which must
  // stay the last line of its file) and every record of the batch is reported failed, although
  // those before the failure may be on disk.
  Status WriteBatch(Batch& batch) {
    for (const LogRecord& record : batch.deferred) AppendLine(record, &batch);
    batch.deferred.clear();
    Status status;
    size_t run_begin = 0, offset = 0, run_records = 0;
    for (const Batch::Entry& entry : batch.entries) {
      const bool rotate =
          fd < 0 || entry.hour != segment_hour ||
          (segment_bytes > 0 && segment_bytes + entry.size > options.max_segment_bytes);
      if (rotate) {
        status = WriteRun(batch.bytes, run_begin, offset, run_records);
        if (status.ok()) status = CloseSegment();
        if (status.ok()) status = OpenSegment(entry.hour, entry.timestamp_us);
        if (!status.ok()) break;
        run_begin = offset;
        run_records = 0;
      }
      offset += entry.size;
      segment_bytes += entry.size;
      ++run_records;
    }
    if (status.ok()) status = WriteRun(batch.bytes, run_begin, offset, run_records);
    if (status.ok() && batch.sync) status = SyncSegment();
    if (!status.ok()) {
      ++errors;
      failed_records += batch.entries.size();
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
    return status;
  }

  Status WriteRun(const std::string& bytes, size_t begin, size_t end, size_t run_records) {
    if (begin == end) return Status::Ok();
    if (Status s = WriteAll(fd, bytes.data() + begin, end - begin); !s.ok()) {
      return IoError(fmt::format("{}: error: {}", segment_path.string(), s.message()));
    }
    segment_dirty = true;
    records += run_records;
    this->bytes += end - begin;
    return Status::Ok();
  }

  Status SyncSegment() {
    if (fd < 0 || !segment_dirty) return Status::Ok();
    if (::fdatasync(fd) != 0) {
      return IoError(
          fmt::format("{}: error: fdatasync: {}", segment_path.string(), ErrnoText(errno)));
    }
    segment_dirty = false;
    return Status::Ok();
  }

  // A closed segment is always synced, whatever the mode: it costs one fsync per segment and
  // makes Flush() cover the segments rotated away from.
  Status CloseSegment() {
    if (fd < 0) return Status::Ok();
    Status status = SyncSegment();
    ::close(fd);
    fd = -1;
    return status;
  }

  // O_EXCL: an existing file is never reopened, so a crashed writer's torn tail stays its last.
  Status OpenSegment(int64_t hour, int64_t first_timestamp_us) {
    const CivilTime t = ToCivil(first_timestamp_us);
    fs::path dir;
    if (Status s = MakeHourDirectory(root, t, &dir); !s.ok()) return s;
    for (int attempt = 0;; ++attempt) {
      segment_path =
          dir / fmt::format("seg-{:04d}{:02d}{:02d}T{:02d}{:02d}{:02d}.{:06d}-{}-{:06d}.jsonl",
                            t.year, t.month, t.day, t.hour, t.minute, t.second, t.micros, getpid(),
                            ++segment_counter);
      fd = ::open(segment_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
      if (fd >= 0) break;
      if (errno != EEXIST || attempt == 100) {
        return IoError(
            fmt::format("{}: error: create: {}", segment_path.string(), ErrnoText(errno)));
      }
    }
    segment_hour = hour;
    segment_bytes = 0;
    segment_dirty = false;
    ++segments;
    return SyncDirectory(dir);
  }

  // kInterval: writes and syncs the buffer every interval, or sooner when it grows large.
  void FlushLoop() {
    const auto interval = std::chrono::milliseconds(options.fsync_interval_ms);
    std::unique_lock<std::mutex> lock(mu);
    auto deadline = std::chrono::steady_clock::now() + interval;
    while (true) {
      flusher_wakeup.wait_until(lock, deadline, [&] {
        return stopping ||
               open_batch->bytes.size() + open_batch->deferred_bytes >= kEarlyFlushBytes;
      });
      if (stopping) return;
      deadline = std::chrono::steady_clock::now() + interval;
      if (open_batch->entries.empty() && open_batch->deferred.empty()) continue;
      Status status = Commit(lock);
      if (!status.ok() && deferred_error.ok()) deferred_error = std::move(status);
    }
  }

  const LogOptions options;
  const fs::path root;  // options.dir made absolute: the process may change directory later
  Sampler sampler;

  std::mutex mu;
  std::condition_variable written;         // a batch is done
  std::condition_variable flusher_wakeup;  // kInterval: the buffer is large, or stop
  std::shared_ptr<Batch> open_batch;       // where appenders queue; guarded by mu
  bool leader_active = false;              // guarded by mu
  bool stopping = false;                   // guarded by mu
  Status deferred_error;                   // a background write's failure, for Flush; by mu
  std::thread flusher;

  // The current segment: touched only by the leader, handed from leader to leader through mu.
  int fd = -1;
  fs::path segment_path;
  int64_t segment_hour = 0;
  uint64_t segment_bytes = 0;
  bool segment_dirty = false;  // written since its last fdatasync

  std::atomic<uint64_t> records{0}, bytes{0}, sampled_out{0}, errors{0}, segments{0},
      failed_records{0};
};

Result<std::unique_ptr<PredictionLog>> PredictionLog::Open(const LogOptions& options) {
  if (options.dir.empty()) return InvalidArgument("prediction log: no directory given");
  if (!(options.sample_rate >= 0.0 && options.sample_rate <= 1.0)) {
    return InvalidArgument(
        fmt::format("prediction log: sample_rate {} is not within 0..1", options.sample_rate));
  }
  if (options.max_segment_bytes == 0) {
    return InvalidArgument("prediction log: max_segment_bytes must be positive");
  }
  if (options.fsync == FsyncMode::kInterval && options.fsync_interval_ms <= 0) {
    return InvalidArgument(fmt::format("prediction log: fsync_interval_ms {} must be positive",
                                       options.fsync_interval_ms));
  }
  std::error_code error;
  fs::path dir = fs::absolute(options.dir, error).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "log/" is "log"
  fs::path existing = dir;                           // the deepest ancestor there already
  while (!error && !fs::exists(existing, error) && existing.has_relative_path()) {
    existing = existing.parent_path();
  }
  if (!error) fs::create_directories(dir, error);
  if (error) {
    return IoError(
        fmt::format("{}: error: cannot create log directory: {}", options.dir, error.message()));
  }
  // The directories just created must survive a crash too: each one's entry in its parent.
  for (fs::path created = dir; created != existing; created = created.parent_path()) {
    if (Status s = SyncDirectory(created.parent_path()); !s.ok()) return s;
  }
  try {
    auto impl = std::make_unique<Impl>(options, dir);
    if (options.fsync == FsyncMode::kInterval) {
      impl->flusher = std::thread([raw = impl.get()] { raw->FlushLoop(); });
    }
    return std::unique_ptr<PredictionLog>(new PredictionLog(std::move(impl)));
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, fmt::format("prediction log: {}", e.what()));
  }
}

PredictionLog::PredictionLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PredictionLog::~PredictionLog() {
  Impl& impl = *impl_;
  if (impl.flusher.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl.mu);
      impl.stopping = true;
    }
    impl.flusher_wakeup.notify_all();
    impl.flusher.join();
  }
  std::unique_lock<std::mutex> lock(impl.mu);
  impl.Commit(lock);
  if (impl.options.fsync == FsyncMode::kNever) {
    if (impl.fd >= 0) ::close(impl.fd);
  } else {
    impl.CloseSegment();
  }
}

Status PredictionLog::Append(LogRecord* record, bool* kept) {
  if (kept != nullptr) *kept = false;
  if (record == nullptr) return InvalidArgument("prediction log: null record");
  Impl& impl = *impl_;
  if (!impl.sampler.Keep()) {
    ++impl.sampled_out;
    return Status::Ok();
  }
  try {
    if (impl.options.validate_input) {
      if (Status s = CheckInputJson(record->input_json); !s.ok()) return s;
    }
    if (record->timestamp_us < 0) {
      return InvalidArgument(
          fmt::format("prediction log: timestamp_us {} is before 1970", record->timestamp_us));
    }
    const int64_t now = NowMicros();
    if (record->event_id.empty()) record->event_id = NextEventId(now / 1000);
    if (record->timestamp_us == 0) record->timestamp_us = now;
    if (impl.options.fsync == FsyncMode::kInterval) {
      std::unique_lock<std::mutex> lock(impl.mu);
      Batch& batch = *impl.open_batch;
      batch.deferred.push_back(*record);
      batch.deferred_bytes += record->input_json.size() + 512;
      if (batch.bytes.size() + batch.deferred_bytes >= kMaxBufferedBytes) {
        Status status = impl.Commit(lock);
        if (status.ok() && kept != nullptr) *kept = true;
        return status;
      }
      if (batch.bytes.size() + batch.deferred_bytes >= kEarlyFlushBytes)
        impl.flusher_wakeup.notify_one();
      if (kept != nullptr) *kept = true;
      return Status::Ok();
    }
    std::string line = LogRecordToJson(*record, impl.options.sample_rate);
    line += '\n';

    std::unique_lock<std::mutex> lock(impl.mu);
    Batch& batch = *impl.open_batch;
    // Only the first two may throw, and then leave the batch as it was.
    batch.bytes.reserve(batch.bytes.size() + line.size());
    batch.entries.push_back(
        {FloorDiv(record->timestamp_us, kMicrosPerHour), record->timestamp_us, line.size()});
    batch.bytes += line;
    Status status;
    if (impl.options.fsync != FsyncMode::kInterval || batch.bytes.size() >= kMaxBufferedBytes) {
      status = impl.Commit(lock);
    } else if (batch.bytes.size() >= kEarlyFlushBytes) {
      impl.flusher_wakeup.notify_one();
    }
    if (status.ok() && kept != nullptr) *kept = true;
    return status;
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, fmt::format("prediction log: {}", e.what()));
  }
}

Status PredictionLog::AppendBatch(std::vector<LogRecord>* records, std::vector<bool>* kept) {
  Impl& impl = *impl_;
  // Queued records cost no write each, so the one-by-one path is already a single commit.
  if (impl.options.fsync == FsyncMode::kInterval) return PredictionSink::AppendBatch(records, kept);
  kept->assign(records->size(), false);
  try {
    std::string bytes;
    std::vector<Batch::Entry> entries;
    for (size_t i = 0; i < records->size(); ++i) {
      LogRecord& record = (*records)[i];
      if (!impl.sampler.Keep()) {
        ++impl.sampled_out;
        continue;
      }
      Status valid = impl.options.validate_input ? CheckInputJson(record.input_json) : Status::Ok();
      if (valid.ok() && record.timestamp_us < 0) {
        valid = InvalidArgument(
            fmt::format("prediction log: timestamp_us {} is before 1970", record.timestamp_us));
      }
      if (!valid.ok()) {
        kept->assign(records->size(), false);
        return valid;
      }
      const int64_t now = NowMicros();
      if (record.event_id.empty()) record.event_id = NextEventId(now / 1000);
      if (record.timestamp_us == 0) record.timestamp_us = now;
      const size_t before = bytes.size();
      bytes += LogRecordToJson(record, impl.options.sample_rate);
      bytes += '\n';
      entries.push_back({FloorDiv(record.timestamp_us, kMicrosPerHour), record.timestamp_us,
                         bytes.size() - before});
      (*kept)[i] = true;
    }
    if (entries.empty()) return Status::Ok();
    std::unique_lock<std::mutex> lock(impl.mu);
    Batch& batch = *impl.open_batch;
    batch.bytes.reserve(batch.bytes.size() + bytes.size());
    batch.entries.insert(batch.entries.end(), entries.begin(), entries.end());
    batch.bytes += bytes;
    Status status = impl.Commit(lock);
    if (!status.ok()) kept->assign(records->size(), false);
    return status;
  } catch (const std::exception& e) {
    kept->assign(records->size(), false);
    return Status(StatusCode::kInternal, fmt::format("prediction log: {}", e.what()));
  }
}

Status PredictionLog::Flush() {
  Impl& impl = *impl_;
  std::unique_lock<std::mutex> lock(impl.mu);
  impl.open_batch->sync = true;  // also syncs what kNever wrote without syncing
  Status status = impl.Commit(lock);
  if (!impl.deferred_error.ok()) status = std::exchange(impl.deferred_error, Status::Ok());
  return status;
}

PredictionLog::Stats PredictionLog::stats() const {
  Stats s;
  s.records = impl_->records;
  s.bytes = impl_->bytes;
  s.sampled_out = impl_->sampled_out;
  s.errors = impl_->errors;
  s.segments = impl_->segments;
  s.failed_records = impl_->failed_records;
  return s;
}

std::string LogRecordToJson(const LogRecord& record, double sample_rate) {
  std::string out;
  out.reserve(384 + record.input_json.size());
  out += "{\"event_id\":";
  AppendJsonString(record.event_id, &out);
  out += ",\"inference_id\":";
  AppendJsonStringOrNull(&out, record.inference_id);
  out += ",\"timestamp\":\"";
  out += FormatTimestamp(record.timestamp_us);
  out += "\",\"ruleset\":{\"name\":";
  AppendJsonString(record.ruleset_name, &out);
  out += ",\"version\":";
  AppendJsonString(record.ruleset_version, &out);
  out += ",\"sha256\":";
  AppendJsonString(record.ruleset_sha256, &out);
  out += ",\"label\":";
  AppendJsonString(record.label_column, &out);
  out += "},\"input\":";
  // As received, except that line breaks (whitespace, in valid JSON) would split the record.
  const size_t input_at = out.size();
  out += record.input_json;
  std::replace_if(
      out.begin() + input_at, out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  out += ",\"output\":{\"prediction\":";
  AppendJsonString(record.prediction, &out);
  out += ",\"rule\":";
  AppendJsonStringOrNull(&out, record.rule);
  out += ",\"confidence\":";
  out += record.confidence ? Dump(Json(*record.confidence)) : "null";
  out += ",\"fired\":[";
  for (size_t i = 0; i < record.fired.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(record.fired[i], &out);
  }
  // Keys in std::map order, "host" included, like a serialized nlohmann::json object.
  out += "]},\"metadata\":{";
  bool host_written = record.metadata.count("host") > 0;
  bool first = true;
  auto append_member = [&](const std::string& key, const std::string& value) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(key, &out);
    out += ':';
    AppendJsonString(value, &out);
  };
  for (const auto& [key, value] : record.metadata) {
    if (!host_written && key > "host") {
      append_member("host", HostName());
      host_written = true;
    }
    append_member(key, value);
  }
  if (!host_written) append_member("host", HostName());
  out += "},\"shadow\":";
  if (record.shadow_decision || record.shadow_agrees) {
    out += "{\"decision\":";
    if (record.shadow_decision) {
      AppendJsonString(*record.shadow_decision, &out);
    } else {
      out += "null";
    }
    out += ",\"agrees\":";
    out += record.shadow_agrees ? (*record.shadow_agrees ? "true" : "false") : "null";
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"sample_rate\":";
  out += Dump(Json(sample_rate));
  out += ",\"latency_us\":";
  out += std::to_string(record.latency_us);
  out += '}';
  return out;
}

namespace {

// Why `line` is not a log record, or empty when it is one.
std::string RecordError(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t\r");
  if (first != std::string::npos && line[first] == '{' && Json::accept(line)) return "";
  try {
    return Json::parse(line).is_object() ? "" : "not a JSON object";
  } catch (const Json::exception& e) {
    return e.what();
  }
}

Status ReadSegment(const fs::path& path, const std::function<void(const std::string&)>& on_record,
                   LogReadStats* stats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return IoError(fmt::format("{}: error: cannot open: {}", path.string(), ErrnoText(errno)));
  }
  std::string line;
  for (uint64_t line_number = 1; std::getline(in, line); ++line_number) {
    const bool has_newline = !in.eof();
    const bool last = !has_newline || in.peek() == std::ifstream::traits_type::eof();
    const std::string error = RecordError(line);
    if (has_newline && error.empty()) {
      on_record(line);
      ++stats->records;
      continue;
    }
    if (last) {
      ++stats->torn_lines;
      stats->warnings.push_back(fmt::format("{}:{}: warning: torn last line skipped ({} bytes)",
                                            path.string(), line_number, line.size()));
      break;
    }
    return DataError(
        fmt::format("{}:{}: error: invalid log record: {}", path.string(), line_number, error));
  }
  if (in.bad()) return IoError(fmt::format("{}: error: read failed", path.string()));
  ++stats->segments;
  return Status::Ok();
}

}  // namespace

Status ReadLog(const std::string& dir,
               const std::function<void(const std::string& json_line)>& on_record,
               LogReadStats* stats) {
  LogReadStats ignored;
  if (stats == nullptr) stats = &ignored;
  std::error_code error;
  const fs::file_status status = fs::status(dir, error);
  if (status.type() == fs::file_type::not_found) {
    return NotFound(fmt::format("{}: error: no such log directory", dir));
  }
  if (error) return IoError(fmt::format("{}: error: {}", dir, error.message()));
  if (status.type() != fs::file_type::directory) {
    return InvalidArgument(fmt::format("{}: error: not a directory", dir));
  }
  std::vector<fs::path> segments;
  try {
    for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with("seg-") && name.ends_with(".jsonl") && it->is_regular_file(error)) {
        segments.push_back(it->path());
      }
    }
    if (error) return IoError(fmt::format("{}: error: {}", dir, error.message()));
    // Directory names are zero-padded UTC fields and segment names start with the time of their
    // first record, so path order is time order.
    std::sort(segments.begin(), segments.end());
    for (const fs::path& segment : segments) {
      if (Status s = ReadSegment(segment, on_record, stats); !s.ok()) return s;
    }
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, fmt::format("{}: error: out of memory", dir));
  }
  return Status::Ok();
}

}  // namespace hunch
