// Tests for Service::Handle, the HTTP API without sockets: routes, validation errors naming the
// field, logging before acknowledging, batches, feedback into the labels file, reload, auth,
// metrics, and garbage that must never crash it. tests/e2e/serve_http.py covers the real server.
#include "hunch/service.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "engine/label_log.h"
#include "hunch/dataset.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

using Json = nlohmann::json;

const char* kRules = R"(name: fraud
version: "1"
label: is_fraud
classes: {0: legit, 1: fraud}
default: legit
inputs:
  amount: double
  age: int
  email: string
  vip: bool
rules:
  - name: big_new
    when: amount > 3000 && age < 30
    predict: fraud
    confidence: 0.8
  - name: disposable
    when: email.endsWith("@mailinator.com")
    predict: fraud
)";

// Keeps every appended record; fails on demand.
class MemorySink : public PredictionSink {
 public:
  Status Append(LogRecord* record, bool* kept) override {
    std::lock_guard<std::mutex> lock(mu);
    if (fail) return IoError("disk full");
    record->event_id = "ev-" + std::to_string(records.size());
    records.push_back(*record);
    if (kept != nullptr) *kept = true;
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }
  std::mutex mu;
  bool fail = false;
  std::vector<LogRecord> records;
};

struct Fixture {
  explicit Fixture(ServiceOptions options = {}, bool labels = true) : dir("hunch_service_test") {
    rules_path = dir.Write("rules.yaml", kRules);
    if (labels) options.labels_path = dir.Child("labels.jsonl");
    auto owned = std::make_unique<MemorySink>();
    sink = owned.get();
    std::vector<Diagnostic> diags;
    auto created = Service::Create(rules_path, options, std::move(owned), &diags);
    INFO(FormatDiagnostics(diags));
    REQUIRE(created.ok());
    service = std::move(*created);
  }
  HttpResponse Post(const std::string& path, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    return service->Handle({"POST", path, std::move(headers), body});
  }
  HttpResponse Get(const std::string& path,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    return service->Handle({"GET", path, std::move(headers), ""});
  }
  testing::TempDir dir;
  std::string rules_path;
  MemorySink* sink = nullptr;
  std::unique_ptr<Service> service;
};

Json Body(const HttpResponse& r) {
  INFO(r.body);
  return Json::parse(r.body);
}

// The value of one sample line of the metrics text, or -1 when absent.
double Metric(const std::string& text, const std::string& sample) {
  const size_t at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + sample.size() + 2));
}

TEST_CASE("A single row is predicted, logged, and answered with its event id", "[service]") {
  Fixture f;
  HttpResponse r = f.Post("/v1/predict", R"({"id": "t1", "inputs": {"amount": 7200, "age": 3},
      "metadata": {"caller": "checkout"}, "shadow": "legit"})");
  REQUIRE(r.status == 200);
  Json b = Body(r);
  CHECK(b["id"] == "t1");
  CHECK(b["prediction"] == "fraud");
  CHECK(b["rule"] == "big_new");
  CHECK(b["confidence"] == 0.8);
  CHECK(b["fired"] == Json::array({"big_new"}));
  CHECK(b["ruleset"]["name"] == "fraud");
  REQUIRE(f.sink->records.size() == 1);
  const LogRecord& rec = f.sink->records[0];
  CHECK(b["event_id"] == rec.event_id);
  CHECK(rec.inference_id == "t1");
  CHECK(Json::parse(rec.input_json) == Json::parse(R"({"amount": 7200, "age": 3})"));
  CHECK(rec.metadata.at("caller") == "checkout");
  CHECK(rec.shadow_decision == "legit");
  CHECK(rec.shadow_agrees == false);
}

