// Lint of a checked rule set: rules that can never win, disabled rules, unused classes, leakage.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "rules/compile.h"

namespace hunch {
namespace {

bool SameValue(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return false;
  if (a.v.index() == 6) {
    const auto& x = *std::get<ListPtr>(a.v);
    const auto& y = *std::get<ListPtr>(b.v);
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!SameValue(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.v.index() == 0) return false;
  return a.v == b.v;
}

bool SameExpr(const CheckedExpr& a, const CheckedExpr& b) {
  if (a.op != b.op || a.column != b.column || a.args.size() != b.args.size()) return false;
  if (a.op == Op::kConst && !SameValue(a.constant, b.constant)) return false;
  if (a.op == Op::kMatches && a.regex != b.regex && a.args[1].op == Op::kConst &&
      !SameValue(a.args[1].constant, b.args[1].constant)) {
    return false;
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!SameExpr(a.args[i], b.args[i])) return false;
  }
  return true;
}

// `column OP constant` in a normalized form: the set of values that make it true.
struct Atom {
  int column = -1;
  // Numeric interval (lo, hi) with inclusive flags; or a finite set of constants (values).
  bool numeric = false;
  double lo = -std::numeric_limits<double>::infinity(),
         hi = std::numeric_limits<double>::infinity();
  bool lo_incl = false, hi_incl = false;
  std::optional<std::vector<Value>> values;  // == or in: true exactly for these values
};

std::optional<double> AsNumber(const Value& v) {
  if (v.v.index() == 3) return static_cast<double>(std::get<int64_t>(v.v));
  if (v.v.index() == 4) return std::get<double>(v.v);
  return std::nullopt;
}

std::optional<Atom> ToAtom(const CheckedExpr& e) {
  if (e.args.size() != 2) return std::nullopt;
  const CheckedExpr* col = &e.args[0];
  const CheckedExpr* lit = &e.args[1];
  Op op = e.op;
  if (col->op != Op::kColumn && lit->op == Op::kColumn && op != Op::kIn) {
    std::swap(col, lit);
    switch (op) {  // constant OP column -> column OP' constant
      case Op::kLt:
        op = Op::kGt;
        break;
      case Op::kLe:
        op = Op::kGe;
        break;
      case Op::kGt:
        op = Op::kLt;
        break;
      case Op::kGe:
        op = Op::kLe;
        break;
      default:
        break;
    }
  }
  if (col->op != Op::kColumn) return std::nullopt;
  Atom a;
  a.column = col->column;
  if (op == Op::kIn && lit->op == Op::kList) {
    std::vector<Value> values;
    for (const auto& item : lit->args) {
      if (item.op != Op::kConst) return std::nullopt;
      values.push_back(item.constant);
    }
    a.values = std::move(values);
    return a;
  }
  if (lit->op != Op::kConst) return std::nullopt;
  if (op == Op::kEq) {
    a.values = std::vector<Value>{lit->constant};
    return a;
  }
  auto n = AsNumber(lit->constant);
  if (!n) return std::nullopt;
  a.numeric = true;
  switch (op) {
    case Op::kLt:
      a.hi = *n;
      break;
    case Op::kLe:
      a.hi = *n;
      a.hi_incl = true;
      break;
    case Op::kGt:
      a.lo = *n;
      break;
    case Op::kGe:
      a.lo = *n;
      a.lo_incl = true;
      break;
    default:
      return std::nullopt;
  }
  return a;
}

bool InInterval(double x, const Atom& a) {
  bool above = a.lo_incl ? x >= a.lo : x > a.lo;
  bool below = a.hi_incl ? x <= a.hi : x < a.hi;
  return above && below;
}

bool ValueIn(const Value& v, const std::vector<Value>& set) {
  for (const auto& s : set) {
    if (SameValue(v, s)) return true;
    auto x = AsNumber(v), y = AsNumber(s);
    if (x && y && *x == *y) return true;
  }
  return false;
}

// ToAtom of each expression node, computed once: the shadowing lint compares every pair of rules,
// and converting (and allocating) per pair made 10,000 rules take seconds.
class AtomCache {
 public:
  const std::optional<Atom>& Of(const CheckedExpr& e) {
    auto it = atoms_.find(&e);
    if (it == atoms_.end()) it = atoms_.emplace(&e, ToAtom(e)).first;
    return it->second;
  }

