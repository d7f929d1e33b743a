// Diagnostics: located messages about a rule file (errors, warnings), printed like a compiler's.
#ifndef HUNCH_DIAGNOSTIC_H_
#define HUNCH_DIAGNOSTIC_H_

#include <string>
#include <vector>

namespace hunch {

enum class Severity { kError, kWarning, kNote };

// One message about a place in a file. line and column are 1-based; 0 means unknown.
struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;
  int column = 0;
  int length = 1;           // characters to underline from column
  std::string code;         // stable identifier, e.g. "unknown-column", for tools and tests
  std::string message;      // what is wrong and what was expected
  std::string source_line;  // the line of the file, for the caret display (may be empty)
};

// "file:line:col: error: message" then the source line and a caret under the place.
std::string FormatDiagnostic(const Diagnostic& d, bool color = false);
// All diagnostics, formatted, in order, followed by a "N errors, M warnings" summary line.
std::string FormatDiagnostics(const std::vector<Diagnostic>& ds, bool color = false);
// The diagnostics as a JSON array (objects with severity, file, line, column, length, code,
// message).
std::string DiagnosticsToJson(const std::vector<Diagnostic>& ds);
int CountErrors(const std::vector<Diagnostic>& ds);

}  // namespace hunch

#endif  // HUNCH_DIAGNOSTIC_H_
