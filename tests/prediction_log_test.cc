// Tests for the prediction log: record format, UUIDv7 ids, segments, torn tails, sampling,
// concurrent appends, and that a SIGKILLed writer loses no acknowledged record.
#include "hunch/prediction_log.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/temp_dir.h"

namespace hunch {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// 2026-11-24T22:00:47.123456Z
constexpr int64_t kSomeTime = 1795557647123456;

class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("hunch_prediction_log_test") {}
  std::string log() const { return Child("log"); }
};

std::unique_ptr<PredictionLog> OpenLog(LogOptions options) {
  auto log = PredictionLog::Open(options);
  REQUIRE(log.ok());
  return std::move(log).value();
}

LogOptions Options(const std::string& dir, FsyncMode fsync) {
  LogOptions options;
  options.dir = dir;
  options.fsync = fsync;
  return options;
}

LogRecord SimpleRecord(int i) {
  LogRecord record;
  record.inference_id = "row-" + std::to_string(i);
  record.ruleset_name = "fraud";
  record.input_json = R"({"amount": )" + std::to_string(i) + "}";
  record.prediction = i % 2 ? "fraud" : "legit";
  return record;
}

std::vector<Json> ReadAll(const std::string& dir, LogReadStats* stats = nullptr) {
  std::vector<Json> records;
  const Status status = ReadLog(
      dir, [&](const std::string& line) { records.push_back(Json::parse(line)); }, stats);
  INFO(status.message());
  REQUIRE(status.ok());
  return records;
}

std::vector<fs::path> Segments(const std::string& dir) {
  std::vector<fs::path> segments;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) segments.push_back(entry.path());
  }
  std::sort(segments.begin(), segments.end());
  return segments;
}

std::string FileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The timestamp format, by way of gmtime_r rather than the log's own std::chrono code.
std::string Rfc3339(int64_t unix_us) {
  const time_t seconds = unix_us / 1000000;
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
           utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
           static_cast<int>(unix_us % 1000000));
  return text;
}

std::string HostName() {
  char buffer[256] = {};
  gethostname(buffer, sizeof buffer - 1);
  return buffer;
}

TEST_CASE("A record is serialized as one JSON line with its keys in the documented order",
          "[log]") {
  LogRecord record;
  record.event_id = "0192e6a1-7b2c-7d3e-8f40-123456789abc";
  record.inference_id = "row-7";
  record.timestamp_us = kSomeTime;
  record.ruleset_name = "caf\xC3\xA9";
  record.ruleset_version = "3";
  record.ruleset_sha256 = "ab12";
  record.label_column = "is_fraud";
  record.input_json = "{\"amount\": 12.5,\n \"country\": \"FR\"}";
  record.prediction = "say \"hi\"\\\n\t";
  record.rule = "big_amount";
  record.confidence = 0.75;
  record.fired = {"big_amount", "night"};
  record.metadata = {{"region", "eu"}, {"host", "h1"}};
  record.shadow_decision = "legit";
  record.shadow_agrees = false;
  record.latency_us = 42;
  CHECK(LogRecordToJson(record, 0.5) ==
        R"({"event_id":"0192e6a1-7b2c-7d3e-8f40-123456789abc","inference_id":"row-7",)"
        R"("timestamp":"2026-11-24T22:00:47.123456Z",)"
        "\"ruleset\":{\"name\":\"caf\xC3\xA9\","
        R"("version":"3","sha256":"ab12","label":"is_fraud"},)"
        R"("input":{"amount": 12.5,  "country": "FR"},)"
        R"("output":{"prediction":"say \"hi\"\\\n\t","rule":"big_amount","confidence":0.75,)"
        R"("fired":["big_amount","night"]},"metadata":{"host":"h1","region":"eu"},)"
        R"("shadow":{"decision":"legit","agrees":false},"sample_rate":0.5,"latency_us":42})");
}

