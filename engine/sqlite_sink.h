// Internal to the engine (the facade is hunch/prediction_log.h): the SQLite prediction sink.
#ifndef HUNCH_ENGINE_SQLITE_SINK_H_
#define HUNCH_ENGINE_SQLITE_SINK_H_

#include <memory>
#include <string>

#include "hunch/prediction_log.h"
#include "hunch/status.h"

namespace hunch {

// Opens (creating if needed) the SQLite database at `path` in WAL mode with one table,
// `predictions`, holding the fields of the JSONL record. `options.dir` is ignored; the fsync
// mode, sampling and input validation options apply as for the JSONL log.
Result<std::unique_ptr<PredictionSink>> OpenSqliteSink(const std::string& path,
                                                       const LogOptions& options);

}  // namespace hunch

#endif  // HUNCH_ENGINE_SQLITE_SINK_H_
