// Service: the HTTP API of a rule set (routes, request validation, prediction logging, feedback,
// reload, metrics), independent of the transport.
#include "hunch/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/label_log.h"
#include "engine/log_common.h"
#include "hunch/data.h"

namespace hunch {
namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

enum Route { kPredict, kFeedback, kReload, kRuleset, kHealthz, kMetrics, kOther, kRouteCount };
constexpr std::array<std::string_view, kRouteCount> kRouteNames = {
    "/v1/predict", "/v1/feedback", "/v1/reload", "/v1/ruleset", "/healthz", "/metrics", "other"};
constexpr std::array<std::string_view, kRouteCount> kRouteMethods = {"POST", "POST", "POST", "GET",
                                                                     "GET",  "GET",  ""};

Route RouteOf(std::string_view path) {
  if (path == "/v1/predict") return kPredict;
  if (path == "/v1/feedback") return kFeedback;
  if (path == "/v1/reload") return kReload;
  if (path == "/v1/ruleset") return kRuleset;
  if (path == "/healthz") return kHealthz;
  if (path == "/metrics") return kMetrics;
  return kOther;
}
std::string_view RouteName(Route r) { return kRouteNames[r]; }

// Statuses counted one by one; any other is counted under its class ("5xx").
constexpr std::array<int, 14> kStatuses = {200, 400, 401, 404, 405, 408, 411,
                                           413, 414, 422, 431, 500, 503, 0};
size_t StatusSlot(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;
}

// Upper bounds of the latency histogram's buckets, in microseconds (+Inf is implied).
constexpr std::array<int64_t, 13> kBucketsUs = {50,    100,   250,   500,    1000,   2500,   5000,
                                                10000, 25000, 50000, 100000, 250000, 1000000};

struct RouteStats {
  std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};
  std::array<std::atomic<uint64_t>, kBucketsUs.size() + 1> buckets{};
  std::atomic<uint64_t> sum_us{0}, count{0};
};

// Predictions by class and by winning rule, for one loaded rule set. Kept after a reload, so
// the counters of every rule set ever loaded add up exactly in /metrics.
struct PredictionCounts {
  PredictionCounts(const RuleSet& rules)
      : classes(rules.class_names()),
        by_class(classes.size() + 1),        // the last: abstain
        by_rule(rules.rules().size() + 1) {  // the last: no rule fired (the default decided)
    for (const RuleInfo& r : rules.rules()) rule_names.push_back(r.name);
  }
  std::vector<std::string> classes, rule_names;
  std::vector<std::atomic<uint64_t>> by_class, by_rule;
};

struct Loaded {
  std::shared_ptr<const RuleSet> rules;
  std::shared_ptr<PredictionCounts> counts;
  std::string ruleset_json;  // the body of GET /v1/ruleset
  std::string ruleset_ref;   // {"name", "version", "sha256"}, in every predict response
};

// Raised inside request parsing; becomes a 400 (or the given status) naming the field.
struct RequestError {
  int status;
  std::string message;
  std::string field;
};

std::string ErrorBody(std::string_view message, std::string_view field = {},
                      std::optional<size_t> position = std::nullopt) {
  std::string out = "{\"error\":";
  AppendJsonString(message, &out);
  if (!field.empty()) {
    out += ",\"field\":";
    AppendJsonString(field, &out);
  }
  if (position) out += fmt::format(",\"position\":{}", *position);
  out += "}\n";
  return out;
}

HttpResponse Error(int status, std::string_view message, std::string_view field = {}) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorBody(message, field);
  return r;
}

// The nesting depth of a JSON text, scanned before parsing so that no request can make the
// parser (or the destruction of its result) go deep. Strings are skipped.
int JsonDepth(std::string_view text, size_t* where) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        max_depth = depth;
        *where = i;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

Json ParseBody(const std::string& body, int max_depth) {
  size_t where = 0;
  if (JsonDepth(body, &where) > max_depth) {
    throw RequestError{
        400, fmt::format("JSON nested deeper than {} levels at byte {}", max_depth, where), ""};
  }
  try {
    return Json::parse(body);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 9: ...".
    std::string what = e.what();
    const size_t colon = what.find(": ");
    throw RequestError{400,
                       fmt::format("invalid JSON at byte {}: {}", e.byte,
                                   colon == std::string::npos ? what : what.substr(colon + 2)),
                       "#" + std::to_string(e.byte)};
  }
}

