// Internal to the engine (the facade is hunch/prediction_log.h): what every prediction sink shares,
// so that JSONL and SQLite records carry the same ids, timestamps and sampling.
#ifndef HUNCH_ENGINE_LOG_COMMON_H_
#define HUNCH_ENGINE_LOG_COMMON_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace hunch {

// A UTC calendar time, from Unix microseconds.
struct CivilTime {
  int year;
  unsigned month, day, hour, minute, second;
  int64_t micros;
};
CivilTime ToCivil(int64_t unix_us);

// Unix time in microseconds.
int64_t NowMicros();
// RFC 3339 UTC with microseconds: "2026-11-24T22:00:47.123456Z".
std::string FormatTimestamp(int64_t unix_us);
// A UUIDv7 (RFC 9562) for the given Unix milliseconds; strictly increasing within a process.
std::string NextEventId(int64_t unix_ms);
// The machine's host name (looked up once).
const std::string& HostName();

// Bernoulli(rate) decisions from a splitmix64 sequence; one atomic add per decision, so appenders
// never serialize on it. With a nonzero seed a single thread sees a fixed sequence of decisions.
class Sampler {
 public:
  Sampler(double rate, uint64_t seed);
  bool Keep();

 private:
  const double rate_;
  std::atomic<uint64_t> state_;
};

}  // namespace hunch

#endif  // HUNCH_ENGINE_LOG_COMMON_H_
