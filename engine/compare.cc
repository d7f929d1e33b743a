// Implements hunch/compare.h: a model's predictions file joined to the rules' rows, and the
// baseline file (report, rule file, data fingerprint).
#include "hunch/compare.h"

#include <fmt/format.h>
#include <nettle/sha2.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "engine/paired.h"
#include "engine/ruleset_impl.h"
#include "engine/scores.h"
#include "engine/table_reader.h"
#include "rules/text.h"

namespace hunch {
namespace {

using nlohmann::json;

// The model's side, one entry per record of the predictions file.
struct ModelRows {
  std::vector<int32_t> predicted;  // class index, -1 = abstain (empty cell)
  std::vector<double> score;       // when a score column is given
  std::vector<int64_t> line;
  std::unordered_map<std::string, size_t> by_id;  // when joined by id
};

Result<ModelRows> ReadPredictions(const RuleSet& rules, const CompareOptions& o) {
  auto format = ParseInputFormat(o.predictions_format);
  if (!format.ok()) return format.status();
  ReaderOptions ro;
  ro.format = *format;
  auto reader = OpenTable(o.predictions_path, ro);
  if (!reader.ok()) return reader.status();
  const std::vector<std::string>& header = (*reader)->header();
  auto column = [&](const std::string& name, std::string_view what) -> Result<int> {
    auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return static_cast<int>(it - header.begin());
    std::string hint = ClosestMatch(name, header);
    return InvalidArgument(
        fmt::format("{}: error: {} column '{}' is not in the predictions (columns: {}){}",
                    o.predictions_path, what, name, fmt::join(header, ", "),
                    hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
  };
  auto prediction_h = column(o.prediction_column, "prediction");
  if (!prediction_h.ok()) return prediction_h.status();
  int score_h = -1, id_h = -1;
  if (!o.score_column.empty()) {
    auto h = column(o.score_column, "score");
    if (!h.ok()) return h.status();
    score_h = *h;
  }
  if (!o.id_column.empty()) {
    auto h = column(o.id_column, "id");
    if (!h.ok()) return h.status();
    id_h = *h;
  }
  std::unordered_map<std::string, int> class_of;
  const auto& names = rules.class_names();
  const auto& raw = rules.raw_labels();
  for (size_t i = 0; i < raw.size(); ++i) class_of.emplace(raw[i], static_cast<int>(i));
  for (size_t i = 0; i < names.size(); ++i) class_of[names[i]] = static_cast<int>(i);

  ModelRows m;
  RawRecord rec;
  for (;;) {
    auto more = (*reader)->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const std::string where = fmt::format("{}:{}", o.predictions_path, rec.line);
    const size_t row = m.predicted.size();
    std::string_view cell = rec.present[*prediction_h] ? rec.cells[*prediction_h] : "";
    if (cell.empty()) {
      m.predicted.push_back(-1);
    } else if (auto it = class_of.find(std::string(cell)); it != class_of.end()) {
      m.predicted.push_back(it->second);
    } else {
      return DataError(fmt::format(
          "{}: error: prediction '{}' in column '{}' is not a class ({}) or a label value ({})",
          where, cell, o.prediction_column, fmt::join(names, ", "), fmt::join(raw, ", ")));
    }
    if (score_h >= 0) {
      std::string text(rec.present[score_h] ? rec.cells[score_h] : "");
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE ||
          !std::isfinite(v)) {
        return DataError(fmt::format("{}: error: score '{}' in column '{}' is not a number", where,
                                     text, o.score_column));
      }
      m.score.push_back(v);
    }
    if (id_h >= 0) {
      std::string id(rec.present[id_h] ? rec.cells[id_h] : "");
      auto [it, inserted] = m.by_id.emplace(id, row);
      if (!inserted) {
        return DataError(fmt::format("{}: error: id '{}' appears twice (first on line {})", where,
                                     id, m.line[it->second]));
      }
    }
    m.line.push_back(rec.line);
  }
  return m;
}

}  // namespace

Result<Comparison> CompareWithPredictions(const RuleSet& rules, const std::string& data_path,
                                          const CompareOptions& options) {
  const CheckedRuleSet& rs = rules.impl().checked;
  if (!options.score_column.empty() && (rs.class_names.size() != 2 || rs.positive_class < 0)) {
    return InvalidArgument(
        fmt::format("{}: error: a score column needs a binary rule set with a 'positive' class",
                    options.predictions_path));
  }
  std::optional<BaselineCheck> check;
  if (options.baseline != nullptr) {
    const Baseline& b = *options.baseline;
    auto sha = FileSha256(data_path);
    if (!sha.ok()) return sha.status();
    check = BaselineCheck{b.path, *sha == b.data_sha256, *sha, b.data_sha256, b.data_rows};
    if (!check->same_data && !options.allow_different_data) {
      return InvalidArgument(fmt::format(
          "{}: error: not the data of the baseline {}: sha256 {} but the baseline was measured on "
          "{} ({} rows, sha256 {}); compare on the same rows, or pass --allow-different-data",
          data_path, b.path, sha->substr(0, 12), b.data_path, b.data_rows,
          b.data_sha256.substr(0, 12)));
    }
    if (rs.sha256 != b.ruleset_sha256) {
      return InvalidArgument(fmt::format(
          "{}: error: the rule set (sha256 {}) is not the baseline's (sha256 {}, {})", b.path,
          rs.sha256.substr(0, 12), b.ruleset_sha256.substr(0, 12), b.ruleset_path));
    }
  }
  auto model = ReadPredictions(rules, options);
  if (!model.ok()) return model.status();

  EvalOptions eval = options.eval;
  eval.key_column = options.id_column;
  RowOutcomes outcomes;
  auto report = EvaluateFile(rules, data_path, eval, &outcomes);
  if (!report.ok()) return report.status();
  if (check && !options.allow_different_data && report->rows != check->baseline_rows) {
    return InvalidArgument(fmt::format("{}: error: {} rows, but the baseline has {}", data_path,
                                       report->rows, check->baseline_rows));
  }

  PredictionSource source{options.predictions_path, options.prediction_column, options.score_column,
                          options.id_column};
  source.rows = static_cast<int64_t>(model->predicted.size());
  PairedRows paired;
  paired.k = static_cast<int>(rs.class_names.size());
  paired.positive_class = rs.positive_class;
  paired.actual = std::move(outcomes.actual);
  paired.a = std::move(outcomes.predicted);
  paired.slice_names = std::move(outcomes.slice_names);
  paired.slice_values = std::move(outcomes.slice_values);
  paired.max_slice_values = options.eval.max_slice_values;
  const size_t n = paired.actual.size();
  std::vector<size_t> model_row(n);
  if (options.id_column.empty()) {
    if (report->bad_rows > 0) {
      return InvalidArgument(fmt::format(
          "{}: error: {} malformed rows were skipped, so the predictions cannot be joined by row "
          "order; join them with --id-column",
          report->data_path, report->bad_rows));
    }
    if (source.rows != report->rows) {
      return InvalidArgument(fmt::format(
          "{}: error: {} predictions for the {} rows of {}: without --id-column the predictions "
          "must be in the data's order, one per row",
          options.predictions_path, source.rows, report->rows, report->data_path));
    }
    for (size_t i = 0; i < n; ++i) model_row[i] = static_cast<size_t>(outcomes.record[i]);
  } else {
    std::unordered_map<std::string_view, int64_t> data_row_of;
    for (size_t i = 0; i < n; ++i) {
      const std::string& id = outcomes.key[i];
      auto [seen, inserted] = data_row_of.emplace(id, outcomes.record[i]);
      if (!inserted) {
        return DataError(fmt::format(
            "{}: error: id '{}' in column '{}' is on data rows {} and {}; --id-column must "
            "identify each row",
            report->data_path, id, options.id_column, seen->second + 1, outcomes.record[i] + 1));
      }
      auto it = model->by_id.find(id);
      if (it == model->by_id.end()) {
        return DataError(fmt::format("{}: error: no prediction for id '{}' (data row {} of {})",
                                     options.predictions_path, id, outcomes.record[i] + 1,
                                     report->data_path));
      }
      model_row[i] = it->second;
    }
    source.unmatched = source.rows - static_cast<int64_t>(n);
  }
  paired.b.resize(n);
  for (size_t i = 0; i < n; ++i) {
    paired.b[i] = model->predicted[model_row[i]];
    source.abstained += paired.b[i] < 0;
  }
  if (!options.score_column.empty()) {
    paired.b_score.resize(n);
    for (size_t i = 0; i < n; ++i) paired.b_score[i] = model->score[model_row[i]];
  }
  if (scores::HasScores(rs)) {
    paired.a_score.resize(n);
    for (size_t i = 0; i < n; ++i) paired.a_score[i] = scores::RuleScore(rs, outcomes.rule[i]);
  }

  Comparison c;
  c.a_name = "rules";
  c.b_name = "model";
  c.classes = rs.class_names;
  c.can_abstain = report->can_abstain;
  c.b_description = options.predictions_path;
  ComparePaired(paired, options.eval.bootstrap, options.eval.seed, &c, options.eval.threads);
  c.a_report = std::move(*report);
  c.predictions = source;
  c.baseline = check;
  c.verdict_metric = options.metric;
  c.verdict = Verdict(c, options.metric, &c.winner);
  return c;
}

Result<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound(fmt::format("{}: error: cannot open: {}", path, std::strerror(errno)));
  }
  sha256_ctx ctx;
  sha256_init(&ctx);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) {
      sha256_update(&ctx, static_cast<size_t>(in.gcount()),
                    reinterpret_cast<const uint8_t*>(buffer.data()));
    }
  }
  if (in.bad()) return IoError(fmt::format("{}: error: read failed", path));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  std::string hex;
  for (uint8_t byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

std::string BaselineToJson(const Report& report, const std::string& ruleset_path,
                           const std::string& ruleset_source, const std::string& data_sha256) {
  json j;
  j["hunch_baseline"] = 1;
  j["ruleset"] = {{"path", ruleset_path},
                  {"sha256", report.ruleset_sha256},
                  {"name", report.ruleset_name},
                  {"source", ruleset_source}};
  j["data"] = {{"path", report.data_path}, {"rows", report.rows}, {"sha256", data_sha256}};
  j["report"] = json::parse(ReportToJson(report));
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Baseline> ReadBaseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("{}: error: cannot open: {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](std::string_view what) {
    return DataError(fmt::format(
        "{}: error: not a hunch baseline ({}); write one with 'hunch eval --save-baseline'", path,
        what));
  };
  if (j.is_discarded()) return bad("invalid JSON");
  if (!j.is_object() || j.value("hunch_baseline", 0) != 1) return bad("no \"hunch_baseline\": 1");
  auto string_at = [&](const char* obj, const char* key) -> const json* {
    if (!j.contains(obj) || !j[obj].is_object() || !j[obj].contains(key) ||
        !j[obj][key].is_string())
      return nullptr;
    return &j[obj][key];
  };
  for (auto [obj, key] : {std::pair{"ruleset", "path"},
                          {"ruleset", "sha256"},
                          {"ruleset", "source"},
                          {"data", "path"},
                          {"data", "sha256"}}) {
    if (string_at(obj, key) == nullptr) return bad(fmt::format("missing {}.{}", obj, key));
  }
  if (!j["data"].contains("rows") || !j["data"]["rows"].is_number_integer())
    return bad("missing data.rows");
  Baseline b;
  b.path = path;
  b.ruleset_path = j["ruleset"]["path"];
  b.ruleset_sha256 = j["ruleset"]["sha256"];
  b.ruleset_source = j["ruleset"]["source"];
  b.data_path = j["data"]["path"];
  b.data_sha256 = j["data"]["sha256"];
  b.data_rows = j["data"]["rows"];
  if (j.contains("report")) b.report_json = j["report"].dump();
  return b;
}

Result<std::shared_ptr<const RuleSet>> LoadBaselineRuleSet(const Baseline& baseline,
                                                           const std::string& data_path,
                                                           const DataOptions& data_options,
                                                           std::vector<Diagnostic>* diagnostics) {
  // As LoadRuleSetForData, from the text frozen in the baseline: the `missing:` list first, since
  // it decides how the data's cells are typed.
  const std::string name = fmt::format("{} (rules of {})", baseline.ruleset_path, baseline.path);
  std::vector<std::string> missing = {""};
  {
    std::vector<Diagnostic> ignored;
    auto probe = RuleSet::LoadFromString(baseline.ruleset_source, name, LoadOptions{.lint = false},
                                         &ignored);
    if (probe.ok()) missing = (*probe)->missing_values();
  }
  auto schema = InferFileSchema(data_path, missing, data_options);
  if (!schema.ok()) return schema.status();
  LoadOptions load{.data_schema = &*schema, .lint = false};
  auto rules = RuleSet::LoadFromString(baseline.ruleset_source, name, load, diagnostics);
  if (!rules.ok()) return rules.status();
  if ((*rules)->sha256() != baseline.ruleset_sha256) {
    return DataError(fmt::format(
        "{}: error: the rule file in the baseline hashes to {}, not the recorded {}", baseline.path,
        (*rules)->sha256().substr(0, 12), baseline.ruleset_sha256.substr(0, 12)));
  }
  return rules;
}

}  // namespace hunch
