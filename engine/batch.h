// Internal to the engine (the facade is hunch/eval.h): a batch of rows stored column by column,
// the unit of work of the columnar executor.
#ifndef HUNCH_ENGINE_BATCH_H_
#define HUNCH_ENGINE_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/schema.h"

namespace hunch {

// Per-cell state: present, missing (absent or in the `missing:` list), or bad (does not parse as
// the column's type; evaluates as a runtime error).
enum class CellState : uint8_t { kPresent = 0, kMissing = 1, kBad = 2 };

// One typed column of a batch. Only the vector of the column's type is filled; string views point
// into memory owned by whoever filled the batch and stay valid while the batch is evaluated.
struct ColumnVector {
  ColumnType type = ColumnType::kString;
  std::vector<CellState> state;
  std::vector<int64_t> ints;              // kInt; kBool as 0/1
  std::vector<double> doubles;            // kDouble
  std::vector<std::string_view> strings;  // kString; also the raw text of bad cells
};

struct RowBatch {
  size_t size = 0;
  std::vector<ColumnVector> columns;  // one per schema column (unused columns may stay empty)
};

// The truth value of a condition on one row.
enum class Truth : uint8_t { kFalse = 0, kTrue = 1, kMissing = 2, kError = 3 };

}  // namespace hunch

#endif  // HUNCH_ENGINE_BATCH_H_
