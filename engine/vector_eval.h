// Internal to the engine (the facade is hunch/eval.h): the columnar executor. It evaluates a
// checked rule condition over a whole RowBatch at a time and agrees with the reference
// interpreter (engine/interpreter.h) on every row; shapes it does not specialise are handed to
// the interpreter row by row.
#ifndef HUNCH_ENGINE_VECTOR_EVAL_H_
#define HUNCH_ENGINE_VECTOR_EVAL_H_

#include <memory>
#include <string>

#include "engine/batch.h"
#include "hunch/schema.h"
#include "rules/checked.h"
#include "rules/value.h"

namespace hunch {

// A condition compiled for batch evaluation. Immutable once compiled: one instance may be shared
// by any number of threads, each with its own Scratch. Copies are cheap (they share the plan).
class VectorCondition {
 public:
  // Reusable per-thread buffers. After the first few batches Evaluate allocates nothing (except
  // on rows handed to the interpreter). One Scratch may serve any number of conditions, but only
  // one Evaluate call at a time.
  class Scratch {
   public:
    Scratch();
    ~Scratch();
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;

    struct Impl;  // opaque: the executor's buffers

   private:
    friend class VectorCondition;
    std::unique_ptr<Impl> impl_;
  };

  // Plans `condition` (a checked expression over `schema`, the schema it was checked against).
  // The plan keeps what it needs of `condition` (copies of the subtrees that fall back, shared
  // regexes), so `condition` need not outlive it. Never fails: what is not specialised falls back.
  static VectorCondition Compile(const CheckedExpr& condition, const Schema& schema);

  // out[i] = the truth of the condition on row i, for i < batch.size. Preconditions: each column
  // the condition reads has batch.size states and batch.size entries in the value vector of the
  // schema's type (entries of rows that are not present may hold anything; a column with
  // fewer states than rows counts as missing on every row); string views of present cells stay
  // valid during the call. A non-bool result (possible only for dyn conditions) is kFalse, as the
  // interpreter's callers treat it: neither fired nor errored.
  void Evaluate(const RowBatch& batch, Scratch* scratch, Truth* out) const;

  // The plan, one node a line with its kernel, for tests and `explain`-style debugging: nodes
  // handed to the interpreter read "fallback".
  std::string Dump() const;

 private:
  struct Plan;
  explicit VectorCondition(std::shared_ptr<const Plan> plan);
  std::shared_ptr<const Plan> plan_;
};

// The truth of a condition's value: true, false, or unknown (missing or error). A known non-bool
// value is kFalse (see Evaluate).
Truth TruthOf(const Value& v);

}  // namespace hunch

#endif  // HUNCH_ENGINE_VECTOR_EVAL_H_