std::string_view JsonTypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an integer";
  }
}

bool IsInt(std::string_view s) {
  int64_t v;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}
bool IsNumber(std::string_view s) {
  double v;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}
bool IsBoolText(std::string_view s) {
  auto lower = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
  };
  return lower(s, "true") || lower(s, "false");
}

// "'amnt' (did you mean 'amount'?)" when a column name is one or two edits away.
std::string Suggestion(const std::string& key, const Schema& schema) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = 3;
  for (const Column& c : schema.columns) {
    const size_t d = distance(key, c.name);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

// One row of a request, parsed and checked.
struct Instance {
  std::string id;
  std::vector<std::string> cells;  // aligned to the schema
  std::vector<bool> present;
  std::string input_json;
  std::map<std::string, std::string> metadata;
  std::optional<std::string> shadow;
  bool has_shadow = false;
};

}  // namespace

struct Service::Impl {
  std::string rules_path;
  ServiceOptions options;
  std::unique_ptr<PredictionSink> sink;
  PredictionLog* jsonl_log = nullptr;  // the sink, when it is the JSONL log (for its stats)
  std::unique_ptr<LabelLog> labels;

  std::atomic<std::shared_ptr<const Loaded>> loaded;
  std::mutex reload_mu;                                     // one reload at a time
  mutable std::mutex counts_mu;                             // guards all_counts
  std::list<std::shared_ptr<PredictionCounts>> all_counts;  // of every rule set loaded

  std::array<RouteStats, kRouteCount> routes;
  std::array<std::atomic<uint64_t>, kStatuses.size()> transport_errors{};
  std::atomic<uint64_t> shadow_total{0}, shadow_agreements{0}, logged{0}, sampled_out{0},
      log_errors{0}, feedback{0}, feedback_errors{0}, reloads_ok{0}, reloads_failed{0};
  const int64_t started_us = NowMicros();

  Result<std::shared_ptr<const Loaded>> Load(std::vector<Diagnostic>* diagnostics) {
    auto rs = RuleSet::Load(rules_path, options.load, diagnostics);
    if (!rs.ok()) return rs.status();
    auto loaded = std::make_shared<Loaded>();
    loaded->rules = std::move(*rs);
    loaded->counts = std::make_shared<PredictionCounts>(*loaded->rules);
    const RuleSet& r = *loaded->rules;
    Json info;
    info["name"] = r.name();
    info["version"] = r.version();
    info["sha256"] = r.sha256();
    info["path"] = rules_path;
    info["loaded_at"] = FormatTimestamp(NowMicros());
    info["label"] = r.label_column();
    info["classes"] = Json::array();
    for (size_t k = 0; k < r.class_names().size(); ++k) {
      info["classes"].push_back({{"name", r.class_names()[k]}, {"label", r.raw_labels()[k]}});
    }
    info["default"] = r.default_class() < 0 ? "abstain" : r.class_names()[r.default_class()];
    info["inputs"] = Json::array();
    for (const Column& c : r.schema().columns) {
      info["inputs"].push_back({{"name", c.name}, {"type", std::string(ColumnTypeName(c.type))}});
    }
    info["inputs_declared"] = r.schema_known();
    info["rules"] = Json::array();
    for (const RuleInfo& rule : r.rules()) {
      Json j = {{"name", rule.name},
                {"when", rule.condition},
                {"predict", rule.predict < 0 ? "abstain" : r.class_names()[rule.predict]}};
      j["confidence"] = rule.confidence ? Json(*rule.confidence) : Json(nullptr);
      j["tags"] = rule.tags;
      j["enabled"] = rule.enabled;
      info["rules"].push_back(std::move(j));
    }
    loaded->ruleset_json = info.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    Json ref = {{"name", r.name()}, {"version", r.version()}, {"sha256", r.sha256()}};
    loaded->ruleset_ref = ref.dump(-1, ' ', false, Json::error_handler_t::replace);
    {
      std::lock_guard<std::mutex> lock(counts_mu);
      all_counts.push_back(loaded->counts);
    }
    return std::shared_ptr<const Loaded>(std::move(loaded));
  }

