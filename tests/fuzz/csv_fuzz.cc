// Fuzzes the CSV reader four ways over the same bytes, which must agree: the whole input in
// memory, the input streamed a few bytes per read (records split across reads), and the chunker
// of parallel evaluation with tiny chunks, each chunk read by its own reader as `hunch eval` does,
// both over the streamed input and over a mapped file (a memfd).
// The first input byte picks the read size and the chunk size; the rest is the CSV.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "engine/csv_chunker.h"
#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hunch;
  using fuzz::Transcript;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 32;
  const size_t chunk_bytes = 1 + data[0] / 16 * 4;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  ReaderOptions options;
  options.max_fields = 64;
  options.max_record_bytes = 4096;

  Transcript whole;
  fuzz::ReadAll(OpenCsvReader(InputStream::FromMemory("fuzz.csv", bytes), options), &whole);
  Transcript streamed;
  fuzz::ReadAll(OpenCsvReader(InputStream::FromMemoryInPieces("fuzz.csv", bytes, piece), options),
                &streamed);
  if (whole.header != streamed.header || whole.events != streamed.events) {
    fuzz::Differ("whole and streamed reads differ", whole, streamed);
  }

  // Each chunk read by its own reader, as `hunch eval` reads chunks that are not plain CSV.
  auto read_chunks = [&](CsvChunker& chunker) {
    Transcript chunked;
    chunked.header = chunker.header();
    CsvChunk chunk;
    for (;;) {
      Result<bool> next = chunker.Next(&chunk);
      if (!next.ok() || !*next) break;
      Transcript part;
      fuzz::ReadAll(
          OpenCsvChunkReader(InputStream::FromMemory("fuzz.csv", std::string(chunk.bytes())),
                             chunked.header, chunk.first_line, options, chunk.last),
          &part, 1);
      chunked.clean = chunked.clean && part.clean;
      chunked.events.insert(chunked.events.end(), part.events.begin(), part.events.end());
      chunker.Recycle(std::move(chunk));
    }
    return chunked;
  };
  auto chunker = CsvChunker::Open(InputStream::FromMemoryInPieces("fuzz.csv", bytes, piece),
                                  options, chunk_bytes);
  if (!chunker.ok()) return 0;
  const Transcript chunked = read_chunks(**chunker);
  // Quote parity finds record ends exactly only in well-formed CSV, so only clean input must
  // read the same in chunks.
  if (whole.clean && (whole.header != chunked.header || whole.events != chunked.events)) {
    fuzz::Differ("sequential and chunked reads differ", whole, chunked);
  }
  // The same bytes as a file, which the chunker maps rather than reads.
  const int fd = memfd_create("fuzz.csv", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())) {
    auto mapped = CsvChunker::Open("/proc/self/fd/" + std::to_string(fd), options, chunk_bytes);
    if (mapped.ok()) {
      const Transcript from_map = read_chunks(**mapped);
      if (whole.clean && (whole.header != from_map.header || whole.events != from_map.events)) {
        fuzz::Differ("sequential and mapped chunked reads differ", whole, from_map);
      }
    }
  }
  close(fd);
  return 0;
}
