// Latency of the embedded path: RuleSet::Predict on one row at a time, as a service calls it.
// Usage: hunch_predict_bench RULES.yaml DATA.csv [ROWS]   (prints percentiles in nanoseconds)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/ruleset.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s RULES.yaml DATA.csv [ROWS]\n", argv[0]);
    return 2;
  }
  const size_t rows = argc > 3 ? std::stoul(argv[3]) : 100000;
  std::vector<hunch::Diagnostic> diags;
  auto rs = hunch::LoadRuleSetForData(argv[1], argv[2], {}, {}, &diags);
  if (!rs.ok()) {
    std::fprintf(stderr, "%s\n%s", rs.status().message().c_str(),
                 hunch::FormatDiagnostics(diags).c_str());
    return 1;
  }
  // Real rows from the data, held in memory so the loop measures prediction only.
  std::vector<std::vector<std::string>> storage(std::min<size_t>(rows, 10000));
  std::vector<hunch::RawRow> input;
  for (size_t i = 0; i < storage.size(); ++i) {
    auto row = hunch::ReadDataRow(argv[2], static_cast<int64_t>(i + 1), **rs, {}, &storage[i]);
    if (!row.ok()) break;
    input.push_back(*row);
  }
  if (input.empty()) return 1;
  // Re-point the views: ReadDataRow's views refer to storage[i], which is stable from here on.
  for (size_t i = 0; i < input.size(); ++i) {
    for (size_t c = 0; c < input[i].size(); ++c) {
      if (input[i][c]) input[i][c] = storage[i][c];
    }
  }
  std::vector<double> ns;
  ns.reserve(rows);
  int64_t fraud = 0;
  for (size_t i = 0; i < rows; ++i) {
    const auto& row = input[i % input.size()];
    auto t0 = std::chrono::steady_clock::now();
    hunch::Prediction p = (*rs)->Predict(row);
    auto t1 = std::chrono::steady_clock::now();
    fraud += p.class_index;
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  auto pct = [&](double q) { return ns[static_cast<size_t>(q * (ns.size() - 1))]; };
  std::printf("predict one row: %zu calls, %zu distinct rows, %lld predicted class 1\n", rows,
              input.size(), static_cast<long long>(fraud));
  std::printf("latency ns: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", pct(0.5),
              pct(0.9), pct(0.99), pct(0.999), ns.back());
  return 0;
}