TEST_CASE("Absent optional fields are null and the host is added to the metadata", "[log]") {
  LogRecord record;
  record.event_id = "e";
  record.timestamp_us = 1;
  record.input_json = "{}";
  record.prediction = "abstain";
  record.metadata = {{"zone", "b"}, {"app", "a"}};
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(LogRecordToJson(record, 1.0));
  CHECK(json["inference_id"].is_null());
  CHECK(json["timestamp"] == "1970-01-01T00:00:00.000001Z");
  CHECK(json["output"]["rule"].is_null());
  CHECK(json["output"]["confidence"].is_null());
  CHECK(json["output"]["fired"] == nlohmann::ordered_json::array());
  CHECK(json["shadow"].is_null());
  CHECK(json["metadata"].dump() ==
        nlohmann::ordered_json({{"app", "a"}, {"host", HostName()}, {"zone", "b"}}).dump());
  CHECK(json["sample_rate"] == 1.0);
}

TEST_CASE("Invalid UTF-8 in a field is replaced rather than breaking the line", "[log]") {
  LogRecord record;
  record.input_json = "{}";
  record.prediction =
      "a\xff"
      "b";
  const Json json = Json::parse(LogRecordToJson(record, 1.0));
  CHECK(json["output"]["prediction"] ==
        "a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("Every field of an appended record reads back from the log", "[log]") {
  TempDir tmp;
  auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
  LogRecord record;
  record.inference_id = "row-7";
  record.ruleset_name = "fraud";
  record.ruleset_version = "3";
  record.ruleset_sha256 = "ab12";
  record.label_column = "is_fraud";
  record.input_json = R"({"amount": 12.5, "note": "caf\u00e9 \"quoted\""})";
  record.prediction = "fraud";
  record.rule = "big_amount";
  record.confidence = 0.75;
  record.fired = {"big_amount", "night"};
  record.metadata = {{"region", "eu"}};
  record.shadow_decision = "legit";
  record.shadow_agrees = false;
  record.latency_us = 42;
  const int64_t before = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  bool kept = false;
  REQUIRE(log->Append(&record, &kept).ok());
  CHECK(kept);
  CHECK(record.event_id.size() == 36);
  CHECK(record.timestamp_us >= before);
  CHECK(log->stats().records == 1);
  CHECK(log->stats().segments == 1);

  const std::vector<Json> records = ReadAll(tmp.log());
  REQUIRE(records.size() == 1);
  const Json& r = records[0];
  CHECK(r["event_id"] == record.event_id);
  CHECK(r["inference_id"] == "row-7");
  CHECK(r["timestamp"] == Rfc3339(record.timestamp_us));
  CHECK(r["ruleset"] ==
        Json({{"name", "fraud"}, {"version", "3"}, {"sha256", "ab12"}, {"label", "is_fraud"}}));
  CHECK(r["input"] == Json({{"amount", 12.5}, {"note", "caf\xC3\xA9 \"quoted\""}}));
  CHECK(r["output"] == Json({{"prediction", "fraud"},
                             {"rule", "big_amount"},
                             {"confidence", 0.75},
                             {"fired", {"big_amount", "night"}}}));
  CHECK(r["metadata"] == Json({{"host", HostName()}, {"region", "eu"}}));
  CHECK(r["shadow"] == Json({{"decision", "legit"}, {"agrees", false}}));
  CHECK(r["sample_rate"] == 1.0);
  CHECK(r["latency_us"] == 42);
  CHECK(log->stats().bytes == FileText(Segments(tmp.log())[0]).size());
}

TEST_CASE("An input that is not a JSON object is rejected and nothing is written", "[log]") {
  TempDir tmp;
  auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
  for (const std::string input : {"", "[1,2]", "{\"a\":", "42", "{\"a\":\"\xff\"}"}) {
    LogRecord record = SimpleRecord(1);
    record.input_json = input;
    bool kept = true;
    const Status status = log->Append(&record, &kept);
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(kept);
  }
  CHECK(log->stats().records == 0);
  CHECK(ReadAll(tmp.log()).empty());
}

