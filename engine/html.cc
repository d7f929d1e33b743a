// The HTML building blocks of engine/html.h. Charts are plain SVG with fixed coordinates, so the
// output is byte-for-byte deterministic (golden files) and renders without script.
#include "engine/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hunch::html {
namespace {

// The style sheet: readable at phone width (tables scroll, charts shrink), printable (no
// scrolling boxes, backgrounds kept), and the figures in tabular digits.
constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
  sans-serif; color: #1a1a1a; background: #fff; max-width: 72rem; margin: 0 auto; padding: 1rem;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 1.5rem; margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid #ccc; }
p { margin: .4rem 0; max-width: 48rem; }
.lede { color: #333; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; caption-side: top; }
th, td { padding: .25rem .55rem; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #999; font-weight: 600; }
tbody th { font-weight: 500; overflow-wrap: break-word; }
.meter { white-space: nowrap; }
tbody th code { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.ci { color: #444; font-size: .85em; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem;
  margin: .8rem 0; }
.card { border: 1px solid #bbb; border-radius: 6px; padding: .5rem .75rem; }
.card .name { font-size: .85rem; color: #444; }
.card .value { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .more { font-size: .85rem; color: #333; }
.verdict { font-weight: 600; }
.flag { font-weight: 600; white-space: nowrap; }
.flag::before { content: "\26A0\FE0E  "; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em;
  white-space: pre-wrap; overflow-wrap: break-word; }
code.condition { overflow-wrap: anywhere; }
svg { font-family: inherit; }
svg.chart { width: 100%; max-width: 40rem; height: auto; display: block; }
svg.heat { max-width: 100%; height: auto; display: block; }
svg.bar { vertical-align: middle; margin-right: .4rem; }
.notes li { margin: .2rem 0; }
.pair { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: flex-start; }
.pair figure { margin: 0; max-width: 100%; }
.pair figcaption { font-weight: 600; margin: .2rem 0; }
.pair figure p { max-width: 22rem; }
.same { color: #555; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 2px solid #ccc; font-size: .9rem;
  color: #333; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
footer code { overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  body { font-size: 14px; padding: .6rem; }
  th, td { padding: .2rem .35rem; }
  svg.bar { width: 2.5rem; }
  td code.condition { display: inline-block; min-width: 12rem; }
  tbody th code { white-space: normal; }
  footer dl { grid-template-columns: 1fr; }
  footer dd { margin-bottom: .3rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  table, svg, .card { break-inside: avoid; }
}
)css";

// Fills of the data series; the patterns are defined once per page (Page).
constexpr std::string_view kSolidFill = "#1f4e8c";
constexpr std::string_view kTrack = "#e9e9e9";

std::string Fill(Style style) {
  switch (style) {
    case Style::kSolid:
      return std::string(kSolidFill);
    case Style::kHatched:
      return "url(#hunch-hatch)";
    case Style::kDotted:
      return "url(#hunch-dots)";
    case Style::kOutline:
      return "#ffffff";
  }
  return std::string(kSolidFill);
}

std::string Stroke(Style style) {
  switch (style) {
    case Style::kSolid:
      return std::string(kSolidFill);
    case Style::kHatched:
      return "#a04f00";
    default:
      return "#333333";
  }
}

// SVG numbers with at most two decimals, so coordinates are stable text.
std::string N(double x) {
  std::string s = fmt::format("{:.2f}", std::abs(x) < 0.005 ? 0.0 : x);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

double Clamp01(double x) { return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0; }

// A label cut to `max_chars` characters (UTF-8 aware), with an ellipsis; the full text goes in a
// <title> beside it.
std::string Shorten(const std::string& text, size_t max_chars) {
  size_t chars = 0, cut = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars - 1) cut = i;
    if (++chars > max_chars) return text.substr(0, cut) + "\u2026";
  }
  return text;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Fixed(double x) { return fmt::format("{:.4f}", std::abs(x) < 5e-5 ? 0.0 : x); }

std::string Pointer(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& key : path) {
    out += '/';
    for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return out;
}

std::string Figure(double value, const std::string& pointer) {
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(pointer), Fixed(value));
}

std::string Figure(int64_t value, const std::string& pointer) {
  return fmt::format(R"(<span data-json="{}">{}</span>)", Escape(pointer), value);
}

std::string Page(const std::string& title, const std::string& body_html) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // No request may leave the file, whatever the page contains.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"generator\" content=\"hunch\">\n";
  out += "<title>" + Escape(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
  out += "</head>\n<body>\n";
  out +=
      "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\" "
      "focusable=\"false\"><defs>"
      "<pattern id=\"hunch-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fde3cc\"/>"
      "<rect width=\"2.5\" height=\"6\" fill=\"#b35900\"/></pattern>"
      "<pattern id=\"hunch-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
      "<rect width=\"5\" height=\"5\" fill=\"#e4e4e4\"/>"
      "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.4\" fill=\"#333\"/></pattern>"
      "</defs></svg>\n";
  out += body_html;
  out += "</body>\n</html>\n";
  return out;
}

std::string Section(const std::string& id, const std::string& heading, const std::string& intro,
                    const std::string& content_html) {
  std::string out =
      fmt::format("<section id=\"{}\" aria-labelledby=\"{}-h\">\n", Escape(id), Escape(id));
  out += fmt::format("<h2 id=\"{}-h\">{}</h2>\n", Escape(id), Escape(heading));
  if (!intro.empty()) out += "<p>" + Escape(intro) + "</p>\n";
  return out + content_html + "</section>\n";
}

std::string Table(const std::string& caption, const std::vector<std::string>& headers,
                  const std::vector<bool>& numeric_columns,
                  const std::vector<std::vector<Cell>>& rows) {
  auto numeric = [&](size_t c) { return c < numeric_columns.size() && numeric_columns[c]; };
  std::string out = "<div class=\"scroll\"><table>\n";
  if (!caption.empty()) out += "<caption>" + Escape(caption) + "</caption>\n";
  out += "<thead><tr>";
  for (size_t c = 0; c < headers.size(); ++c) {
    out += fmt::format("<th scope=\"col\"{}>{}</th>", numeric(c) ? " class=\"num\"" : "",
                       Escape(headers[c]));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      const char* tag = c == 0 ? "th" : "td";
      std::string attrs = c == 0 ? " scope=\"row\"" : "";
      if (row[c].numeric || numeric(c)) attrs += " class=\"num\"";
      out += fmt::format("<{}{}>{}</{}>", tag, attrs, row[c].html, tag);
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

std::string InlineBar(double share, Style style) {
  const double w = Clamp01(share) * 100;
  return fmt::format(
      "<svg class=\"bar\" width=\"80\" height=\"10\" viewBox=\"0 0 100 10\" "
      "preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
      "<rect width=\"100\" height=\"10\" fill=\"{}\"/>"
      "<rect width=\"{}\" height=\"10\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/></svg>",
      kTrack, N(w > 0 && w < 1 ? 1 : w), Fill(style), Stroke(style),
      style == Style::kOutline ? "1" : "0");
}

std::string BarChart(const std::string& title, const std::vector<Series>& series,
                     const std::vector<BarGroup>& groups) {
  constexpr double kWidth = 440, kLabelRight = 92, kX0 = 100, kX1 = 370, kLegend = 26,
                   kGroupHead = 18, kRow = 16, kBar = 11, kGap = 8, kAxis = 18;
  const double span = kX1 - kX0;
  double height = kLegend + kAxis;
  for (const auto& g : groups) height += kGroupHead + kRow * g.values.size() + kGap;

  // The text alternative: every value of the chart in words.
  std::string summary;
  for (const auto& g : groups) {
    if (!summary.empty()) summary += "; ";
    summary += g.label + ":";
    for (size_t s = 0; s < g.values.size() && s < series.size(); ++s) {
      if (!g.values[s]) continue;
      summary += fmt::format(" {} {}", series[s].name, Fixed(*g.values[s]));
      if (s < g.intervals.size() && g.intervals[s]) {
        summary += fmt::format(" (95% interval {} to {})", Fixed(g.intervals[s]->low),
                               Fixed(g.intervals[s]->high));
      }
      if (s + 1 < g.values.size()) summary += ",";
    }
  }
  std::string out = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n"
      "<title>{}</title>\n",
      N(kWidth), N(height), Escape(title + ". " + summary), Escape(title));

  // Legend: a swatch and the series name, in the order the bars are drawn.
  double lx = kX0;
  for (const auto& s : series) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"6\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"{}\"/>"
        "<text x=\"{}\" y=\"15\" font-size=\"11\">{}</text>\n",
        N(lx), Fill(s.style), Stroke(s.style), N(lx + 18), Escape(s.name));
    lx += 24 + 6.5 * static_cast<double>(s.name.size());
  }

  // Grid lines at quarters, labelled below.
  const double grid_top = kLegend, grid_bottom = height - kAxis;
  for (int q = 0; q <= 4; ++q) {
    const double x = kX0 + span * q / 4;
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#ccc\" stroke-width=\"1\"/>"
        "<text x=\"{0}\" y=\"{3}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#444\">{4}"
        "</text>\n",
        N(x), N(grid_top), N(grid_bottom), N(grid_bottom + 13),
        q == 0   ? "0"
        : q == 4 ? "1"
        : q == 2 ? "0.5"
        : q == 1 ? "0.25"
                 : "0.75");
  }

  double y = kLegend;
  for (const auto& g : groups) {
    out += fmt::format("<text x=\"4\" y=\"{}\" font-size=\"12\" font-weight=\"600\">{}</text>\n",
                       N(y + 13), Escape(g.label));
    y += kGroupHead;
    for (size_t s = 0; s < g.values.size() && s < series.size(); ++s, y += kRow) {
      if (!g.values[s]) continue;
      const double v = *g.values[s];
      const double w = Clamp01(v) * span;
      std::string tip = fmt::format("{} {}: {}", g.label, series[s].name, Fixed(v));
      const Interval* ci = s < g.intervals.size() && g.intervals[s] ? &*g.intervals[s] : nullptr;
      if (ci) tip += fmt::format(" (95% interval {} to {})", Fixed(ci->low), Fixed(ci->high));
      out += "<g><title>" + Escape(tip) + "</title>";
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
                         N(kLabelRight), N(y + kBar - 1), Escape(series[s].name));
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" "
          "stroke-width=\"1\"/>",
          N(kX0), N(y + 1), N(w), N(kBar - 1), Fill(series[s].style), Stroke(series[s].style));
      double text_x = kX0 + w;
      if (ci) {
        const double lo = kX0 + Clamp01(ci->low) * span, hi = kX0 + Clamp01(ci->high) * span;
        const double mid = y + 1 + (kBar - 1) / 2;
        out += fmt::format(
            "<path d=\"M{0} {2}H{1}M{0} {3}V{4}M{1} {3}V{4}\" stroke=\"#000\" "
            "stroke-width=\"1.5\" fill=\"none\"/>",
            N(lo), N(hi), N(mid), N(mid - 5), N(mid + 5));
        text_x = std::max(text_x, hi);
      }
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text></g>\n", N(text_x + 4),
                         N(y + kBar - 1), Fixed(v));
    }
    y += kGap;
  }
  return out + "</svg>\n";
}

std::string DifferenceChart(const std::string& title, const std::string& left,
                            const std::string& right, const std::vector<DifferenceRow>& rows) {
  constexpr double kWidth = 460, kLabelRight = 116, kX0 = 124, kX1 = 320, kTop = 34, kRow = 18,
                   kAxis = 20;
  const double zero = (kX0 + kX1) / 2, half = (kX1 - kX0) / 2;
  // The scale: the smallest of these that holds every difference and interval end.
  double extent = 0;
  for (const auto& r : rows) {
    extent = std::max(extent, std::abs(r.difference));
    if (r.interval) {
      extent = std::max({extent, std::abs(r.interval->low), std::abs(r.interval->high)});
    }
  }
  double scale = 1;
  for (double s : {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0}) {
    if (extent <= s + 1e-12) {
      scale = s;
      break;
    }
  }
  auto x_of = [&](double v) {
    return zero + std::clamp(std::isfinite(v) ? v : 0.0, -scale, scale) / scale * half;
  };
  auto signed_text = [](double v) {
    std::string t = Fixed(v);
    return t[0] == '-' || t == "0.0000" ? t : "+" + t;
  };
  const double height = kTop + kRow * static_cast<double>(rows.size()) + kAxis;
  std::string summary;
  for (const auto& r : rows) {
    if (!summary.empty()) summary += "; ";
    summary += r.label + " " + signed_text(r.difference);
    if (r.interval) {
      summary += fmt::format(" (95% interval {} to {})", signed_text(r.interval->low),
                             signed_text(r.interval->high));
    }
  }
  std::string out = fmt::format(
      "<svg class=\"chart diff\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n"
      "<title>{}</title>\n",
      N(kWidth), N(height), Escape(title + ". " + summary), Escape(title));
  out += fmt::format(
      "<text x=\"{}\" y=\"14\" font-size=\"11\" text-anchor=\"end\">\u2190 {} better</text>"
      "<text x=\"{}\" y=\"14\" font-size=\"11\">{} better \u2192</text>\n",
      N(zero - 4), Escape(left), N(zero + 4), Escape(right));
  const double grid_top = kTop - 8, grid_bottom = height - kAxis;
  for (int q = -2; q <= 2; ++q) {
    const double x = zero + half * q / 2;
    const double v = scale * q / 2;
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" "
        "stroke-width=\"{4}\"/><text x=\"{0}\" y=\"{5}\" font-size=\"10\" "
        "text-anchor=\"middle\" fill=\"#444\">{6}</text>\n",
        N(x), N(grid_top), N(grid_bottom), q == 0 ? "#000" : "#ccc", q == 0 ? "1.5" : "1",
        N(grid_bottom + 13), q == 0 ? std::string("0") : fmt::format("{:+g}", v));
  }
  double y = kTop;
  for (const auto& r : rows) {
    const double mid = y + kRow / 2 - 1;
    const bool better = r.interval && (r.interval->low > 0 || r.interval->high < 0);
    std::string tip = r.label + ": " + signed_text(r.difference);
    if (r.interval) {
      tip += fmt::format(" (95% interval {} to {})", signed_text(r.interval->low),
                         signed_text(r.interval->high));
    }
    if (better) tip += fmt::format(", {} better", r.interval->low > 0 ? right : left);
    out += "<g><title>" + Escape(tip) + "</title>";
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
                       N(kLabelRight), N(mid + 4), Escape(r.label));
    if (r.interval) {
      const double lo = x_of(r.interval->low), hi = x_of(r.interval->high);
      out += fmt::format(
          "<path d=\"M{0} {2}H{1}M{0} {3}V{4}M{1} {3}V{4}\" stroke=\"#000\" "
          "stroke-width=\"1.5\" fill=\"none\"/>",
          N(lo), N(hi), N(mid), N(mid - 5), N(mid + 5));
    }
    out += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>",
        N(x_of(r.difference)), N(mid), better ? std::string(kSolidFill) : "#fff",
        std::string(kSolidFill));
    std::string label = signed_text(r.difference);
    if (better) label += r.interval->low > 0 ? " " + right : " " + left;
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\"{}>{}</text></g>\n", N(kX1 + 8),
                       N(mid + 4), better ? " font-weight=\"700\"" : "", Escape(label));
    y += kRow;
  }
  return out + "</svg>\n";
}

