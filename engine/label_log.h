// Internal to the engine (the facade is hunch/service.h): the labels file that /v1/feedback
// appends to and `hunch dataset --labels` reads.
#ifndef HUNCH_ENGINE_LABEL_LOG_H_
#define HUNCH_ENGINE_LABEL_LOG_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hunch/prediction_log.h"
#include "hunch/status.h"

namespace hunch {

// Appends one JSON line per label ({"id", "label", "timestamp", "source"}) to a JSONL file with
// one write() each, under the same FsyncMode meanings as the prediction log. Thread-safe.
class LabelLog {
 public:
  // Opens (creating) `path`. A torn last line left by a crash is cut off first, so the file
  // stays valid JSONL; `warning` then says so ("torn last line cut off (N bytes)").
  static Result<std::unique_ptr<LabelLog>> Open(const std::string& path, FsyncMode fsync,
                                                int fsync_interval_ms, std::string* warning);
  ~LabelLog();  // syncs and closes

  // `label_json` is a JSON scalar (string, number or boolean) as text.
  Status Append(const std::string& id, const std::string& label_json);
  Status Flush();

 private:
  LabelLog(std::string path, int fd, FsyncMode fsync, int fsync_interval_ms);
  void SyncLoop();

  const std::string path_;
  const int fd_;
  const FsyncMode fsync_;
  const int interval_ms_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool dirty_ = false;  // written since the last fdatasync
  std::thread syncer_;  // kInterval only
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_LABEL_LOG_H_