TEST_CASE("A batch answers each instance in order with one record each", "[service]") {
  Fixture f;
  HttpResponse r = f.Post("/v1/predict", R"({"instances": [
      {"id": "a", "inputs": {"amount": 10, "age": 300}},
      {"id": "b", "inputs": {"email": "x@mailinator.com"}},
      {"inputs": {"amount": null}}]})");
  REQUIRE(r.status == 200);
  Json b = Body(r);
  REQUIRE(b["predictions"].size() == 3);
  CHECK(b["predictions"][0]["prediction"] == "legit");
  CHECK(b["predictions"][0]["rule"].is_null());
  CHECK(b["predictions"][1]["rule"] == "disposable");
  CHECK(b["predictions"][2]["id"].is_null());
  REQUIRE(f.sink->records.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(b["predictions"][i]["event_id"] == f.sink->records[i].event_id);
}

TEST_CASE("Bad requests get a 400 whose JSON error names the field", "[service]") {
  Fixture f;
  struct Case {
    std::string body, field, message_part;
  };
  const std::vector<Case> cases = {
      {R"({"inputs": {"amnt": 1}})", "inputs.amnt", "did you mean 'amount'?"},
      {R"({"inputs": {"amount": "abc"}})", "inputs.amount", "expected a number"},
      {R"({"inputs": {"age": 1.5}})", "inputs.age", "expected an integer"},
      {R"({"inputs": {"email": 12}})", "inputs.email", "expected a string"},
      {R"({"inputs": {"vip": "maybe"}})", "inputs.vip", "expected a boolean"},
      {R"({"inputs": {"amount": [1]}})", "inputs.amount", "expected a scalar"},
      {R"({"inputs": [1]})", "inputs", "expected an object"},
      {R"({"input": {}})", "input", "unknown field 'input'"},
      {R"({"id": 7, "inputs": {}})", "id", "non-empty string"},
      {R"({"metadata": {"k": 1}, "inputs": {}})", "metadata.k", "expected a string"},
      {R"({"shadow": 1, "inputs": {}})", "shadow", "string or null"},
      {R"({})", "inputs", "missing field 'inputs'"},
      {R"({"instances": [{"inputs": {}}, {"inputs": {"age": "x"}}]})", "instances[1].inputs.age",
       "expected an integer"},
      {R"({"instances": {}})", "instances", "expected an array"},
      {R"({"instances": []})", "instances", "at least one"},
      {R"({"instances": [], "x": 1})", "x", "unknown field 'x'"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    HttpResponse r = f.Post("/v1/predict", c.body);
    CHECK(r.status == 400);
    Json b = Body(r);
    CHECK(b["field"] == c.field);
    CHECK_THAT(b["error"].get<std::string>(), Catch::Contains(c.message_part));
  }
  CHECK(f.sink->records.empty());
  // Strings that parse as the column's type are accepted, and so are the rule file's missing
  // markers; numbers in JSON keep their text.
  CHECK(f.Post("/v1/predict", R"({"inputs": {"amount": "12.5", "age": "3", "vip": "TRUE"}})")
            .status == 200);
}

TEST_CASE("Malformed JSON gets a 400 with the byte position of the error", "[service]") {
  Fixture f;
  HttpResponse r = f.Post("/v1/predict", R"({"inputs": {"amount": 1,}})");
  REQUIRE(r.status == 400);
  Json b = Body(r);
  CHECK(b["position"] == 25);
  CHECK_THAT(b["error"].get<std::string>(), Catch::StartsWith("invalid JSON at byte 25"));
  CHECK(f.Post("/v1/predict", "").status == 400);
  CHECK(f.Post("/v1/predict", "\xff\xfe").status == 400);
}

TEST_CASE("Deeply nested JSON is refused before it is parsed", "[service]") {
  Fixture f;
  std::string deep = "{\"inputs\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  HttpResponse r = f.Post("/v1/predict", deep);
  CHECK(r.status == 400);
  CHECK_THAT(Body(r)["error"].get<std::string>(), Catch::Contains("nested deeper than 64"));
  // Brackets inside strings do not count.
  CHECK(
      f.Post("/v1/predict", R"({"inputs": {"email": ")" + std::string(1000, '[') + "\"}}").status ==
      200);
}

