// Internal to the engine (the facades are hunch/compare.h and hunch/diff.h): the sections of a
// comparison's report, shared by `hunch compare` and `hunch diff`.
#ifndef HUNCH_ENGINE_COMPARE_RENDER_H_
#define HUNCH_ENGINE_COMPARE_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hunch/compare.h"

namespace hunch::render {

// The sections as tables of strings; the first row of each table is its header.
struct CompareSections {
  std::vector<std::vector<std::string>> metrics, contingency, per_class, a_confusion, b_confusion,
      slices, calibration;
  std::string mcnemar;
  std::vector<std::string> score_lines;
};
CompareSections BuildCompareSections(const Comparison& c);
std::string CompareSectionsToText(const Comparison& c, const CompareSections& s, bool color);
std::string CompareSectionsToMarkdown(const Comparison& c, const CompareSections& s);

// The figures of a comparison as JSON: systems, metrics, per class, confusion, contingency,
// slices, scores, verdict (docs/compare.md).
nlohmann::json ComparisonCoreJson(const Comparison& c);
// One figure of both systems: {A: .., B: .., difference, interval, significant}.
nlohmann::json DeltaJson(const MetricDelta& d, const Comparison& c);

}  // namespace hunch::render

#endif  // HUNCH_ENGINE_COMPARE_RENDER_H_
