// The columnar executor: typed vector kernels per condition node, the interpreter as fallback.
#include "engine/vector_eval.h"

#include <fmt/format.h>
#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/interpreter.h"
#include "rules/text.h"

namespace hunch {
namespace {

// The value types a vector can hold. Bool vectors hold Truth (unknown folded in); the others hold
// a CellState per row (present, missing, error) beside the values.
enum class VType : uint8_t { kBool, kInt, kDouble, kString };

std::optional<VType> VTypeOf(Type t) {
  switch (t.kind) {
    case TypeKind::kBool:
      return VType::kBool;
    case TypeKind::kInt:
      return VType::kInt;
    case TypeKind::kDouble:
      return VType::kDouble;
    case TypeKind::kString:
      return VType::kString;
    default:
      return std::nullopt;  // dyn, lists, null, errors: only the interpreter knows them
  }
}

const char* VTypeName(VType t) {
  static constexpr const char* kNames[] = {"bool", "int", "double", "string"};
  return kNames[static_cast<int>(t)];
}

enum class Kind : uint8_t {
  kColumn,  // the batch's own column vector (bool columns are turned into truth)
  kConst,   // a scalar literal; kernels read it as a scalar, never a vector
  kHas,     // has(column)
  kNot,
  kAnd,      // n-ary (nested && are flattened), cheapest operand first
  kOr,       // n-ary, as kAnd
  kCond,     // c ? a : b, each branch evaluated only on the rows that take it
  kCompare,  // < <= > >= == != on numbers, strings or bools
  kArith,    // + - * / % on numbers
  kNeg,
  kConcat,   // string + string
  kIn,       // x in [constants]
  kStrPred,  // contains, startsWith, endsWith
  kMatches,
  kSize,      // size(string)
  kCase,      // lowerAscii, upperAscii
  kConvert,   // int(), double(), string(), bool() that change the type
  kFallback,  // the interpreter, row by row
};

const char* KindName(Kind k) {
  static constexpr const char* kNames[] = {
      "column", "const",  "has", "not",     "and",     "or",   "cond", "compare", "arith",
      "neg",    "concat", "in",  "strpred", "matches", "size", "case", "convert", "fallback"};
  return kNames[static_cast<int>(k)];
}

// How a matches() pattern is run: plain literals (by far the commonest patterns in rules) need no
// regex engine.
enum class MatchMode : uint8_t { kRegex, kContains, kPrefix, kSuffix, kEqual };

// String equality without a call to memcmp (which costs more than the comparison of the short
// strings rules compare): overlapping word loads cover every size.
inline bool SameBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  auto word = [](const char* at) {
    uint64_t w;
    std::memcpy(&w, at, sizeof w);
    return w;
  };
  auto half = [](const char* at) {
    uint32_t w;
    std::memcpy(&w, at, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (word(p + i) != word(q + i)) return false;
    }
    return word(p + n - 8) == word(q + n - 8);
  }
  if (n >= 4) return half(p) == half(q) && half(p + n - 4) == half(q + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// A hash of all bytes, a word at a time: std::hash costs about as much as a short regex match,
// which would defeat the per-batch cache.
inline uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t kMul = 0xBF58476D1CE4E5B9ULL;
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  for (; i < s.size(); ++i) tail = (tail << 8) | static_cast<unsigned char>(s[i]);
  h = (h ^ tail) * kMul;
  return h ^ (h >> 29);
}

// Substring search for a constant needle, prepared once: Boyer-Moore-Horspool skips through short
// haystacks where glibc's memmem spends more on set-up than on searching.
class Substring {
 public:
  explicit Substring(std::string needle)
      : needle_(std::move(needle)), searcher_(needle_.begin(), needle_.end()) {}
  Substring(const Substring&) = delete;  // searcher_ points into needle_
  Substring& operator=(const Substring&) = delete;

  bool In(std::string_view s) const {
    return needle_.empty() || std::search(s.begin(), s.end(), searcher_) != s.end();
  }

 private:
  std::string needle_;
  std::boyer_moore_horspool_searcher<std::string::const_iterator> searcher_;
};

// A necessary condition for a regex to match, from RE2's own prefilter analysis (FilteredRE2):
// strings ("atoms") of which any match must contain at least one, in some letter case. A text
// that holds none of them cannot match, so the regex need not run; a text that holds one still
// runs it, so the result is RE2's in every case. RE2 lowercases atoms with Unicode case folding;
// only ASCII texts are ruled out here, where ASCII lowercasing is that same folding.
class RegexPrefilter {
 public:
  // Null when the regex has no usable atoms (it could match texts that hold none).
  static std::shared_ptr<const RegexPrefilter> Make(const RE2& re) {
    re2::FilteredRE2 filter(/*min_atom_len=*/3);
    int id = 0;
    if (filter.Add(re.pattern(), re.options(), &id) != RE2::NoError) return nullptr;
    std::vector<std::string> atoms;
    filter.Compile(&atoms);
    std::vector<int> potential;
    filter.AllPotentials({}, &potential);
    if (!potential.empty() || atoms.empty()) return nullptr;  // passes without any atom
    auto prefilter = std::make_shared<RegexPrefilter>();
    for (std::string& atom : atoms) {
      // The scan folds texts to ASCII lowercase; RE2's atoms are lowercase ASCII here, and
      // anything else (never expected) disables the prefilter rather than risk a wrong answer.
      for (char c : atom) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u >= 0x80 || u == 0 || (u >= 'A' && u <= 'Z')) return nullptr;
      }
      Head head{.atom = atom};
      for (size_t k = 0; k < 8 && k < atom.size(); ++k) {
        head.bits |= static_cast<uint64_t>(static_cast<unsigned char>(atom[k])) << (8 * k);
        head.mask |= uint64_t{0xFF} << (8 * k);
      }
      prefilter->heads_.push_back(std::move(head));
      auto add_first = [&](char c) {
        auto& f = prefilter->first_bytes_;
        if (std::find(f.begin(), f.end(), c) == f.end()) f.push_back(c);
      };
      add_first(atom[0]);
      if (IsLowerLetter(atom[0])) add_first(static_cast<char>(atom[0] ^ 0x20));
      prefilter->min_size_ =
          prefilter->min_size_ == 0 ? atom.size() : std::min(prefilter->min_size_, atom.size());
    }
    return prefilter;
  }

  // True when `s` cannot match the regex. Texts are scanned 16 bytes at a time without loops
  // whose trip count depends on the text's length: with texts of random lengths, mispredicted
  // loop exits, not the comparisons, were the cost.
  bool RulesOut(std::string_view s) const {
    const size_t n = s.size();
    if (n < min_size_) return IsAscii(s);
#if defined(__SSE2__)
    return RulesOutSse2(s.data(), n);
#else
    for (size_t pos = 0; pos + min_size_ <= n; ++pos) {
      if (AtomAt(s.data(), n, pos)) return false;
    }
    return IsAscii(s);
#endif
  }

 private:
  struct Head {  // an atom and its first (up to) 8 bytes as a little-endian word, for a quick test
    std::string atom;
    uint64_t bits = 0, mask = 0;
  };
  static constexpr uint64_t kLowBits = 0x0101010101010101ull;
  static constexpr uint64_t kHighBits = 0x8080808080808080ull;

  static bool IsLowerLetter(char c) { return static_cast<unsigned char>(c - 'a') < 26u; }

#if defined(__SSE2__)
  bool RulesOutSse2(const char* d, size_t n) const {
    const size_t last_start = n - min_size_;  // no atom fits after this position
    unsigned high = 0;
    if (n < 16) {  // into a zero-padded block; zero is no atom's first byte
      alignas(16) char block[16] = {};
      if (n >= 8) {
        std::memcpy(block, d, 8);
        std::memcpy(block + n - 8, d + n - 8, 8);
      } else {
        for (size_t k = 0; k < n; ++k) block[k] = d[k];
      }
      const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(block));
      return !BlockHasAtom(v, 0, 0, last_start, d, n, &high) && high == 0;
    }
    size_t covered = 0;  // positions below this were scanned by an earlier block
    for (size_t at = 0;; at += 16) {
      at = std::min(at, n - 16);  // the last block ends at the text's end, overlapping
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + at));
      if (BlockHasAtom(v, at, covered - at, last_start, d, n, &high)) return false;
      covered = at + 16;
      if (covered == n) break;
    }
    return high == 0;
  }

  // Whether an atom starts at a position at + k of the block, skip <= k, position <= last_start.
  // Collects the block's high bits into *high (texts with none are ASCII).
  bool BlockHasAtom(__m128i v, size_t at, size_t skip, size_t last_start, const char* d, size_t n,
                    unsigned* high) const {
    *high |= static_cast<unsigned>(_mm_movemask_epi8(v));
    if (at > last_start) return false;
    unsigned candidates = 0;
    for (char c : first_bytes_)
      candidates |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
    candidates &= ~((1u << skip) - 1);
    const size_t span = last_start - at;  // candidate bits 0..span
    if (span < 15) candidates &= (2u << span) - 1;
    for (; candidates != 0; candidates &= candidates - 1) {
      if (AtomAt(d, n, at + static_cast<size_t>(std::countr_zero(candidates)))) return true;
    }
    return false;
  }
