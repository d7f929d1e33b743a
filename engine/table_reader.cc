// Implements OpenTable and ParseInputFormat: picks the reader for an input from its format or name.
#include "engine/table_reader.h"

#include <algorithm>
#include <cctype>

#include "engine/input_stream.h"
#include "fmt/format.h"

namespace hunch {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

InputFormat FormatForPath(std::string_view path) {
  if (EndsWith(path, ".gz")) path.remove_suffix(3);
  for (std::string_view ext : {".jsonl", ".ndjson", ".json"}) {
    if (EndsWith(path, ext)) return InputFormat::kJsonl;
  }
  return InputFormat::kCsv;
}

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "auto") return InputFormat::kAuto;
  if (name == "csv") return InputFormat::kCsv;
  if (name == "jsonl" || name == "json" || name == "ndjson") return InputFormat::kJsonl;
  return InvalidArgument(
      fmt::format("unknown input format '{}': expected csv, jsonl, json, ndjson or auto", name));
}

Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                               const ReaderOptions& options) {
  Result<std::unique_ptr<InputStream>> input = InputStream::Open(path);
  if (!input.ok()) return input.status();
  InputFormat format = options.format;
  if (format == InputFormat::kAuto) format = path == "-" ? InputFormat::kCsv : FormatForPath(path);
  if (format == InputFormat::kJsonl) return OpenJsonlReader(std::move(*input), options);
  return OpenCsvReader(std::move(*input), options);
}

}  // namespace hunch
