// `hunch predict`: stream rows in (CSV or JSONL), predictions out (JSONL), optionally logging each.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "hunch/data.h"
#include "hunch/label.h"
#include "hunch/prediction_log.h"
#include "hunch/ruleset.h"

namespace hunch::cli {
namespace {

using json = nlohmann::ordered_json;

struct PredictArgs {
  std::string rules, input = "-", input_format = "auto", log_dir, id_field, shadow_field,
                     fsync = "interval", fit;
  double sample_percent = 100;
  std::vector<std::string> metadata;
};

const std::string kAbstain = "abstain";

// Predicts rows and writes one JSON line per input line; logs when asked.
class Predictor {
 public:
  Predictor(const RuleSet& rules, const PredictArgs& args, PredictionSink* log,
            std::map<std::string, std::string> metadata)
      : rules_(rules), args_(args), log_(log) {
    record_.ruleset_name = rules.name();
    record_.ruleset_version = rules.version();
    record_.ruleset_sha256 = rules.sha256();
    record_.label_column = rules.label_column();
    record_.metadata = std::move(metadata);
  }

  // `row` is aligned to rules.schema(); `input_json` is the row as received, `fields` maps
  // field names to their text for --id-field and --shadow-field.
  void Emit(int64_t line, const RawRow& row, std::string input_json,
            const std::function<std::optional<std::string>(const std::string&)>& field) {
    const auto t0 = std::chrono::steady_clock::now();
    Prediction p = rules_.Predict(row);
    const auto t1 = std::chrono::steady_clock::now();
    const auto& classes = rules_.class_names();
    const auto& rules = rules_.rules();
    const std::string& prediction = p.class_index < 0 ? kAbstain : classes[p.class_index];
    std::optional<std::string> id = args_.id_field.empty() ? std::nullopt : field(args_.id_field);
    // Built by hand: this line is written once per row and is the hot path of the command.
    std::string out = "{\"line\":" + std::to_string(line) + ",\"id\":";
    if (id)
      AppendJsonString(*id, &out);
    else
      out += "null";
    out += ",\"prediction\":";
    AppendJsonString(prediction, &out);
    out += ",\"rule\":";
    if (p.rule >= 0)
      AppendJsonString(rules[p.rule].name, &out);
    else
      out += "null";
    out += ",\"confidence\":";
    out += p.confidence ? fmt::format("{}", *p.confidence) : "null";
    out += ",\"fired\":[";
    for (size_t i = 0; i < p.fired.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(rules[p.fired[i]].name, &out);
    }
    out += ']';
    if (!p.errored.empty()) {
      // Conditions that hit a runtime error (e.g. a cell of the wrong type) did not fire: say so.
      out += ",\"errored\":[";
      for (size_t i = 0; i < p.errored.size(); ++i) {
        if (i > 0) out += ',';
        AppendJsonString(rules[p.errored[i]].name, &out);
      }
      out += ']';
    }
    if (log_ != nullptr) {
      // One record reused across rows: the constant fields are set once and the per-row strings
      // keep their capacity, so logging a row allocates little.
      LogRecord& rec = record_;
      rec.event_id.clear();
      rec.timestamp_us = 0;
      rec.inference_id = id.value_or("");
      rec.input_json.swap(input_json);
      rec.prediction = prediction;
      if (p.rule < 0)
        rec.rule.clear();
      else
        rec.rule = rules[p.rule].name;
      rec.confidence = p.confidence;
      rec.fired.resize(p.fired.size());
      for (size_t i = 0; i < p.fired.size(); ++i) rec.fired[i] = rules[p.fired[i]].name;
      if (!args_.shadow_field.empty()) {
        rec.shadow_decision = field(args_.shadow_field);
        rec.shadow_agrees.reset();
        if (rec.shadow_decision) {
          const std::string& d = *rec.shadow_decision;
          rec.shadow_agrees = d == rec.prediction ||
                              (p.class_index >= 0 && d == rules_.raw_labels()[p.class_index]);
        }
      }
      rec.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count();
      bool kept = false;
      Status s = log_->Append(&rec, &kept);
      if (!s.ok()) {
        Error(line, s.message());
        return;
      }
      out += ",\"event_id\":";
      if (kept)
        AppendJsonString(rec.event_id, &out);
      else
        out += "null";
    }
    out += "}\n";
    std::cout << out;
  }