TEST_CASE("Options out of range are rejected by Open", "[log]") {
  TempDir tmp;
  LogOptions options = Options(tmp.log(), FsyncMode::kInterval);
  options.sample_rate = 1.5;
  CHECK(PredictionLog::Open(options).status().code() == StatusCode::kInvalidArgument);
  options.sample_rate = std::nan("");
  CHECK(PredictionLog::Open(options).status().code() == StatusCode::kInvalidArgument);
  options = Options(tmp.log(), FsyncMode::kInterval);
  options.fsync_interval_ms = 0;
  CHECK(PredictionLog::Open(options).status().code() == StatusCode::kInvalidArgument);
  CHECK(PredictionLog::Open(Options("", FsyncMode::kNever)).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("Open creates the log directory with its missing parents, not over a file", "[log]") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/a/b/c/";
  {
    auto log = OpenLog(Options(dir, FsyncMode::kAlways));
    CHECK(fs::is_directory(dir));
    LogRecord record = SimpleRecord(0);
    REQUIRE(log->Append(&record).ok());
  }
  CHECK(ReadAll(dir).size() == 1);
  std::ofstream(tmp.path() + "/file") << "x";
  CHECK(PredictionLog::Open(Options(tmp.path() + "/file", FsyncMode::kAlways)).status().code() ==
        StatusCode::kIoError);
}

TEST_CASE("Event ids are UUIDv7 and strictly increasing, also across threads", "[log]") {
  TempDir tmp;
  auto log = OpenLog(Options(tmp.log(), FsyncMode::kNever));
  auto append = [&] {
    LogRecord record = SimpleRecord(0);
    REQUIRE(log->Append(&record).ok());
    return record;
  };
  const LogRecord first = append();
  constexpr int kThreads = 8, kPerThread = 2000;
  std::vector<std::vector<LogRecord>> by_thread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        LogRecord record = SimpleRecord(i);
        if (log->Append(&record).ok()) by_thread[t].push_back(record);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const LogRecord last = append();

  const std::regex uuid_v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> all = {first.event_id, last.event_id};
  for (const auto& records : by_thread) {
    REQUIRE(records.size() == kPerThread);
    for (size_t i = 0; i < records.size(); ++i) {
      const std::string& id = records[i].event_id;
      REQUIRE(std::regex_match(id, uuid_v7));
      if (i > 0) REQUIRE(records[i - 1].event_id < id);
      // Ids made before the threads started sort first, and those made after they ended last.
      REQUIRE(first.event_id < id);
      REQUIRE(id < last.event_id);
      // The 48-bit prefix is the Unix millisecond, here the one of the filled-in timestamp
      // unless a burst within one millisecond carried into the next.
      const int64_t ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
      REQUIRE(ms >= records[i].timestamp_us / 1000);
      REQUIRE(ms <= records[i].timestamp_us / 1000 + 50);
      all.insert(id);
    }
  }
  CHECK(all.size() == kThreads * kPerThread + 2);
}

TEST_CASE("Records from two different UTC hours land in two hour directories", "[log]") {
  TempDir tmp;
  constexpr int64_t kLastMicroOf22h = 1795561199999999;  // 2026-11-24T22:59:59.999999Z
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kNever));
    for (int64_t timestamp : {kSomeTime, kLastMicroOf22h, kLastMicroOf22h + 1}) {
      LogRecord record = SimpleRecord(0);
      record.timestamp_us = timestamp;
      REQUIRE(log->Append(&record).ok());
    }
    CHECK(log->stats().segments == 2);
  }
  const std::vector<fs::path> segments = Segments(tmp.log());
  REQUIRE(segments.size() == 2);
  CHECK(segments[0].parent_path() == fs::path(tmp.log()) / "2026/11/24/22");
  CHECK(segments[1].parent_path() == fs::path(tmp.log()) / "2026/11/24/23");
  CHECK(segments[0].filename().string().starts_with("seg-20261124T220047.123456-"));
  CHECK(segments[1].filename().string().starts_with("seg-20261124T230000.000000-"));
  const std::vector<Json> records = ReadAll(tmp.log());
  REQUIRE(records.size() == 3);
  CHECK(records[0]["timestamp"] == "2026-11-24T22:00:47.123456Z");
  CHECK(records[1]["timestamp"] == "2026-11-24T22:59:59.999999Z");
  CHECK(records[2]["timestamp"] == "2026-11-24T23:00:00.000000Z");
}

