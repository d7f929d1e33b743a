// Implements the CSV TableReader (RFC 4180), parsing records in place in the input buffer.
#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "fmt/format.h"

namespace hunch {
namespace {

// Bytes that end a run of plain text in an unquoted field.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> special{};
  for (unsigned char c : {',', '\n', '\r', '"'}) special[c] = true;
  return special;
}();

class CsvReader final : public TableReader {
 public:
  CsvReader(std::unique_ptr<InputStream> input, const ReaderOptions& options)
      : in_(std::move(input)), options_(options) {}
  // For a chunk of a larger input that starts at a record boundary on line `first_line`.
  CsvReader(std::unique_ptr<InputStream> input, const ReaderOptions& options,
            std::vector<std::string> header, int64_t first_line, bool input_ends)
      : in_(std::move(input)),
        options_(options),
        header_(std::move(header)),
        line_(first_line),
        input_ends_(input_ends) {}

  Status ReadHeader();
  const std::vector<std::string>& header() const override { return header_; }
  Result<bool> Next(RawRecord* record) override;
  bool Recover() override;
  uint64_t bytes_read() const override { return in_.bytes_read(); }

 private:
  struct Field {
    char* begin;
    char* end;
    bool doubled_quotes;  // needs unescaping: "" stands for "
  };
  enum class Parse { kRecord, kEnd, kNeedMore, kError };

  // Parses the record at in_.begin() into fields_ without consuming it. On kRecord, sets
  // record_size_ and record_newlines_; on kError, sets the error_* members.
  Parse ParseRecord();
  // Parses the next record, reading input as needed. Returns false at the end of the input.
  Result<bool> ReadRecord();
  // Fails the record starting at line_, to be skipped by Recover() up to the end of the line
  // holding byte `skip_from` of the buffer.
  Status Fail(std::string what, size_t skip_from);
  Status FailTooLong(size_t skip_from);
  std::string_view Unescape(const Field& field);

  InputBuffer in_;
  ReaderOptions options_;
  std::vector<std::string> header_;
  std::vector<Field> fields_;
  int64_t line_ = 1;        // physical line at in_.begin()
  bool input_ends_ = true;  // false for a chunk that more input follows
  int64_t records_ = 0;
  size_t record_size_ = 0;       // bytes of the parsed record, with its line end
  int64_t record_newlines_ = 0;  // '\n' in the parsed record, with its line end

  std::string error_what_;  // set by ParseRecord on kError
  size_t error_at_ = 0;     // offset from in_.begin() where the error was found