std::string HeatMap(const std::string& title, const std::string& description,
                    const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& column_labels,
                    const std::vector<std::vector<int64_t>>& counts, bool mark_diagonal,
                    const std::string& pointer_prefix) {
  constexpr double kLeft = 132, kTop = 48, kCellW = 92, kCellH = 56;
  const double width = kLeft + kCellW * static_cast<double>(column_labels.size()) + 4;
  const double height = kTop + kCellH * static_cast<double>(row_labels.size()) + 4;
  std::string out = fmt::format(
      "<svg class=\"heat\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\">\n<title>{3}</title>\n",
      N(width), N(height), Escape(title + ". " + description), Escape(title));
  out += fmt::format(
      "<text x=\"{}\" y=\"16\" font-size=\"12\" text-anchor=\"end\" fill=\"#444\">actual \u2193 "
      "predicted \u2192</text>\n",
      N(kLeft - 6));
  for (size_t c = 0; c < column_labels.size(); ++c) {
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"middle\">"
        "<title>{}</title>{}</text>\n",
        N(kLeft + kCellW * (c + 0.5)), N(kTop - 8), Escape(column_labels[c]),
        Escape(Shorten(column_labels[c], 10)));
  }
  for (size_t r = 0; r < counts.size() && r < row_labels.size(); ++r) {
    int64_t total = 0;
    for (int64_t v : counts[r]) total += v;
    const double y = kTop + kCellH * static_cast<double>(r);
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"end\">"
        "<title>{}</title>{}</text>\n",
        N(kLeft - 6), N(y + kCellH / 2 + 4), Escape(row_labels[r]),
        Escape(Shorten(row_labels[r], 15)));
    for (size_t c = 0; c < counts[r].size() && c < column_labels.size(); ++c) {
      const double share =
          total > 0 ? static_cast<double>(counts[r][c]) / static_cast<double>(total) : 0;
      // White to dark blue; the text flips to white where the shade gets dark.
      const int red = static_cast<int>(std::lround(247 - share * (247 - 8)));
      const int green = static_cast<int>(std::lround(251 - share * (251 - 48)));
      const int blue = static_cast<int>(std::lround(255 - share * (255 - 107)));
      const char* ink = share > 0.45 ? "#fff" : "#111";
      const double x = kLeft + kCellW * static_cast<double>(c);
      const bool diagonal = mark_diagonal && r == c;
      std::string pointer =
          pointer_prefix.empty() ? "" : fmt::format("{}/{}/{}", pointer_prefix, r, c);
      out +=
          fmt::format("<g><title>actual {}, predicted {}: {} rows, {:.1f}% of actual {}{}</title>",
                      Escape(row_labels[r]), Escape(column_labels[c]), counts[r][c], share * 100,
                      Escape(row_labels[r]), diagonal ? " (correct)" : "");
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{:02x}{:02x}{:02x}\" "
          "stroke=\"{}\" stroke-width=\"{}\"/>",
          N(x + 1), N(y + 1), N(kCellW - 2), N(kCellH - 2), red, green, blue,
          diagonal ? "#000" : "#bbb", diagonal ? "3" : "1");
      out += fmt::format(
          "<text x=\"{}\" y=\"{}\" font-size=\"17\" font-weight=\"700\" text-anchor=\"middle\" "
          "fill=\"{}\"{}>{}</text>",
          N(x + kCellW / 2), N(y + 26), ink,
          pointer.empty() ? "" : " data-json=\"" + Escape(pointer) + "\"", counts[r][c]);
      out += fmt::format(
          "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{}\">{:.1f}%{}"
          "</text></g>\n",
          N(x + kCellW / 2), N(y + 44), ink, share * 100, diagonal ? " \u2713" : "");
    }
  }
  return out + "</svg>\n";
}

}  // namespace hunch::html