TEST_CASE("A batch over the limit gets a 413", "[service]") {
  ServiceOptions options;
  options.max_batch = 2;
  Fixture f(options);
  const std::string one = R"({"inputs": {"amount": 1}})";
  CHECK(f.Post("/v1/predict", "{\"instances\": [" + one + "," + one + "]}").status == 200);
  HttpResponse r = f.Post("/v1/predict", "{\"instances\": [" + one + "," + one + "," + one + "]}");
  CHECK(r.status == 413);
  CHECK(Body(r)["field"] == "instances");
  CHECK(f.sink->records.size() == 2);
}

TEST_CASE("When the log refuses a record the prediction is not acknowledged", "[service]") {
  Fixture f;
  f.sink->fail = true;
  HttpResponse r = f.Post("/v1/predict", R"({"inputs": {"amount": 1}})");
  CHECK(r.status == 503);
  CHECK_THAT(Body(r)["error"].get<std::string>(), Catch::Contains("disk full"));
  const std::string m = f.service->MetricsText();
  CHECK(Metric(m, "hunch_log_errors_total") == 1);
  CHECK(Metric(m, "hunch_log_records_total") == 0);
  CHECK(Metric(m, "hunch_predictions_total{class=\"legit\"}") == -1);
}

TEST_CASE("With a token every route but /healthz needs the bearer header", "[service]") {
  ServiceOptions options;
  options.token = "s3cret";
  Fixture f(options);
  const std::string row = R"({"inputs": {"amount": 1}})";
  HttpResponse r = f.Post("/v1/predict", row);
  CHECK(r.status == 401);
  CHECK(r.headers.at(0).first == "WWW-Authenticate");
  CHECK(f.Post("/v1/predict", row, {{"Authorization", "Bearer wrong!"}}).status == 401);
  CHECK(f.Post("/v1/predict", row, {{"Authorization", "Bearer s3cre"}}).status == 401);
  CHECK(f.Post("/v1/predict", row, {{"authorization", "Bearer s3cret"}}).status == 200);
  CHECK(f.Get("/metrics").status == 401);
  CHECK(f.Get("/v1/ruleset").status == 401);
  CHECK(f.Post("/v1/reload", "").status == 401);
  CHECK(f.Post("/v1/feedback", R"({"id": "a", "label": "fraud"})").status == 401);
  CHECK(f.Get("/healthz").status == 200);
  CHECK(f.sink->records.size() == 1);
}

TEST_CASE("Unknown routes get 404 and wrong methods 405 with Allow", "[service]") {
  Fixture f;
  CHECK(f.Get("/v2/predict").status == 404);
  HttpResponse r = f.Get("/v1/predict");
  CHECK(r.status == 405);
  CHECK(r.headers.at(0) == std::make_pair(std::string("Allow"), std::string("POST")));
  CHECK(f.Post("/metrics", "").status == 405);
}