TEST_CASE("A segment is closed and a new one opened past max_segment_bytes", "[log]") {
  TempDir tmp;
  LogOptions options = Options(tmp.log(), FsyncMode::kNever);
  options.max_segment_bytes = 2000;
  std::vector<std::string> ids;
  {
    auto log = OpenLog(options);
    for (int i = 0; i < 50; ++i) {
      LogRecord record = SimpleRecord(i);
      REQUIRE(log->Append(&record).ok());
      ids.push_back(record.event_id);
    }
    CHECK(log->stats().segments == Segments(tmp.log()).size());
  }
  const std::vector<fs::path> segments = Segments(tmp.log());
  CHECK(segments.size() >= 5);
  for (const fs::path& segment : segments) CHECK(fs::file_size(segment) <= 2000);
  // Path order is write order.
  std::vector<std::string> read_ids;
  for (const Json& record : ReadAll(tmp.log())) read_ids.push_back(record["event_id"]);
  CHECK(read_ids == ids);
}

TEST_CASE("A restarted writer opens a new segment and leaves the old one untouched", "[log]") {
  TempDir tmp;
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    for (int i = 0; i < 3; ++i) {
      LogRecord record = SimpleRecord(i);
      REQUIRE(log->Append(&record).ok());
    }
  }
  const std::vector<fs::path> before = Segments(tmp.log());
  REQUIRE(before.size() == 1);
  const std::string old_text = FileText(before[0]);
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    for (int i = 0; i < 2; ++i) {
      LogRecord record = SimpleRecord(i);
      REQUIRE(log->Append(&record).ok());
    }
  }
  const std::vector<fs::path> after = Segments(tmp.log());
  REQUIRE(after.size() == 2);
  CHECK(after[0] == before[0]);
  CHECK(FileText(after[0]) == old_text);
  CHECK(ReadAll(tmp.log()).size() == 5);
}

TEST_CASE("A torn last line is skipped with a warning and every other record is read", "[log]") {
  TempDir tmp;
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    for (int i = 0; i < 5; ++i) {
      LogRecord record = SimpleRecord(i);
      REQUIRE(log->Append(&record).ok());
    }
  }
  const fs::path torn = Segments(tmp.log())[0];
  const std::string half = LogRecordToJson(SimpleRecord(99), 1.0).substr(0, 40);
  std::ofstream(torn, std::ios::app | std::ios::binary) << half;
  {
    // A restarted writer's segment follows; the torn one stays as it is.
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    LogRecord record = SimpleRecord(5);
    REQUIRE(log->Append(&record).ok());
  }
  LogReadStats stats;
  const std::vector<Json> records = ReadAll(tmp.log(), &stats);
  CHECK(records.size() == 6);
  CHECK(stats.records == 6);
  CHECK(stats.segments == 2);
  CHECK(stats.torn_lines == 1);
  REQUIRE(stats.warnings.size() == 1);
  CHECK(stats.warnings[0] == torn.string() + ":6: warning: torn last line skipped (40 bytes)");
  CHECK(FileText(torn).ends_with(half));
}

TEST_CASE("An unparsable last line, even with its newline, counts as torn", "[log]") {
  TempDir tmp;
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    LogRecord record = SimpleRecord(0);
    REQUIRE(log->Append(&record).ok());
  }
  const fs::path segment = Segments(tmp.log())[0];
  std::ofstream(segment, std::ios::app | std::ios::binary) << "{\"event_id\":\n";
  LogReadStats stats;
  CHECK(ReadAll(tmp.log(), &stats).size() == 1);
  CHECK(stats.torn_lines == 1);
  REQUIRE(stats.warnings.size() == 1);
  CHECK(stats.warnings[0] == segment.string() + ":2: warning: torn last line skipped (12 bytes)");
}

TEST_CASE("An invalid line in the middle of a segment is an error naming its place", "[log]") {
  TempDir tmp;
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    LogRecord record = SimpleRecord(0);
    REQUIRE(log->Append(&record).ok());
  }
  const fs::path segment = Segments(tmp.log())[0];
  const std::string text = FileText(segment);
  for (const std::string bad : {"garbage", "[1,2]", ""}) {
    std::ofstream(segment, std::ios::trunc | std::ios::binary) << text << bad << "\n" << text;
    int seen = 0;
    const Status status = ReadLog(
        tmp.log(), [&](const std::string&) { ++seen; }, nullptr);
    CHECK(status.code() == StatusCode::kDataError);
    CHECK(status.message().starts_with(segment.string() + ":2: error: invalid log record: "));
    CHECK(seen == 1);
  }
}