#endif

  // Whether some atom starts at d[pos], in ASCII case folding: first a branch-free test of every
  // atom's first 8 bytes, then the whole atoms.
  bool AtomAt(const char* d, size_t n, size_t pos) const {
    const uint64_t word = FoldAscii(Load8(d, n, pos));
    bool any = false;
    for (const Head& h : heads_) any |= (word & h.mask) == h.bits;
    if (!any) return false;
    const std::string_view rest(d + pos, n - pos);
    for (const Head& h : heads_) {
      if (rest.size() >= h.atom.size() && FoldedPrefix(rest, h.atom)) return true;
    }
    return false;
  }

  // The bytes d[pos, pos + 8) as a little-endian word, zero past n.
  static uint64_t Load8(const char* d, size_t n, size_t pos) {
    uint64_t w = 0;
    if (pos + 8 <= n) {
      std::memcpy(&w, d + pos, 8);
    } else if (n >= 8) {
      std::memcpy(&w, d + n - 8, 8);
      w >>= 8 * (pos - (n - 8));
    } else {
      for (size_t k = pos; k < n; ++k)
        w |= static_cast<uint64_t>(static_cast<unsigned char>(d[k])) << (8 * (k - pos));
    }
    return w;
  }

  // ASCII uppercase letters of each byte to lowercase; other bytes unchanged.
  static uint64_t FoldAscii(uint64_t x) {
    const uint64_t low7 = x & ~kHighBits;
    const uint64_t at_least_a = low7 + kLowBits * (0x80 - 'A');
    const uint64_t above_z = low7 + kLowBits * (0x80 - 'Z' - 1);
    const uint64_t upper = at_least_a & ~above_z & ~x & kHighBits;
    return x | (upper >> 2);
  }

  static bool IsAscii(std::string_view s) {
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      high |= word;
    }
    for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
    return (high & kHighBits) == 0;
  }

  // Whether `atom` (lowercase) is a prefix of `s` in ASCII case folding.
  static bool FoldedPrefix(std::string_view s, std::string_view atom) {
    for (size_t i = 0; i < atom.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if ((static_cast<unsigned>(c - 'A') < 26u ? c + 32 : c) !=
          static_cast<unsigned char>(atom[i]))
        return false;
    }
    return true;
  }

  std::vector<Head> heads_;
  std::vector<char> first_bytes_;  // every atom's first byte, in both cases for letters
  size_t min_size_ = 0;            // the shortest atom
};

// The constants of an `in` list, arranged for lookup by the type of the value searched for.
// Equality is CEL's heterogeneous one: numbers compare by value across int and double (an int
// meets a double in double precision), other kinds only match their own kind.
struct InSet {
  std::vector<int64_t> ints;            // int items, sorted, unique
  std::vector<double> doubles;          // double items, sorted, unique, no NaN (NaN equals nothing)
  std::vector<double> numbers;          // doubles plus the int items as doubles, for a double x
  std::vector<std::string> strings;     // string items, unique
  std::vector<std::string_view> table;  // open addressing over `strings` when there are many
  uint64_t lengths = 0;  // bit min(size, 63) per string item: most misses stop at the length
  bool has_true = false, has_false = false;

  static constexpr size_t kLinear = 8;  // up to this many items a scan beats a lookup structure

  template <class T>
  static bool Find(const std::vector<T>& v, T x) {
    if (v.size() <= kLinear) {
      bool found = false;
      for (T y : v) found |= y == x;
      return found;
    }
    return std::binary_search(v.begin(), v.end(), x);
  }
  bool HasInt(int64_t x) const {
    return Find(ints, x) || (!doubles.empty() && Find(doubles, static_cast<double>(x)));
  }
  bool HasDouble(double x) const { return !std::isnan(x) && Find(numbers, x); }
  bool HasString(std::string_view s) const {
    if (((lengths >> std::min<size_t>(s.size(), 63)) & 1) == 0) return false;
    if (table.empty()) {
      for (const auto& t : strings) {
        if (SameBytes(t, s)) return true;
      }
      return false;
    }
    const size_t mask = table.size() - 1;
    const size_t hash = HashBytes(s);
    for (size_t h = hash & mask; table[h].data() != nullptr; h = (h + 1) & mask) {
      if (SameBytes(table[h], s)) return true;
    }
    return false;
  }
  bool HasBool(int64_t b) const { return b != 0 ? has_true : has_false; }
};

// One node of the plan. Which fields are used depends on `kind`.
struct Node {
  Kind kind = Kind::kFallback;
  Op op = Op::kConst;
  VType type = VType::kBool;
  int slot = 0;              // this node's buffers in the Scratch
  double cost = 0;           // rough ns per row, to order && / || operands cheapest first
  bool narrow = false;       // as an && / || operand: evaluated only on rows still undecided
  int column = -1;           // kColumn, kHas
  int64_t int_const = 0;     // kConst int, or bool as 0/1
  double double_const = 0;   // kConst double
  std::string string_const;  // kConst string; kMatches: the literal of a literal pattern
  std::vector<Node> args;
  std::shared_ptr<const InSet> set;         // kIn
  std::shared_ptr<const Substring> needle;  // kStrPred contains and kMatches: a constant needle
  std::shared_ptr<const re2::RE2> regex;    // kMatches
  std::shared_ptr<const RegexPrefilter> prefilter;  // kMatches in kRegex mode, when it has one
  MatchMode mode = MatchMode::kRegex;               // kMatches
  std::shared_ptr<const CheckedExpr> expr;  // kFallback: the subtree the interpreter evaluates
  std::vector<int> columns;                 // kFallback: the columns it reads
  size_t row_width = 0;                     // kFallback: 1 + the largest of those
};

// An operand as costly as a string comparison or more is worth evaluating only on the rows an
// && / || has not decided yet; cheaper ones run faster over all rows than the selection costs.
constexpr double kNarrowCost = 2.5;

// True when `p` is a literal that RE2 (UTF-8, case-sensitive, not multi-line) matches exactly
// where its bytes occur: printable ASCII without metacharacters. `^` and `$` anchor at the ends
// of the text only, since RE2's `$` is `\z` outside multi-line mode.
bool PlainLiteral(std::string_view p) {
  for (char c : p) {
    if (c < 0x20 || c > 0x7E || std::strchr("\\.^$|?*+()[]{}", c) != nullptr) return false;
  }
  return true;
}

class Planner {
 public:
  explicit Planner(const Schema& schema) : schema_(schema) {}

  Node Root(const CheckedExpr& e) {
    if (VTypeOf(e.type) == VType::kBool) return Build(e, VType::kBool);
    return Fallback(e, VType::kBool);  // dyn: TruthOf the interpreter's value
  }
  int slots() const { return slots_; }

 private:
  Node Make(Kind kind, const CheckedExpr& e, VType type, double cost) {
    Node n;
    n.kind = kind;
    n.op = e.op;
    n.type = type;
    n.slot = slots_++;
    n.cost = cost;
    return n;
  }

  Node Build(const CheckedExpr& e, VType type) {
    if (std::optional<Node> n = Specialise(e, type)) return std::move(*n);
    return Fallback(e, type);
  }

  // The node of an operand, or nullopt when its type has no vector (the parent then falls back).
  std::optional<Node> Child(const CheckedExpr& e) {
    std::optional<VType> t = VTypeOf(e.type);
    if (!t) return std::nullopt;
    return Build(e, *t);
  }

  static void CollectColumns(const CheckedExpr& e, std::vector<int>* out) {
    if ((e.op == Op::kColumn || e.op == Op::kHas) && e.column >= 0 &&
        std::find(out->begin(), out->end(), e.column) == out->end()) {
      out->push_back(e.column);
    }
    for (const auto& a : e.args) CollectColumns(a, out);
  }

  Node Fallback(const CheckedExpr& e, VType type) {
    Node n = Make(Kind::kFallback, e, type, 500);
    n.expr = std::make_shared<const CheckedExpr>(e);
    CollectColumns(e, &n.columns);
    for (int c : n.columns) n.row_width = std::max(n.row_width, static_cast<size_t>(c) + 1);
    return n;
  }

  static double SumCost(const std::vector<Node>& args) {
    double c = 0;
    for (const auto& a : args) c += a.cost;
    return c;
  }

  // The value of a literal, or of a negated number literal (the parser folds only `-` before an
  // int literal), so that `x > -2.5` and `[-0.5, 1]` read constants.
  static std::optional<Value> Literal(const CheckedExpr& e) {
    if (e.op == Op::kConst) return e.constant;
    if (e.op != Op::kNeg || e.args[0].op != Op::kConst) return std::nullopt;
    const auto& v = e.args[0].constant.v;
    if (const double* d = std::get_if<double>(&v)) return Value(-*d);
    if (const int64_t* i = std::get_if<int64_t>(&v);
        i != nullptr && *i != std::numeric_limits<int64_t>::min()) {
      return Value(-*i);
    }
    return std::nullopt;
  }

  // The result type the kernels of `op` produce, where it does not depend on the operands. The
  // checker types these operators so; a node typed otherwise is left to the interpreter.
  static std::optional<VType> KernelType(Op op) {
    switch (op) {
      case Op::kNot:
      case Op::kAnd:
      case Op::kOr:
      case Op::kHas:
      case Op::kIn:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith:
      case Op::kMatches:
      case Op::kToBool:
        return VType::kBool;
      case Op::kSize:
      case Op::kToInt:
        return VType::kInt;
      case Op::kToDouble:
        return VType::kDouble;
      case Op::kLowerAscii:
      case Op::kUpperAscii:
      case Op::kToString:
        return VType::kString;
      default:
        return std::nullopt;
    }
  }

