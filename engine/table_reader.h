// Internal to the engine (the facade is hunch/ruleset.h): streaming readers of tabular input.
// CSV (RFC 4180) and JSONL, from a file, stdin ("-"), or a gzip file, one record at a time.
#ifndef HUNCH_ENGINE_TABLE_READER_H_
#define HUNCH_ENGINE_TABLE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/status.h"

namespace hunch {

enum class InputFormat { kAuto, kCsv, kJsonl };

// The format of a file by its extension (case-insensitive; .gz is looked through): kJsonl for
// .jsonl, .ndjson and .json, else kCsv.
InputFormat FormatForPath(std::string_view path);

// Parses "csv", "jsonl" (also "json", "ndjson"), "auto".
Result<InputFormat> ParseInputFormat(std::string_view name);

struct ReaderOptions {
  InputFormat format = InputFormat::kAuto;  // kAuto: by extension (.csv, .jsonl/.ndjson/.json,
                                            // each optionally followed by .gz); stdin is CSV
  size_t max_record_bytes = 16u << 20;      // a longer record is a data error
  size_t max_fields = 100000;               // more columns than this is a data error
  size_t jsonl_header_sample = 1000;        // JSONL: records read ahead to collect the keys
};

// One record. Views point into the reader's buffers and stay valid until the next Next() call.
struct RawRecord {
  int64_t number = 0;  // 1-based record number, not counting the header
  int64_t line = 0;    // 1-based physical line where the record starts (header is line 1 in CSV)
  std::vector<std::string_view> cells;  // one per header column
  std::vector<bool> present;            // false where absent: JSON null or missing key
};

// Reads records in order. Not thread-safe.
class TableReader {
 public:
  virtual ~TableReader() = default;
  // Column names in order. For JSONL: keys of the first `jsonl_header_sample` records, in order of
  // first appearance.
  virtual const std::vector<std::string>& header() const = 0;
  // Fills `record` and returns true, returns false at end of input, or an error Status naming
  // "PATH:LINE: error: <what was expected>" for a malformed record (ragged row, bad quoting,
  // invalid JSON, a JSON value that is not an object).
  virtual Result<bool> Next(RawRecord* record) = 0;
  // Skips past a malformed record after Next() returned an error, so --skip-bad-rows can go on.
  // Returns false when the reader cannot recover (e.g. I/O error).
  virtual bool Recover() = 0;
  // Input bytes consumed so far (compressed bytes for .gz), for progress reporting.
  virtual uint64_t bytes_read() const = 0;
  // Keys seen in JSONL records after the header sample that are not in the header (ignored).
  virtual int64_t ignored_keys() const { return 0; }
};

// Opens `path` ("-" for stdin). Gzip input is detected by its magic bytes and read transparently.
Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                               const ReaderOptions& options);

class InputStream;
// The readers OpenTable picks from, over an opened input; they read the header before returning.
Result<std::unique_ptr<TableReader>> OpenCsvReader(std::unique_ptr<InputStream> input,
                                                   const ReaderOptions& options);
Result<std::unique_ptr<TableReader>> OpenJsonlReader(std::unique_ptr<InputStream> input,
                                                     const ReaderOptions& options);
// A CSV reader over one chunk of whole records (see csv_chunker.h): no header row of its own.
// Empty lines at the end of the input are not records, so they are not at the end of a chunk
// that more input follows (`last_chunk` false): there each is one empty field, as elsewhere.
Result<std::unique_ptr<TableReader>> OpenCsvChunkReader(std::unique_ptr<InputStream> chunk,
                                                        std::vector<std::string> header,
                                                        int64_t first_line,
                                                        const ReaderOptions& options,
                                                        bool last_chunk);

struct Table;
// A reader over a caller's in-memory table (hunch/table.h): cells as their CSV texts, the record
// of row r on "line" r + 2 as if the header were line 1. The table must outlive the reader.
Result<std::unique_ptr<TableReader>> OpenMemoryTable(const Table& table);

}  // namespace hunch

#endif  // HUNCH_ENGINE_TABLE_READER_H_
