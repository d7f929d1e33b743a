// Embedding hunch: load a rule file, predict two rows, append each prediction to a durable log.
// usage: hunch_embed_example RULES.yaml LOG_DIR   (see README.md; only public headers are used)
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "hunch/prediction_log.h"
#include "hunch/ruleset.h"

int main(int argc, char** argv) {
  if (argc != 3) return std::cerr << "usage: " << argv[0] << " RULES.yaml LOG_DIR\n", 2;
  std::vector<hunch::Diagnostic> diags;
  auto rs = hunch::RuleSet::Load(argv[1], {}, &diags);
  if (!rs.ok()) return std::cerr << hunch::FormatDiagnostics(diags) << rs.status().message() << "\n", 1;
  const hunch::RuleSet& rules = **rs;
  auto log = hunch::PredictionLog::Open({.dir = argv[2], .fsync = hunch::FsyncMode::kAlways});
  if (!log.ok()) return std::cerr << log.status().message() << "\n", 1;
  const std::map<std::string, std::map<std::string, std::string>> requests = {  // id -> cell texts
      {"t-1", {{"amount", "7200"}, {"account_age_days", "3"}, {"email", "ann@gmail.com"}}},
      {"t-2", {{"amount", "42.50"}, {"account_age_days", "800"}, {"country", "US"}}}};
  for (const auto& [id, cells] : requests) {
    hunch::RawRow row(rules.schema().columns.size());  // cells left nullopt are missing
    hunch::LogRecord rec;                              // Append fills event_id and timestamp_us
    rec.input_json.push_back('{');
    for (const auto& [name, text] : cells) {
      const int c = rules.schema().Find(name);
      if (c < 0) return std::cerr << "no column '" << name << "' in " << argv[1] << "\n", 1;
      row[c] = text;  // plain texts here, so the JSON below needs no escaping
      rec.input_json.append(rec.input_json.size() > 1 ? ",\"" : "\"").append(name);
      rec.input_json.append("\":\"").append(text).push_back('"');
    }
    rec.input_json.push_back('}');
    const hunch::Prediction p = rules.Predict(row);
    rec.inference_id = id;
    rec.ruleset_name = rules.name();
    rec.ruleset_version = rules.version();
    rec.ruleset_sha256 = rules.sha256();
    rec.label_column = rules.label_column();
    rec.prediction = p.class_index < 0 ? "abstain" : rules.class_names()[p.class_index];
    rec.rule = p.rule < 0 ? "" : rules.rules()[p.rule].name;  // "": the default decided
    rec.confidence = p.confidence;
    for (int r : p.fired) rec.fired.push_back(rules.rules()[r].name);
    if (hunch::Status s = (*log)->Append(&rec); !s.ok()) return std::cerr << s.message() << "\n", 1;
    std::cout << id << ": prediction=" << rec.prediction << " rule=" << (p.rule < 0 ? "(default)" : rec.rule)
              << " confidence=";
    (p.confidence ? std::cout << *p.confidence : std::cout << "none") << " fired=[";
    for (size_t i = 0; i < rec.fired.size(); ++i) std::cout << (i ? "," : "") << rec.fired[i];
    std::cout << "] event_id=" << rec.event_id << "\n";
  }
  return 0;
}