  std::optional<Node> Specialise(const CheckedExpr& e, VType type) {
    if (std::optional<Value> v = Literal(e)) return Const(e, *v, type);
    if (std::optional<VType> t = KernelType(e.op); t && *t != type) return std::nullopt;
    switch (e.op) {
      case Op::kColumn: {
        if (e.column < 0 || static_cast<size_t>(e.column) >= schema_.columns.size()) break;
        static constexpr VType kOf[] = {VType::kBool, VType::kInt, VType::kDouble, VType::kString};
        if (kOf[static_cast<int>(schema_.columns[e.column].type)] != type) break;
        Node n = Make(Kind::kColumn, e, type, type == VType::kBool ? 0.3 : 0);
        n.column = e.column;
        return n;
      }
      case Op::kHas: {
        Node n = Make(Kind::kHas, e, type, 0.3);
        n.column = e.column;
        return n;
      }
      case Op::kNot:
        return Unary(Kind::kNot, e, type, 0.3, {VType::kBool});
      case Op::kAnd:
      case Op::kOr:
        return Logic(e, type);
      case Op::kConditional:
        return Conditional(e, type);
      case Op::kNeg:
        if (!IsNumber(type)) break;
        return Unary(Kind::kNeg, e, type, 0.5, {type});
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        return Arithmetic(e, type);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return Compare(e, type);
      case Op::kIn:
        return In(e, type);
      case Op::kSize:
        return Unary(Kind::kSize, e, type, 3, {VType::kString});
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith: {
        std::optional<Node> n = Binary(Kind::kStrPred, e, type, 4, VType::kString);
        if (n && e.op == Op::kContains && n->args[1].kind == Kind::kConst) {
          n->needle = std::make_shared<const Substring>(n->args[1].string_const);
        }
        return n;
      }
      case Op::kMatches:
        return Matches(e, type);
      case Op::kLowerAscii:
      case Op::kUpperAscii:
        return Unary(Kind::kCase, e, type, 8, {VType::kString});
      case Op::kToInt:
        return Convert(e, type, {VType::kDouble, VType::kString});
      case Op::kToDouble:
        return Convert(e, type, {VType::kInt, VType::kString});
      case Op::kToString:
        return Convert(e, type, {VType::kInt, VType::kDouble, VType::kBool});
      case Op::kToBool:
        return Convert(e, type, {VType::kString});
      default:
        break;  // lists, indexing, dyn(), error nodes
    }
    return std::nullopt;
  }

  std::optional<Node> Const(const CheckedExpr& e, const Value& value, VType type) {
    Node n = Make(Kind::kConst, e, type, 0);
    const auto& v = value.v;
    if (const bool* b = std::get_if<bool>(&v); b != nullptr && type == VType::kBool) {
      n.int_const = *b;
    } else if (const int64_t* i = std::get_if<int64_t>(&v); i != nullptr && type == VType::kInt) {
      n.int_const = *i;
    } else if (const double* d = std::get_if<double>(&v); d != nullptr && type == VType::kDouble) {
      n.double_const = *d;
    } else if (const std::string* s = std::get_if<std::string>(&v);
               s != nullptr && type == VType::kString) {
      n.string_const = *s;
    } else {
      return std::nullopt;
    }
    return n;
  }

  // A node of `kind` over one operand whose vector type is one of `operand_types`.
  std::optional<Node> Unary(Kind kind, const CheckedExpr& e, VType type, double cost,
                            std::initializer_list<VType> operand_types) {
    std::optional<Node> a = Child(e.args[0]);
    if (!a ||
        std::find(operand_types.begin(), operand_types.end(), a->type) == operand_types.end()) {
      return std::nullopt;
    }
    Node n = Make(kind, e, type, cost + a->cost);
    n.args.push_back(std::move(*a));
    return n;
  }

  // A node of `kind` over two operands of vector type `operand_type`.
  std::optional<Node> Binary(Kind kind, const CheckedExpr& e, VType type, double cost,
                             VType operand_type) {
    std::optional<Node> a = Child(e.args[0]);
    std::optional<Node> b = Child(e.args[1]);
    if (!a || !b || a->type != operand_type || b->type != operand_type) return std::nullopt;
    Node n = Make(kind, e, type, cost + a->cost + b->cost);
    n.args.push_back(std::move(*a));
    n.args.push_back(std::move(*b));
    return n;
  }

  std::optional<Node> Logic(const CheckedExpr& e, VType type) {
    Node n = Make(e.op == Op::kAnd ? Kind::kAnd : Kind::kOr, e, type, 0);
    for (const auto& arg : e.args) {
      std::optional<Node> a = Child(arg);
      if (!a || a->type != VType::kBool) return std::nullopt;
      // && and || are commutative and associative in CEL's logic (a decisive operand wins on
      // either side; of two unknowns the error wins), so a chain becomes one n-ary node.
      if (a->kind == n.kind) {
        for (auto& sub : a->args) n.args.push_back(std::move(sub));
      } else {
        n.args.push_back(std::move(*a));
      }
    }
    std::stable_sort(n.args.begin(), n.args.end(),
                     [](const Node& x, const Node& y) { return x.cost < y.cost; });
    for (size_t k = 0; k < n.args.size(); ++k)
      n.args[k].narrow = k > 0 && n.args[k].cost >= kNarrowCost;
    n.cost = SumCost(n.args);
    return n;
  }

  std::optional<Node> Conditional(const CheckedExpr& e, VType type) {
    std::optional<Node> c = Child(e.args[0]);
    std::optional<Node> a = Child(e.args[1]);
    std::optional<Node> b = Child(e.args[2]);
    if (!c || !a || !b || c->type != VType::kBool || a->type != type || b->type != type) {
      return std::nullopt;
    }
    Node n = Make(Kind::kCond, e, type, 1 + c->cost + std::max(a->cost, b->cost));
    n.args.push_back(std::move(*c));
    n.args.push_back(std::move(*a));
    n.args.push_back(std::move(*b));
    return n;
  }

  static bool IsNumber(VType t) { return t == VType::kInt || t == VType::kDouble; }

  std::optional<Node> Arithmetic(const CheckedExpr& e, VType type) {
    std::optional<Node> a = Child(e.args[0]);
    std::optional<Node> b = Child(e.args[1]);
    if (!a || !b) return std::nullopt;
    Kind kind;
    if (type == VType::kInt && a->type == VType::kInt && b->type == VType::kInt) {
      kind = Kind::kArith;
    } else if (type == VType::kDouble && IsNumber(a->type) && IsNumber(b->type) &&
               e.op != Op::kMod) {
      kind = Kind::kArith;
    } else if (type == VType::kString && e.op == Op::kAdd && a->type == VType::kString &&
               b->type == VType::kString) {
      kind = Kind::kConcat;
    } else {
      return std::nullopt;
    }
    const double own = kind == Kind::kConcat                    ? 10
                       : (e.op == Op::kDiv || e.op == Op::kMod) ? 2
                                                                : 0.6;
    Node n = Make(kind, e, type, own + a->cost + b->cost);
    n.args.push_back(std::move(*a));
    n.args.push_back(std::move(*b));
    return n;
  }

  std::optional<Node> Compare(const CheckedExpr& e, VType type) {
    std::optional<Node> a = Child(e.args[0]);
    std::optional<Node> b = Child(e.args[1]);
    if (!a || !b) return std::nullopt;
    const bool numbers = IsNumber(a->type) && IsNumber(b->type);
    if (!numbers && a->type != b->type) return std::nullopt;
    const double own = a->type == VType::kString ? 2.5 : 0.5;
    Node n = Make(Kind::kCompare, e, type, own + a->cost + b->cost);
    n.args.push_back(std::move(*a));
    n.args.push_back(std::move(*b));
    return n;
  }

