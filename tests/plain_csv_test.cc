// Tests for the plain-CSV splitter: on plain input it yields exactly the full reader's cells, and
// it refuses every input that only the full reader may read.
#include "engine/plain_csv.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/input_stream.h"
#include "engine/table_reader.h"

namespace hunch {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The records of `bytes` by the full RFC 4180 reader, as a chunk with a header of `fields`.
Rows FullReader(const std::string& bytes, size_t fields) {
  std::vector<std::string> header;
  for (size_t i = 0; i < fields; ++i) header.push_back("c" + std::to_string(i));
  auto reader = OpenCsvChunkReader(InputStream::FromMemory("t.csv", bytes), header, 2, {}, true);
  REQUIRE(reader.ok());
  Rows rows;
  RawRecord rec;
  for (;;) {
    Result<bool> more = (*reader)->Next(&rec);
    REQUIRE(more.ok());
    if (!*more) break;
    rows.emplace_back(rec.cells.begin(), rec.cells.end());
  }
  return rows;
}

// The records of `bytes` by the splitter, in batches of `batch` rows; nullopt-like empty flag
// when it refuses the input.
Rows Split(const std::string& bytes, size_t fields, size_t batch, bool* plain,
           size_t max_record_bytes = 1 << 20) {
  PlainCsvSplitter split(bytes, fields, max_record_bytes);
  Rows rows;
  while (size_t n = split.Next(batch)) {
    for (size_t r = 0; r < n; ++r) {
      auto& row = rows.emplace_back();
      for (size_t f = 0; f < fields; ++f) row.emplace_back(split.Cell(r, f));
    }
  }
  *plain = split.plain();
  return rows;
}

TEST_CASE("The plain splitter yields exactly the full reader's cells on plain CSV", "[csv]") {
  std::mt19937 random(42);
  const std::string alphabet = "abcxyz0123456789 .;:-_@";
  for (int trial = 0; trial < 300; ++trial) {
    const size_t fields = 1 + random() % 12;
    const size_t records = random() % 200;
    std::string bytes;
    for (size_t r = 0; r < records; ++r) {
      std::string line;
      for (size_t f = 0; f < fields; ++f) {
        if (f > 0) line += ',';
        // Cells of every length, some empty, some long enough to straddle 64-byte blocks.
        const size_t length = random() % 4 == 0 ? random() % 90 : random() % 6;
        for (size_t i = 0; i < length; ++i) line += alphabet[random() % alphabet.size()];
      }
      if (line.empty()) line = "x";  // an empty line is not a plain record (see below)
      bytes += line;
      // The last record may end without its line end, as at the end of a file.
      if (r + 1 < records || random() % 2 == 0) bytes += '\n';
    }
    const size_t batch = 1 + random() % 70;
    INFO("trial " << trial << ", " << fields << " fields, batches of " << batch);
    bool plain = false;
    const Rows got = Split(bytes, fields, batch, &plain);
    CHECK(plain);
    CHECK(got == FullReader(bytes, fields));
    CHECK(got.size() == records);
  }
}

TEST_CASE("The plain splitter refuses every input that needs the full reader", "[csv]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a quoted field", "a,b\n\"c\",d\n"},
      {"a quote inside a field", "a,b\nc\"x,d\n"},
      {"a CRLF line end", "a,b\r\nc,d\r\n"},
      {"a lone carriage return in a cell", "a,b\nc\rx,d\n"},
      {"an empty line in the middle", "a,b\n\nc,d\n"},
      {"an empty line at the end", "a,b\nc,d\n\n"},
      {"too few fields", "a,b\nc\ne,f\n"},
      {"too many fields", "a,b\nc,d,e\nf,g\n"},
      {"too few fields in a last record without a line end", "a,b\nc"},
      {"too many fields in a last record without a line end", "a,b\nc,d,e"},
      {"a record longer than the limit", "a,b\n" + std::string(100, 'x') + ",y\n"},
  };
  for (const auto& [what, bytes] : cases) {
    INFO(what);
    for (size_t batch : {1, 2, 4096}) {
      bool plain = true;
      Split(bytes, 2, batch, &plain, /*max_record_bytes=*/64);
      CHECK_FALSE(plain);
    }
  }
  // One field per record: an empty line would be an empty cell to the full reader mid-file but
  // nothing at the end, so the splitter leaves both to it.
  bool plain = true;
  Split("a\n\nb\n", 1, 10, &plain);
  CHECK_FALSE(plain);
  // A record with more separators than a whole batch holds is refused, not dropped.
  Split(std::string(1000, ',') + "\n", 2, 1, &plain);
  CHECK_FALSE(plain);
}

TEST_CASE("Newline counting agrees with a byte-by-byte count at every length and alignment",
          "[csv]") {
  std::mt19937 random(3);
  std::string buffer(5000, 'x');
  for (char& c : buffer) c = random() % 5 == 0 ? '\n' : static_cast<char>('a' + random() % 3);
  // Long runs of newlines overflow an 8-bit counter unless it is flushed in time.
  std::fill(buffer.begin() + 1000, buffer.begin() + 4700, '\n');
  for (size_t start : {0, 1, 7, 15, 16, 33}) {
    for (size_t length : {0, 1, 15, 16, 17, 63, 64, 65, 255, 4080, 4096, 4500}) {
      if (start + length > buffer.size()) continue;
      const std::string_view bytes(buffer.data() + start, length);
      CHECK(CountNewlines(bytes) == std::count(bytes.begin(), bytes.end(), '\n'));
    }
  }
}

}  // namespace
}  // namespace hunch
