// Implements InputStream (plain files, stdin and gzip via zlib) and InputBuffer.
#include "engine/input_stream.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "fmt/format.h"

namespace hunch {
namespace {

// Large reads keep system-call and inflate overhead negligible next to parsing.
constexpr size_t kChunkSize = size_t{1} << 20;

}  // namespace

struct InputStream::Inflater {
  z_stream z{};
  bool member_done = false;  // the last inflate() finished a gzip member
  ~Inflater() { inflateEnd(&z); }
};

InputStream::InputStream(std::string name, int fd, bool owns_fd)
    : name_(std::move(name)), fd_(fd), owns_fd_(owns_fd) {}

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path) {
  std::unique_ptr<InputStream> in;
  if (path == "-") {
    in.reset(new InputStream("<stdin>", STDIN_FILENO, /*owns_fd=*/false));
  } else {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      const int err = errno;
      std::string message = fmt::format("{}: error: cannot open: {}", path, std::strerror(err));
      return err == ENOENT ? NotFound(std::move(message)) : IoError(std::move(message));
    }
    in.reset(new InputStream(path, fd, /*owns_fd=*/true));
  }

  // Sniff the gzip magic; a pipe may deliver fewer than two bytes per read.
  in->raw_.resize(kChunkSize);
  while (in->raw_end_ < 2) {
    Result<size_t> n = in->ReadRaw(in->raw_.data() + in->raw_end_, kChunkSize - in->raw_end_);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    in->raw_end_ += *n;
  }
  if (in->raw_end_ >= 2 && static_cast<unsigned char>(in->raw_[0]) == 0x1f &&
      static_cast<unsigned char>(in->raw_[1]) == 0x8b) {
    in->inflater_ = std::make_unique<Inflater>();
    // 16 + MAX_WBITS: expect the gzip wrapper rather than zlib's.
    if (inflateInit2(&in->inflater_->z, 16 + MAX_WBITS) != Z_OK) {
      return IoError(fmt::format("{}: error: cannot initialize zlib", in->name_));
    }
  }
  return in;
}

std::unique_ptr<InputStream> InputStream::FromMemory(std::string name, std::string bytes) {
  std::unique_ptr<InputStream> in(new InputStream(std::move(name), -1, /*owns_fd=*/false));
  in->memory_ = std::move(bytes);
  return in;
}

std::unique_ptr<InputStream> InputStream::FromMemoryInPieces(std::string name, std::string bytes,
                                                             size_t piece) {
  std::unique_ptr<InputStream> in = FromMemory(std::move(name), std::move(bytes));
  in->piece_ = std::max<size_t>(piece, 1);
  return in;
}

InputStream::~InputStream() {
  if (owns_fd_) ::close(fd_);
}

Result<size_t> InputStream::Read(char* dest, size_t size) {
  if (inflater_) return Inflate(dest, size);
  if (raw_pos_ < raw_end_) {
    const size_t n = std::min(size, raw_end_ - raw_pos_);
    std::memcpy(dest, raw_.data() + raw_pos_, n);
    raw_pos_ += n;
    return n;
  }
  return ReadRaw(dest, size);
}

Result<size_t> InputStream::ReadRaw(char* dest, size_t size) {
  if (fd_ < 0) {
    size_t n = std::min(size, memory_.size() - memory_pos_);
    if (piece_ > 0) n = std::min(n, piece_);
    std::memcpy(dest, memory_.data() + memory_pos_, n);
    memory_pos_ += n;
    bytes_read_ += n;
    return n;
  }
  for (;;) {
    const ssize_t n = ::read(fd_, dest, size);
    if (n >= 0) {
      bytes_read_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) {
      return IoError(fmt::format("{}: error: cannot read: {}", name_, std::strerror(errno)));
    }
  }
}

Result<size_t> InputStream::Inflate(char* dest, size_t size) {
  z_stream& z = inflater_->z;
  const uInt want = static_cast<uInt>(std::min<size_t>(size, UINT_MAX));
  z.next_out = reinterpret_cast<Bytef*>(dest);
  z.avail_out = want;
  // A gzip header or an empty member inflates to nothing, so go on until there is some output.
  while (z.avail_out == want) {
    if (raw_pos_ == raw_end_) {
      Result<size_t> n = ReadRaw(raw_.data(), raw_.size());
      if (!n.ok()) return n.status();
      if (*n == 0) {
        if (inflater_->member_done) return size_t{0};
        return DataError(
            fmt::format("{}: error: invalid gzip data: unexpected end of file", name_));
      }
      raw_pos_ = 0;
      raw_end_ = *n;
    }
    if (inflater_->member_done) {
      // More bytes after a member: `cat a.gz b.gz` is a valid gzip file.
      inflateReset(&z);
      inflater_->member_done = false;
    }
    z.next_in = reinterpret_cast<Bytef*>(raw_.data() + raw_pos_);
    z.avail_in = static_cast<uInt>(raw_end_ - raw_pos_);
    const int rc = inflate(&z, Z_NO_FLUSH);
    raw_pos_ = raw_end_ - z.avail_in;
    if (rc == Z_STREAM_END) {
      inflater_->member_done = true;
    } else if (rc != Z_OK) {
      return DataError(fmt::format("{}: error: invalid gzip data: {}", name_,
                                   z.msg != nullptr ? z.msg : zError(rc)));
    }
  }
  return size_t{want - z.avail_out};
}

InputBuffer::InputBuffer(std::unique_ptr<InputStream> input) : input_(std::move(input)) {
  if (input_->in_memory()) {
    // The whole input is already in memory: parse it where it lies.
    buf_ = input_->TakeMemory();
    end_ = buf_.size();
    eof_ = true;
  } else {
    buf_.resize(kChunkSize);
  }
}

Status InputBuffer::Fill() {
  if (eof_) return Status::Ok();
  // Move the unconsumed tail to the front, so the buffer only grows for a record longer than it.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < kChunkSize / 2)
    buf_.resize(std::max(2 * buf_.size(), end_ + kChunkSize));
  Result<size_t> n = input_->Read(buf_.data() + end_, buf_.size() - end_);
  if (!n.ok()) return n.status();
  if (*n == 0) eof_ = true;
  end_ += *n;
  return Status::Ok();
}

Status InputBuffer::SkipLine() {
  for (;;) {
    if (const void* nl = std::memchr(begin(), '\n', size())) {
      Consume(static_cast<const char*>(nl) + 1 - begin());
      return Status::Ok();
    }
    Consume(size());
    if (eof_) return Status::Ok();
    if (Status s = Fill(); !s.ok()) return s;
  }
}

Status InputBuffer::SkipBom() {
  while (size() < 3 && !eof_) {
    if (Status s = Fill(); !s.ok()) return s;
  }
  if (size() >= 3 && std::memcmp(begin(), "\xEF\xBB\xBF", 3) == 0) Consume(3);
  return Status::Ok();
}

}  // namespace hunch