  bool Authorized(const HttpRequest& request) const {
    if (options.token.empty()) return true;
    const std::string expected = "Bearer " + options.token;
    for (const auto& [name, value] : request.headers) {
      if (name.size() != 13 || !std::equal(name.begin(), name.end(), "authorization",
                                           [](char a, char b) { return std::tolower(a) == b; })) {
        continue;
      }
      // Compared in constant time, so the answer's timing does not reveal a prefix.
      unsigned char diff = value.size() != expected.size();
      for (size_t i = 0; i < expected.size(); ++i) {
        diff |= static_cast<unsigned char>(expected[i] ^ (i < value.size() ? value[i] : 0));
      }
      return diff == 0;
    }
    return false;
  }

  // Fills `out` from one instance object ({"inputs", "id", "metadata", "shadow"}).
  void ParseInstance(const Json& j, const std::string& where, const RuleSet& rules,
                     Instance* out) const {
    auto field = [&](std::string_view name) {
      return where.empty() ? std::string(name) : where + "." + std::string(name);
    };
    if (!j.is_object()) {
      throw RequestError{400,
                         fmt::format("expected an object such as {{\"inputs\": {{...}}}}, got {}",
                                     JsonTypeName(j)),
                         where};
    }
    const Json* inputs = nullptr;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      if (key == "inputs") {
        inputs = &v;
      } else if (key == "id") {
        if (v.is_null()) continue;
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
          throw RequestError{400,
                             fmt::format("expected a non-empty string, got {}",
                                         v.is_string() ? "an empty string" : JsonTypeName(v)),
                             field("id")};
        }
        out->id = v.get<std::string>();
      } else if (key == "metadata") {
        if (v.is_null()) continue;
        if (!v.is_object()) {
          throw RequestError{400,
                             fmt::format("expected an object of strings, got {}", JsonTypeName(v)),
                             field("metadata")};
        }
        for (auto m = v.begin(); m != v.end(); ++m) {
          if (!m.value().is_string()) {
            throw RequestError{400,
                               fmt::format("expected a string, got {}", JsonTypeName(m.value())),
                               field("metadata." + m.key())};
          }
          out->metadata[m.key()] = m.value().get<std::string>();
        }
      } else if (key == "shadow") {
        if (!v.is_string() && !v.is_null()) {
          throw RequestError{400, fmt::format("expected a string or null, got {}", JsonTypeName(v)),
                             field("shadow")};
        }
        out->has_shadow = true;
        if (v.is_string()) out->shadow = v.get<std::string>();
      } else {
        throw RequestError{
            400, fmt::format("unknown field '{}'; expected inputs, id, metadata or shadow", key),
            field(key)};
      }
    }
    if (inputs == nullptr) {
      throw RequestError{400, "missing field 'inputs' (an object of the row's values)",
                         field("inputs")};
    }
    if (!inputs->is_object()) {
      throw RequestError{400, fmt::format("expected an object, got {}", JsonTypeName(*inputs)),
                         field("inputs")};
    }
    const Schema& schema = rules.schema();
    out->cells.assign(schema.columns.size(), std::string());
    out->present.assign(schema.columns.size(), false);
    const auto& missing = rules.missing_values();
    for (auto it = inputs->begin(); it != inputs->end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      const int c = schema.Find(key);
      if (!options.shadow_field.empty() && key == options.shadow_field) {
        if (!v.is_null() && !out->has_shadow) {
          out->shadow = v.is_string() ? v.get<std::string>() : v.dump();
        }
        if (c < 0) continue;
      }
      if (c < 0) {
        if (options.allow_unknown_inputs) continue;
        throw RequestError{
            400,
            fmt::format("unknown input '{}'{}: the rule set reads {}", key, Suggestion(key, schema),
                        schema.columns.empty() ? "no inputs" : "only its inputs"),
            field("inputs." + key)};
      }
      if (v.is_null()) continue;
      if (v.is_object() || v.is_array()) {
        throw RequestError{400, fmt::format("expected a scalar, got {}", JsonTypeName(v)),
                           field("inputs." + key)};
      }
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      if (rules.schema_known()) {
        const ColumnType type = schema.columns[c].type;
        const bool is_missing =
            v.is_string() && std::find(missing.begin(), missing.end(), text) != missing.end();
        bool ok = is_missing;
        if (!ok) {
          switch (type) {
            case ColumnType::kInt:
              ok = v.is_number_integer() || (v.is_string() && IsInt(text));
              break;
            case ColumnType::kDouble:
              ok = v.is_number() || (v.is_string() && IsNumber(text));
              break;
            case ColumnType::kBool:
              ok = v.is_boolean() || (v.is_string() && IsBoolText(text));
              break;
            case ColumnType::kString:
              ok = v.is_string();
              break;
          }
        }
        if (!ok) {
          throw RequestError{
              400,
              fmt::format("expected {} for input '{}' ({}), got {}",
                          type == ColumnType::kInt      ? "an integer"
                          : type == ColumnType::kDouble ? "a number"
                          : type == ColumnType::kBool   ? "a boolean"
                                                        : "a string",
                          key, ColumnTypeName(type),
                          v.is_string() ? fmt::format("the string \"{}\"", text.substr(0, 40))
                                        : std::string(JsonTypeName(v))),
              field("inputs." + key)};
        }
      }
      out->cells[c] = std::move(text);
      out->present[c] = true;
    }
    if (sink) out->input_json = inputs->dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  HttpResponse Predict(const HttpRequest& request) {
    std::shared_ptr<const Loaded> current = loaded.load();
    const RuleSet& rules = *current->rules;
    Json body = ParseBody(request.body, options.max_json_depth);
    std::vector<Instance> instances;
    bool batch = false;
    if (body.is_object() && body.contains("instances")) {
      batch = true;
      for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != "instances") {
          throw RequestError{400, fmt::format("unknown field '{}' beside 'instances'", it.key()),
                             it.key()};
        }
      }
      const Json& list = body["instances"];
      if (!list.is_array()) {
        throw RequestError{400, fmt::format("expected an array, got {}", JsonTypeName(list)),
                           "instances"};
      }
      if (list.empty()) throw RequestError{400, "expected at least one instance", "instances"};
      if (list.size() > options.max_batch) {
        throw RequestError{413,
                           fmt::format("{} instances are over the limit of {} per request",
                                       list.size(), options.max_batch),
                           "instances"};
      }
      instances.resize(list.size());
      for (size_t i = 0; i < list.size(); ++i) {
        ParseInstance(list[i], fmt::format("instances[{}]", i), rules, &instances[i]);
      }
    } else {
      instances.resize(1);
      ParseInstance(body, "", rules, &instances[0]);
    }

    const auto& classes = rules.class_names();
    const auto& rule_infos = rules.rules();
    std::vector<Prediction> predictions(instances.size());
    std::vector<LogRecord> records(sink ? instances.size() : 0);
    RawRow row(rules.schema().columns.size());
    for (size_t i = 0; i < instances.size(); ++i) {
      Instance& in = instances[i];
      for (size_t c = 0; c < row.size(); ++c) {
        row[c] = in.present[c] ? std::optional<std::string_view>(in.cells[c]) : std::nullopt;
      }
      const auto t0 = Clock::now();
      predictions[i] = rules.Predict(row);
      const auto t1 = Clock::now();
      const Prediction& p = predictions[i];
      if (!sink) continue;
      LogRecord& rec = records[i];
      rec = MakeLogRecord(rules, p, std::move(in.input_json), in.id);
      rec.metadata = std::move(in.metadata);
      for (const auto& [k, v] : options.metadata) rec.metadata[k] = v;
      if (in.shadow) {
        rec.shadow_decision = in.shadow;
        rec.shadow_agrees = *in.shadow == rec.prediction ||
                            (p.class_index >= 0 && *in.shadow == rules.raw_labels()[p.class_index]);
      }
      rec.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count();
    }
    std::vector<bool> kept(instances.size(), false);
    if (sink) {
      Status s;
      if (records.size() == 1) {
        bool one = false;
        s = sink->Append(&records[0], &one);
        kept[0] = s.ok() && one;
      } else {
        s = sink->AppendBatch(&records, &kept);
      }
      if (!s.ok()) {
        log_errors += records.size();
        // Not answered: a 200 promises that the prediction is in the log.
        return Error(503, "prediction log: " + s.message());
      }
      for (bool k : kept) (k ? logged : sampled_out) += 1;
    }

    // Counted once the answer is certain.
    PredictionCounts& counts = *current->counts;
    std::string out;
    out.reserve(256 * instances.size());
    out += batch ? "{\"predictions\":[" : "";
    for (size_t i = 0; i < instances.size(); ++i) {
      const Prediction& p = predictions[i];
      const Instance& in = instances[i];
      const std::string& prediction =
          p.class_index < 0 ? std::string("abstain") : classes[p.class_index];
      counts.by_class[p.class_index < 0 ? classes.size() : p.class_index] += 1;
      counts.by_rule[p.rule < 0 ? rule_infos.size() : p.rule] += 1;
      if (in.shadow) {
        ++shadow_total;
        if (*in.shadow == prediction ||
            (p.class_index >= 0 && *in.shadow == rules.raw_labels()[p.class_index])) {
          ++shadow_agreements;
        }
      }
      if (i > 0) out += ',';
      out += "{\"id\":";
      if (in.id.empty())
        out += "null";
      else
        AppendJsonString(in.id, &out);
      out += ",\"prediction\":";
      AppendJsonString(prediction, &out);
      out += ",\"rule\":";
      if (p.rule >= 0)
        AppendJsonString(rule_infos[p.rule].name, &out);
      else
        out += "null";
      out += ",\"confidence\":";
      out += p.confidence ? fmt::format("{}", *p.confidence) : "null";
      out += ",\"fired\":[";
      for (size_t f = 0; f < p.fired.size(); ++f) {
        if (f > 0) out += ',';
        AppendJsonString(rule_infos[p.fired[f]].name, &out);
      }
      out += ']';
      if (!p.errored.empty()) {
        out += ",\"errored\":[";
        for (size_t f = 0; f < p.errored.size(); ++f) {
          if (f > 0) out += ',';
          AppendJsonString(rule_infos[p.errored[f]].name, &out);
        }
        out += ']';
      }
      out += ",\"event_id\":";
      if (kept[i])
        AppendJsonString(records[i].event_id, &out);
      else
        out += "null";
      if (!batch) {
        out += ",\"ruleset\":";
        out += current->ruleset_ref;
      }
      out += '}';
    }
    if (batch) {
      out += "],\"ruleset\":";
      out += current->ruleset_ref;
      out += '}';
    }
    out += '\n';
    HttpResponse r;
    r.body = std::move(out);
    return r;
  }

  HttpResponse Feedback(const HttpRequest& request) {
    if (!labels) {
      return Error(404, "feedback is off: start hunch serve with --labels FILE (or --log DIR)");
    }
    std::shared_ptr<const Loaded> current = loaded.load();
    const RuleSet& rules = *current->rules;
    Json body = ParseBody(request.body, options.max_json_depth);
    if (!body.is_object()) {
      throw RequestError{400,
                         fmt::format("expected an object such as {{\"id\": \"1056\", \"label\": "
                                     "\"fraud\"}}, got {}",
                                     JsonTypeName(body)),
                         ""};
    }
    std::string id, label;
    bool has_label = false;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const Json& v = it.value();
      if (it.key() == "id") {
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
          throw RequestError{400,
                             fmt::format("expected a non-empty string, got {}",
                                         v.is_string() ? "an empty string" : JsonTypeName(v)),
                             "id"};
        }
        id = v.get<std::string>();
      } else if (it.key() == "label") {
        if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
          throw RequestError{
              400, fmt::format("expected a string, number or boolean, got {}", JsonTypeName(v)),
              "label"};
        }
        label = v.is_string() ? v.get<std::string>() : v.dump();
        has_label = true;
      } else {
        throw RequestError{400, fmt::format("unknown field '{}'; expected id and label", it.key()),
                           it.key()};
      }
    }
    if (id.empty()) throw RequestError{400, "missing field 'id'", "id"};
    if (!has_label) throw RequestError{400, "missing field 'label'", "label"};
    // Labels are checked against the classes so a typo does not silently become a new class.
    const auto& names = rules.class_names();
    const auto& raw = rules.raw_labels();
    if (std::find(names.begin(), names.end(), label) == names.end() &&
        std::find(raw.begin(), raw.end(), label) == raw.end()) {
      std::vector<std::string> expected;
      for (size_t k = 0; k < names.size(); ++k) {
        expected.push_back(raw[k] == names[k] ? names[k] : raw[k] + " (" + names[k] + ")");
      }
      throw RequestError{400,
                         fmt::format("'{}' is not a class of rule set '{}': expected one of {}",
                                     label.substr(0, 64), rules.name(), fmt::join(expected, ", ")),
                         "label"};
    }
    std::string label_json;
    AppendJsonString(label, &label_json);
    if (Status s = labels->Append(id, label_json); !s.ok()) {
      ++feedback_errors;
      return Error(503, "labels log: " + s.message());
    }
    ++feedback;
    HttpResponse r;
    r.body = "{\"recorded\":true,\"id\":";
    AppendJsonString(id, &r.body);
    r.body += ",\"label\":" + label_json + "}\n";
    return r;
  }

  HttpResponse ReloadRoute() {
    std::vector<Diagnostic> diags;
    Status s = Reload(&diags);
    if (!s.ok()) {
      HttpResponse r;
      r.status = s.code() == StatusCode::kRuleError ? 422 : 500;
      r.body = "{\"reloaded\":false,\"error\":";
      AppendJsonString(s.message(), &r.body);
      r.body += ",\"diagnostics\":" + DiagnosticsToJson(diags) + ",\"serving\":";
      r.body += loaded.load()->ruleset_ref + "}\n";
      return r;
    }
    HttpResponse r;
    r.body = "{\"reloaded\":true,\"diagnostics\":" + DiagnosticsToJson(diags) + ",\"serving\":";
    r.body += loaded.load()->ruleset_ref + "}\n";
    return r;
  }

  Status Reload(std::vector<Diagnostic>* diagnostics) {
    std::lock_guard<std::mutex> lock(reload_mu);
    auto next = Load(diagnostics);
    if (!next.ok()) {
      ++reloads_failed;
      return next.status();
    }
    loaded.store(std::move(*next));
    ++reloads_ok;
    return Status::Ok();
  }

  HttpResponse Dispatch(const HttpRequest& request, Route route) {
    if (route == kOther) return Error(404, fmt::format("no route {}", request.path.substr(0, 200)));
    if (request.method != kRouteMethods[route]) {
      HttpResponse r =
          Error(405, fmt::format("{} takes {}", RouteName(route), kRouteMethods[route]));
      r.headers.emplace_back("Allow", std::string(kRouteMethods[route]));
      return r;
    }
    if (route != kHealthz && !Authorized(request)) {
      HttpResponse r = Error(401, "missing or wrong bearer token (Authorization: Bearer TOKEN)");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    try {
      switch (route) {
        case kPredict:
          return Predict(request);
        case kFeedback:
          return Feedback(request);
        case kReload:
          return ReloadRoute();
        case kRuleset: {
          HttpResponse r;
          r.body = loaded.load()->ruleset_json;
          return r;
        }
        case kHealthz: {
          HttpResponse r;
          r.body = "{\"status\":\"ok\",\"ruleset\":" + loaded.load()->ruleset_ref + "}\n";
          return r;
        }
        case kMetrics: {
          HttpResponse r;
          r.content_type = "text/plain; version=0.0.4; charset=utf-8";
          r.body = MetricsText();
          return r;
        }
        default:
          break;
      }
    } catch (const RequestError& e) {
      HttpResponse r;
      r.status = e.status;
      std::optional<size_t> position;
      std::string field = e.field;
      if (field.starts_with("#")) {
        position = std::stoull(field.substr(1));
        field.clear();
      }
      r.body = ErrorBody(e.message, field, position);
      return r;
    }
    return Error(404, "no route");
  }

  std::string MetricsText() const;
};