  std::optional<Node> In(const CheckedExpr& e, VType type) {
    const CheckedExpr& list = e.args[1];
    if (list.op != Op::kList) return std::nullopt;
    auto set = std::make_shared<InSet>();
    for (const auto& item : list.args) {
      std::optional<Value> value = Literal(item);
      if (!value) return std::nullopt;
      const auto& v = value->v;
      if (const int64_t* i = std::get_if<int64_t>(&v)) {
        set->ints.push_back(*i);
        set->numbers.push_back(static_cast<double>(*i));
      } else if (const double* d = std::get_if<double>(&v)) {
        if (!std::isnan(*d)) {
          set->doubles.push_back(*d);
          set->numbers.push_back(*d);
        }
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        set->strings.push_back(*s);
      } else if (const bool* b = std::get_if<bool>(&v)) {
        (*b ? set->has_true : set->has_false) = true;
      }
      // null and list items equal no scalar: nothing to find.
    }
    std::optional<Node> x = Child(e.args[0]);
    if (!x) return std::nullopt;
    auto sort_unique = [](auto& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    sort_unique(set->ints);
    sort_unique(set->doubles);
    sort_unique(set->numbers);
    sort_unique(set->strings);
    for (const auto& s : set->strings)
      set->lengths |= uint64_t{1} << std::min<size_t>(s.size(), 63);
    if (set->strings.size() > InSet::kLinear) {
      size_t size = 1;
      while (size < set->strings.size() * 2) size *= 2;
      set->table.assign(size, std::string_view());
      for (const auto& s : set->strings) {
        size_t h = HashBytes(s) & (size - 1);
        while (set->table[h].data() != nullptr) h = (h + 1) & (size - 1);
        set->table[h] = s;  // `set` is heap-allocated and never moves: the views stay valid
      }
    }
    const double own = x->type == VType::kString ? (set->table.empty() ? 3 : 6) : 1.5;
    Node n = Make(Kind::kIn, e, type, own + x->cost);
    n.set = std::move(set);
    n.args.push_back(std::move(*x));
    return n;
  }

  std::optional<Node> Matches(const CheckedExpr& e, VType type) {
    if (e.regex == nullptr) return std::nullopt;
    std::optional<Node> a = Child(e.args[0]);
    if (!a || a->type != VType::kString) return std::nullopt;
    Node n = Make(Kind::kMatches, e, type, 0);
    n.regex = e.regex;
    // Only under the options where `^`/`$` are the text's ends and letters match themselves.
    const RE2::Options& o = e.regex->options();
    const bool plain_options =
        o.case_sensitive() && !o.literal() && !o.never_nl() && (!o.posix_syntax() || o.one_line());
    std::string_view p = e.regex->pattern();
    const bool prefix = !p.empty() && p.front() == '^';
    if (prefix) p.remove_prefix(1);
    const bool suffix = !p.empty() && p.back() == '$';
    if (suffix) p.remove_suffix(1);
    if (plain_options && PlainLiteral(p)) {
      n.mode = prefix && suffix ? MatchMode::kEqual
               : prefix         ? MatchMode::kPrefix
               : suffix         ? MatchMode::kSuffix
                                : MatchMode::kContains;
      n.string_const = std::string(p);
      if (n.mode == MatchMode::kContains)
        n.needle = std::make_shared<const Substring>(n.string_const);
      n.cost = 5 + a->cost;
    } else {
      n.prefilter = RegexPrefilter::Make(*e.regex);
      n.cost = (n.prefilter ? 40 : 100) + a->cost;
    }
    n.args.push_back(std::move(*a));
    return n;
  }

  // Conversions that keep the type (int(int), ...) are the operand itself.
  std::optional<Node> Convert(const CheckedExpr& e, VType type, std::initializer_list<VType> from) {
    std::optional<Node> a = Child(e.args[0]);
    if (!a) return std::nullopt;
    if (a->type == type) return a;
    if (std::find(from.begin(), from.end(), a->type) == from.end()) return std::nullopt;
    const double own = a->type == VType::kString || type == VType::kString ? 30 : 0.6;
    Node n = Make(Kind::kConvert, e, type, own + a->cost);
    n.args.push_back(std::move(*a));
    return n;
  }

  const Schema& schema_;
  int slots_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Execution.

// The rows a node computes: all rows [0, n) when idx is null, else idx[0..n). A node's output is
// defined only on the rows it was asked for; other rows hold stale values, never dereferenced.
struct Sel {
  const uint32_t* idx = nullptr;
  uint32_t n = 0;
};

template <class F>
inline void ForEach(Sel s, F&& f) {
  if (s.idx == nullptr) {
    for (uint32_t i = 0; i < s.n; ++i) f(i);
  } else {
    for (uint32_t k = 0; k < s.n; ++k) f(s.idx[k]);
  }
}

// Byte kernels over dense selections, 16 rows at a time with GCC vector extensions (SSE2 on
// x86-64, NEON on arm64): the build's -O2 does not vectorise loops of unknown trip count itself.
using Bytes = uint8_t __attribute__((vector_size(16)));
constexpr uint32_t kLanes = sizeof(Bytes);

inline Bytes Load(const void* p) {
  Bytes v;
  std::memcpy(&v, p, kLanes);
  return v;
}
inline void Store(void* p, Bytes v) { std::memcpy(p, &v, kLanes); }
inline Bytes Max(Bytes a, Bytes b) { return a > b ? a : b; }
// Comparisons of vectors give 0 or -1 (all bits) per lane.
inline Bytes IsNonZero(Bytes a) { return reinterpret_cast<Bytes>(a != 0); }
// One bit (the high bit of its byte) for each of the 8 truths at t that is not `decisive`: SWAR,
// so that a selective operand's long runs of decided rows cost a word test per 8 rows.
inline uint64_t UndecidedBits(const Truth* t, uint8_t decisive) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL, kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, t, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);  // row order
  w ^= 0x0101010101010101ULL * decisive;  // decided bytes become 0
  return (w | ((w & kLow7) + kLow7)) & kHigh;
}

// out[i] = the unknown of row i when either state is not present, for rows [0, n) whose out[i]
// holds the comparison's 0/1. A state s > 0 becomes the truth s + 1, which exceeds 0 and 1.
void MarkUnknown(uint32_t n, const CellState* a, const CellState* b, Truth* out) {
  auto code = [](uint8_t s) { return static_cast<uint8_t>(s + (s != 0)); };
  uint32_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    Bytes s = a != nullptr ? Load(a + i) : Bytes{};
    if (b != nullptr) s = Max(s, Load(b + i));
    Store(out + i, Max(Load(out + i), s + (IsNonZero(s) & 1)));
  }
  for (; i < n; ++i) {
    const uint8_t s = std::max(a != nullptr ? static_cast<uint8_t>(a[i]) : uint8_t{0},
                               b != nullptr ? static_cast<uint8_t>(b[i]) : uint8_t{0});
    out[i] = static_cast<Truth>(std::max(static_cast<uint8_t>(out[i]), code(s)));
  }
}

inline uint8_t And(uint8_t x, uint8_t y) { return x == 0 || y == 0 ? 0 : std::max(x, y); }
inline uint8_t Or(uint8_t x, uint8_t y) { return x == 1 || y == 1 ? 1 : std::max(x, y); }

// acc[i] = acc[i] && v[i] (or ||) for rows [0, n), branch-free: with 0 = false and 1 = true below
// the unknowns 2 and 3, the larger code is the result unless a decisive operand overrides it.
void CombineDense(bool is_and, uint32_t n, Truth* acc, const Truth* v) {
  uint32_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const Bytes x = Load(acc + i), y = Load(v + i);
    const Bytes m = Max(x, y);
    if (is_and) {
      Store(acc + i, m & IsNonZero(x) & IsNonZero(y));
    } else {
      const Bytes one = reinterpret_cast<Bytes>(x == 1) | reinterpret_cast<Bytes>(y == 1);
      Store(acc + i, (m & ~one) | (one & 1));
    }
  }
  for (; i < n; ++i) {
    const uint8_t x = static_cast<uint8_t>(acc[i]), y = static_cast<uint8_t>(v[i]);
    acc[i] = static_cast<Truth>(is_and ? And(x, y) : Or(x, y));
  }
}

// A node's output, indexed by row. Bool: t; int: st and i; double: st and d; string: st and s.
struct Vec {
  const CellState* st = nullptr;
  const int64_t* i = nullptr;
  const double* d = nullptr;
  const std::string_view* s = nullptr;
  const Truth* t = nullptr;
};

constexpr uint8_t kErrorState = static_cast<uint8_t>(CellState::kBad);

// CellState codes order unknowns as the interpreter's PickUnknown does: of two unknown operands
// the error wins, so a binary operation's state is the larger of its operands'.
inline Truth UnknownTruth(uint8_t state) { return static_cast<Truth>(state + 1); }
inline uint8_t TruthState(uint8_t t) { return t >= 2 ? t - 1 : 0; }

// Operand accessors: a vector (converting its values to T) or a scalar constant. Kernels are
// templates over them, so `column OP constant` compiles to a loop over one array.
template <class T, class Src = T>
struct VecArg {
  const Src* v;
  const CellState* st;
  T val(uint32_t i) const { return static_cast<T>(v[i]); }
  uint8_t state(uint32_t i) const { return static_cast<uint8_t>(st[i]); }
  const CellState* states() const { return st; }
};
template <class T>
struct ConstArg {
  T c;
  T val(uint32_t) const { return c; }
  uint8_t state(uint32_t) const { return 0; }
  const CellState* states() const { return nullptr; }
};
// A bool vector read as 0/1 with its unknowns as states.
struct TruthArg {
  const Truth* t;
  int64_t val(uint32_t i) const { return static_cast<uint8_t>(t[i]) & 1; }
  uint8_t state(uint32_t i) const { return TruthState(static_cast<uint8_t>(t[i])); }
};

struct Operand {
  VType type = VType::kBool;
  bool is_const = false;
  Vec vec;
  int64_t int_const = 0;
  double double_const = 0;
  std::string_view string_const;
};

// Calls f with an accessor yielding int64_t: int vectors, bool vectors when kBools, constants.
template <bool kBools, class F>
void WithInt(const Operand& o, F&& f) {
  if (o.is_const) {
    f(ConstArg<int64_t>{o.int_const});
  } else if constexpr (kBools) {
    if (o.type == VType::kBool) {
      f(TruthArg{o.vec.t});
    } else {
      f(VecArg<int64_t>{o.vec.i, o.vec.st});
    }
  } else {
    f(VecArg<int64_t>{o.vec.i, o.vec.st});
  }
}

// Calls f with an accessor yielding double: ints are promoted, as the interpreter does for mixed
// arithmetic and comparisons (CompareNumbers compares an int with a double in double precision).
template <class F>
void WithDouble(const Operand& o, F&& f) {
  if (o.is_const) {
    f(ConstArg<double>{o.type == VType::kInt ? static_cast<double>(o.int_const) : o.double_const});
  } else if (o.type == VType::kInt) {
    f(VecArg<double, int64_t>{o.vec.i, o.vec.st});
  } else {
    f(VecArg<double>{o.vec.d, o.vec.st});
  }
}

template <class F>
void WithString(const Operand& o, F&& f) {
  if (o.is_const) {
    f(ConstArg<std::string_view>{o.string_const});
  } else {
    f(VecArg<std::string_view>{o.vec.s, o.vec.st});
  }
}

