// Data-facing helpers of the facade: schema inference from a file, rules checked against data,
// reading one row from a file or from JSON.
#include "hunch/data.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/csv_chunker.h"
#include "engine/plain_csv.h"
#include "engine/table_reader.h"
#include "rules/rule_file.h"
#include "rules/schema_inference.h"
#include "rules/text.h"

namespace hunch {
namespace {

Result<std::unique_ptr<TableReader>> OpenReader(const std::string& path,
                                                const DataOptions& options) {
  auto format = ParseInputFormat(options.format);
  if (!format.ok()) return format.status();
  ReaderOptions ro;
  ro.format = *format;
  return OpenTable(path, ro);
}

// Text of a JSON scalar as it would appear in a CSV cell.
std::string CellText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

struct RowCursor::Impl {
  std::unique_ptr<TableReader> reader;
  RawRecord record;
  int64_t line = 0;
};

RowCursor::RowCursor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RowCursor::~RowCursor() = default;

Result<std::unique_ptr<RowCursor>> RowCursor::Open(const std::string& path,
                                                   const DataOptions& options) {
  auto reader = OpenReader(path, options);
  if (!reader.ok()) return reader.status();
  auto impl = std::make_unique<Impl>();
  impl->reader = std::move(*reader);
  return std::unique_ptr<RowCursor>(new RowCursor(std::move(impl)));
}

const std::vector<std::string>& RowCursor::header() const { return impl_->reader->header(); }

Result<bool> RowCursor::Next() {
  auto more = impl_->reader->Next(&impl_->record);
  if (more.ok()) {
    if (*more) impl_->line = impl_->record.line;
    return more;
  }
  // Messages read "NAME:LINE: error: ..." or "NAME:LINE:COL: error: ...": keep the line.
  const std::string& m = more.status().message();
  size_t at = m.find(": error:");
  size_t colon = m.rfind(':', at == std::string::npos ? 0 : at - 1);
  if (at != std::string::npos && colon != std::string::npos) {
    std::string_view digits(m.data() + colon + 1, at - colon - 1);
    int64_t n = 0;
    bool numeric = !digits.empty();
    for (char c : digits) {
      numeric &= c >= '0' && c <= '9';
      n = n * 10 + (c - '0');
    }
    if (!numeric) {  // NAME:LINE:COL: the line is the field before
      size_t prev = m.rfind(':', colon - 1);
      if (prev != std::string::npos) {
        n = std::strtoll(m.c_str() + prev + 1, nullptr, 10);
        numeric = true;
      }
    }
    if (numeric) impl_->line = n;
  }
  return more;
}

bool RowCursor::Recover() { return impl_->reader->Recover(); }
int64_t RowCursor::line() const { return impl_->line; }
const std::vector<std::string_view>& RowCursor::cells() const { return impl_->record.cells; }
const std::vector<bool>& RowCursor::present() const { return impl_->record.present; }

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      // Copy the whole run of plain characters at once.
      size_t j = i + 1;
      while (j < s.size()) {
        const unsigned char d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        ++j;
      }
      out->append(s.data() + i, j - i);
      i = j;
    } else if (c < 0x80) {
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\b':
          *out += "\\b";
          break;
        case '\f':
          *out += "\\f";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          *out += fmt::format("\\u{:04x}", c);
      }
      ++i;
    } else {
      // A whole UTF-8 sequence, copied when valid, else one replacement character.
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (len > 1 && i + len <= s.size() && IsValidUtf8(s.substr(i, len))) {
        out->append(s.substr(i, len));
        i += len;
      } else {
        *out += "\xEF\xBF\xBD";
        ++i;
      }
    }
  }
  out->push_back('"');
}

void AppendRecordJson(const std::vector<std::string>& header,
                      const std::vector<std::string_view>& cells, const std::vector<bool>& present,
                      std::string* out) {
  out->push_back('{');
  for (size_t h = 0; h < header.size(); ++h) {
    if (h > 0) out->push_back(',');
    AppendJsonString(header[h], out);
    out->push_back(':');
    if (h < cells.size() && h < present.size() && present[h])
      AppendJsonString(cells[h], out);
    else
      *out += "null";
  }
  out->push_back('}');
}

namespace {

// The schema that the evidence gathered per column describes.
Schema SchemaOf(const std::vector<std::string>& header,
                const std::vector<ColumnTypeInference>& columns) {
  Schema schema;
  for (size_t c = 0; c < columns.size(); ++c)
    schema.columns.push_back(columns[c].Finish(header[c]));
  return schema;
}

// InferFileSchema's fast path for a CSV file: the sample split by PlainCsvSplitter straight from
// the file's first chunks, about six times cheaper a row than the full reader. Nothing when the
// input is not a plain CSV file through the sample (quotes, carriage returns, ragged or empty
// lines, stdin, another format, any error): the full reader then types the same cells, and words
// any error.
std::optional<Schema> InferPlainCsvSchema(const std::string& path,
                                          const std::vector<std::string>& missing_values,
                                          const DataOptions& options) {
  auto format = ParseInputFormat(options.format);
  if (path == "-" || !format.ok() ||
      !(*format == InputFormat::kCsv ||
        (*format == InputFormat::kAuto && FormatForPath(path) == InputFormat::kCsv))) {
    return std::nullopt;
  }
  ReaderOptions ro;
  ro.format = InputFormat::kCsv;
  auto chunker = CsvChunker::Open(path, ro, size_t{1} << 20);
  if (!chunker.ok()) return std::nullopt;
  const std::vector<std::string>& header = (*chunker)->header();
  std::vector<ColumnTypeInference> columns(header.size());
  size_t rows = 0;
  CsvChunk chunk;
  while (rows < options.sample_rows) {
    auto more = (*chunker)->Next(&chunk);
    if (!more.ok()) return std::nullopt;
    if (!*more) break;
    PlainCsvSplitter split(chunk.bytes(), header.size(), ro.max_record_bytes);
    while (size_t n = split.Next(std::min<size_t>(4096, options.sample_rows - rows))) {
      for (size_t c = 0; c < columns.size(); ++c) {
        for (size_t r = 0; r < n; ++r) {
          const std::string_view cell = split.Cell(r, c);
          if (IsMissingText(cell, missing_values)) {
            columns[c].AddMissing();
          } else {
            columns[c].AddValue(cell);
          }
        }
      }
      rows += n;
      if (rows == options.sample_rows) break;
    }
    if (!split.plain()) return std::nullopt;
  }
  return SchemaOf(header, columns);
}

}  // namespace