  void Error(int64_t line, const std::string& message) {
    ++errors_;
    json out = {{"line", line}, {"error", message}};
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  int64_t errors() const { return errors_; }

 private:
  const RuleSet& rules_;
  const PredictArgs& args_;
  PredictionSink* log_;
  LogRecord record_;
  int64_t errors_ = 0;
};

int RunPredict(const PredictArgs& args) {
  std::vector<Diagnostic> diags;
  LoadOptions lopts;
  lopts.lint = false;
  auto rs = RuleSet::Load(args.rules, lopts, &diags);
  if (!rs.ok()) {
    std::cerr << FormatDiagnostics(diags) << rs.status().message() << "\n";
    return rs.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
  }
  // label_model and tie_break prior decide with what was fitted on data (--fit).
  std::shared_ptr<const RuleSet> fitted = *rs;
  if (!args.fit.empty()) {
    LabelSummary summary;
    auto f = FitRuleSet(**rs, args.fit, {}, &summary);
    if (!f.ok()) {
      std::cerr << f.status().message() << "\n";
      return f.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
    }
    fitted = *f;
    if (summary.label_model) {
      std::cerr << fmt::format(
          "label model fitted on {} ({} rows): {} after {} iterations\n", args.fit, summary.rows,
          summary.converged ? "converged" : "DID NOT CONVERGE", summary.iterations);
    }
  } else if ((*rs)->needs_fit()) {
    std::cerr << fmt::format(
        "note: policy {} with tie_break {} is not fitted: label_model decides by majority vote "
        "and prior ties go to the first class; pass --fit DATA\n",
        (*rs)->policy(), (*rs)->tie_break());
  }
  const RuleSet& rules = *fitted;
  std::map<std::string, std::string> metadata;
  for (const auto& kv : args.metadata) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << fmt::format("hunch predict: error: --metadata '{}': expected KEY=VALUE\n", kv);
      return kUsage;
    }
    metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::unique_ptr<PredictionSink> log;
  if (!args.log_dir.empty()) {
    LogOptions lo;
    lo.dir = args.log_dir;
    lo.fsync = args.fsync == "always"  ? FsyncMode::kAlways
               : args.fsync == "never" ? FsyncMode::kNever
                                       : FsyncMode::kInterval;
    lo.sample_rate = args.sample_percent / 100.0;
    lo.validate_input = false;  // inputs are built by AppendRecordJson or parsed by RowFromJson
    auto opened = OpenPredictionSink(lo);
    if (!opened.ok()) {
      std::cerr << opened.status().message() << "\n";
      return kUsage;
    }
    log = std::move(*opened);
  }
  std::ios::sync_with_stdio(false);
  Predictor predictor(rules, args, log.get(), metadata);
  const Schema& schema = rules.schema();