template <class F>
void WithComparison(Op op, F&& f) {
  switch (op) {
    case Op::kLt:
      f([](auto a, auto b) { return a < b; });
      break;
    case Op::kLe:
      f([](auto a, auto b) { return a <= b; });
      break;
    case Op::kGt:
      f([](auto a, auto b) { return a > b; });
      break;
    case Op::kGe:
      f([](auto a, auto b) { return a >= b; });
      break;
    case Op::kEq:
      f([](auto a, auto b) { return a == b; });
      break;
    default:
      f([](auto a, auto b) { return a != b; });
      break;
  }
}

// Numbers only: NaN compares false except `!=`, as the interpreter's Order and Equal have it.
// Over a dense selection the comparison runs first over every row and the unknowns are marked
// after, which keeps both loops free of branches.
template <class A, class B, class F>
void CompareNumbers(Sel sel, A a, B b, F cmp, Truth* out) {
  if constexpr (!std::is_same_v<A, TruthArg> && !std::is_same_v<B, TruthArg>) {
    if (sel.idx == nullptr) {
      for (uint32_t i = 0; i < sel.n; ++i) out[i] = static_cast<Truth>(cmp(a.val(i), b.val(i)));
      MarkUnknown(sel.n, a.states(), b.states(), out);
      return;
    }
  }
  ForEach(sel, [&](uint32_t i) {
    const uint8_t st = std::max(a.state(i), b.state(i));
    const bool r = cmp(a.val(i), b.val(i));
    out[i] = st != 0 ? UnknownTruth(st) : static_cast<Truth>(r);
  });
}

// Strings are read only on rows where both operands are present (other views may dangle).
template <class A, class B, class F>
void CompareStrings(Sel sel, A a, B b, F cmp, Truth* out) {
  ForEach(sel, [&](uint32_t i) {
    const uint8_t st = std::max(a.state(i), b.state(i));
    if (st != 0) {
      out[i] = UnknownTruth(st);
    } else {
      out[i] = static_cast<Truth>(cmp(a.val(i), b.val(i)));
    }
  });
}

// f(x, y, &r) returns true on a runtime error (overflow, division by zero).
template <class T, class A, class B, class F>
void ArithKernel(Sel sel, A a, B b, F f, CellState* ost, T* ov) {
  ForEach(sel, [&](uint32_t i) {
    const uint8_t st = std::max(a.state(i), b.state(i));
    T r;
    const bool err = f(a.val(i), b.val(i), &r);
    ov[i] = r;
    ost[i] = static_cast<CellState>(st != 0 ? st : err ? kErrorState : 0);
  });
}

template <class F>
void WithIntArithmetic(Op op, F&& f) {
  switch (op) {
    case Op::kAdd:
      f([](int64_t x, int64_t y, int64_t* r) { return __builtin_add_overflow(x, y, r); });
      break;
    case Op::kSub:
      f([](int64_t x, int64_t y, int64_t* r) { return __builtin_sub_overflow(x, y, r); });
      break;
    case Op::kMul:
      f([](int64_t x, int64_t y, int64_t* r) { return __builtin_mul_overflow(x, y, r); });
      break;
    case Op::kDiv:
    case Op::kMod: {
      // Values of unknown rows are stale, so the divisor is made safe before dividing whatever
      // the row's state: the error flag alone carries the outcome.
      const bool div = op == Op::kDiv;
      f([div](int64_t x, int64_t y, int64_t* r) {
        const bool bad = y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1);
        const int64_t d = bad ? 1 : y;
        *r = div ? x / d : x % d;
        return bad;
      });
      break;
    }
    default:
      break;
  }
}

template <class F>
void WithDoubleArithmetic(Op op, F&& f) {
  switch (op) {
    case Op::kAdd:
      f([](double x, double y, double* r) {
        *r = x + y;
        return false;
      });
      break;
    case Op::kSub:
      f([](double x, double y, double* r) {
        *r = x - y;
        return false;
      });
      break;
    case Op::kMul:
      f([](double x, double y, double* r) {
        *r = x * y;
        return false;
      });
      break;
    default:
      f([](double x, double y, double* r) {
        *r = x / y;
        return false;
      });
      break;
  }
}

// Double to text exactly as rules/text.h FormatDouble (without its std::string).
std::string_view FormatDoubleTo(double d, char* buf, size_t size) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  auto [p, ec] = std::to_chars(buf, buf + size, d);
  return std::string_view(buf, static_cast<size_t>(p - buf));
}

std::optional<bool> ParseBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

// A cached regex result; an entry of an older generation is empty.
struct CacheEntry {
  std::string_view key;
  uint32_t generation = 0;
  bool value = false;
};
// Per batch, at most kCacheSize / 2 distinct strings are remembered. A batch whose strings turn
// out to be mostly distinct (e-mail addresses, ids) stops consulting the cache: hashing would only
// add to each match.
constexpr size_t kCacheSize = 1024;
constexpr uint32_t kCacheProbe = 256;

template <class T>
T* Sized(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

}  // namespace

// The per-node buffers. Vectors only grow, so after warm-up nothing is allocated.
struct VectorCondition::Scratch::Impl {
  struct Buffer {
    std::vector<CellState> state;
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<std::string_view> strings;
    std::vector<Truth> truth;
    std::vector<uint32_t> sel_a, sel_b;
    std::vector<std::pair<size_t, size_t>> spans;  // string results: offset and size in arena
    std::string arena;
    std::vector<CacheEntry> cache;
  };
  std::vector<Buffer> buffers;
  std::vector<Value> row;   // the interpreter's row for fallback nodes
  uint32_t generation = 0;  // of cache entries: one per Evaluate call
};

VectorCondition::Scratch::Scratch() : impl_(std::make_unique<Impl>()) {}
VectorCondition::Scratch::~Scratch() = default;
VectorCondition::Scratch::Scratch(Scratch&&) noexcept = default;
VectorCondition::Scratch& VectorCondition::Scratch::operator=(Scratch&&) noexcept = default;

struct VectorCondition::Plan {
  Node root;
  int slots = 0;
};

namespace {

using Buffer = VectorCondition::Scratch::Impl::Buffer;

// Collects string results of a node in its arena. Offsets are recorded first and turned into
// views once the arena stops growing.
class StringSink {
 public:
  StringSink(Buffer& b, uint32_t n) : b_(b), spans_(Sized(b.spans, n)) { b_.arena.clear(); }
  void Put(uint32_t i, std::string_view s) {
    spans_[i] = {b_.arena.size(), s.size()};
    b_.arena.append(s);
  }
  char* Extend(uint32_t i, size_t size) {
    spans_[i] = {b_.arena.size(), size};
    b_.arena.resize(b_.arena.size() + size);
    return b_.arena.data() + spans_[i].first;
  }
  // Sets the views of the present rows of `sel`.
  void Finish(Sel sel, const CellState* st, std::string_view* out) {
    ForEach(sel, [&](uint32_t i) {
      out[i] = st[i] == CellState::kPresent
                   ? std::string_view(b_.arena.data() + spans_[i].first, spans_[i].second)
                   : std::string_view();
    });
  }

 private:
  Buffer& b_;
  std::pair<size_t, size_t>* spans_;
};

class Executor {
 public:
  Executor(const RowBatch& batch, VectorCondition::Scratch::Impl& s, uint32_t n)
      : batch_(batch), s_(s), n_(n) {}

  Vec Eval(const Node& node, Sel sel) {
    switch (node.kind) {
      case Kind::kColumn:
        return Column(node, sel);
      case Kind::kConst:
        return ConstVec(node, sel);
      case Kind::kHas:
        return Has(node, sel);
      case Kind::kNot:
        return Not(node, sel);
      case Kind::kAnd:
      case Kind::kOr:
        return Logic(node, sel);
      case Kind::kCond:
        return Conditional(node, sel);
      case Kind::kCompare:
        return Compare(node, sel);
      case Kind::kArith:
        return Arith(node, sel);
      case Kind::kNeg:
        return Neg(node, sel);
      case Kind::kConcat:
        return Concat(node, sel);
      case Kind::kIn:
        return In(node, sel);
      case Kind::kStrPred:
        return StrPred(node, sel);
      case Kind::kMatches:
        return Matches(node, sel);
      case Kind::kSize:
        return Size(node, sel);
      case Kind::kCase:
        return Case(node, sel);
      case Kind::kConvert:
        return Convert(node, sel);
      case Kind::kFallback:
        return Fallback(node, sel);
    }
    return Vec{};
  }

 private:
  Buffer& Buf(const Node& node) { return s_.buffers[node.slot]; }

  // The batch's column, or null when the batch does not carry it (every cell missing).
  const ColumnVector* BatchColumn(int column) const {
    if (column < 0 || static_cast<size_t>(column) >= batch_.columns.size()) return nullptr;
    const ColumnVector& c = batch_.columns[column];
    return c.state.size() >= n_ ? &c : nullptr;
  }

  Operand EvalOperand(const Node& node, Sel sel) {
    Operand o;
    o.type = node.type;
    if (node.kind == Kind::kConst) {
      o.is_const = true;
      o.int_const = node.int_const;
      o.double_const = node.double_const;
      o.string_const = node.string_const;
    } else {
      o.vec = Eval(node, sel);
    }
    return o;
  }

