// Implements CsvChunker: quote-aware splitting of CSV input into chunks of whole records.
#include "engine/csv_chunker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/plain_csv.h"

namespace hunch {

void ByteBuffer::Grow(size_t size) {
  if (size > capacity_) {
    const size_t capacity = std::max(size, capacity_ + capacity_ / 2);
    std::unique_ptr<char[]> grown(new char[capacity]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  size_ = size;
}

Result<std::unique_ptr<CsvChunker>> CsvChunker::Open(const std::string& path,
                                                     const ReaderOptions& options,
                                                     size_t chunk_bytes) {
  auto input = InputStream::Open(path);
  if (!input.ok()) return input.status();
  return Open(std::move(*input), options, chunk_bytes);
}

Result<std::unique_ptr<CsvChunker>> CsvChunker::Open(std::unique_ptr<InputStream> input,
                                                     const ReaderOptions& options,
                                                     size_t chunk_bytes) {
  std::unique_ptr<CsvChunker> c(new CsvChunker(std::move(input), chunk_bytes));
  // The header is the first record; it is parsed by the ordinary reader for its exact rules.
  size_t header_end = 0;
  for (size_t want = 64 << 10;; want *= 2) {
    if (Status s = c->ReadAtLeast(want); !s.ok()) return s;
    bool in_quotes = false;
    for (size_t i = 0; i < c->pending_.size(); ++i) {
      char ch = c->pending_.data()[i];
      if (ch == '"')
        in_quotes = !in_quotes;
      else if (ch == '\n' && !in_quotes) {
        header_end = i + 1;
        break;
      }
    }
    if (header_end > 0 || c->eof_) break;
    if (want > options.max_record_bytes) break;
  }
  if (header_end == 0) header_end = c->pending_.size();
  auto header_reader = OpenCsvReader(
      InputStream::FromMemory(c->input_->name(), std::string(c->pending_.data(), header_end)),
      options);
  if (!header_reader.ok()) return header_reader.status();
  c->header_ = (*header_reader)->header();
  c->next_line_ = 1 + CountNewlines({c->pending_.data(), header_end});
  const size_t rest = c->pending_.size() - header_end;
  std::memmove(c->pending_.data(), c->pending_.data() + header_end, rest);
  c->pending_.Shrink(rest);
  return c;
}

Status CsvChunker::ReadAtLeast(size_t want) {
  while (pending_.size() < want && !eof_) {
    const size_t old = pending_.size();
    const size_t grow = std::max<size_t>(want - old, 1 << 20);
    pending_.Grow(old + grow);
    Result<size_t> n = input_->Read(pending_.data() + old, grow);
    if (!n.ok()) {
      pending_.Shrink(old);
      return n.status();
    }
    pending_.Shrink(old + *n);
    if (*n == 0) eof_ = true;
  }
  return Status::Ok();
}

size_t CsvChunker::SplitPoint() const {
  // Quotes are rare in most data, so collect their positions and test candidate line ends from
  // the back: a line end with an even number of quotes before it lies outside every quoted field.
  std::vector<size_t> quotes;
  const char* data = pending_.data();
  const size_t n = pending_.size();
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '"', n - (p - data))));) {
    quotes.push_back(static_cast<size_t>(p - data));
    ++p;
    if (p >= data + n) break;
  }
  size_t end = n;
  while (end > 0) {
    const void* nl = memrchr(data, '\n', end);
    if (nl == nullptr) return 0;
    const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - data);
    const size_t before =
        static_cast<size_t>(std::lower_bound(quotes.begin(), quotes.end(), at) - quotes.begin());
    if (before % 2 == 0) return at + 1;
    end = at;
  }
  return 0;
}

void CsvChunker::Recycle(ByteBuffer buffer) {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 16) pool_.push_back(std::move(buffer));
}

Result<bool> CsvChunker::Next(CsvChunk* chunk) {
  size_t want = chunk_bytes_;
  size_t split = 0;
  for (;;) {
    if (Status s = ReadAtLeast(want); !s.ok()) return s;
    if (pending_.empty()) return false;
    if (eof_) {
      split = pending_.size();
      break;
    }
    split = SplitPoint();
    if (split > 0) break;
    want = pending_.size() * 2;  // a record longer than a chunk: read on
  }
  chunk->index = next_index_++;
  chunk->first_line = next_line_;
  // The chunk takes the buffer itself; only the short tail after the split is copied back.
  ByteBuffer tail;
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      tail = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  tail.Shrink(0);
  tail.Grow(std::max(pending_.size() - split, chunk_bytes_ + chunk_bytes_ / 4));
  tail.Shrink(pending_.size() - split);
  std::memcpy(tail.data(), pending_.data() + split, tail.size());
  chunk->buffer = std::move(pending_);
  chunk->buffer.Shrink(split);
  pending_ = std::move(tail);
  next_line_ += CountNewlines(chunk->bytes());
  return true;
}

}  // namespace hunch
