// Tests for the SQLite prediction sink: every column round-trips, WAL mode, sampling, concurrent
// appends, kAlways visibility to another connection, and OpenPredictionSink's dispatch.
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hunch/prediction_log.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// 2026-11-24T22:00:47.123456Z
constexpr int64_t kSomeTime = 1795557647123456;

class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("hunch_sqlite_sink_test") {}
  std::string db() const { return Child("p.db"); }
};

std::unique_ptr<PredictionSink> OpenSink(const std::string& db, LogOptions options = {}) {
  options.dir = "sqlite:" + db;
  auto sink = OpenPredictionSink(options);
  INFO(sink.status().message());
  REQUIRE(sink.ok());
  return std::move(sink).value();
}

// A second, independent connection, as another process would read the database.
class Reader {
 public:
  explicit Reader(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~Reader() { sqlite3_close(db_); }

  // Every row of `sql`, each column as text ("NULL" for NULL).
  std::vector<std::vector<std::string>> Rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string>& row = rows.emplace_back();
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = sqlite3_column_text(stmt, i);
        row.push_back(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
      }
    }
    sqlite3_finalize(stmt);
    REQUIRE(rc == SQLITE_DONE);
    return rows;
  }
  int64_t Count() { return std::stoll(Rows("SELECT count(*) FROM predictions")[0][0]); }

 private:
  sqlite3* db_ = nullptr;
};

LogRecord FullRecord() {
  LogRecord r;
  r.inference_id = "txn-42";
  r.timestamp_us = kSomeTime;
  r.ruleset_name = "fraud";
  r.ruleset_version = "3";
  r.ruleset_sha256 = std::string(64, 'a');
  r.label_column = "is_fraud";
  r.input_json = R"({"amount":1250.5,"country":"NZ"})";
  r.prediction = "fraud";
  r.rule = "big_foreign";
  r.confidence = 0.875;
  r.fired = {"big_foreign", "new_card"};
  r.metadata = {{"region", "eu"}, {"app", "checkout"}};
  r.shadow_decision = "fraud";
  r.shadow_agrees = true;
  r.latency_us = 17;
  return r;
}