TEST_CASE("Reading a missing log directory is NotFound", "[log]") {
  TempDir tmp;
  const Status status = ReadLog(
      tmp.path() + "/nope", [](const std::string&) {}, nullptr);
  CHECK(status.code() == StatusCode::kNotFound);
  CHECK(status.message().find("/nope") != std::string::npos);
}

TEST_CASE("Sampling keeps the configured share of records and records the rate", "[log]") {
  TempDir tmp;
  LogOptions options = Options(tmp.log(), FsyncMode::kNever);
  options.sample_rate = 0.1;
  options.seed = 42;
  constexpr int kAppends = 100000;
  uint64_t kept_count = 0;
  {
    auto log = OpenLog(options);
    for (int i = 0; i < kAppends; ++i) {
      LogRecord record = SimpleRecord(i);
      bool kept = false;
      REQUIRE(log->Append(&record, &kept).ok());
      kept_count += kept;
      if (!kept) REQUIRE(record.event_id.empty());
    }
    CHECK(log->stats().records == kept_count);
    CHECK(log->stats().sampled_out == kAppends - kept_count);
  }
  const double sigma = std::sqrt(kAppends * 0.1 * 0.9);
  CHECK(std::abs(static_cast<double>(kept_count) - kAppends * 0.1) < 5 * sigma);
  const std::vector<Json> records = ReadAll(tmp.log());
  CHECK(records.size() == kept_count);
  for (const Json& record : records) REQUIRE(record["sample_rate"] == 0.1);
}

TEST_CASE("A nonzero sampling seed makes the same records kept", "[log]") {
  auto kept_pattern = [](double rate) {
    TempDir tmp;
    LogOptions options = Options(tmp.log(), FsyncMode::kNever);
    options.sample_rate = rate;
    options.seed = 7;
    auto log = OpenLog(options);
    std::vector<bool> pattern;
    for (int i = 0; i < 1000; ++i) {
      LogRecord record = SimpleRecord(i);
      bool kept = false;
      REQUIRE(log->Append(&record, &kept).ok());
      pattern.push_back(kept);
    }
    return pattern;
  };
  const std::vector<bool> pattern = kept_pattern(0.5);
  CHECK(pattern == kept_pattern(0.5));
  CHECK(std::count(pattern.begin(), pattern.end(), true) > 400);
  CHECK(kept_pattern(0.0) == std::vector<bool>(1000, false));
  CHECK(kept_pattern(1.0) == std::vector<bool>(1000, true));
}

TEST_CASE("Records of eight threads appending under kAlways are each present exactly once",
          "[log]") {
  TempDir tmp;
  constexpr int kThreads = 8, kPerThread = 250;
  std::multiset<std::string> appended;
  {
    auto log = OpenLog(Options(tmp.log(), FsyncMode::kAlways));
    std::vector<std::vector<std::string>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          LogRecord record = SimpleRecord(t * kPerThread + i);
          if (log->Append(&record).ok()) ids[t].push_back(record.event_id);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& thread_ids : ids) appended.insert(thread_ids.begin(), thread_ids.end());
    CHECK(log->stats().records == kThreads * kPerThread);
    CHECK(log->stats().errors == 0);
  }
  REQUIRE(appended.size() == kThreads * kPerThread);
  std::multiset<std::string> read;
  std::set<std::string> inference_ids;
  for (const Json& record : ReadAll(tmp.log())) {
    read.insert(record["event_id"].get<std::string>());
    inference_ids.insert(record["inference_id"].get<std::string>());
  }
  CHECK(read == appended);
  CHECK(inference_ids.size() == kThreads * kPerThread);
}

TEST_CASE("kInterval writes records in the background without a Flush", "[log]") {
  TempDir tmp;
  LogOptions options = Options(tmp.log(), FsyncMode::kInterval);
  options.fsync_interval_ms = 10;
  auto log = OpenLog(options);
  for (int i = 0; i < 10; ++i) {
    LogRecord record = SimpleRecord(i);
    REQUIRE(log->Append(&record).ok());
  }
  size_t found = 0;
  for (int wait = 0; wait < 100 && found < 10; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    found = ReadAll(tmp.log()).size();
  }
  CHECK(found == 10);
  CHECK(log->stats().records == 10);
  CHECK(log->Flush().ok());
}

