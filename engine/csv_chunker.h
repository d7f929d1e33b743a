// Internal to the engine (the facade is hunch/eval.h): splits CSV input into chunks of whole
// records so that several threads can parse and evaluate it at once.
#ifndef HUNCH_ENGINE_CSV_CHUNKER_H_
#define HUNCH_ENGINE_CSV_CHUNKER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "hunch/status.h"

namespace hunch {

// A growable byte buffer that, unlike std::string, does not zero what read() will overwrite.
class ByteBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Grows to `size` bytes, keeping the first size() and leaving the rest uninitialised.
  void Grow(size_t size);
  void Shrink(size_t size) { size_ = size; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

struct CsvChunk {
  int64_t index = 0;       // 0, 1, 2, ... in input order
  int64_t first_line = 0;  // physical line of the chunk's first record
  bool last = false;       // no input follows
  // Whole records, each with its line end (the last may lack it at EOF): in `buffer`, or in the
  // chunker's mapping of the file (buffer empty), valid while the chunker lives.
  std::string_view view;
  ByteBuffer buffer;
  std::string_view bytes() const { return view; }
};

// Reads the input in large blocks and cuts them at line ends that lie outside quoted fields
// (tracked by quote parity, exact for well-formed CSV). Chunk boundaries depend only on the
// input, never on the number of threads, so per-chunk results merge identically. A regular,
// uncompressed file is mapped rather than read: chunks are views of the mapping, which spares
// copying every byte and faulting in buffers for them.
class CsvChunker {
 public:
  // Opens `path` (or "-", gzip transparently) and reads its header row. A file truncated by
  // another process while mapped ends this one with SIGBUS, as for any mmap reader.
  static Result<std::unique_ptr<CsvChunker>> Open(const std::string& path,
                                                  const ReaderOptions& options,
                                                  size_t chunk_bytes = size_t{4} << 20);
  // The same over an opened input (for tests and fuzzing).
  static Result<std::unique_ptr<CsvChunker>> Open(std::unique_ptr<InputStream> input,
                                                  const ReaderOptions& options,
                                                  size_t chunk_bytes = size_t{4} << 20);
  const std::vector<std::string>& header() const { return header_; }
  ~CsvChunker();
  CsvChunker(const CsvChunker&) = delete;
  CsvChunker& operator=(const CsvChunker&) = delete;
  const std::string& name() const { return name_; }
  // The next chunk, or false at the end of the input.
  Result<bool> Next(CsvChunk* chunk);
  uint64_t bytes_read() const { return input_ ? input_->bytes_read() : mapped_pos_; }
  // Hands back a processed chunk (thread-safe): its buffer is reused, as reading into memory
  // that is already mapped saves a page fault per 4 KiB; its pages of a mapped file are dropped
  // from this process (they stay in the page cache), so resident memory does not grow with the
  // file.
  void Recycle(CsvChunk chunk);

 private:
  CsvChunker(std::string name, std::unique_ptr<InputStream> input, size_t chunk_bytes)
      : name_(std::move(name)), input_(std::move(input)), chunk_bytes_(chunk_bytes) {}
  Status ReadHeader(const ReaderOptions& options);
  // Reads until pending_ holds at least `want` bytes or the input ends.
  Status ReadAtLeast(size_t want);
  Result<bool> NextMapped(CsvChunk* chunk);

  std::string name_;
  std::unique_ptr<InputStream> input_;  // null when the file is mapped
  std::string_view mapped_;             // the whole mapped file
  size_t mapped_pos_ = 0;               // where the next chunk of the mapping starts
  size_t chunk_bytes_;
  std::vector<std::string> header_;
  ByteBuffer pending_;
  bool eof_ = false;
  int64_t next_index_ = 0;
  int64_t next_line_ = 1;
  std::mutex pool_mutex_;
  std::vector<ByteBuffer> pool_;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_CSV_CHUNKER_H_