  Vec Column(const Node& node, Sel sel) {
    const ColumnVector* c = BatchColumn(node.column);
    Buffer& b = Buf(node);
    if (node.type == VType::kBool) {
      Truth* t = Sized(b.truth, n_);
      if (c == nullptr) {
        ForEach(sel, [&](uint32_t i) { t[i] = Truth::kMissing; });
      } else {
        const CellState* st = c->state.data();
        const int64_t* v = c->ints.data();
        ForEach(sel, [&](uint32_t i) {
          const uint8_t s = static_cast<uint8_t>(st[i]);
          t[i] = s != 0 ? UnknownTruth(s) : static_cast<Truth>(v[i] != 0);
        });
      }
      return Vec{.t = t};
    }
    if (c == nullptr) {
      CellState* st = Sized(b.state, n_);
      ForEach(sel, [&](uint32_t i) { st[i] = CellState::kMissing; });
      return Vec{
          .st = st, .i = Sized(b.ints, n_), .d = Sized(b.doubles, n_), .s = Sized(b.strings, n_)};
    }
    return Vec{
        .st = c->state.data(), .i = c->ints.data(), .d = c->doubles.data(), .s = c->strings.data()};
  }

  // A constant where a vector is needed (an operand of &&, ?:, ...): broadcast.
  Vec ConstVec(const Node& node, Sel sel) {
    Buffer& b = Buf(node);
    if (node.type == VType::kBool) {
      Truth* t = Sized(b.truth, n_);
      const Truth v = static_cast<Truth>(node.int_const != 0);
      ForEach(sel, [&](uint32_t i) { t[i] = v; });
      return Vec{.t = t};
    }
    CellState* st = Sized(b.state, n_);
    ForEach(sel, [&](uint32_t i) { st[i] = CellState::kPresent; });
    Vec v{.st = st};
    switch (node.type) {
      case VType::kInt: {
        int64_t* x = Sized(b.ints, n_);
        ForEach(sel, [&](uint32_t i) { x[i] = node.int_const; });
        v.i = x;
        break;
      }
      case VType::kDouble: {
        double* x = Sized(b.doubles, n_);
        ForEach(sel, [&](uint32_t i) { x[i] = node.double_const; });
        v.d = x;
        break;
      }
      default: {
        std::string_view* x = Sized(b.strings, n_);
        const std::string_view c = node.string_const;
        ForEach(sel, [&](uint32_t i) { x[i] = c; });
        v.s = x;
        break;
      }
    }
    return v;
  }

  Vec Has(const Node& node, Sel sel) {
    Truth* t = Sized(Buf(node).truth, n_);
    const ColumnVector* c = BatchColumn(node.column);
    if (c == nullptr) {
      ForEach(sel, [&](uint32_t i) { t[i] = Truth::kFalse; });
    } else {
      // A bad cell is there (has() is true); only a missing one is not.
      const CellState* st = c->state.data();
      ForEach(sel, [&](uint32_t i) { t[i] = static_cast<Truth>(st[i] != CellState::kMissing); });
    }
    return Vec{.t = t};
  }

  Vec Not(const Node& node, Sel sel) {
    const Truth* a = Eval(node.args[0], sel).t;
    Truth* t = Sized(Buf(node).truth, n_);
    ForEach(sel, [&](uint32_t i) {
      const uint8_t x = static_cast<uint8_t>(a[i]);
      t[i] = static_cast<Truth>(x < 2 ? 1 - x : x);
    });
    return Vec{.t = t};
  }

  // CEL's commutative && / ||: a decisive operand (false for &&, true for ||) wins over unknowns on
  // either side; otherwise the larger code wins, which is the other truth value when both are
  // known and the error over the missing value when both are unknown.
  Vec Logic(const Node& node, Sel sel) {
    Buffer& b = Buf(node);
    Truth* acc = Sized(b.truth, n_);
    const bool is_and = node.kind == Kind::kAnd;
    const uint8_t decisive = is_and ? 0 : 1;
    Sel cur = sel;
    for (size_t k = 0; k < node.args.size(); ++k) {
      const Node& arg = node.args[k];
      if (k > 0 && arg.narrow) {
        // Rows already decided keep their value; compacting in place is safe (writes trail reads).
        uint32_t* idx = Sized(b.sel_a, n_);
        uint32_t m = 0;
        auto keep = [&](uint32_t i) {
          idx[m] = i;
          m += static_cast<uint8_t>(acc[i]) != decisive;
        };
        if (cur.idx == nullptr) {
          uint32_t i = 0;
          for (; i + 8 <= cur.n; i += 8) {
            for (uint64_t bits = UndecidedBits(acc + i, decisive); bits != 0; bits &= bits - 1) {
              idx[m++] = i + (static_cast<uint32_t>(__builtin_ctzll(bits)) >> 3);
            }
          }
          for (; i < cur.n; ++i) keep(i);
        } else {
          ForEach(cur, keep);
        }
        cur = Sel{idx, m};
        if (m == 0) break;
      }
      const Truth* v = Eval(arg, cur).t;
      if (k == 0 && cur.idx == nullptr) {
        std::memcpy(acc, v, cur.n);
      } else if (k == 0) {
        ForEach(cur, [&](uint32_t i) { acc[i] = v[i]; });
      } else if (cur.idx == nullptr) {
        CombineDense(is_and, cur.n, acc, v);
      } else {
        ForEach(cur, [&](uint32_t i) {
          const uint8_t x = static_cast<uint8_t>(acc[i]), y = static_cast<uint8_t>(v[i]);
          acc[i] = static_cast<Truth>(is_and ? And(x, y) : Or(x, y));
        });
      }
    }
    return Vec{.t = acc};
  }

  // Each branch runs only on the rows that take it: the other branch's errors must not leak, and
  // it may be costly.
  Vec Conditional(const Node& node, Sel sel) {
    Buffer& b = Buf(node);
    const Truth* c = Eval(node.args[0], sel).t;
    uint32_t* ti = Sized(b.sel_a, n_);
    uint32_t* fi = Sized(b.sel_b, n_);
    uint32_t nt = 0, nf = 0;
    ForEach(sel, [&](uint32_t i) {
      ti[nt] = i;
      fi[nf] = i;
      nt += c[i] == Truth::kTrue;
      nf += c[i] == Truth::kFalse;
    });
    const Vec vt = nt > 0 ? Eval(node.args[1], Sel{ti, nt}) : Vec{};
    const Vec vf = nf > 0 ? Eval(node.args[2], Sel{fi, nf}) : Vec{};
    if (node.type == VType::kBool) {
      Truth* t = Sized(b.truth, n_);
      ForEach(sel, [&](uint32_t i) {
        t[i] = c[i] == Truth::kTrue ? vt.t[i] : c[i] == Truth::kFalse ? vf.t[i] : c[i];
      });
      return Vec{.t = t};
    }
    CellState* st = Sized(b.state, n_);
    auto merge = [&](auto* out, auto pick) {
      ForEach(sel, [&](uint32_t i) {
        if (c[i] == Truth::kTrue) {
          st[i] = vt.st[i];
          out[i] = pick(vt)[i];
        } else if (c[i] == Truth::kFalse) {
          st[i] = vf.st[i];
          out[i] = pick(vf)[i];
        } else {
          st[i] = static_cast<CellState>(TruthState(static_cast<uint8_t>(c[i])));
        }
      });
      return out;
    };
    switch (node.type) {
      case VType::kInt:
        return Vec{.st = st, .i = merge(Sized(b.ints, n_), [](const Vec& v) { return v.i; })};
      case VType::kDouble:
        return Vec{.st = st, .d = merge(Sized(b.doubles, n_), [](const Vec& v) { return v.d; })};
      default:
        return Vec{.st = st, .s = merge(Sized(b.strings, n_), [](const Vec& v) { return v.s; })};
    }
  }

  Vec Compare(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    const Operand b = EvalOperand(node.args[1], sel);
    Truth* out = Sized(Buf(node).truth, n_);
    auto run = [&](auto with, auto kernel) {
      with(a, [&](auto x) {
        with(b, [&](auto y) { WithComparison(node.op, [&](auto cmp) { kernel(x, y, cmp); }); });
      });
    };
    if (a.type == VType::kString) {
      auto strings = [&](auto cmp) {
        WithString(a, [&](auto x) {
          WithString(b, [&](auto y) { CompareStrings(sel, x, y, cmp, out); });
        });
      };
      if (node.op == Op::kEq) {
        strings([](std::string_view x, std::string_view y) { return SameBytes(x, y); });
      } else if (node.op == Op::kNe) {
        strings([](std::string_view x, std::string_view y) { return !SameBytes(x, y); });
      } else {
        WithComparison(node.op, strings);
      }
    } else if (a.type == b.type && a.type != VType::kDouble) {
      // int with int, bool with bool (false < true)
      run([](const Operand& o, auto&& f) { WithInt<true>(o, f); },
          [&](auto x, auto y, auto cmp) { CompareNumbers(sel, x, y, cmp, out); });
    } else {
      run([](const Operand& o, auto&& f) { WithDouble(o, f); },
          [&](auto x, auto y, auto cmp) { CompareNumbers(sel, x, y, cmp, out); });
    }
    return Vec{.t = out};
  }

  Vec Arith(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    const Operand b = EvalOperand(node.args[1], sel);
    Buffer& buf = Buf(node);
    CellState* st = Sized(buf.state, n_);
    if (node.type == VType::kInt) {
      int64_t* v = Sized(buf.ints, n_);
      WithInt<false>(a, [&](auto x) {
        WithInt<false>(b, [&](auto y) {
          WithIntArithmetic(node.op, [&](auto f) { ArithKernel<int64_t>(sel, x, y, f, st, v); });
        });
      });
      return Vec{.st = st, .i = v};
    }
    double* v = Sized(buf.doubles, n_);
    WithDouble(a, [&](auto x) {
      WithDouble(b, [&](auto y) {
        WithDoubleArithmetic(node.op, [&](auto f) { ArithKernel<double>(sel, x, y, f, st, v); });
      });
    });
    return Vec{.st = st, .d = v};
  }