  Status error_;             // returned by Next() until Recover()
  size_t skip_from_ = 0;     // offset from in_.begin() whose line Recover() skips
  bool recoverable_ = true;  // false after an I/O error
};

// Length of the line end at `p`: 0 if there is none (a lone '\r' is data), -1 if more input is
// needed to tell.
int LineEnd(const char* p, const char* end, bool eof) {
  if (p == end) return eof ? 0 : -1;
  if (*p == '\n') return 1;
  if (*p != '\r') return 0;
  if (p + 1 == end) return eof ? 1 : -1;
  return p[1] == '\n' ? 2 : 0;
}

CsvReader::Parse CsvReader::ParseRecord() {
  fields_.clear();
  char* const start = in_.begin();
  char* const end = in_.end();
  const bool eof = in_.eof();
  if (start == end) return eof ? Parse::kEnd : Parse::kNeedMore;
  if (*start == '\n' || *start == '\r') {
    // Empty lines at the end of the input are not records; elsewhere each is one empty field.
    const char* p = start;
    while (p < end && (*p == '\n' || *p == '\r')) ++p;
    if (p == end && (!eof || input_ends_)) return eof ? Parse::kEnd : Parse::kNeedMore;
  }

  char* p = start;
  int64_t newlines = 0;  // inside quoted fields so far
  for (;;) {
    if (fields_.size() == options_.max_fields) {
      error_what_ = fmt::format("more than {} fields (max_fields)", options_.max_fields);
      error_at_ = p - start;
      return Parse::kError;
    }
    Field& field = fields_.emplace_back(Field{p, p, false});
    if (p < end && *p == '"') {
      const int64_t open_line = line_ + newlines;
      field.begin = ++p;
      for (;;) {
        char* quote = static_cast<char*>(std::memchr(p, '"', end - p));
        if (quote == nullptr) {
          if (!eof) return Parse::kNeedMore;
          error_what_ = fmt::format(
              "unterminated quoted field: the quote opened on line {} is never closed", open_line);
          error_at_ = end - start;
          return Parse::kError;
        }
        newlines += std::count(p, quote, '\n');
        if (quote + 1 == end && !eof) return Parse::kNeedMore;
        if (quote + 1 < end && quote[1] == '"') {
          field.doubled_quotes = true;
          p = quote + 2;
          continue;
        }
        field.end = quote;
        p = quote + 1;
        break;
      }
      if (p < end && *p != ',') {
        const int eol = LineEnd(p, end, eof);
        if (eol < 0) return Parse::kNeedMore;
        if (eol == 0) {
          error_what_ =
              fmt::format("bad quoting: text after the closing quote of field {}", fields_.size());
          error_at_ = p - start;
          return Parse::kError;
        }
      }
    } else {
      for (;;) {
        while (p < end && !kSpecial[static_cast<unsigned char>(*p)]) ++p;
        if (p + 1 < end && p[0] == '\r' && p[1] != '\n') {
          ++p;
          continue;
        }
        break;
      }
      if (p < end && *p == '"') {
        error_what_ = fmt::format(
            "bad quoting: a quote inside unquoted field {}; quote the whole field and double the "
            "quotes in it",
            fields_.size());
        error_at_ = p - start;
        return Parse::kError;
      }
      field.end = p;
    }

    if (p < end && *p == ',') {
      ++p;
      continue;
    }
    const int eol = LineEnd(p, end, eof);
    if (eol < 0) return Parse::kNeedMore;
    p += eol;
    record_size_ = p - start;
    record_newlines_ = newlines + (eol > 0 && p[-1] == '\n' ? 1 : 0);
    return Parse::kRecord;
  }
}

Status CsvReader::Fail(std::string what, size_t skip_from) {
  error_ = DataError(fmt::format("{}:{}: error: {}", in_.name(), line_, what));
  skip_from_ = skip_from;
  return error_;
}

Status CsvReader::FailTooLong(size_t skip_from) {
  return Fail(
      fmt::format("record longer than {} bytes (max_record_bytes)", options_.max_record_bytes),
      skip_from);
}

Result<bool> CsvReader::ReadRecord() {
  for (;;) {
    switch (ParseRecord()) {
      case Parse::kRecord:
        if (record_size_ > options_.max_record_bytes) return FailTooLong(record_size_ - 1);
        return true;
      case Parse::kEnd:
        return false;
      case Parse::kError:
        return Fail(std::move(error_what_), error_at_);
      case Parse::kNeedMore:
        if (in_.size() > options_.max_record_bytes) return FailTooLong(in_.size());
        if (Status s = in_.Fill(); !s.ok()) {
          recoverable_ = false;
          return error_ = s;
        }
    }
  }
}

std::string_view CsvReader::Unescape(const Field& field) {
  if (!field.doubled_quotes) return {field.begin, static_cast<size_t>(field.end - field.begin)};
  // In place: the record is complete and consumed, and unescaping only shrinks it.
  char* out = field.begin;
  for (const char* p = field.begin; p < field.end; ++p) {
    *out++ = *p;
    if (*p == '"') ++p;
  }
  return {field.begin, static_cast<size_t>(out - field.begin)};
}

Status CsvReader::ReadHeader() {
  if (Status s = in_.SkipBom(); !s.ok()) return s;
  Result<bool> found = ReadRecord();
  if (!found.ok()) return found.status();
  if (!*found) {
    return DataError(fmt::format("{}:1: error: empty input: expected a header row", in_.name()));
  }
  line_ += record_newlines_;
  in_.Consume(record_size_);
  std::unordered_map<std::string_view, size_t> seen;
  header_.reserve(fields_.size());
  for (const Field& field : fields_) header_.emplace_back(Unescape(field));
  for (size_t i = 0; i < header_.size(); ++i) {
    auto [it, inserted] = seen.emplace(header_[i], i);
    if (!inserted) {
      return DataError(fmt::format("{}:1: error: duplicate column name '{}': columns {} and {}",
                                   in_.name(), header_[i], it->second + 1, i + 1));
    }
  }
  return Status::Ok();
}

Result<bool> CsvReader::Next(RawRecord* record) {
  if (!error_.ok()) return error_;
  Result<bool> found = ReadRecord();
  if (!found.ok() || !*found) return found;
  record->number = ++records_;
  record->line = line_;
  line_ += record_newlines_;
  in_.Consume(record_size_);
  if (fields_.size() != header_.size()) {
    // The record is consumed already, so there is nothing for Recover() to skip.
    return DataError(fmt::format("{}:{}: error: expected {} fields as in the header, found {}",
                                 in_.name(), record->line, header_.size(), fields_.size()));
  }
  record->cells.resize(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) record->cells[i] = Unescape(fields_[i]);
  record->present.assign(fields_.size(), true);
  return true;
}

bool CsvReader::Recover() {
  if (!recoverable_) return false;
  if (error_.ok()) return true;
  ++records_;
  const char* from = in_.begin() + skip_from_;
  line_ += std::count(static_cast<const char*>(in_.begin()), from, '\n');
  in_.Consume(skip_from_);
  if (Status s = in_.SkipLine(); !s.ok()) {
    recoverable_ = false;
    error_ = s;
    return false;
  }
  ++line_;
  error_ = Status::Ok();
  return true;
}

}  // namespace

Result<std::unique_ptr<TableReader>> OpenCsvReader(std::unique_ptr<InputStream> input,
                                                   const ReaderOptions& options) {
  auto reader = std::make_unique<CsvReader>(std::move(input), options);
  if (Status s = reader->ReadHeader(); !s.ok()) return s;
  return std::unique_ptr<TableReader>(std::move(reader));
}

Result<std::unique_ptr<TableReader>> OpenCsvChunkReader(std::unique_ptr<InputStream> chunk,
                                                        std::vector<std::string> header,
                                                        int64_t first_line,
                                                        const ReaderOptions& options,
                                                        bool last_chunk) {
  return std::unique_ptr<TableReader>(std::make_unique<CsvReader>(
      std::move(chunk), options, std::move(header), first_line, last_chunk));
}

}  // namespace hunch