 private:
  std::unordered_map<const CheckedExpr*, std::optional<Atom>> atoms_;
};

// Every row that makes `b` true makes `a` true (sound, not complete).
bool AtomImplies(const CheckedExpr& b, const CheckedExpr& a, AtomCache* cache) {
  if (SameExpr(a, b)) return true;
  const auto& x = cache->Of(b);
  const auto& y = cache->Of(a);
  if (!x || !y || x->column != y->column) return false;
  if (x->values) {
    for (const auto& v : *x->values) {
      if (y->values) {
        if (!ValueIn(v, *y->values)) return false;
      } else {
        auto n = AsNumber(v);
        if (!n || !InInterval(*n, *y)) return false;
      }
    }
    return true;
  }
  if (y->values || !x->numeric || !y->numeric) return false;
  bool lo_ok = x->lo > y->lo || (x->lo == y->lo && (y->lo_incl || !x->lo_incl));
  bool hi_ok = x->hi < y->hi || (x->hi == y->hi && (y->hi_incl || !x->hi_incl));
  return lo_ok && hi_ok;
}

void Conjuncts(const CheckedExpr& e, std::vector<const CheckedExpr*>* out) {
  if (e.op == Op::kAnd) {
    Conjuncts(e.args[0], out);
    Conjuncts(e.args[1], out);
  } else {
    out->push_back(&e);
  }
}

bool Implies(const std::vector<const CheckedExpr*>& b, const CheckedExpr& a, AtomCache* cache) {
  if (a.op == Op::kAnd) return Implies(b, a.args[0], cache) && Implies(b, a.args[1], cache);
  if (a.op == Op::kOr) return Implies(b, a.args[0], cache) || Implies(b, a.args[1], cache);
  for (const CheckedExpr* c : b) {
    if (c->op == Op::kOr) {
      std::vector<const CheckedExpr*> left, right;
      Conjuncts(c->args[0], &left);
      Conjuncts(c->args[1], &right);
      if (Implies(left, a, cache) && Implies(right, a, cache)) return true;
    } else if (AtomImplies(*c, a, cache)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void LintRuleSet(const CheckedRuleSet& rs, std::vector<Diagnostic>* diagnostics) {
  auto warn = [&](SourcePos pos, std::string code, std::string message) {
    diagnostics->push_back(
        MakeDiagnostic(rs.file, Severity::kWarning, pos, 1, std::move(code), std::move(message)));
  };
  std::vector<bool> predicted(rs.class_names.size(), false);
  if (rs.default_class >= 0) predicted[rs.default_class] = true;
  AtomCache atoms;
  for (size_t j = 0; j < rs.rules.size(); ++j) {
    const CheckedRule& r = rs.rules[j];
    if (!r.enabled) {
      warn(r.pos, "disabled-rule", fmt::format("rule '{}' is disabled (enabled: false)", r.name));
      continue;
    }
    if (r.predict >= 0) predicted[r.predict] = true;
    for (const auto& c : r.columns_read) {
      if (c == rs.file.label.text) {
        warn(r.pos, "reads-label",
             fmt::format(
                 "rule '{}' reads the label column '{}': its predictions leak the ground truth",
                 r.name, c));
      }
    }
    // Under the combining policies every rule that fires votes: an earlier rule takes nothing.
    if (rs.policy != Policy::kFirstMatch) continue;
    std::vector<const CheckedExpr*> mine;
    Conjuncts(r.condition, &mine);
    for (size_t i = 0; i < j; ++i) {
      const CheckedRule& earlier = rs.rules[i];
      if (!earlier.enabled || !Implies(mine, earlier.condition, &atoms)) continue;
      warn(r.pos, "shadowed-rule",
           fmt::format("rule '{}' can never win: every row it fires on is taken first by rule '{}' "
                       "(line {}), whose condition is the same or wider",
                       r.name, earlier.name, earlier.pos.line));
      break;
    }
  }
  for (size_t k = 0; k < predicted.size(); ++k) {
    if (!predicted[k]) {
      warn(rs.file.classes[k].name_pos, "unused-class",
           fmt::format("class '{}' is never predicted: no enabled rule and not the default",
                       rs.class_names[k]));
    }
  }
}

}  // namespace hunch
