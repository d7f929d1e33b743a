// Embedding hunch: load a rule file once, predict rows, log every prediction durably.
// usage: hunch_embed_example RULES.yaml LOG_DIR   (only public headers are used; see README.md)
#include <iostream>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/prediction_log.h"
#include "hunch/ruleset.h"

int main(int argc, char** argv) {
  if (argc != 3) return std::cerr << "usage: " << argv[0] << " RULES.yaml LOG_DIR\n", 2;
  std::vector<hunch::Diagnostic> diags;
  auto rules = hunch::RuleSet::Load(argv[1], {}, &diags);
  if (!rules.ok())
    return std::cerr << hunch::FormatDiagnostics(diags) << rules.status().message() << "\n", 1;
  auto log = hunch::PredictionLog::Open({.dir = argv[2], .fsync = hunch::FsyncMode::kAlways});
  if (!log.ok()) return std::cerr << log.status().message() << "\n", 1;

  const std::vector<std::string> header = {"amount", "account_age_days", "country"};
  const std::vector<std::vector<std::string_view>> requests = {{"7200", "3", "US"},
                                                               {"42.50", "800", "US"}};
  for (const auto& cells : requests) {
    hunch::RawRow row((*rules)->schema().columns.size());  // cells left out are missing
    for (size_t i = 0; i < header.size(); ++i) row[(*rules)->schema().Find(header[i])] = cells[i];
    hunch::Prediction p = (*rules)->Predict(row);  // thread-safe: call it from any thread

    std::string input;
    hunch::AppendRecordJson(header, cells, std::vector<bool>(cells.size(), true), &input);
    hunch::LogRecord rec = hunch::MakeLogRecord(**rules, p, input);
    if (hunch::Status s = (*log)->Append(&rec); !s.ok()) return std::cerr << s.message() << "\n", 1;
    std::cout << rec.prediction << " by " << (rec.rule.empty() ? "(default)" : rec.rule)
              << ", logged as " << rec.event_id << "\n";  // durable: Append returned after fsync
  }
  return 0;
}
