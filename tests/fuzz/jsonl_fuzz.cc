// Fuzzes the JSONL reader two ways over the same bytes, which must agree: the whole input in
// memory, and the input streamed a few bytes per read (lines split across reads). The first input
// byte picks the read size and how many records the header is sampled from; the rest is the JSONL.
#include <cstdint>
#include <string>

#include "engine/input_stream.h"
#include "engine/table_reader.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hunch;
  using fuzz::Transcript;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  ReaderOptions options;
  options.max_fields = 64;
  options.max_record_bytes = 4096;
  options.jsonl_header_sample = 1 + data[0] / 16 % 4;

  Transcript whole;
  fuzz::ReadAll(OpenJsonlReader(InputStream::FromMemory("fuzz.jsonl", bytes), options), &whole);
  Transcript streamed;
  fuzz::ReadAll(
      OpenJsonlReader(InputStream::FromMemoryInPieces("fuzz.jsonl", bytes, piece), options),
      &streamed);
  if (whole.header != streamed.header || whole.events != streamed.events) {
    fuzz::Differ("whole and streamed reads differ", whole, streamed);
  }
  return 0;
}