Result<Schema> InferFileSchema(const std::string& path,
                               const std::vector<std::string>& missing_values,
                               const DataOptions& options) {
  if (auto plain = InferPlainCsvSchema(path, missing_values, options)) return *plain;
  auto reader = OpenReader(path, options);
  if (!reader.ok()) return reader.status();
  const std::vector<std::string>& header = (*reader)->header();
  // Typed as they are read: no copy of the sample.
  std::vector<ColumnTypeInference> columns(header.size());
  RawRecord rec;
  for (size_t rows = 0; rows < options.sample_rows;) {
    auto more = (*reader)->Next(&rec);
    if (!more.ok()) {
      // A malformed record says nothing about types; the evaluation pass reports or counts it.
      if ((*reader)->Recover()) continue;
      return more.status();
    }
    if (!*more) break;
    ++rows;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c >= rec.cells.size() || (c < rec.present.size() && !rec.present[c]) ||
          IsMissingText(rec.cells[c], missing_values)) {
        columns[c].AddMissing();
      } else {
        columns[c].AddValue(rec.cells[c]);
      }
    }
  }
  return SchemaOf(header, columns);
}

Result<std::shared_ptr<const RuleSet>> LoadRuleSetForData(const std::string& rules_path,
                                                          const std::string& data_path,
                                                          const DataOptions& data_options,
                                                          LoadOptions load_options,
                                                          std::vector<Diagnostic>* diagnostics) {
  // The `missing:` list decides how cells are typed, so it is read before the data is sampled.
  std::vector<std::string> missing = {""};
  {
    std::vector<Diagnostic> ignored;
    auto probe = RuleSet::Load(rules_path, LoadOptions{.lint = false}, &ignored);
    if (probe.ok()) {
      missing = (*probe)->missing_values();
    } else if (probe.status().code() != StatusCode::kRuleError) {
      return probe.status();
    }
  }
  auto schema = InferFileSchema(data_path, missing, data_options);
  if (!schema.ok()) return schema.status();
  load_options.data_schema = &*schema;
  return RuleSet::Load(rules_path, load_options, diagnostics);
}

Result<RawRow> ReadDataRow(const std::string& path, int64_t number, const RuleSet& rules,
                           const DataOptions& options, std::vector<std::string>* storage) {
  auto reader = OpenReader(path, options);
  if (!reader.ok()) return reader.status();
  RawRecord rec;
  while (true) {
    auto more = (*reader)->Next(&rec);
    if (!more.ok()) return more.status();
    if (!*more) {
      return InvalidArgument(fmt::format("{}: error: row {} does not exist: the file has {} rows",
                                         path, number, rec.number));
    }
    if (rec.number == number) break;
  }
  const auto& header = (*reader)->header();
  const Schema& schema = rules.schema();
  storage->assign(schema.columns.size(), std::string());
  RawRow row(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    for (size_t h = 0; h < header.size(); ++h) {
      if (header[h] == schema.columns[c].name && rec.present[h]) {
        (*storage)[c] = std::string(rec.cells[h]);
        row[c] = (*storage)[c];
      }
    }
  }
  return row;
}

Result<RawRow> RowFromJson(std::string_view json, const RuleSet& rules,
                           std::vector<std::string>* storage,
                           std::vector<std::string>* ignored_keys) {
  // nlohmann::json writes nested values back out recursively: bound the nesting first, or a
  // deeply nested value overflows the stack (found by tests/bad-input under ASan).
  constexpr int kMaxJsonDepth = 64;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return InvalidArgument(fmt::format(
            "--row: error: JSON nested deeper than {} levels at byte {}: expected a JSON object "
            "of plain values such as {{\"amount\": 7200}}",
            kMaxJsonDepth, i + 1));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  nlohmann::json obj;
  // nlohmann::json stops at a NUL byte as at the end of input: refuse it instead.
  if (const size_t nul = json.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument(fmt::format(
        "--row: error: invalid JSON at byte {}: a NUL byte; expected a JSON object such as "
        "{{\"amount\": 7200}}",
        nul + 1));
  }
  try {
    obj = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgument(
        fmt::format("--row: error: invalid JSON at byte {}: expected a JSON object such as "
                    "{{\"amount\": 7200}}",
                    e.byte));
  }
  if (!obj.is_object()) {
    return InvalidArgument("--row: error: expected a JSON object such as {\"amount\": 7200}");
  }
  const Schema& schema = rules.schema();
  storage->assign(schema.columns.size(), std::string());
  RawRow row(schema.columns.size());
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    int c = schema.Find(it.key());
    if (c < 0) {
      if (ignored_keys != nullptr) ignored_keys->push_back(it.key());
      continue;
    }
    if (it.value().is_null()) continue;
    (*storage)[c] = CellText(it.value());
    row[c] = (*storage)[c];
  }
  return row;
}

}  // namespace hunch