TEST_CASE("Feedback appends labels that hunch dataset joins with the logged predictions",
          "[service]") {
  testing::TempDir dir("hunch_service_feedback");
  const std::string rules = dir.Write("rules.yaml", kRules);
  LogOptions lo;
  lo.dir = dir.Child("log");
  lo.fsync = FsyncMode::kAlways;
  auto log = PredictionLog::Open(lo);
  REQUIRE(log.ok());
  ServiceOptions options;
  options.labels_path = dir.Child("labels.jsonl");
  auto created = Service::Create(rules, options, std::move(*log), nullptr);
  REQUIRE(created.ok());
  Service& s = **created;
  auto post = [&](const std::string& path, const std::string& body) {
    return s.Handle({"POST", path, {}, body});
  };
  REQUIRE(post("/v1/predict", R"({"id": "a", "inputs": {"amount": 5000, "age": 2}})").status ==
          200);
  REQUIRE(post("/v1/predict", R"({"id": "b", "inputs": {"amount": 5}})").status == 200);
  CHECK(post("/v1/feedback", R"({"id": "a", "label": "fraud"})").status == 200);
  CHECK(post("/v1/feedback", R"({"id": "b", "label": 0})").status == 200);
  HttpResponse bad = post("/v1/feedback", R"({"id": "b", "label": "frod"})");
  CHECK(bad.status == 400);
  CHECK(Body(bad)["field"] == "label");
  CHECK(post("/v1/feedback", R"({"label": "fraud"})").status == 400);
  CHECK(post("/v1/feedback", R"({"id": "b", "label": "fraud", "when": 1})").status == 400);
  REQUIRE(s.Flush().ok());

  DatasetOptions d;
  d.log_dir = dir.Child("log");
  d.labels_path = dir.Child("labels.jsonl");
  d.output_path = dir.Child("train.csv");
  auto stats = BuildDataset(d);
  INFO((stats.ok() ? "" : stats.status().message()));
  REQUIRE(stats.ok());
  CHECK(stats->predictions == 2);
  CHECK(stats->labeled == 2);
  CHECK(stats->labels == 2);
  std::ifstream in(dir.Child("train.csv"));
  std::string header, row_a, row_b;
  std::getline(in, header);
  std::getline(in, row_a);
  std::getline(in, row_b);
  // Input columns come in name order; then the label, as sent (a class name or a raw value).
  CHECK_THAT(header, Catch::StartsWith("age,amount,is_fraud,hunch_prediction"));
  CHECK_THAT(row_a, Catch::StartsWith("2,5000,fraud,fraud,big_new,"));
  CHECK_THAT(row_b, Catch::StartsWith(",5,0,legit,,"));
}

TEST_CASE("A logged batch is in the log whole, with the event ids answered", "[service]") {
  const FsyncMode mode = GENERATE(FsyncMode::kAlways, FsyncMode::kInterval, FsyncMode::kNever);
  testing::TempDir dir("hunch_service_batch");
  LogOptions lo;
  lo.dir = dir.Child("log");
  lo.fsync = mode;
  auto log = PredictionLog::Open(lo);
  REQUIRE(log.ok());
  PredictionLog* raw = log->get();
  ServiceOptions options;
  options.fsync = mode;
  auto created =
      Service::Create(dir.Write("rules.yaml", kRules), options, std::move(*log), nullptr);
  REQUIRE(created.ok());
  HttpResponse r = (*created)->Handle({"POST", "/v1/predict", {}, R"({"instances": [
      {"id": "a", "inputs": {"amount": 1}}, {"id": "b", "inputs": {"amount": 2}},
      {"id": "c", "inputs": {"amount": 3, "email": "x@mailinator.com"}}]})"});
  REQUIRE(r.status == 200);
  // Written before the answer, except under kInterval, where Flush writes the queue.
  if (mode != FsyncMode::kInterval) CHECK(raw->stats().records == 3);
  REQUIRE((*created)->Flush().ok());
  std::vector<Json> logged;
  REQUIRE(
      ReadLog(
          lo.dir, [&](const std::string& line) { logged.push_back(Json::parse(line)); }, nullptr)
          .ok());
  Json b = Body(r);
  REQUIRE(logged.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(b["predictions"][i]["event_id"] == logged[i]["event_id"]);
    CHECK(logged[i]["inference_id"] == std::string(1, 'a' + i));
    CHECK(logged[i]["input"]["amount"] == i + 1);
  }
  CHECK(logged[2]["output"]["rule"] == "disposable");
  CHECK(logged[2]["output"]["fired"] == Json::array({"disposable"}));
}

TEST_CASE("Feedback is off without a labels file", "[service]") {
  Fixture f({}, /*labels=*/false);
  CHECK(f.Post("/v1/feedback", R"({"id": "a", "label": "fraud"})").status == 404);
}