namespace {

// A Prometheus label value: backslash, double quote and newline escaped.
std::string LabelValue(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Help(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string Service::Impl::MetricsText() const {
  std::string out;
  Help(&out, "hunch_http_requests_total", "counter",
       "Requests answered, by route and status (transport errors under route \"transport\").");
  for (int r = 0; r < kRouteCount; ++r) {
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      const uint64_t n = routes[r].by_status[s];
      if (n == 0) continue;
      out += fmt::format("hunch_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         RouteName(static_cast<Route>(r)),
                         kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]), n);
    }
  }
  for (size_t s = 0; s < kStatuses.size(); ++s) {
    const uint64_t n = transport_errors[s];
    if (n == 0) continue;
    out += fmt::format("hunch_http_requests_total{{route=\"transport\",status=\"{}\"}} {}\n",
                       kStatuses[s] == 0 ? "other" : std::to_string(kStatuses[s]), n);
  }
  Help(&out, "hunch_http_request_duration_seconds", "histogram",
       "Time from the parsed request to the built response (excludes network I/O), by route.");
  for (int r = 0; r < kRouteCount; ++r) {
    const RouteStats& st = routes[r];
    const uint64_t count = st.count;
    if (count == 0) continue;
    const std::string route(RouteName(static_cast<Route>(r)));
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketsUs.size(); ++b) {
      cumulative += st.buckets[b];
      out += fmt::format(
          "hunch_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          b < kBucketsUs.size() ? fmt::format("{}", kBucketsUs[b] / 1e6) : "+Inf", cumulative);
    }
    out += fmt::format("hunch_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       st.sum_us / 1e6);
    out +=
        fmt::format("hunch_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, count);
  }
  // Predictions by class and by rule, summed over every rule set loaded since the start.
  std::map<std::string, uint64_t> by_class, by_rule;
  {
    std::lock_guard<std::mutex> lock(counts_mu);
    for (const auto& c : all_counts) {
      for (size_t k = 0; k < c->by_class.size(); ++k) {
        const uint64_t n = c->by_class[k];
        if (n > 0) by_class[k < c->classes.size() ? c->classes[k] : "abstain"] += n;
      }
      for (size_t k = 0; k < c->by_rule.size(); ++k) {
        const uint64_t n = c->by_rule[k];
        if (n > 0) by_rule[k < c->rule_names.size() ? c->rule_names[k] : ""] += n;
      }
    }
  }
  Help(&out, "hunch_predictions_total", "counter", "Predictions answered, by predicted class.");
  for (const auto& [name, n] : by_class) {
    out += fmt::format("hunch_predictions_total{{class=\"{}\"}} {}\n", LabelValue(name), n);
  }
  Help(&out, "hunch_rule_wins_total", "counter",
       "Predictions answered, by winning rule (rule=\"\": no rule fired, the default decided).");
  for (const auto& [name, n] : by_rule) {
    out += fmt::format("hunch_rule_wins_total{{rule=\"{}\"}} {}\n", LabelValue(name), n);
  }
  Help(&out, "hunch_shadow_predictions_total", "counter",
       "Predictions that came with the existing system's decision.");
  out += fmt::format("hunch_shadow_predictions_total {}\n", shadow_total.load());
  Help(&out, "hunch_shadow_agreements_total", "counter",
       "Of those, predictions equal to the existing system's decision.");
  out += fmt::format("hunch_shadow_agreements_total {}\n", shadow_agreements.load());
  Help(&out, "hunch_log_records_total", "counter",
       "Prediction records accepted by the log (sampled-out records excluded).");
  out += fmt::format("hunch_log_records_total {}\n", logged.load());
  Help(&out, "hunch_log_sampled_out_total", "counter", "Predictions not logged by sampling.");
  out += fmt::format("hunch_log_sampled_out_total {}\n", sampled_out.load());
  PredictionLog::Stats log_stats;
  if (jsonl_log != nullptr) log_stats = jsonl_log->stats();
  Help(&out, "hunch_log_bytes_total", "counter",
       "Bytes written to the JSONL prediction log (0 for the SQLite sink).");
  out += fmt::format("hunch_log_bytes_total {}\n", log_stats.bytes);
  Help(&out, "hunch_log_errors_total", "counter",
       "Predictions refused (503) because the log could not take their record, plus failed "
       "background writes under --fsync interval.");
  // Under kAlways and kNever a failed write is also a refused request, counted already.
  const uint64_t background_errors = options.fsync == FsyncMode::kInterval ? log_stats.errors : 0;
  out += fmt::format("hunch_log_errors_total {}\n", log_errors.load() + background_errors);
  Help(&out, "hunch_log_dropped_total", "counter",
       "Predictions answered 200 whose record was then lost (a failed background write under "
       "--fsync interval). Must stay 0.");
  const bool deferred = options.fsync == FsyncMode::kInterval;
  out += fmt::format("hunch_log_dropped_total {}\n", deferred ? log_stats.failed_records : 0);
  Help(&out, "hunch_feedback_total", "counter", "Labels appended by /v1/feedback.");
  out += fmt::format("hunch_feedback_total {}\n", feedback.load());
  Help(&out, "hunch_feedback_errors_total", "counter", "Labels refused because of a write error.");
  out += fmt::format("hunch_feedback_errors_total {}\n", feedback_errors.load());
  Help(&out, "hunch_reloads_total", "counter", "Rule file reloads, by result.");
  out += fmt::format("hunch_reloads_total{{result=\"ok\"}} {}\n", reloads_ok.load());
  out += fmt::format("hunch_reloads_total{{result=\"error\"}} {}\n", reloads_failed.load());
  const auto current = loaded.load();
  Help(&out, "hunch_ruleset_info", "gauge", "The rule set serving now.");
  out += fmt::format("hunch_ruleset_info{{name=\"{}\",version=\"{}\",sha256=\"{}\"}} 1\n",
                     LabelValue(current->rules->name()), LabelValue(current->rules->version()),
                     current->rules->sha256());
  Help(&out, "hunch_start_time_seconds", "gauge", "When the service started, Unix seconds.");
  out += fmt::format("hunch_start_time_seconds {}\n", started_us / 1000000);
  return out;
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() { Flush(); }

Result<std::unique_ptr<Service>> Service::Create(const std::string& rules_path,
                                                 ServiceOptions options,
                                                 std::unique_ptr<PredictionSink> sink,
                                                 std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> ignored;
  if (diagnostics == nullptr) diagnostics = &ignored;
  auto impl = std::make_unique<Impl>();
  impl->rules_path = rules_path;
  impl->options = std::move(options);
  impl->jsonl_log = dynamic_cast<PredictionLog*>(sink.get());
  impl->sink = std::move(sink);
  auto first = impl->Load(diagnostics);
  if (!first.ok()) return first.status();
  impl->loaded.store(std::move(*first));
  if (!impl->options.labels_path.empty()) {
    std::string warning;
    auto labels = LabelLog::Open(impl->options.labels_path, impl->options.fsync, 100, &warning);
    if (!labels.ok()) return labels.status();
    impl->labels = std::move(*labels);
    if (!warning.empty()) {
      // Not a rule-file diagnostic, but the caller prints these; the path names the file.
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.file = impl->options.labels_path;
      d.code = "torn-label-line";
      d.message = warning;
      diagnostics->push_back(std::move(d));
    }
  }
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

HttpResponse Service::Handle(const HttpRequest& request) {
  const auto t0 = Clock::now();
  const Route route = RouteOf(request.path);
  HttpResponse response;
  try {
    response = impl_->Dispatch(request, route);
  } catch (const std::exception& e) {
    response = Error(500, fmt::format("internal error: {}", e.what()));
  }
  const int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  RouteStats& st = impl_->routes[route];
  st.by_status[StatusSlot(response.status)] += 1;
  size_t b = 0;
  while (b < kBucketsUs.size() && us > kBucketsUs[b]) ++b;
  st.buckets[b] += 1;
  st.sum_us += us;
  st.count += 1;
  return response;
}

void Service::CountTransportError(int status) { impl_->transport_errors[StatusSlot(status)] += 1; }

Status Service::Reload(std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> ignored;
  return impl_->Reload(diagnostics != nullptr ? diagnostics : &ignored);
}

Status Service::Flush() {
  Status status = impl_->sink ? impl_->sink->Flush() : Status::Ok();
  if (impl_->labels) {
    Status s = impl_->labels->Flush();
    if (status.ok()) status = s;
  }
  return status;
}

std::shared_ptr<const RuleSet> Service::rules() const { return impl_->loaded.load()->rules; }

std::string Service::MetricsText() const { return impl_->MetricsText(); }

}  // namespace hunch
