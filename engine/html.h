// Internal to the engine: the building blocks of hunch's self-contained HTML pages (inline CSS,
// inline SVG, no script, no external request). The eval report uses them (report_html.cc), and
// the compare and diff pages too (compare_html.cc): Page, Section, Table, BarChart,
// DifferenceChart, HeatMap, InlineBar.
// Every function escapes the plain text it is given; arguments named `*_html` are markup already.
#ifndef HUNCH_ENGINE_HTML_H_
#define HUNCH_ENGINE_HTML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/report.h"

namespace hunch::html {

// Text made safe for element content and attribute values: & < > " ' are escaped.
std::string Escape(std::string_view text);
// Four decimals, as the text report prints them; never "-0.0000".
std::string Fixed(double x);
// A JSON pointer (RFC 6901) to a field of the JSON report, e.g. Pointer({"metrics", "accuracy"}).
std::string Pointer(const std::vector<std::string>& path);
// A figure printed in the page and tied to the JSON report: <span
// data-json="POINTER">0.1234</span>. The browser test reads these back and compares them with the
// JSON.
std::string Figure(double value, const std::string& pointer);
std::string Figure(int64_t value, const std::string& pointer);

// The whole document: <!doctype html>, the inline style sheet, the shared SVG patterns,
// `body_html`.
std::string Page(const std::string& title, const std::string& body_html);
// <section> with an <h2> heading, an anchor id and an optional introductory paragraph.
std::string Section(const std::string& id, const std::string& heading, const std::string& intro,
                    const std::string& content_html);

// A table cell; the first cell of each row is a row header (<th scope="row">).
struct Cell {
  std::string html;
  bool numeric = false;  // right-aligned, tabular figures
};
// A table in a horizontally scrolling wrapper (phone width), with <caption> and <th scope="col">.
std::string Table(const std::string& caption, const std::vector<std::string>& headers,
                  const std::vector<bool>& numeric_columns,
                  const std::vector<std::vector<Cell>>& rows);

// How a data series is drawn: a fill plus a pattern, so colour is never the only difference.
enum class Style { kSolid, kHatched, kDotted, kOutline };
struct Series {
  std::string name;
  Style style = Style::kSolid;
};
// One group of a bar chart: a label and one value (with an optional interval) per series.
struct BarGroup {
  std::string label;
  std::vector<std::optional<double>> values;       // nullopt: no bar for that series
  std::vector<std::optional<Interval>> intervals;  // error bars, same order as values
};
// Horizontal grouped bars on a 0..1 scale, each bar labelled with its series name and value, the
// intervals drawn as error bars. `title` is the chart's accessible name.
std::string BarChart(const std::string& title, const std::vector<Series>& series,
                     const std::vector<BarGroup>& groups);
// One row of a difference chart: a difference b - a and its 95% interval.
struct DifferenceRow {
  std::string label;
  double difference = 0;
  std::optional<Interval> interval;
};
// Differences around zero on a symmetric scale: a marker at each difference, its interval as an
// error bar, `left` and `right` naming who is better on either side of zero. The marker is filled
// and the row labelled "better" where the interval excludes zero, hollow where it does not.
std::string DifferenceChart(const std::string& title, const std::string& left,
                            const std::string& right, const std::vector<DifferenceRow>& rows);
// A small bar for a table cell showing a share in 0..1 (hidden from screen readers: the cell
// prints the number).
std::string InlineBar(double share, Style style = Style::kSolid);

// A heat map of counts: shade = count / row total, every cell printing its count and row share,
// diagonal cells (row i, column i) outlined when `mark_diagonal`. `pointer_prefix` + "/r/c" is the
// JSON pointer of each count ("" for none).
std::string HeatMap(const std::string& title, const std::string& description,
                    const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& column_labels,
                    const std::vector<std::vector<int64_t>>& counts, bool mark_diagonal,
                    const std::string& pointer_prefix);

}  // namespace hunch::html

#endif  // HUNCH_ENGINE_HTML_H_
