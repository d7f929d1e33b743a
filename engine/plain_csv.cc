// Implements PlainCsvSplitter: field boundaries from 64-byte bit masks of separators.
#include "engine/plain_csv.h"

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hunch {
namespace {

struct BlockMasks {
  uint64_t comma = 0;
  uint64_t newline = 0;
  uint64_t other = 0;  // quotes and carriage returns: the record is not plain
};

// Bit i of each mask is set when byte i of the 64 bytes at `p` is that kind of byte.
BlockMasks Classify(const char* p) {
  BlockMasks m;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i cr = _mm_set1_epi8('\r');
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const int shift = 16 * i;
    m.comma |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)))}
               << shift;
    m.newline |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)))}
                 << shift;
    const __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr));
    m.other |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(other))} << shift;
  }
#else
  for (int i = 0; i < 64; ++i) {
    const uint64_t bit = uint64_t{1} << i;
    switch (p[i]) {
      case ',':
        m.comma |= bit;
        break;
      case '\n':
        m.newline |= bit;
        break;
      case '"':
      case '\r':
        m.other |= bit;
        break;
      default:
        break;
    }
  }
#endif
  return m;
}

}  // namespace

NewlineCount CountNewlinesAndQuotes(std::string_view bytes) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  NewlineCount out;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i zero = _mm_setzero_si128();
  __m128i quotes = zero;
  // Per-byte counters (each compare adds 0 or -1), summed before they can wrap at 255.
  for (size_t blocks = static_cast<size_t>(end - p) / 16; blocks > 0;) {
    const size_t run = std::min<size_t>(blocks, 255);
    blocks -= run;
    __m128i counters = zero;
    for (size_t i = 0; i < run; ++i, p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(v, newline));
      quotes = _mm_or_si128(quotes, _mm_cmpeq_epi8(v, quote));
    }
    const __m128i sums = _mm_sad_epu8(counters, zero);
    out.newlines += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
  }
  out.any_quote = _mm_movemask_epi8(quotes) != 0;
#endif
  for (; p < end; ++p) {
    out.newlines += *p == '\n';
    out.any_quote |= *p == '"';
  }
  return out;
}

int64_t CountNewlines(std::string_view bytes) { return CountNewlinesAndQuotes(bytes).newlines; }

PlainCsvSplitter::PlainCsvSplitter(std::string_view bytes, size_t num_fields,
                                   size_t max_record_bytes)
    : base_(bytes.data()),
      size_(bytes.size()),
      num_fields_(num_fields),
      max_record_bytes_(max_record_bytes) {
  // Offsets are 32-bit; chunks are a few MiB, so a larger input simply takes the full reader.
  if (num_fields == 0 || bytes.size() >= std::numeric_limits<uint32_t>::max()) plain_ = false;
}

size_t PlainCsvSplitter::Next(size_t max_rows) {
  if (!plain_ || pos_ >= size_ || max_rows == 0) return 0;
  // Every separator's position + 1 goes into offsets_ in order, every line end into newlines_;
  // records are checked afterwards, one compare each.
  const size_t nf = num_fields_;
  const size_t want = max_rows * nf;
  offsets_.resize(want + 64 + 2);
  newlines_.resize(want + 64 + 1);
  uint32_t* const o = offsets_.data();
  uint32_t* const nl = newlines_.data();
  o[0] = static_cast<uint32_t>(pos_);
  size_t k = 1, lines = 0;
  size_t block = pos_;
  for (; block < size_ && k <= want; block += 64) {
    BlockMasks m;
    if (size_ - block >= 64) {
      m = Classify(base_ + block);
    } else {
      char tail[64] = {};
      std::memcpy(tail, base_ + block, size_ - block);
      m = Classify(tail);
    }
    if (m.other != 0) {
      plain_ = false;
      return 0;
    }
    for (uint64_t seps = m.comma | m.newline; seps != 0; seps &= seps - 1)
      o[k++] = static_cast<uint32_t>(block + __builtin_ctzll(seps) + 1);
    for (uint64_t ends = m.newline; ends != 0; ends &= ends - 1)
      nl[lines++] = static_cast<uint32_t>(block + __builtin_ctzll(ends));
  }
  size_t rows = std::min(lines, max_rows);
  const size_t separators = k - 1;
  if (rows < max_rows && block >= size_) {
    // The last record may end at the end of the bytes rather than with a line end.
    const size_t last_start = rows == 0 ? pos_ : nl[rows - 1] + 1;
    if (last_start < size_) {
      if (separators != rows * nf + nf - 1) {
        plain_ = false;
        return 0;
      }
      o[k++] = static_cast<uint32_t>(size_ + 1);
      nl[rows++] = static_cast<uint32_t>(size_);
    }
  }
  if (rows == 0) {  // bytes remain, but no whole record in a batch's worth of separators
    plain_ = false;
    return 0;
  }
  // Each record holds exactly nf separators, the last being its line end, so no record is
  // ragged; empty lines and over-long records are left to the full reader.
  size_t start = pos_;
  for (size_t r = 0; r < rows; ++r) {
    const size_t end = nl[r];
    if (r * nf + nf > k - 1 || o[(r + 1) * nf] != end + 1 || end == start ||
        end + 1 - start > max_record_bytes_) {
      plain_ = false;
      return 0;
    }
    start = end + 1;
  }
  pos_ = std::min(start, size_);
  return rows;
}

}  // namespace hunch