TEST_CASE("Reload swaps in a good rule file and keeps the old rules on a bad one", "[service]") {
  Fixture f;
  const std::string old_sha = f.service->rules()->sha256();
  std::string changed = kRules;
  changed.replace(changed.find("amount > 3000"), 13, "amount > 10");
  f.dir.Write("rules.yaml", changed);
  HttpResponse r = f.Post("/v1/reload", "");
  REQUIRE(r.status == 200);
  CHECK(Body(r)["reloaded"] == true);
  const std::string new_sha = f.service->rules()->sha256();
  CHECK(new_sha != old_sha);
  CHECK(Body(f.Post("/v1/predict", R"({"inputs": {"amount": 50, "age": 1}})"))["rule"] ==
        "big_new");

  f.dir.Write("rules.yaml", std::string(kRules) + "  - name: broken\n    when: amount >\n");
  r = f.Post("/v1/reload", "");
  CHECK(r.status == 422);
  Json b = Body(r);
  CHECK(b["reloaded"] == false);
  REQUIRE(b["diagnostics"].size() == 2);
  CHECK(b["diagnostics"][0]["line"] == 19);  // the rule has no predict
  CHECK(b["diagnostics"][1]["line"] == 20);  // its condition ends early
  CHECK(b["serving"]["sha256"] == new_sha);
  CHECK(f.service->rules()->sha256() == new_sha);
  CHECK(f.Post("/v1/predict", R"({"inputs": {"amount": 50, "age": 1}})").status == 200);

  std::filesystem::remove(f.rules_path);
  CHECK(f.Post("/v1/reload", "").status == 500);
  CHECK(f.Get("/healthz").status == 200);
  const std::string m = f.service->MetricsText();
  CHECK(Metric(m, "hunch_reloads_total{result=\"ok\"}") == 1);
  CHECK(Metric(m, "hunch_reloads_total{result=\"error\"}") == 2);
}

TEST_CASE("GET /v1/ruleset describes the rules serving now", "[service]") {
  Fixture f;
  Json b = Body(f.Get("/v1/ruleset"));
  CHECK(b["name"] == "fraud");
  CHECK(b["version"] == "1");
  CHECK(b["sha256"] == f.service->rules()->sha256());
  REQUIRE(b["rules"].size() == 2);
  CHECK(b["rules"][0]["name"] == "big_new");
  CHECK(b["rules"][0]["when"] == "amount > 3000 && age < 30");
  CHECK(b["rules"][1]["confidence"].is_null());
  CHECK(b["classes"][1] == Json({{"name", "fraud"}, {"label", "1"}}));
  CHECK(b["inputs"][3] == Json({{"name", "vip"}, {"type", "bool"}}));
}

TEST_CASE("Metrics count requests, predictions by class and rule, shadow agreement", "[service]") {
  Fixture f;
  f.Post("/v1/predict", R"({"inputs": {"amount": 5000, "age": 1}, "shadow": "fraud"})");
  f.Post("/v1/predict", R"({"inputs": {"amount": 5000, "age": 1}, "shadow": "1"})");
  f.Post("/v1/predict", R"({"inputs": {"amount": 5}, "shadow": "fraud"})");
  f.Post("/v1/predict", R"({"inputs": {"amount": 5}})");
  f.Post("/v1/predict", R"({"inputs": {"amount": "x"}})");
  f.Get("/nowhere");
  f.service->CountTransportError(413);
  const std::string m = f.service->MetricsText();
  INFO(m);
  CHECK(Metric(m, "hunch_http_requests_total{route=\"/v1/predict\",status=\"200\"}") == 4);
  CHECK(Metric(m, "hunch_http_requests_total{route=\"/v1/predict\",status=\"400\"}") == 1);
  CHECK(Metric(m, "hunch_http_requests_total{route=\"other\",status=\"404\"}") == 1);
  CHECK(Metric(m, "hunch_http_requests_total{route=\"transport\",status=\"413\"}") == 1);
  CHECK(Metric(m, "hunch_http_request_duration_seconds_count{route=\"/v1/predict\"}") == 5);
  CHECK(
      Metric(m, "hunch_http_request_duration_seconds_bucket{route=\"/v1/predict\",le=\"+Inf\"}") ==
      5);
  CHECK(Metric(m, "hunch_predictions_total{class=\"fraud\"}") == 2);
  CHECK(Metric(m, "hunch_predictions_total{class=\"legit\"}") == 2);
  CHECK(Metric(m, "hunch_rule_wins_total{rule=\"big_new\"}") == 2);
  CHECK(Metric(m, "hunch_rule_wins_total{rule=\"\"}") == 2);
  CHECK(Metric(m, "hunch_shadow_predictions_total") == 3);
  CHECK(Metric(m, "hunch_shadow_agreements_total") == 2);
  CHECK(Metric(m, "hunch_log_records_total") == 4);
  CHECK(Metric(m, "hunch_log_dropped_total") == 0);
  // Every sample line is NAME{labels} VALUE or NAME VALUE, as Prometheus' text format wants.
  std::istringstream lines(m);
  const std::regex sample(R"(^[a-z_]+(\{([a-z_0-9]+="[^"]*",?)+\})? [0-9.e+-]+$)");
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#")) continue;
    INFO(line);
    CHECK(std::regex_match(line, sample));
  }
}

