// Internal to the engine (the facade is hunch/eval.h): splits CSV input into chunks of whole
// records so that several threads can parse and evaluate it at once.
#ifndef HUNCH_ENGINE_CSV_CHUNKER_H_
#define HUNCH_ENGINE_CSV_CHUNKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "hunch/status.h"

namespace hunch {

struct CsvChunk {
  int64_t index = 0;       // 0, 1, 2, ... in input order
  int64_t first_line = 0;  // physical line of the chunk's first record
  std::string bytes;       // whole records, each with its line end
};

// Reads the input in large blocks and cuts them at line ends that lie outside quoted fields
// (tracked by quote parity, exact for well-formed CSV). Chunk boundaries depend only on the
// input, never on the number of threads, so per-chunk results merge identically.
class CsvChunker {
 public:
  // Opens `path` (or "-", gzip transparently) and reads its header row.
  static Result<std::unique_ptr<CsvChunker>> Open(const std::string& path,
                                                  const ReaderOptions& options,
                                                  size_t chunk_bytes = size_t{4} << 20);
  // The same over an opened input (for tests and fuzzing).
  static Result<std::unique_ptr<CsvChunker>> Open(std::unique_ptr<InputStream> input,
                                                  const ReaderOptions& options,
                                                  size_t chunk_bytes = size_t{4} << 20);
  const std::vector<std::string>& header() const { return header_; }
  const std::string& name() const { return input_->name(); }
  // The next chunk, or false at the end of the input.
  Result<bool> Next(CsvChunk* chunk);
  uint64_t bytes_read() const { return input_->bytes_read(); }

 private:
  CsvChunker(std::unique_ptr<InputStream> input, size_t chunk_bytes)
      : input_(std::move(input)), chunk_bytes_(chunk_bytes) {}
  // Reads until pending_ holds at least `want` bytes or the input ends.
  Status ReadAtLeast(size_t want);
  // Length of the longest prefix of pending_ that ends at a line end outside quotes; 0 if none.
  size_t SplitPoint() const;

  std::unique_ptr<InputStream> input_;
  size_t chunk_bytes_;
  std::vector<std::string> header_;
  std::string pending_;
  std::vector<char> block_;  // the buffer each read goes to first
  bool eof_ = false;
  int64_t next_index_ = 0;
  int64_t next_line_ = 1;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_CSV_CHUNKER_H_