// Runs `body` in a forked child and returns its exit status (or 128 + the signal that ended it).
template <typename Body>
int RunInChild(Body body) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) _exit(body());
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_CASE("A failed write is reported, counted, and the log goes on in a new segment", "[log]") {
  TempDir tmp;
  // The file size limit (which applies per file) makes write() fail with EFBIG after a short
  // write, as a full disk would; a child process keeps the limit away from the other tests.
  const int exit_code = RunInChild([&] {
    const rlimit limit{4000, 4000};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
    auto opened = PredictionLog::Open(Options(tmp.log(), FsyncMode::kAlways));
    if (!opened.ok()) return 11;
    PredictionLog& log = *opened.value();
    int appended = 0;
    Status status;
    for (; appended < 100 && status.ok(); ++appended) {
      LogRecord record = SimpleRecord(appended);
      status = log.Append(&record);
    }
    if (status.code() != StatusCode::kIoError) return 12;
    if (status.message().find("seg-") == std::string::npos) return 13;
    if (log.stats().errors != 1 || log.stats().segments != 1) return 14;
    LogRecord record = SimpleRecord(0);
    if (!log.Append(&record).ok()) return 15;
    if (log.stats().segments != 2) return 16;
    return 0;
  });
  REQUIRE(exit_code == 0);
  LogReadStats stats;
  const std::vector<Json> records = ReadAll(tmp.log(), &stats);
  CHECK(stats.segments == 2);
  CHECK(stats.torn_lines <= 1);
  CHECK(records.size() >= 2);
}

// SIGKILL leaves the page cache to the kernel, so this checks the acknowledgement protocol
// (no id is reported before its record is written) and that a killed writer leaves a readable
// log; the fsyncs themselves would need a power cut to test.
TEST_CASE("A SIGKILLed kAlways writer loses no acknowledged record", "[log]") {
  TempDir tmp;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: 4 threads append in a loop and report each id once Append has returned.
    close(pipe_fds[0]);
    auto opened = PredictionLog::Open(Options(tmp.log(), FsyncMode::kAlways));
    if (!opened.ok()) _exit(1);
    PredictionLog& log = *opened.value();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, fd = pipe_fds[1]] {
        for (int i = 0;; ++i) {
          LogRecord record = SimpleRecord(i);
          // One write of at most PIPE_BUF bytes: the parent never sees half an id.
          const std::string line = log.Append(&record).ok() ? record.event_id + "\n" : "!\n";
          if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(2);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(10));  // the parent kills it long before
    _exit(3);
  }
  close(pipe_fds[1]);
  std::string received;
  char buffer[1 << 16];
  // Kill mid-stream: after 300 ms and at least 200 acknowledgements, whichever comes later (a
  // loaded machine may start the child slowly), but within 20 s.
  const auto start = std::chrono::steady_clock::now();
  const auto min_deadline = start + std::chrono::milliseconds(300);
  const auto max_deadline = start + std::chrono::seconds(20);
  for (auto now = start; now < max_deadline; now = std::chrono::steady_clock::now()) {
    if (now >= min_deadline && std::count(received.begin(), received.end(), '\n') >= 200) break;
    pollfd readable{pipe_fds[0], POLLIN, 0};
    if (poll(&readable, 1, 10) > 0) {
      const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, n);
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) received.append(buffer, n);
  close(pipe_fds[0]);

  std::vector<std::string> acknowledged;
  for (size_t begin = 0, end; (end = received.find('\n', begin)) != std::string::npos;
       begin = end + 1) {
    acknowledged.push_back(received.substr(begin, end - begin));
  }
  CHECK(std::count(acknowledged.begin(), acknowledged.end(), "!") == 0);
  LogReadStats stats;
  std::set<std::string> found;
  for (const Json& record : ReadAll(tmp.log(), &stats)) found.insert(record["event_id"]);
  size_t missing = 0;
  for (const std::string& id : acknowledged) missing += !found.count(id);
  // Shown with -s: the figures of the run.
  INFO("crash test: " << acknowledged.size() << " acknowledged, " << found.size()
                      << " records found, " << missing << " acknowledged missing, "
                      << stats.torn_lines << " torn lines");
  CHECK(acknowledged.size() > 100);
  CHECK(missing == 0);
}

}  // namespace
}  // namespace hunch
