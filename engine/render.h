// Internal to the engine (the facades are hunch/report.h and hunch/compare.h): the pieces the
// eval, compare and diff renderings share, so the three reports look and read alike.
#ifndef HUNCH_ENGINE_RENDER_H_
#define HUNCH_ENGINE_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hunch/report.h"

namespace hunch::render {

// Four decimals; a value that rounds to zero prints as 0.0000, never -0.0000.
std::string Pct(double x);
// A table of strings printed with aligned columns, indented by two; the first row is the header.
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_align);
// The same as a Markdown table (first column left-aligned, the others right-aligned).
std::string MarkdownTable(const std::vector<std::vector<std::string>>& rows);
// The `baselines` object of the JSON report: majority class and stratified guessing.
nlohmann::json BaselinesJson(const Report& report);
// The `scores` object of the JSON report.
nlohmann::json ScoresJson(const ScoreFigures& scores);

}  // namespace hunch::render

#endif  // HUNCH_ENGINE_RENDER_H_
