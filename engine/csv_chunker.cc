// Implements CsvChunker: quote-aware splitting of CSV input into chunks of whole records.
#include "engine/csv_chunker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace hunch {

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
      char ch = c->pending_[i];
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
      InputStream::FromMemory(c->input_->name(), c->pending_.substr(0, header_end)), options);
  if (!header_reader.ok()) return header_reader.status();
  c->header_ = (*header_reader)->header();
  c->next_line_ = 1 + std::count(c->pending_.begin(), c->pending_.begin() + header_end, '\n');
  c->pending_.erase(0, header_end);
  return c;
}

Status CsvChunker::ReadAtLeast(size_t want) {
  // Reads go through a fixed block: growing pending_ by a block for every read would zero-fill
  // a megabyte per read, which a pipe (64 KiB a read) makes the main cost.
  if (block_.empty()) block_.resize(size_t{1} << 20);
  if (want > pending_.size()) pending_.reserve(want);
  while (pending_.size() < want && !eof_) {
    Result<size_t> n = input_->Read(block_.data(), block_.size());
    if (!n.ok()) return n.status();
    pending_.append(block_.data(), *n);
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
  std::string tail = pending_.substr(split);
  chunk->bytes = std::move(pending_);
  chunk->bytes.resize(split);
  pending_ = std::move(tail);
  next_line_ += std::count(chunk->bytes.begin(), chunk->bytes.end(), '\n');
  return true;
}

}  // namespace hunch
