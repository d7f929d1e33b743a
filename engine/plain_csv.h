// Internal to the engine (the facade is hunch/eval.h): a fast splitter for "plain" CSV, the
// common case of records without quotes or carriage returns. It finds field boundaries 64 bytes
// at a time and leaves everything else to the RFC 4180 reader (csv_reader.cc): whenever a record
// is not plain, it stops and says so, and the caller re-reads the whole chunk with that reader.
#ifndef HUNCH_ENGINE_PLAIN_CSV_H_
#define HUNCH_ENGINE_PLAIN_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hunch {

class PlainCsvSplitter {
 public:
  // `bytes`: whole records (the last may lack its line end), each expected to hold
  // `num_fields` fields.
  PlainCsvSplitter(std::string_view bytes, size_t num_fields, size_t max_record_bytes);

  // Splits up to `max_rows` further records and returns how many it split. Returns 0 at the end
  // of the bytes, or when the next record is not plain (then plain() is false): it holds a quote
  // or a carriage return, is empty, is longer than max_record_bytes, or has another number of
  // fields than num_fields.
  size_t Next(size_t max_rows);
  bool plain() const { return plain_; }
  // One past the last byte given: cells are views into [.., end()).
  const char* end() const { return base_ + size_; }

  // The cell `field` of the r-th record of the last Next() call.
  std::string_view Cell(size_t r, size_t field) const {
    const uint32_t* o = &offsets_[r * num_fields_ + field];
    return {base_ + o[0], static_cast<size_t>(o[1] - o[0] - 1)};
  }

 private:
  const char* base_;
  size_t size_;
  size_t num_fields_;
  size_t max_record_bytes_;
  size_t pos_ = 0;  // start of the next record
  bool plain_ = true;
  // Record r's field i spans [o[r * num_fields + i], o[r * num_fields + i + 1] - 1): o[0] is
  // where the first record starts, and each further entry is one past a separator (comma or line
  // end; the end of the bytes for a last record without one).
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> newlines_;  // positions of the line ends (or the end of the bytes)
};

// The number of '\n' bytes in `bytes`.
int64_t CountNewlines(std::string_view bytes);

// The same count, and whether `bytes` holds a quote, in one pass over them.
struct NewlineCount {
  int64_t newlines = 0;
  bool any_quote = false;
};
NewlineCount CountNewlinesAndQuotes(std::string_view bytes);

}  // namespace hunch

#endif  // HUNCH_ENGINE_PLAIN_CSV_H_
