// Implements the JSONL TableReader: one JSON object per line, parsed with nlohmann::json's SAX
// interface (the only place its exceptions are caught).
#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "fmt/format.h"
#include "hunch/data.h"
#include "nlohmann/json.hpp"

namespace hunch {
namespace {

using Json = nlohmann::json;

// Turns the SAX events of one line into cell texts: with `columns`, the top-level values of the
// keys it maps; without, it only lists the top-level keys. SAX rather than a DOM keeps the original
// text of floating-point numbers and spares a tree per line.
class ObjectHandler final : public nlohmann::json_sax<Json> {
 public:
  // Parses `text`. Returns false with error() set when it is not valid JSON or not an object.
  bool Parse(std::string_view text) {
    depth_ = 0;
    column_ = -1;
    error_.clear();
    error_column_ = 0;
    keys_.clear();
    std::fill(present_.begin(), present_.end(), false);
    // nlohmann::json stops at a NUL byte as at the end of input, which would drop the rest of
    // the line without a word.
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
      error_ = "invalid JSON: a NUL byte; expected JSON text";
      error_column_ = nul + 1;
      return false;
    }
    try {
      return Json::sax_parse(text.begin(), text.end(), this);
    } catch (const Json::exception& e) {
      error_ = fmt::format("invalid JSON: {}", e.what());
      return false;
    }
  }

  void SetColumns(const std::unordered_map<std::string, int>* columns, size_t count) {
    columns_ = columns;
    text_.resize(count);
    present_.assign(count, false);
  }
  // "invalid JSON: ..." or "expected a JSON object, ...", and the 1-based byte column of an
  // invalid JSON error (0 for the other).
  const std::string& error() const { return error_; }
  size_t error_column() const { return error_column_; }
  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<std::string>& text() const { return text_; }
  const std::vector<bool>& present() const { return present_; }
  int64_t ignored_keys() const { return ignored_keys_; }

  bool null() override {
    if (depth_ != 1) return Scalar("null", /*quoted=*/false, "null");
    if (column_ >= 0) present_[column_] = false;
    return true;
  }
  bool boolean(bool value) override {
    return Scalar(value ? "true" : "false", /*quoted=*/false, "a boolean");
  }
  bool number_integer(number_integer_t value) override { return Integer(value); }
  bool number_unsigned(number_unsigned_t value) override { return Integer(value); }
  bool number_float(number_float_t, const string_t& text) override {
    return Scalar(text, /*quoted=*/false, "a number");
  }
  bool string(string_t& value) override { return Scalar(value, /*quoted=*/true, "a string"); }
  bool binary(binary_t&) override { return true; }  // JSON text has no binary values
  bool start_object(std::size_t) override { return StartNested('{'); }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return NotAnObject("an array");
    return StartNested('[');
  }
  bool end_object() override { return EndNested('}'); }
  bool end_array() override { return EndNested(']'); }

  bool key(string_t& key) override {
    if (depth_ > 1) {
      if (column_ >= 0) {
        std::string& out = text_[column_];
        if (need_comma_) out += ',';
        AppendJsonString(key, &out);
        out += ':';
        need_comma_ = false;
      }
    } else if (columns_ == nullptr) {
      keys_.push_back(key);
    } else if (auto it = columns_->find(key); it != columns_->end()) {
      column_ = it->second;
    } else {
      column_ = -1;
      ++ignored_keys_;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 6: <reason>".
    std::string_view what = e.what();
    if (size_t colon = what.find(": "); colon != std::string_view::npos) {
      what.remove_prefix(colon + 2);
    }
    error_ = fmt::format("invalid JSON: {}", what);
    error_column_ = std::max<size_t>(position, 1);
    return false;
  }

 private:
  template <typename T>
  bool Integer(T value) {
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return Scalar({buf, static_cast<size_t>(result.ptr - buf)}, /*quoted=*/false, "a number");
  }

  // A scalar: the cell of the current key at depth 1, part of a nested value's text below.
  bool Scalar(std::string_view text, bool quoted, const char* kind) {
    if (depth_ == 0) return NotAnObject(kind);
    if (column_ < 0) return true;
    std::string& out = text_[column_];
    if (depth_ == 1) {
      out.assign(text);
      present_[column_] = true;
      return true;
    }
    if (need_comma_) out += ',';
    if (quoted) {
      AppendJsonString(text, &out);
    } else {
      out += text;
    }
    need_comma_ = true;
    return true;
  }

  bool StartNested(char bracket) {
    if (depth_++ == 0 || column_ < 0) return true;
    std::string& out = text_[column_];
    if (depth_ == 2) {
      out.clear();
      present_[column_] = true;
    } else if (need_comma_) {
      out += ',';
    }
    out += bracket;
    need_comma_ = false;
    return true;
  }

  bool EndNested(char bracket) {
    if (--depth_ > 0 && column_ >= 0) {
      text_[column_] += bracket;
      need_comma_ = true;
    }
    return true;
  }

  bool NotAnObject(const char* kind) {
    error_ = fmt::format("expected a JSON object, found {}", kind);
    return false;
  }

  const std::unordered_map<std::string, int>* columns_ = nullptr;
  int depth_ = 0;            // containers open
  int column_ = -1;          // column of the current top-level key, -1 if it is not kept
  bool need_comma_ = false;  // a nested value's text needs ',' before the next element
  std::string error_;
  size_t error_column_ = 0;
  std::vector<std::string> keys_;
  std::vector<std::string> text_;  // per column
  std::vector<bool> present_;      // per column
  int64_t ignored_keys_ = 0;
};

class JsonlReader final : public TableReader {
 public:
  JsonlReader(std::unique_ptr<InputStream> input, const ReaderOptions& options)
      : in_(std::move(input)), options_(options) {}