  Vec Neg(const Node& node, Sel sel) {
    const Vec a = Eval(node.args[0], sel);
    Buffer& b = Buf(node);
    CellState* st = Sized(b.state, n_);
    if (node.type == VType::kInt) {
      int64_t* v = Sized(b.ints, n_);
      ForEach(sel, [&](uint32_t i) {
        const int64_t x = a.i[i];
        const bool overflow = x == std::numeric_limits<int64_t>::min();
        v[i] = overflow ? 0 : -x;
        const uint8_t s = static_cast<uint8_t>(a.st[i]);
        st[i] = static_cast<CellState>(s != 0 ? s : overflow ? kErrorState : 0);
      });
      return Vec{.st = st, .i = v};
    }
    double* v = Sized(b.doubles, n_);
    ForEach(sel, [&](uint32_t i) {
      v[i] = -a.d[i];
      st[i] = a.st[i];
    });
    return Vec{.st = st, .d = v};
  }

  Vec Concat(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    const Operand b = EvalOperand(node.args[1], sel);
    Buffer& buf = Buf(node);
    CellState* st = Sized(buf.state, n_);
    std::string_view* out = Sized(buf.strings, n_);
    StringSink sink(buf, n_);
    WithString(a, [&](auto x) {
      WithString(b, [&](auto y) {
        ForEach(sel, [&](uint32_t i) {
          const uint8_t s = std::max(x.state(i), y.state(i));
          st[i] = static_cast<CellState>(s);
          if (s != 0) return;
          const std::string_view l = x.val(i), r = y.val(i);
          char* p = sink.Extend(i, l.size() + r.size());
          std::memcpy(p, l.data(), l.size());
          std::memcpy(p + l.size(), r.data(), r.size());
        });
      });
    });
    sink.Finish(sel, st, out);
    return Vec{.st = st, .s = out};
  }

  Vec In(const Node& node, Sel sel) {
    const Operand x = EvalOperand(node.args[0], sel);
    const InSet& set = *node.set;
    Truth* out = Sized(Buf(node).truth, n_);
    auto run = [&](auto arg, auto has) {
      ForEach(sel, [&](uint32_t i) {
        const uint8_t st = arg.state(i);
        out[i] = st != 0 ? UnknownTruth(st) : static_cast<Truth>(has(arg.val(i)));
      });
    };
    switch (x.type) {
      case VType::kInt:
        WithInt<false>(x, [&](auto a) { run(a, [&](int64_t v) { return set.HasInt(v); }); });
        break;
      case VType::kDouble:
        WithDouble(x, [&](auto a) { run(a, [&](double v) { return set.HasDouble(v); }); });
        break;
      case VType::kBool:
        WithInt<true>(x, [&](auto a) { run(a, [&](int64_t v) { return set.HasBool(v); }); });
        break;
      case VType::kString:
        WithString(x, [&](auto a) {
          ForEach(sel, [&](uint32_t i) {
            const uint8_t st = a.state(i);
            out[i] = st != 0 ? UnknownTruth(st) : static_cast<Truth>(set.HasString(a.val(i)));
          });
        });
        break;
    }
    return Vec{.t = out};
  }

  // f(i, string_view) for each present row of a string operand; unknown rows get `unknown(i, st)`.
  template <class U, class F>
  static void ForEachString(const Operand& o, Sel sel, U&& unknown, F&& f) {
    WithString(o, [&](auto a) {
      ForEach(sel, [&](uint32_t i) {
        const uint8_t st = a.state(i);
        if (st != 0) {
          unknown(i, st);
        } else {
          f(i, a.val(i));
        }
      });
    });
  }

  Vec StrPred(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    const Operand b = EvalOperand(node.args[1], sel);
    Truth* out = Sized(Buf(node).truth, n_);
    auto run = [&](auto pred) {
      WithString(a, [&](auto x) {
        WithString(b, [&](auto y) {
          ForEach(sel, [&](uint32_t i) {
            const uint8_t st = std::max(x.state(i), y.state(i));
            out[i] = st != 0 ? UnknownTruth(st) : static_cast<Truth>(pred(x.val(i), y.val(i)));
          });
        });
      });
    };
    switch (node.op) {
      case Op::kContains:
        if (node.needle != nullptr) {
          const Substring& needle = *node.needle;
          run([&needle](std::string_view s, std::string_view) { return needle.In(s); });
        } else {
          run([](std::string_view s, std::string_view t) {
            return s.find(t) != std::string_view::npos;
          });
        }
        break;
      case Op::kStartsWith:
        run([](std::string_view s, std::string_view t) { return s.starts_with(t); });
        break;
      default:
        run([](std::string_view s, std::string_view t) { return s.ends_with(t); });
        break;
    }
    return Vec{.t = out};
  }

  Vec Matches(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    Buffer& b = Buf(node);
    Truth* out = Sized(b.truth, n_);
    auto unknown = [&](uint32_t i, uint8_t st) { out[i] = UnknownTruth(st); };
    const std::string_view lit = node.string_const;
    switch (node.mode) {
      case MatchMode::kContains:
        ForEachString(a, sel, unknown, [&](uint32_t i, std::string_view s) {
          out[i] = static_cast<Truth>(node.needle->In(s));
        });
        return Vec{.t = out};
      case MatchMode::kPrefix:
        ForEachString(a, sel, unknown, [&](uint32_t i, std::string_view s) {
          out[i] = static_cast<Truth>(s.starts_with(lit));
        });
        return Vec{.t = out};
      case MatchMode::kSuffix:
        ForEachString(a, sel, unknown, [&](uint32_t i, std::string_view s) {
          out[i] = static_cast<Truth>(s.ends_with(lit));
        });
        return Vec{.t = out};
      case MatchMode::kEqual:
        ForEachString(a, sel, unknown, [&](uint32_t i, std::string_view s) {
          out[i] = static_cast<Truth>(SameBytes(s, lit));
        });
        return Vec{.t = out};
      case MatchMode::kRegex:
        break;
    }
    const RE2& re = *node.regex;
    const RegexPrefilter* prefilter = node.prefilter.get();
    auto match = [&re, prefilter](std::string_view s) {
      if (prefilter != nullptr && prefilter->RulesOut(s)) return false;
      return re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, nullptr,
                      0);
    };
    CacheEntry* cache = Sized(b.cache, kCacheSize);
    const uint32_t generation = s_.generation;
    uint32_t lookups = 0, misses = 0, stored = 0;
    bool use_cache = true;
    ForEachString(a, sel, unknown, [&](uint32_t i, std::string_view s) {
      if (!use_cache) {
        out[i] = static_cast<Truth>(match(s));
        return;
      }
      size_t h = HashBytes(s) & (kCacheSize - 1);
      while (cache[h].generation == generation && !SameBytes(cache[h].key, s))
        h = (h + 1) & (kCacheSize - 1);
      if (cache[h].generation == generation) {
        out[i] = static_cast<Truth>(cache[h].value);
      } else {
        const bool r = match(s);
        out[i] = static_cast<Truth>(r);
        ++misses;
        if (stored < kCacheSize / 2) {
          cache[h] = CacheEntry{s, generation, r};
          ++stored;
        }
      }
      if (++lookups == kCacheProbe && misses > kCacheProbe / 2) use_cache = false;
      if (stored == kCacheSize / 2 && misses * 2 > lookups) use_cache = false;
    });
    return Vec{.t = out};
  }

  Vec Size(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    Buffer& b = Buf(node);
    CellState* st = Sized(b.state, n_);
    int64_t* v = Sized(b.ints, n_);
    ForEachString(
        a, sel, [&](uint32_t i, uint8_t s) { st[i] = static_cast<CellState>(s); },
        [&](uint32_t i, std::string_view s) {
          st[i] = CellState::kPresent;
          v[i] = static_cast<int64_t>(CodePointCount(s));
        });
    return Vec{.st = st, .i = v};
  }

