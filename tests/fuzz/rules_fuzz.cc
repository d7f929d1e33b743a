// Fuzzes the rule-file loader (YAML reader, expressions, compiler, lint) through the facade, with
// and without a data schema, then predicts and explains a few rows with what loaded. Every error
// must come back as a located diagnostic, never as a crash, a hang or an escaped exception.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/ruleset.h"
#include "hunch/schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hunch;
  static const Schema schema = [] {
    Schema s;
    s.columns = {{"amount", ColumnType::kDouble},  {"age", ColumnType::kInt},
                 {"email", ColumnType::kString},   {"is_new", ColumnType::kBool},
                 {"country", ColumnType::kString}, {"label", ColumnType::kString}};
    return s;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool with_schema : {false, true}) {
    LoadOptions options;
    if (with_schema) options.data_schema = &schema;
    std::vector<Diagnostic> diagnostics;
    auto rules = RuleSet::LoadFromString(text, "fuzz.yaml", options, &diagnostics);
    FormatDiagnostics(diagnostics);
    DiagnosticsToJson(diagnostics);
    if (!rules.ok()) {
      if (CountErrors(diagnostics) == 0 && rules.status().code() == StatusCode::kRuleError) {
        std::fprintf(stderr, "rule error status without an error diagnostic: %s\n",
                     rules.status().message().c_str());
        std::abort();
      }
      for (const Diagnostic& d : diagnostics) {
        if (d.severity == Severity::kError && (d.line <= 0 || d.message.empty())) {
          std::fprintf(stderr, "an error without a line or a message: %s\n",
                       FormatDiagnostic(d).c_str());
          std::abort();
        }
      }
      continue;
    }
    const RuleSet& rs = **rules;
    const size_t columns = rs.schema().columns.size();
    for (const char* cell : {"", "0", "7200.5", "-1", "true", "a@tempmail.com", "NA"}) {
      RawRow row(columns, std::string_view(cell));
      rs.Predict(row);
      rs.Explain(row);
    }
    rs.Predict(RawRow(columns, std::nullopt));
  }
  return 0;
}