  // Reads the header sample and the header from it.
  Status ReadSample();
  const std::vector<std::string>& header() const override { return header_; }
  Result<bool> Next(RawRecord* record) override;
  bool Recover() override;
  uint64_t bytes_read() const override { return in_.bytes_read(); }
  int64_t ignored_keys() const override { return handler_.ignored_keys(); }

 private:
  // A line read ahead for the header: its text, or the error reading it.
  struct SampleLine {
    int64_t line;
    std::string text;
    Status error;
  };

  // Sets `text` to the next non-blank line (without its line end), valid until the next call, and
  // line_ to its number. Returns false at the end of the input.
  Result<bool> ReadLine(std::string_view* text);

  InputBuffer in_;
  ReaderOptions options_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, int> columns_;
  ObjectHandler handler_;
  std::vector<SampleLine> sample_;
  size_t next_sample_ = 0;
  int64_t line_ = 0;  // number of the last line read
  int64_t records_ = 0;

  Status error_;             // returned by Next() until Recover()
  bool skip_line_ = false;   // Recover() skips the rest of a line too long to read
  bool recoverable_ = true;  // false after an I/O error
};

Result<bool> JsonlReader::ReadLine(std::string_view* text) {
  size_t scanned = 0;
  for (;;) {
    const void* nl = std::memchr(in_.begin() + scanned, '\n', in_.size() - scanned);
    const size_t length = nl != nullptr ? static_cast<const char*>(nl) - in_.begin() : in_.size();
    if (length > options_.max_record_bytes) {
      skip_line_ = true;
      return error_ = DataError(fmt::format("{}:{}: error: line longer than {} bytes "
                                            "(max_record_bytes)",
                                            in_.name(), line_ + 1, options_.max_record_bytes));
    }
    if (nl == nullptr && !in_.eof()) {
      scanned = in_.size();
      if (Status s = in_.Fill(); !s.ok()) {
        recoverable_ = false;
        return error_ = s;
      }
      continue;
    }
    if (length == 0 && nl == nullptr) return false;
    std::string_view line(in_.begin(), length);
    in_.Consume(length + (nl != nullptr ? 1 : 0));
    scanned = 0;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    *text = line;
    return true;
  }
}

Status JsonlReader::ReadSample() {
  if (Status s = in_.SkipBom(); !s.ok()) return s;
  while (sample_.size() < options_.jsonl_header_sample) {
    std::string_view text;
    Result<bool> found = ReadLine(&text);
    if (found.ok() && !*found) break;
    if (!found.ok()) {
      // Keep a bad line's error for Next(), in order.
      sample_.push_back({line_ + 1, {}, found.status()});
      if (!Recover()) return error_;
      continue;
    }
    sample_.push_back({line_, std::string(text), Status::Ok()});
    if (!handler_.Parse(text)) continue;  // Next() reports it
    for (const std::string& key : handler_.keys()) {
      if (columns_.emplace(key, static_cast<int>(header_.size())).second) header_.push_back(key);
    }
    if (header_.size() > options_.max_fields) {
      return DataError(fmt::format("{}:{}: error: more than {} distinct keys (max_fields)",
                                   in_.name(), line_, options_.max_fields));
    }
  }
  handler_.SetColumns(&columns_, header_.size());
  return Status::Ok();
}

Result<bool> JsonlReader::Next(RawRecord* record) {
  if (!error_.ok()) return error_;
  std::string_view text;
  int64_t line;
  Status read_error;
  if (next_sample_ < sample_.size()) {
    const SampleLine& sample = sample_[next_sample_++];
    text = sample.text;
    line = sample.line;
    read_error = sample.error;
  } else {
    Result<bool> found = ReadLine(&text);
    if (found.ok() && !*found) return false;
    line = line_;
    read_error = found.status();
  }
  ++records_;
  if (!read_error.ok()) return read_error;
  if (!handler_.Parse(text)) {
    if (handler_.error_column() == 0) {
      return DataError(fmt::format("{}:{}: error: {}", in_.name(), line, handler_.error()));
    }
    return DataError(fmt::format("{}:{}:{}: error: {}", in_.name(), line,
                                 std::min(handler_.error_column(), text.size() + 1),
                                 handler_.error()));
  }
  record->number = records_;
  record->line = line;
  record->cells.resize(header_.size());
  for (size_t i = 0; i < header_.size(); ++i) {
    record->cells[i] = handler_.present()[i] ? std::string_view(handler_.text()[i]) : "";
  }
  record->present = handler_.present();
  return true;
}

bool JsonlReader::Recover() {
  if (!recoverable_) return false;
  if (error_.ok()) return true;
  if (skip_line_) {
    if (Status s = in_.SkipLine(); !s.ok()) {
      recoverable_ = false;
      error_ = s;
      return false;
    }
    ++line_;
    skip_line_ = false;
  }
  error_ = Status::Ok();
  return true;
}

}  // namespace

Result<std::unique_ptr<TableReader>> OpenJsonlReader(std::unique_ptr<InputStream> input,
                                                     const ReaderOptions& options) {
  auto reader = std::make_unique<JsonlReader>(std::move(input), options);
  if (Status s = reader->ReadSample(); !s.ok()) return s;
  return std::unique_ptr<TableReader>(std::move(reader));
}

}  // namespace hunch
