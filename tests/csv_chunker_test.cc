// Tests for CsvChunker: a mapped file and the same bytes read as a stream give the same header
// and the same records, cut only at line ends outside quotes.
#include "engine/csv_chunker.h"

#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/temp_dir.h"

namespace hunch {
namespace {

struct Chunked {
  std::vector<std::string> header;
  std::string records;               // every chunk's bytes, concatenated
  std::vector<std::string> chunks;   // each chunk's bytes
  std::vector<int64_t> first_lines;  // each chunk's first line
};

Chunked Drain(CsvChunker& chunker) {
  Chunked out;
  out.header = chunker.header();
  CsvChunk chunk;
  for (;;) {
    auto more = chunker.Next(&chunk);
    REQUIRE(more.ok());
    if (!*more) break;
    out.chunks.emplace_back(chunk.bytes());
    out.records += chunk.bytes();
    out.first_lines.push_back(chunk.first_line);
    chunker.Recycle(std::move(chunk));
  }
  return out;
}

// Every chunk ends at a line end outside quotes (or at the end of the input), and its first line
// is the physical line where it starts.
void CheckCuts(const Chunked& c, const std::string& whole) {
  int64_t line = 1 + static_cast<int64_t>(std::count(whole.begin(), whole.end(), '\n') -
                                          std::count(c.records.begin(), c.records.end(), '\n'));
  size_t at = whole.size() - c.records.size();
  for (size_t i = 0; i < c.chunks.size(); ++i) {
    const std::string& chunk = c.chunks[i];
    CHECK(c.first_lines[i] == line);
    CHECK(std::count(whole.begin(), whole.begin() + static_cast<long>(at), '"') % 2 == 0);
    at += chunk.size();
    CHECK((chunk.back() == '\n' || at == whole.size()));
    line += std::count(chunk.begin(), chunk.end(), '\n');
  }
}

std::string RandomCsv(std::mt19937& random, int rows) {
  std::string csv = "id,text,amount\n";
  std::uniform_int_distribution<int> kind(0, 9);
  for (int r = 0; r < rows; ++r) {
    csv += std::to_string(r) + ",";
    switch (kind(random)) {
      case 0:
        csv += "\"quoted, with a comma\"";
        break;
      case 1:
        csv += "\"two\nlines and \"\"quotes\"\"\"";
        break;
      case 2:
        csv += std::string(300, 'x');
        break;
      default:
        csv += "plain";
    }
    csv += "," + std::to_string(r * 7 % 1000) + (kind(random) == 0 ? "\r\n" : "\n");
  }
  return csv;
}

TEST_CASE("A mapped file is chunked into the same records as the same bytes read as a stream") {
  testing::TempDir dir("hunch_chunker");
  std::mt19937 random(7);
  ReaderOptions options;
  for (int round = 0; round < 20; ++round) {
    std::string csv = RandomCsv(random, 1 + round * 37);
    if (round % 3 == 0) csv.pop_back();  // no line end after the last record
    const std::string path = dir.Write("data.csv", csv);
    // Down to one byte: the shrinking tail chunks must still make progress.
    for (size_t chunk_bytes : {size_t{1}, size_t{3}, size_t{64}, size_t{1000}, size_t{1} << 20}) {
      auto mapped = CsvChunker::Open(path, options, chunk_bytes);
      REQUIRE(mapped.ok());
      auto streamed = CsvChunker::Open(InputStream::FromMemoryInPieces("data.csv", csv, 97),
                                       options, chunk_bytes);
      REQUIRE(streamed.ok());
      const Chunked a = Drain(**mapped);
      const Chunked b = Drain(**streamed);
      CHECK(a.header == std::vector<std::string>{"id", "text", "amount"});
      CHECK(a.header == b.header);
      CHECK(a.records == b.records);
      CHECK(csv.ends_with(a.records));
      CheckCuts(a, csv);
      CheckCuts(b, csv);
    }
  }
}

TEST_CASE("A mapped file whose last record is shorter than three bytes still ends with one-byte chunks") {
  // The tail chunks are a third of what is left: with one or two bytes left that rounds to zero,
  // which once made the chunker look for a record end forever (found by csv_fuzz).
  testing::TempDir dir("hunch_chunker");
  for (const std::string csv : {"x\n1\n2", "x\n1\n23", "x\n1\n2\n"}) {
    for (size_t chunk_bytes : {size_t{1}, size_t{2}, size_t{3}}) {
      auto chunker = CsvChunker::Open(dir.Write("short.csv", csv), ReaderOptions{}, chunk_bytes);
      REQUIRE(chunker.ok());
      const Chunked c = Drain(**chunker);
      CHECK(c.records == csv.substr(2));
      CheckCuts(c, csv);
    }
  }
}

TEST_CASE("A record longer than the chunk size stays whole in one chunk of the mapping") {
  testing::TempDir dir("hunch_chunker");
  const std::string long_field(10000, 'y');
  const std::string csv = "a,b\n1,short\n2," + long_field + "\n3,\"q\nq\"\n";
  auto chunker = CsvChunker::Open(dir.Write("long.csv", csv), ReaderOptions{}, 128);
  REQUIRE(chunker.ok());
  const Chunked c = Drain(**chunker);
  CHECK(c.records == csv.substr(4));
  CheckCuts(c, csv);
  bool whole = false;
  for (const auto& chunk : c.chunks) whole |= chunk.find(long_field + "\n") != std::string::npos;
  CHECK(whole);
}

TEST_CASE("Gzip, empty and header-only files are read as streams and give their records") {
  testing::TempDir dir("hunch_chunker");
  const std::string csv = "x,y\n1,2\n3,4\n";
  // A gzip file is never mapped: its bytes are not the CSV's.
  const std::string gz = dir.Child("data.csv.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  REQUIRE(f != nullptr);
  gzwrite(f, csv.data(), static_cast<unsigned>(csv.size()));
  gzclose(f);
  auto zipped = CsvChunker::Open(gz, ReaderOptions{});
  REQUIRE(zipped.ok());
  CHECK(Drain(**zipped).records == "1,2\n3,4\n");

  auto header_only = CsvChunker::Open(dir.Write("header.csv", "x,y\n"), ReaderOptions{});
  REQUIRE(header_only.ok());
  const Chunked h = Drain(**header_only);
  CHECK(h.header == std::vector<std::string>{"x", "y"});
  CHECK(h.chunks.empty());

  auto missing = CsvChunker::Open(dir.Child("absent.csv"), ReaderOptions{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

// Every record of `csv` through chunk readers, as eval reads chunks that are not plain CSV.
std::vector<std::string> RecordsInChunks(CsvChunker& chunker) {
  std::vector<std::string> out;
  CsvChunk chunk;
  for (;;) {
    auto more = chunker.Next(&chunk);
    REQUIRE(more.ok());
    if (!*more) break;
    auto reader =
        OpenCsvChunkReader(InputStream::FromMemory("t.csv", std::string(chunk.bytes())),
                           chunker.header(), chunk.first_line, ReaderOptions{}, chunk.last);
    REQUIRE(reader.ok());
    RawRecord rec;
    for (;;) {
      auto next = (*reader)->Next(&rec);
      REQUIRE(next.ok());
      if (!*next) break;
      out.push_back(std::to_string(rec.line) + ":" + std::string(rec.cells[0]));
    }
    chunker.Recycle(std::move(chunk));
  }
  return out;
}

TEST_CASE("Empty lines are records wherever a chunk ends, except at the end of the input") {
  testing::TempDir dir("hunch_chunker");
  // One column: an empty line is a record with an empty cell, but not after the last record.
  const std::string csv = "x\n1\n\n2\n\n\n3\n\n\n";
  const std::vector<std::string> expected = {"2:1", "3:", "4:2", "5:", "6:", "7:3"};
  const std::string path = dir.Write("empty_lines.csv", csv);
  for (size_t chunk_bytes = 1; chunk_bytes <= 12; ++chunk_bytes) {
    INFO("chunk_bytes " << chunk_bytes);
    auto mapped = CsvChunker::Open(path, ReaderOptions{}, chunk_bytes);
    REQUIRE(mapped.ok());
    CHECK(RecordsInChunks(**mapped) == expected);
    for (size_t piece : {size_t{1}, size_t{3}, size_t{64}}) {
      auto streamed = CsvChunker::Open(InputStream::FromMemoryInPieces("t.csv", csv, piece),
                                       ReaderOptions{}, chunk_bytes);
      REQUIRE(streamed.ok());
      CHECK(RecordsInChunks(**streamed) == expected);
    }
  }
}

}  // namespace
}  // namespace hunch
