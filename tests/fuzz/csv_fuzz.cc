// Fuzzes the CSV reader three ways over the same bytes, which must agree: the whole input in
// memory, the input streamed a few bytes per read (records split across reads), and the chunker
// of parallel evaluation with tiny chunks, each chunk read by its own reader as `hunch eval` does.
// The first input byte picks the read size and the chunk size; the rest is the CSV.
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

  auto chunker = CsvChunker::Open(InputStream::FromMemoryInPieces("fuzz.csv", bytes, piece),
                                  options, chunk_bytes);
  if (!chunker.ok()) return 0;
  Transcript chunked;
  chunked.header = (*chunker)->header();
  CsvChunk chunk;
  for (;;) {
    Result<bool> next = (*chunker)->Next(&chunk);
    if (!next.ok() || !*next) break;
    Transcript part;
    fuzz::ReadAll(
        OpenCsvChunkReader(InputStream::FromMemory("fuzz.csv", std::string(chunk.bytes())),
                           chunked.header, chunk.first_line, options),
        &part, 1);
    chunked.clean = chunked.clean && part.clean;
    chunked.events.insert(chunked.events.end(), part.events.begin(), part.events.end());
  }
  // Quote parity finds record ends exactly only in well-formed CSV, so only clean input must
  // read the same in chunks.
  if (whole.clean && (whole.header != chunked.header || whole.events != chunked.events)) {
    fuzz::Differ("sequential and chunked reads differ", whole, chunked);
  }
  return 0;
}
