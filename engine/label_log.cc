// LabelLog: the JSONL labels file written by the service's /v1/feedback.
#include "engine/label_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/log_common.h"
#include "hunch/data.h"

namespace hunch {

namespace {

Status Errno(const std::string& path, const char* what) {
  return IoError(fmt::format("{}: error: {}: {}", path, what, std::strerror(errno)));
}

// The length of the file up to and including its last newline.
Result<off_t> CompleteLength(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno(path, "stat");
  off_t end = st.st_size;
  char buffer[4096];
  while (end > 0) {
    const off_t begin = end > static_cast<off_t>(sizeof buffer) ? end - sizeof buffer : 0;
    const ssize_t n = ::pread(fd, buffer, end - begin, begin);
    if (n != end - begin) return Errno(path, "read");
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buffer[i] == '\n') return begin + i + 1;
    }
    end = begin;
  }
  return off_t{0};
}

}  // namespace

Result<std::unique_ptr<LabelLog>> LabelLog::Open(const std::string& path, FsyncMode fsync,
                                                 int fsync_interval_ms, std::string* warning) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(path, "cannot open");
  struct stat st;
  auto complete = CompleteLength(fd, path);
  if (!complete.ok() || ::fstat(fd, &st) != 0) {
    ::close(fd);
    return complete.ok() ? Errno(path, "stat") : complete.status();
  }
  if (*complete < st.st_size) {
    if (::ftruncate(fd, *complete) != 0 || ::fdatasync(fd) != 0) {
      Status s = Errno(path, "cannot cut the torn last line");
      ::close(fd);
      return s;
    }
    if (warning != nullptr) {
      *warning = fmt::format("torn last line cut off ({} bytes)", st.st_size - *complete);
    }
  }
  return std::unique_ptr<LabelLog>(new LabelLog(path, fd, fsync, fsync_interval_ms));
}

LabelLog::LabelLog(std::string path, int fd, FsyncMode fsync, int fsync_interval_ms)
    : path_(std::move(path)), fd_(fd), fsync_(fsync), interval_ms_(fsync_interval_ms) {
  if (fsync_ == FsyncMode::kInterval) syncer_ = std::thread([this] { SyncLoop(); });
}

LabelLog::~LabelLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  Flush();
  ::close(fd_);
}

Status LabelLog::Append(const std::string& id, const std::string& label_json) {
  std::string line = "{\"id\":";
  AppendJsonString(id, &line);
  line += ",\"label\":";
  line += label_json;
  line += ",\"timestamp\":\"";
  line += FormatTimestamp(NowMicros());
  line += "\",\"source\":\"feedback\"}\n";
  std::lock_guard<std::mutex> lock(mu_);
  // One write() per line, under the lock, on an O_APPEND file: lines never interleave. A short
  // write is cut off again so that later lines do not follow a torn one.
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    if (n >= 0) errno = ENOSPC;
    Status s = Errno(path_, "write");
    if (n > 0 && before >= 0 && ::ftruncate(fd_, before) != 0) {
      s = Errno(path_, "cannot cut a short write");
    }
    return s;
  }
  dirty_ = true;
  if (fsync_ == FsyncMode::kAlways) {
    if (::fdatasync(fd_) != 0) return Errno(path_, "fdatasync");
    dirty_ = false;
  }
  return Status::Ok();
}

Status LabelLog::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!dirty_) return Status::Ok();
  if (::fdatasync(fd_) != 0) return Errno(path_, "fdatasync");
  dirty_ = false;
  return Status::Ok();
}

void LabelLog::SyncLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_));
    if (dirty_ && ::fdatasync(fd_) == 0) dirty_ = false;
  }
}

}  // namespace hunch