  Vec Case(const Node& node, Sel sel) {
    const Operand a = EvalOperand(node.args[0], sel);
    Buffer& b = Buf(node);
    CellState* st = Sized(b.state, n_);
    std::string_view* out = Sized(b.strings, n_);
    StringSink sink(b, n_);
    const bool lower = node.op == Op::kLowerAscii;
    ForEachString(
        a, sel, [&](uint32_t i, uint8_t s) { st[i] = static_cast<CellState>(s); },
        [&](uint32_t i, std::string_view s) {
          st[i] = CellState::kPresent;
          char* p = sink.Extend(i, s.size());
          for (size_t k = 0; k < s.size(); ++k) {
            char c = s[k];
            if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
            if (!lower && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
            p[k] = c;
          }
        });
    sink.Finish(sel, st, out);
    return Vec{.st = st, .s = out};
  }

  Vec Convert(const Node& node, Sel sel) {
    const Node& arg = node.args[0];
    const Operand a = EvalOperand(arg, sel);
    Buffer& b = Buf(node);
    if (node.type == VType::kBool) {  // bool(string)
      Truth* t = Sized(b.truth, n_);
      ForEachString(
          a, sel, [&](uint32_t i, uint8_t s) { t[i] = UnknownTruth(s); },
          [&](uint32_t i, std::string_view s) {
            std::optional<bool> v = ParseBool(s);
            t[i] = v ? static_cast<Truth>(*v) : Truth::kError;
          });
      return Vec{.t = t};
    }
    CellState* st = Sized(b.state, n_);
    auto set_unknown = [&](uint32_t i, uint8_t s) { st[i] = static_cast<CellState>(s); };
    if (node.type == VType::kString) {
      std::string_view* out = Sized(b.strings, n_);
      StringSink sink(b, n_);
      auto put = [&](uint32_t i, std::string_view s) {
        st[i] = CellState::kPresent;
        sink.Put(i, s);
      };
      char buf[64];
      if (arg.type == VType::kBool) {
        WithInt<true>(a, [&](auto x) {
          ForEach(sel, [&](uint32_t i) {
            const uint8_t s = x.state(i);
            if (s != 0) return set_unknown(i, s);
            put(i, x.val(i) != 0 ? "true" : "false");
          });
        });
      } else if (arg.type == VType::kInt) {
        WithInt<false>(a, [&](auto x) {
          ForEach(sel, [&](uint32_t i) {
            const uint8_t s = x.state(i);
            if (s != 0) return set_unknown(i, s);
            auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x.val(i));
            put(i, std::string_view(buf, static_cast<size_t>(p - buf)));
          });
        });
      } else {
        WithDouble(a, [&](auto x) {
          ForEach(sel, [&](uint32_t i) {
            const uint8_t s = x.state(i);
            if (s != 0) return set_unknown(i, s);
            put(i, FormatDoubleTo(x.val(i), buf, sizeof buf));
          });
        });
      }
      sink.Finish(sel, st, out);
      return Vec{.st = st, .s = out};
    }
    if (node.type == VType::kInt) {
      int64_t* v = Sized(b.ints, n_);
      if (arg.type == VType::kDouble) {
        WithDouble(a, [&](auto x) {
          ForEach(sel, [&](uint32_t i) {
            const double d = x.val(i);
            // -2^63 and 2^63 are both out of range, as in CEL; NaN fails both tests.
            const bool ok = d > -9223372036854775808.0 && d < 9223372036854775808.0;
            v[i] = ok ? static_cast<int64_t>(d) : 0;
            const uint8_t s = x.state(i);
            st[i] = static_cast<CellState>(s != 0 ? s : ok ? 0 : kErrorState);
          });
        });
      } else {
        ForEachString(a, sel, set_unknown, [&](uint32_t i, std::string_view s) {
          auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v[i]);
          const bool ok = ec == std::errc() && p == s.data() + s.size() && !s.empty();
          st[i] = ok ? CellState::kPresent : CellState::kBad;
        });
      }
      return Vec{.st = st, .i = v};
    }
    double* v = Sized(b.doubles, n_);
    if (arg.type == VType::kInt) {
      WithDouble(a, [&](auto x) {
        ForEach(sel, [&](uint32_t i) {
          v[i] = x.val(i);
          st[i] = static_cast<CellState>(x.state(i));
        });
      });
    } else {
      ForEachString(a, sel, set_unknown, [&](uint32_t i, std::string_view s) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v[i]);
        const bool ok = ec == std::errc() && p == s.data() + s.size() && !s.empty();
        st[i] = ok ? CellState::kPresent : CellState::kBad;
      });
    }
    return Vec{.st = st, .d = v};
  }

  // The cell as the interpreter sees it, reusing the string buffer already in `out`.
  void LoadCell(int column, uint32_t row, Value* out) const {
    const ColumnVector* c = BatchColumn(column);
    const CellState state = c == nullptr ? CellState::kMissing : c->state[row];
    if (state == CellState::kMissing) {
      *out = Value::Missing();
    } else if (state == CellState::kBad) {
      const std::string_view raw = row < c->strings.size() ? c->strings[row] : std::string_view();
      *out = Value::Error(
          fmt::format("cell {} is not a valid {}", QuoteString(raw), ColumnTypeName(c->type)));
    } else {
      switch (c->type) {
        case ColumnType::kInt:
          out->v.emplace<int64_t>(c->ints[row]);
          break;
        case ColumnType::kDouble:
          out->v.emplace<double>(c->doubles[row]);
          break;
        case ColumnType::kBool:
          out->v.emplace<bool>(c->ints[row] != 0);
          break;
        case ColumnType::kString:
          if (auto* s = std::get_if<std::string>(&out->v)) {
            s->assign(c->strings[row]);
          } else {
            out->v.emplace<std::string>(c->strings[row]);
          }
          break;
      }
    }
  }

  Vec Fallback(const Node& node, Sel sel) {
    Buffer& b = Buf(node);
    std::vector<Value>& row = s_.row;
    if (row.size() < node.row_width) row.resize(node.row_width);
    const std::span<const Value> cells(row.data(), node.row_width);
    Truth* t = node.type == VType::kBool ? Sized(b.truth, n_) : nullptr;
    CellState* st = node.type == VType::kBool ? nullptr : Sized(b.state, n_);
    int64_t* iv = node.type == VType::kInt ? Sized(b.ints, n_) : nullptr;
    double* dv = node.type == VType::kDouble ? Sized(b.doubles, n_) : nullptr;
    std::string_view* sv = node.type == VType::kString ? Sized(b.strings, n_) : nullptr;
    std::optional<StringSink> sink;
    if (sv != nullptr) sink.emplace(b, n_);
    ForEach(sel, [&](uint32_t i) {
      for (int c : node.columns) LoadCell(c, i, &row[c]);
      const Value v = hunch::Evaluate(*node.expr, cells);
      if (t != nullptr) {
        t[i] = TruthOf(v);
        return;
      }
      // A value of another kind than the node's type cannot come from a checked subtree; it
      // would be an error in any parent, so it is one here.
      st[i] =
          v.is_unknown() ? (v.is_error() ? CellState::kBad : CellState::kMissing) : CellState::kBad;
      if (const int64_t* x = std::get_if<int64_t>(&v.v); x != nullptr && iv != nullptr) {
        iv[i] = *x;
        st[i] = CellState::kPresent;
      } else if (const double* d = std::get_if<double>(&v.v); d != nullptr && dv != nullptr) {
        dv[i] = *d;
        st[i] = CellState::kPresent;
      } else if (const std::string* s = std::get_if<std::string>(&v.v);
                 s != nullptr && sv != nullptr) {
        sink->Put(i, *s);
        st[i] = CellState::kPresent;
      }
    });
    if (t != nullptr) return Vec{.t = t};
    if (sink) sink->Finish(sel, st, sv);
    return Vec{.st = st, .i = iv, .d = dv, .s = sv};
  }

  const RowBatch& batch_;
  VectorCondition::Scratch::Impl& s_;
  const uint32_t n_;
};

void DumpNode(const Node& n, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  *out += KindName(n.kind);
  switch (n.kind) {
    case Kind::kColumn:
    case Kind::kHas:
      *out += fmt::format(" #{}", n.column);
      break;
    case Kind::kConst:
      if (n.type == VType::kDouble)
        *out += " " + FormatDouble(n.double_const, true);
      else if (n.type == VType::kString)
        *out += " " + QuoteString(n.string_const);
      else
        *out += fmt::format(" {}", n.int_const);
      break;
    case Kind::kMatches: {
      static constexpr const char* kModes[] = {"regex", "contains", "prefix", "suffix", "equal"};
      *out += fmt::format(" {}", kModes[static_cast<int>(n.mode)]);
      if (n.prefilter) *out += " prefiltered";
      break;
    }
    case Kind::kAnd:
    case Kind::kOr:
    case Kind::kCond:
    case Kind::kIn:
    case Kind::kNot:
      break;
    default:
      *out += fmt::format(" {}", OpName(n.op));
      break;
  }
  *out += fmt::format(" : {}{}\n", VTypeName(n.type), n.narrow ? " (narrowed)" : "");
  for (const auto& a : n.args) DumpNode(a, depth + 1, out);
}

}  // namespace

Truth TruthOf(const Value& v) {
  if (const bool* b = std::get_if<bool>(&v.v)) return static_cast<Truth>(*b);
  if (v.is_unknown()) return v.is_error() ? Truth::kError : Truth::kMissing;
  return Truth::kFalse;
}

VectorCondition::VectorCondition(std::shared_ptr<const Plan> plan) : plan_(std::move(plan)) {}

VectorCondition VectorCondition::Compile(const CheckedExpr& condition, const Schema& schema) {
  Planner planner(schema);
  auto plan = std::make_shared<Plan>();
  plan->root = planner.Root(condition);
  plan->slots = planner.slots();
  return VectorCondition(std::move(plan));
}

void VectorCondition::Evaluate(const RowBatch& batch, Scratch* scratch, Truth* out) const {
  const uint32_t n = static_cast<uint32_t>(batch.size);
  if (n == 0) return;
  Scratch::Impl& s = *scratch->impl_;
  if (s.buffers.size() < static_cast<size_t>(plan_->slots)) s.buffers.resize(plan_->slots);
  if (++s.generation == 0) {  // wrapped: entries of the old generation 1, 2, ... must not match
    for (auto& b : s.buffers) std::fill(b.cache.begin(), b.cache.end(), CacheEntry{});
    s.generation = 1;
  }
  const Vec v = Executor(batch, s, n).Eval(plan_->root, Sel{nullptr, n});
  std::memcpy(out, v.t, n);
}

std::string VectorCondition::Dump() const {
  std::string out;
  DumpNode(plan_->root, 0, &out);
  return out;
}

}  // namespace hunch
