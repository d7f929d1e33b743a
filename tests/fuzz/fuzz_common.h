// Shared by the table-reader fuzz targets: reading every record of a reader into plain data, so
// that two ways of reading the same bytes can be compared.
#ifndef HUNCH_TESTS_FUZZ_FUZZ_COMMON_H_
#define HUNCH_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/table_reader.h"
#include "hunch/status.h"

namespace hunch::fuzz {

// What a reader produced: the header (or the open error), then records and errors in order.
struct Transcript {
  std::vector<std::string> header;
  std::vector<std::string> events;  // "LINE: cell|cell|~" for a record, "error: ..." for an error
  bool clean = true;                // no error at all
};

inline void Append(const RawRecord& record, Transcript* t) {
  std::string event = std::to_string(record.line) + ":";
  for (size_t i = 0; i < record.cells.size(); ++i) {
    event += i == 0 ? " " : "|";
    event += record.present[i] ? std::string(record.cells[i]) : std::string("~");
  }
  t->events.push_back(std::move(event));
}

// Reads to the end, skipping bad records as --skip-bad-rows does, and checks the reader's
// contract on the way: one cell per header column, every error message located.
inline void ReadAll(Result<std::unique_ptr<TableReader>> opened, Transcript* t,
                    int64_t first_record = 1) {
  if (!opened.ok()) {
    t->clean = false;
    t->events.push_back("open error: " + opened.status().message());
    return;
  }
  TableReader& reader = **opened;
  t->header = reader.header();
  RawRecord record;
  int64_t expected_number = first_record;
  for (int guard = 0; guard < 100000; ++guard) {
    Result<bool> next = reader.Next(&record);
    if (!next.ok()) {
      t->clean = false;
      const std::string& message = next.status().message();
      if (message.find(": error: ") == std::string::npos) {
        std::fprintf(stderr, "an error message without a place: %s\n", message.c_str());
        std::abort();
      }
      t->events.push_back("error: " + message);
      ++expected_number;
      if (!reader.Recover()) return;
      continue;
    }
    if (!*next) return;
    if (record.cells.size() != t->header.size() || record.present.size() != t->header.size()) {
      std::fprintf(stderr, "record %lld has %zu cells for %zu columns\n",
                   static_cast<long long>(record.number), record.cells.size(), t->header.size());
      std::abort();
    }
    if (record.number != expected_number++ || record.line < 1) {
      std::fprintf(stderr, "record %lld (line %lld) out of sequence\n",
                   static_cast<long long>(record.number), static_cast<long long>(record.line));
      std::abort();
    }
    Append(record, t);
  }
  std::fprintf(stderr, "the reader does not reach the end of the input\n");
  std::abort();
}

[[noreturn]] inline void Differ(const char* what, const Transcript& a, const Transcript& b) {
  std::fprintf(stderr, "%s\n--- first:\n", what);
  for (const std::string& e : a.events) std::fprintf(stderr, "%s\n", e.c_str());
  std::fprintf(stderr, "--- second:\n");
  for (const std::string& e : b.events) std::fprintf(stderr, "%s\n", e.c_str());
  std::abort();
}

}  // namespace hunch::fuzz

#endif  // HUNCH_TESTS_FUZZ_FUZZ_COMMON_H_