  std::string name = args.input;
  const bool gzip = name.ends_with(".gz");
  if (gzip) name.resize(name.size() - 3);
  const bool jsonl =
      args.input_format == "jsonl" ||
      (args.input_format == "auto" && args.input != "-" &&
       (name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json")));
  if (jsonl && !gzip) {
    // Line by line, so each output line follows its input line at once (a pipe stays interactive).
    std::ifstream file;
    std::istream* in = &std::cin;
    if (args.input != "-") {
      file.open(args.input, std::ios::binary);
      if (!file) {
        std::cerr << fmt::format("{}: error: cannot open: {}\n", args.input, std::strerror(errno));
        return kUsage;
      }
      in = &file;
    }
    std::string text;
    std::vector<std::string> storage;
    int64_t line = 0;
    // Lines are bounded as the table readers bound records (ReaderOptions::max_record_bytes), so
    // an endless line cannot take all memory; a longer line is skipped with an error line.
    constexpr std::streamsize kMaxLine = std::streamsize{16} << 20;
    std::unique_ptr<char[]> buffer(new char[kMaxLine + 1]);
    for (;;) {
      in->getline(buffer.get(), kMaxLine + 1);
      const std::streamsize got = in->gcount();
      if (in->bad() || (in->fail() && got == 0)) break;
      if (in->fail()) {  // kMaxLine bytes and no line end yet
        in->clear();
        in->ignore(std::numeric_limits<std::streamsize>::max(), '\n');
        predictor.Error(++line, fmt::format("line longer than {} bytes (max_record_bytes)",
                                            static_cast<int64_t>(kMaxLine)));
        continue;
      }
      text.assign(buffer.get(), static_cast<size_t>(in->eof() ? got : got - 1));
      ++line;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (text.find_first_not_of(" \t") == std::string::npos) continue;
      auto row = RowFromJson(text, rules, &storage, nullptr);
      if (!row.ok()) {
        predictor.Error(line,
                        row.status().message().substr(row.status().message().find("error: ") + 7));
        continue;
      }
      json obj = json::parse(text, nullptr, false);
      predictor.Emit(line, *row, text, [&](const std::string& name) -> std::optional<std::string> {
        auto it = obj.find(name);
        if (it == obj.end() || it->is_null()) return std::nullopt;
        return it->is_string() ? it->get<std::string>() : it->dump();
      });
    }
  } else {
    DataOptions dopts;
    dopts.format = jsonl ? "jsonl" : "csv";  // gzip JSONL goes through the table reader
    auto opened = RowCursor::Open(args.input, dopts);
    if (!opened.ok()) {
      std::cerr << opened.status().message() << "\n";
      return kUsage;
    }
    RowCursor& cursor = **opened;
    const auto& header = cursor.header();
    std::vector<int> column_of(schema.columns.size(), -1);
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      for (size_t h = 0; h < header.size(); ++h) {
        if (header[h] == schema.columns[c].name) column_of[c] = static_cast<int>(h);
      }
    }
    RawRow row(schema.columns.size());
    for (;;) {
      auto more = cursor.Next();
      if (!more.ok()) {
        const std::string& m = more.status().message();
        predictor.Error(
            cursor.line(),
            m.substr(m.find("error: ") == std::string::npos ? 0 : m.find("error: ") + 7));
        if (!cursor.Recover()) break;
        continue;
      }
      if (!*more) break;
      const auto& cells = cursor.cells();
      for (size_t c = 0; c < row.size(); ++c) {
        const int h = column_of[c];
        row[c] = h >= 0 && cursor.present()[h] ? std::optional<std::string_view>(cells[h])
                                               : std::nullopt;
      }
      std::string input_json;
      if (log) AppendRecordJson(header, cells, cursor.present(), &input_json);
      predictor.Emit(cursor.line(), row, std::move(input_json),
                     [&](const std::string& name) -> std::optional<std::string> {
                       for (size_t h = 0; h < header.size(); ++h) {
                         if (header[h] == name) return std::string(cells[h]);
                       }
                       return std::nullopt;
                     });
    }
  }
  std::cout.flush();
  if (log) {
    if (Status s = log->Flush(); !s.ok()) {
      std::cerr << s.message() << "\n";
      return kErrors;
    }
  }
  return predictor.errors() > 0 ? kErrors : kOk;
}

}  // namespace

void AddPredict(CLI::App& app, Runner* run) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* sub = app.add_subcommand(
      "predict", "Predict a stream of rows (CSV or JSONL in, JSONL out), logging each");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option("INPUT", args->input, "CSV or JSONL rows; '-' (default) for stdin");
  sub->add_option("--input-format", args->input_format,
                  "csv, jsonl or auto (by extension; stdin is CSV)")
      ->check(CLI::IsMember({"csv", "jsonl", "auto"}));
  sub->add_option("--log", args->log_dir,
                  "Append every prediction to the prediction log in this directory");
  sub->add_option("--id-field", args->id_field,
                  "Input field that identifies the row (the record's inference_id)");
  sub->add_option("--shadow-field", args->shadow_field,
                  "Input field holding the existing system's decision");
  sub->add_option("--sample", args->sample_percent, "Percent of predictions to log (default 100)")
      ->check(CLI::Range(0.0, 100.0));
  sub->add_option("--fsync", args->fsync, "always, interval (100 ms, default) or never")
      ->check(CLI::IsMember({"always", "interval", "never"}));
  sub->add_option("--fit", args->fit,
                  "Fit the policy (label_model, tie_break: prior) on this data file first");
  sub->add_option("--metadata", args->metadata,
                  "KEY=VALUE recorded with every logged prediction (repeatable)")
      ->allow_extra_args(false);
  sub->footer(
      "Output: one JSON line per input line, in order: {\"line\", \"id\", \"prediction\", "
      "\"rule\", \"confidence\",\n"
      "\"fired\", \"event_id\"}, or {\"line\", \"error\"} for a bad line (the stream goes on; exit "
      "status 1).\n"
      "Examples:\n"
      "  hunch predict examples/fraud/rules.yaml examples/fraud/transactions.csv --id-field id\n"
      "  tail -f requests.jsonl | hunch predict rules.yaml - --input-format jsonl --log "
      "/var/log/hunch --fsync always");
  sub->callback([run, args] { *run = [args] { return RunPredict(*args); }; });
}

}  // namespace hunch::cli
