// Formatting of diagnostics: compiler-style text with a caret, and JSON for tools.
#include "hunch/diagnostic.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace hunch {

namespace {

bool IsCharStart(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// The source line and a caret under bytes [column, column + length) of it (1-based).
void AppendSourceAndCaret(int line_number, const std::string& source, int column, int length,
                          std::string* out) {
  std::string gutter = fmt::format("{:>5} | ", line_number);
  *out += gutter + source + "\n";
  std::string pad(gutter.size() - 2, ' ');
  // column and length count bytes; the caret line counts characters, so that it stands under
  // the place on the screen when the line holds multi-byte UTF-8 characters.
  const size_t start = std::min(static_cast<size_t>(std::max(0, column - 1)), source.size());
  std::string spaces;
  for (size_t i = 0; i < start; ++i) {
    if (IsCharStart(source[i])) spaces += source[i] == '\t' ? '\t' : ' ';
  }
  int chars = 0;
  for (size_t i = start; i < source.size() && i < start + std::max(1, length); ++i) {
    chars += IsCharStart(source[i]);
  }
  const std::string tildes(static_cast<size_t>(std::max(0, chars - 1)), '~');
  *out += pad + "| " + spaces + "^" + tildes + "\n";
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& d, bool color) {
  const char* label = d.severity == Severity::kError     ? "error"
                      : d.severity == Severity::kWarning ? "warning"
                                                         : "note";
  const char* on = !color ? "" : d.severity == Severity::kError ? "\033[1;31m" : "\033[1;35m";
  const char* off = color ? "\033[0m" : "";
  std::string out;
  if (d.line > 0)
    out =
        fmt::format("{}:{}:{}: {}{}:{} {}\n", d.file, d.line, d.column, on, label, off, d.message);
  else
    out = fmt::format("{}: {}{}:{} {}\n", d.file, on, label, off, d.message);
  if (d.source_line.empty() || d.line <= 0) return out;
  // A generated line can be megabytes long: show a window of it around the place.
  constexpr size_t kContext = 80;
  const std::string& line = d.source_line;
  if (line.size() <= 3 * kContext) {
    AppendSourceAndCaret(d.line, line, d.column, d.length, &out);
    return out;
  }
  const size_t at = std::min(static_cast<size_t>(std::max(0, d.column - 1)), line.size());
  const size_t length = std::min<size_t>(std::max(1, d.length), kContext);
  size_t begin = at > kContext ? at - kContext : 0;
  size_t end = std::min(line.size(), at + length + kContext);
  while (begin > 0 && !IsCharStart(line[begin])) --begin;  // whole UTF-8 characters
  while (end < line.size() && !IsCharStart(line[end])) ++end;
  const std::string before = begin > 0 ? "..." : "";
  const std::string window =
      before + line.substr(begin, end - begin) + (end < line.size() ? "..." : "");
  AppendSourceAndCaret(d.line, window, static_cast<int>(at - begin + before.size() + 1),
                       static_cast<int>(length), &out);
  return out;
}

int CountErrors(const std::vector<Diagnostic>& ds) {
  int n = 0;
  for (const auto& d : ds) n += d.severity == Severity::kError;
  return n;
}

std::string FormatDiagnostics(const std::vector<Diagnostic>& ds, bool color) {
  std::string out;
  int warnings = 0;
  for (const auto& d : ds) {
    out += FormatDiagnostic(d, color);
    warnings += d.severity == Severity::kWarning;
  }
  int errors = CountErrors(ds);
  if (errors + warnings > 0) {
    out += fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                       warnings == 1 ? "" : "s");
  }
  return out;
}

std::string DiagnosticsToJson(const std::vector<Diagnostic>& ds) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : ds) {
    arr.push_back({{"severity", d.severity == Severity::kError     ? "error"
                                : d.severity == Severity::kWarning ? "warning"
                                                                   : "note"},
                   {"file", d.file},
                   {"line", d.line},
                   {"column", d.column},
                   {"length", d.length},
                   {"code", d.code},
                   {"message", d.message}});
  }
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hunch
