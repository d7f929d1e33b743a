// OpenPredictionSink: picks the sink a --log argument names.
#include "engine/sqlite_sink.h"
#include "hunch/prediction_log.h"

namespace hunch {

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
