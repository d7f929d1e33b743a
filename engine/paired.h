// Internal to the engine (the facades are hunch/compare.h and hunch/diff.h): the statistics of two
// systems' predictions on the same labeled rows: both systems' figures, paired bootstrap intervals
// of their differences, McNemar's exact test, per-class and per-slice differences, and scores.
#ifndef HUNCH_ENGINE_PAIRED_H_
#define HUNCH_ENGINE_PAIRED_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hunch/compare.h"

namespace hunch {

// The rows both systems predicted, aligned: row i is the same labeled record for a and b.
struct PairedRows {
  int k = 0;                             // classes
  int positive_class = -1;               // -1: none
  std::vector<int32_t> actual, a, b;     // class indices; -1 = abstain (a and b only)
  std::vector<double> a_score, b_score;  // probability of the positive class; empty: no scores
  std::vector<std::string> slice_names;
  std::vector<std::vector<std::string>> slice_values;  // [slice][row]
  size_t max_slice_values = 1000;  // distinct values per slice; the rest are "(other)"
};

// Fills the figures of `c` from `rows`: classes and names are set by the caller. Deterministic for
// a seed: classification figures resample the rows' joint (actual, a, b) counts as a multinomial,
// which is the same as resampling rows, at a cost independent of the row count; ROC AUC and
// average precision resample row indices, on `threads` threads (0: all cores; the figures do not
// depend on it). `bootstrap` 0 leaves the intervals out.
void ComparePaired(const PairedRows& rows, int bootstrap, uint64_t seed, Comparison* c,
                   int threads = 1);

}  // namespace hunch

#endif  // HUNCH_ENGINE_PAIRED_H_
