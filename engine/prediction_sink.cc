// OpenPredictionSink: picks the sink a --log argument names.
#include "engine/sqlite_sink.h"
#include "hunch/prediction_log.h"

namespace hunch {

Status PredictionSink::AppendBatch(std::vector<LogRecord>* records, std::vector<bool>* kept) {
  kept->assign(records->size(), false);
  for (size_t i = 0; i < records->size(); ++i) {
    bool one = false;
    if (Status s = Append(&(*records)[i], &one); !s.ok()) {
      kept->assign(records->size(), false);
      return s;
    }
    (*kept)[i] = one;
  }
  return Status::Ok();
}

Result<std::unique_ptr<PredictionSink>> OpenPredictionSink(const LogOptions& options) {
  constexpr std::string_view kSqlitePrefix = "sqlite:";
  if (options.dir.starts_with(kSqlitePrefix)) {
    return OpenSqliteSink(options.dir.substr(kSqlitePrefix.size()), options);
  }
  auto log = PredictionLog::Open(options);
  if (!log.ok()) return log.status();
  return std::unique_ptr<PredictionSink>(std::move(*log));
}

}  // namespace hunch