TEST_CASE("Concurrent requests during reloads are all answered and all logged", "[service]") {
  Fixture f;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ok += f.Post("/v1/predict", R"({"inputs": {"amount": 5000, "age": 1}})").status == 200;
      }
    });
  }
  for (int i = 0; i < 20; ++i) CHECK(f.Post("/v1/reload", "").status == 200);
  for (auto& t : threads) t.join();
  CHECK(ok == 800);
  CHECK(f.sink->records.size() == 800);
  CHECK(Metric(f.service->MetricsText(), "hunch_predictions_total{class=\"fraud\"}") == 800);
}

TEST_CASE("Random and mutated request bodies never crash the handler", "[service]") {
  Fixture f;
  std::mt19937 random(42);
  const std::vector<std::string> seeds = {
      R"({"id": "t1", "inputs": {"amount": 7200, "age": 3, "email": "a@b", "vip": true}})",
      R"({"instances": [{"inputs": {"amount": 1}}, {"inputs": {"age": 2}}]})",
      R"({"id": "a", "label": "fraud"})"};
  const std::string alphabet = "{}[]\":,0123456789.eE+-tfnul\\ \x01\xc3\xa9\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string body = seeds[i % seeds.size()];
    const int edits = 1 + random() % 4;
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const size_t at = random() % body.size();
      switch (random() % 3) {
        case 0:
          body[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + random() % 3);
          break;
        default:
          body.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
    }
    const char* path = i % 3 == 2 ? "/v1/feedback" : "/v1/predict";
    HttpResponse r = f.Post(path, body);
    INFO(body);
    REQUIRE((r.status == 200 || r.status == 400 || r.status == 413));
    REQUIRE(Json::accept(r.body));
  }
}

TEST_CASE("The labels file is cut back to its last complete line when reopened", "[service]") {
  testing::TempDir dir("hunch_label_log");
  const std::string path =
      dir.Write("labels.jsonl", "{\"id\":\"a\",\"label\":\"1\"}\n{\"id\":\"b\",\"la");
  std::string warning;
  auto log = LabelLog::Open(path, FsyncMode::kAlways, 100, &warning);
  REQUIRE(log.ok());
  CHECK(warning == "torn last line cut off (13 bytes)");
  REQUIRE((*log)->Append("c", "\"0\"").ok());
  std::ifstream in(path);
  std::string first, second, third;
  std::getline(in, first);
  std::getline(in, second);
  CHECK(first == "{\"id\":\"a\",\"label\":\"1\"}");
  Json c = Json::parse(second);
  CHECK(c["id"] == "c");
  CHECK(c["label"] == "0");
  CHECK(c["source"] == "feedback");
  CHECK(!std::getline(in, third));
}

}  // namespace
}  // namespace hunch
