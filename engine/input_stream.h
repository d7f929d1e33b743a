// Internal to the engine (the facade is hunch/ruleset.h): the byte source under the table readers.
// A file, stdin ("-") or a gzip file (detected by its magic bytes), read in large chunks, and a
// growable window over it from which a reader parses records in place.
#ifndef HUNCH_ENGINE_INPUT_STREAM_H_
#define HUNCH_ENGINE_INPUT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hunch/status.h"

namespace hunch {

// Decoded bytes of one input. Not thread-safe.
class InputStream {
 public:
  // Opens `path`, or stdin for "-". A missing file is kNotFound, other failures kIoError; the
  // message is "PATH: error: cannot open: <reason>".
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path);
  // A stream over bytes already in memory (a chunk of a larger input); `name` names it in messages.
  static std::unique_ptr<InputStream> FromMemory(std::string name, std::string bytes);
  // For tests and fuzzing: the same bytes served at most `piece` (> 0) bytes per read, so readers
  // take their streaming path (records split across reads) on small inputs.
  static std::unique_ptr<InputStream> FromMemoryInPieces(std::string name, std::string bytes,
                                                         size_t piece);
  // For a stream from FromMemory that has not been read: hands its bytes over without a copy.
  std::string TakeMemory() {
    memory_pos_ = memory_.size();
    return std::move(memory_);
  }
  bool in_memory() const { return fd_ < 0 && piece_ == 0; }
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // The path as given, or "<stdin>"; messages name the input by it.
  const std::string& name() const { return name_; }
  // Reads up to `size` (> 0) decoded bytes into `dest`. Returns 0 only at the end of the input.
  Result<size_t> Read(char* dest, size_t size);
  // Bytes taken from the file so far: compressed bytes for gzip.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  struct Inflater;  // zlib state, only for gzip input

  InputStream(std::string name, int fd, bool owns_fd);
  Result<size_t> ReadRaw(char* dest, size_t size);
  Result<size_t> Inflate(char* dest, size_t size);

  std::string name_;
  int fd_;
  bool owns_fd_;
  uint64_t bytes_read_ = 0;
  std::vector<char> raw_;  // [raw_pos_, raw_end_): file bytes not yet handed out or inflated
  size_t raw_pos_ = 0;
  size_t raw_end_ = 0;
  std::unique_ptr<Inflater> inflater_;
  std::string memory_;  // FromMemory: the bytes, handed out through raw_pos_/raw_end_ semantics
  size_t memory_pos_ = 0;
  size_t piece_ = 0;  // FromMemoryInPieces: the most bytes one read returns
};

// The unconsumed bytes [begin(), end()) of an InputStream. A reader parses them in place, calls
// Fill() when a record runs past end(), and Consume()s what it has parsed. Fill() may move the
// bytes, so pointers into them must be taken again afterwards.
class InputBuffer {
 public:
  explicit InputBuffer(std::unique_ptr<InputStream> input);

  char* begin() { return buf_.data() + begin_; }
  char* end() { return buf_.data() + end_; }
  size_t size() const { return end_ - begin_; }
  // True once the input is exhausted: end() is the end of the input.
  bool eof() const { return eof_; }
  void Consume(size_t n) { begin_ += n; }
  // Appends at least one more byte of input after end(), or sets eof().
  Status Fill();
  // Consumes through the next '\n', or to the end of the input.
  Status SkipLine();
  // Consumes a UTF-8 byte order mark at the start of the input.
  Status SkipBom();

  const std::string& name() const { return input_->name(); }
  uint64_t bytes_read() const { return input_->bytes_read(); }

 private:
  std::unique_ptr<InputStream> input_;
  std::string buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_INPUT_STREAM_H_