TEST_CASE("Every column of an appended record reads back from the SQLite database", "[sqlite]") {
  TempDir tmp;
  LogRecord full = FullRecord();
  LogRecord bare;  // optional fields absent, event_id and timestamp filled by Append
  bare.input_json = "{}";
  bare.prediction = "abstain";
  {
    auto sink = OpenSink(tmp.db());
    bool kept = false;
    REQUIRE(sink->Append(&full, &kept).ok());
    CHECK(kept);
    REQUIRE(sink->Append(&bare).ok());
    REQUIRE(sink->Flush().ok());
  }
  CHECK(std::regex_match(full.event_id,
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")));
  CHECK(bare.timestamp_us > kSomeTime - 1000000000000LL);
  CHECK(full.event_id < bare.event_id);  // time-ordered

  Reader reader(tmp.db());
  const auto rows = reader.Rows(
      "SELECT event_id, inference_id, timestamp, ruleset_name, ruleset_version, ruleset_sha256,"
      " label_column, input, prediction, rule, confidence, fired, metadata, shadow_decision,"
      " shadow_agrees, sample_rate, latency_us, typeof(confidence), typeof(shadow_agrees),"
      " typeof(latency_us) FROM predictions ORDER BY event_id");
  REQUIRE(rows.size() == 2);
  const auto& f = rows[0];
  CHECK(f[0] == full.event_id);
  CHECK(f[1] == "txn-42");
  CHECK(f[2] == "2026-11-24T22:00:47.123456Z");
  CHECK(f[3] == "fraud");
  CHECK(f[4] == "3");
  CHECK(f[5] == std::string(64, 'a'));
  CHECK(f[6] == "is_fraud");
  CHECK(Json::parse(f[7]) == Json::parse(full.input_json));
  CHECK(f[8] == "fraud");
  CHECK(f[9] == "big_foreign");
  CHECK(std::stod(f[10]) == 0.875);
  CHECK(Json::parse(f[11]) == Json::array({"big_foreign", "new_card"}));
  const Json metadata = Json::parse(f[12]);
  CHECK(metadata["region"] == "eu");
  CHECK(metadata["app"] == "checkout");
  CHECK(metadata.contains("host"));
  CHECK(f[13] == "fraud");
  CHECK(f[14] == "1");
  CHECK(std::stod(f[15]) == 1.0);
  CHECK(f[16] == "17");
  CHECK(f[17] == "real");
  CHECK(f[18] == "integer");
  CHECK(f[19] == "integer");

  const auto& b = rows[1];
  CHECK(b[0] == bare.event_id);
  CHECK(b[1] == "NULL");  // inference_id
  CHECK(std::regex_match(b[2], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")));
  CHECK(b[7] == "{}");
  CHECK(b[9] == "NULL");   // rule
  CHECK(b[10] == "NULL");  // confidence
  CHECK(b[11] == "[]");
  CHECK(Json::parse(b[12]).contains("host"));
  CHECK(b[13] == "NULL");
  CHECK(b[14] == "NULL");
}

TEST_CASE("The SQLite database is in WAL mode with an index on inference_id", "[sqlite]") {
  TempDir tmp;
  auto sink = OpenSink(tmp.db());
  Reader reader(tmp.db());
  CHECK(reader.Rows("PRAGMA journal_mode")[0][0] == "wal");
  CHECK(reader.Rows("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
                    " tbl_name = 'predictions' AND sql LIKE '%inference_id%'")[0][0] == "1");
}

TEST_CASE("An input that is not a JSON object is rejected and no row is inserted", "[sqlite]") {
  TempDir tmp;
  auto sink = OpenSink(tmp.db());
  LogRecord r = FullRecord();
  r.input_json = "[1, 2]";
  bool kept = true;
  const Status status = sink->Append(&r, &kept);
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(kept);
  REQUIRE(sink->Flush().ok());
  CHECK(Reader(tmp.db()).Count() == 0);
}

TEST_CASE("A duplicate event id is an error naming the database", "[sqlite]") {
  TempDir tmp;
  LogOptions options;
  options.fsync = FsyncMode::kAlways;
  auto sink = OpenSink(tmp.db(), options);
  LogRecord r = FullRecord();
  REQUIRE(sink->Append(&r).ok());
  LogRecord again = r;
  const Status status = sink->Append(&again);
  CHECK_FALSE(status.ok());
  CHECK_THAT(status.message(), Catch::Contains(tmp.db()) && Catch::Contains("UNIQUE"));
}

TEST_CASE("Sampling keeps about sample_rate of the records, the same ones for a seed", "[sqlite]") {
  TempDir tmp;
  auto kept_ids = [&](const std::string& db) {
    LogOptions options;
    options.sample_rate = 0.25;
    options.seed = 12345;
    auto sink = OpenSink(db, options);
    std::vector<int> ids;
    for (int i = 0; i < 2000; ++i) {
      LogRecord r = FullRecord();
      r.inference_id = std::to_string(i);
      bool kept = false;
      REQUIRE(sink->Append(&r, &kept).ok());
      if (kept) ids.push_back(i);
    }
    REQUIRE(sink->Flush().ok());
    return ids;
  };
  const std::vector<int> first = kept_ids(tmp.path() + "/a.db");
  CHECK(first == kept_ids(tmp.path() + "/b.db"));
  CHECK(first.size() > 400);
  CHECK(first.size() < 600);
  Reader reader(tmp.path() + "/a.db");
  CHECK(reader.Count() == static_cast<int64_t>(first.size()));
  CHECK(std::stod(reader.Rows("SELECT min(sample_rate) FROM predictions")[0][0]) == 0.25);
}

TEST_CASE("Appends from four threads at once are all in the database", "[sqlite]") {
  TempDir tmp;
  constexpr int kThreads = 4, kPerThread = 500;
  for (FsyncMode mode : {FsyncMode::kInterval, FsyncMode::kNever}) {
    const std::string db = tmp.path() + "/t" + std::to_string(static_cast<int>(mode)) + ".db";
    {
      LogOptions options;
      options.fsync = mode;
      options.fsync_interval_ms = 5;
      auto sink = OpenSink(db, options);
      std::vector<std::thread> threads;
      std::vector<Status> failures(kThreads);
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0; i < kPerThread; ++i) {
            LogRecord r = FullRecord();
            r.inference_id = std::to_string(t) + "-" + std::to_string(i);
            if (Status s = sink->Append(&r); !s.ok()) failures[t] = s;
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
      for (const Status& s : failures) CHECK(s.message() == "");
    }  // the destructor commits
    Reader reader(db);
    CHECK(reader.Rows("SELECT count(*), count(DISTINCT event_id), count(DISTINCT inference_id)"
                      " FROM predictions")[0] ==
          std::vector<std::string>(3, std::to_string(kThreads * kPerThread)));
  }
}

TEST_CASE("With kAlways a record is visible to another connection when Append returns",
          "[sqlite]") {
  TempDir tmp;
  LogOptions options;
  options.fsync = FsyncMode::kAlways;
  auto sink = OpenSink(tmp.db(), options);
  Reader reader(tmp.db());
  for (int i = 1; i <= 3; ++i) {
    LogRecord r = FullRecord();
    REQUIRE(sink->Append(&r).ok());
    CHECK(reader.Count() == i);
    CHECK(reader.Rows("SELECT count(*) FROM predictions WHERE event_id = '" + r.event_id +
                      "'")[0][0] == "1");
  }
}

TEST_CASE("With kInterval records become visible after the interval or a Flush", "[sqlite]") {
  TempDir tmp;
  LogOptions options;
  options.fsync = FsyncMode::kInterval;
  options.fsync_interval_ms = 20;
  auto sink = OpenSink(tmp.db(), options);
  Reader reader(tmp.db());
  LogRecord r = FullRecord();
  REQUIRE(sink->Append(&r).ok());
  for (int i = 0; i < 200 && reader.Count() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(reader.Count() == 1);
  LogRecord second = FullRecord();
  REQUIRE(sink->Append(&second).ok());
  REQUIRE(sink->Flush().ok());
  CHECK(reader.Count() == 2);
}

TEST_CASE("OpenPredictionSink opens SQLite for sqlite:PATH and a JSONL log otherwise", "[sqlite]") {
  TempDir tmp;
  LogRecord r = FullRecord();
  {
    auto sink = OpenSink(tmp.db());
    REQUIRE(sink->Append(&r).ok());
  }
  CHECK(Reader(tmp.db()).Count() == 1);

  LogOptions options;
  options.dir = tmp.path() + "/log";
  auto log = OpenPredictionSink(options);
  REQUIRE(log.ok());
  CHECK(dynamic_cast<PredictionLog*>(log->get()) != nullptr);
  LogRecord jsonl = FullRecord();
  REQUIRE((*log)->Append(&jsonl).ok());
  REQUIRE((*log)->Flush().ok());
  int lines = 0;
  REQUIRE(ReadLog(
              options.dir, [&](const std::string&) { ++lines; }, nullptr)
              .ok());
  CHECK(lines == 1);
  CHECK(fs::is_directory(options.dir));

  options.dir = "sqlite:";
  CHECK(OpenPredictionSink(options).status().code() == StatusCode::kInvalidArgument);
  options.dir = "sqlite:" + tmp.path() + "/missing/dir/p.db";
  const auto missing = OpenPredictionSink(options);
  CHECK_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("missing/dir/p.db"));
}

}  // namespace
}  // namespace hunch
