// The type checker: resolves names and functions, infers types, compiles regexes.
#include "rules/checker.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>

#include "rules/text.h"

namespace hunch {
namespace {

using ast::Expr;
using ast::Kind;

bool IsNumeric(TypeKind k) { return k == TypeKind::kInt || k == TypeKind::kDouble; }
bool IsDyn(Type t) { return t.kind == TypeKind::kDyn; }
bool IsErr(Type t) { return t.kind == TypeKind::kError; }
constexpr Type kBoolT{TypeKind::kBool}, kIntT{TypeKind::kInt}, kDoubleT{TypeKind::kDouble},
    kStringT{TypeKind::kString}, kDynT{TypeKind::kDyn}, kErrT{TypeKind::kError},
    kNullT{TypeKind::kNull};

// Two scalar kinds that may be compared for equality or membership.
bool EqualityCompatible(TypeKind a, TypeKind b) {
  if (a == TypeKind::kDyn || b == TypeKind::kDyn) return true;
  if (IsNumeric(a) && IsNumeric(b)) return true;
  return a == b;
}

const std::vector<std::string>& KnownFunctions() {
  static const std::vector<std::string> kNames = {
      "size", "contains", "startsWith", "endsWith", "matches", "lowerAscii", "upperAscii",
      "has",  "int",      "double",     "string",   "bool",    "dyn"};
  return kNames;
}

class Checker {
 public:
  Checker(const Schema& schema, const CheckOptions& options, std::vector<std::string>* extra)
      : schema_(schema), options_(options), extra_(extra) {}

  CheckResult Run(const Expr& root) {
    CheckResult r;
    CheckedExpr e = Visit(root);
    r.errors = std::move(errors_);
    r.columns_read = std::move(columns_read_);
    if (r.errors.empty()) r.expr = std::move(e);
    return r;
  }

 private:
  CheckedExpr Make(Op op, Type type, const Expr& src) {
    CheckedExpr c;
    c.op = op;
    c.type = type;
    c.begin = src.begin;
    c.end = src.end;
    return c;
  }

  // Reports an error; with type checks off, turns the node into a runtime error instead.
  CheckedExpr Fail(const Expr& at, std::string code, std::string message) {
    if (options_.check_types || code == "unsupported") {
      errors_.push_back({at.begin, at.end, std::move(code), message});
      return Make(Op::kError, kErrT, at);
    }
    CheckedExpr c = Make(Op::kError, kDynT, at);
    c.constant = Value::Error(std::move(message));
    return c;
  }

  CheckedExpr Visit(const Expr& e) {
    switch (e.kind) {
      case Kind::kNull:
        return Const(e, Value(nullptr), kNullT);
      case Kind::kBool:
        return Const(e, Value(e.bool_value), kBoolT);
      case Kind::kInt:
        return Const(e, Value(e.int_value), kIntT);
      case Kind::kDouble:
        return Const(e, Value(e.double_value), kDoubleT);
      case Kind::kString:
        return Const(e, Value(e.text), kStringT);
      case Kind::kUint:
        return Fail(e, "unsupported", "unsigned integers are not supported: write an int (no 'u')");
      case Kind::kBytes:
        return Fail(e, "unsupported", "bytes literals are not supported: data cells are text");
      case Kind::kMap:
        return Fail(e, "unsupported", "maps are not supported: rows hold scalar cells");
      case Kind::kSelect:
        return Fail(e, "unsupported",
                    fmt::format("field selection '.{}' is not supported: rows are flat; to name a "
                                "column whose name contains '.', quote it with backquotes",
                                e.text));
      case Kind::kIdent:
        return Ident(e);
      case Kind::kList:
        return List(e);
      case Kind::kUnary:
        return Unary(e);
      case Kind::kBinary:
        return Binary(e);
      case Kind::kConditional:
        return Conditional(e);
      case Kind::kIndex:
        return Index(e);
      case Kind::kCall:
        return Call(e);
    }
    return Fail(e, "internal", "unhandled syntax node");
  }

  CheckedExpr Const(const Expr& e, Value v, Type t) {
    CheckedExpr c = Make(Op::kConst, t, e);
    c.constant = std::move(v);
    return c;
  }

  void NoteColumn(const std::string& name) {
    if (std::find(columns_read_.begin(), columns_read_.end(), name) == columns_read_.end()) {
      columns_read_.push_back(name);
    }
  }

  // Resolves a column name; returns -1 (after reporting) when unknown.
  int ResolveColumn(const Expr& e, Type* type) {
    int idx = schema_.Find(e.text);
    if (idx >= 0) {
      NoteColumn(e.text);
      switch (schema_.columns[idx].type) {
        case ColumnType::kBool:
          *type = kBoolT;
          break;
        case ColumnType::kInt:
          *type = kIntT;
          break;
        case ColumnType::kDouble:
          *type = kDoubleT;
          break;
        case ColumnType::kString:
          *type = kStringT;
          break;
      }
      return idx;
    }
    // Columns of unknown type: found in `extra_`, and added to it when unknown names are allowed.
    if (extra_ != nullptr) {
      auto it = std::find(extra_->begin(), extra_->end(), e.text);
      if (it == extra_->end()) {
        if (!options_.allow_unknown_columns) return -1;
        extra_->push_back(e.text);
        it = extra_->end() - 1;
      }
      NoteColumn(e.text);
      *type = kDynT;
      return static_cast<int>(schema_.columns.size() + (it - extra_->begin()));
    }
    return -1;
  }

  std::string UnknownColumnMessage(const std::string& name) {
    std::vector<std::string> names;
    for (const auto& c : schema_.columns) names.push_back(c.name);
    std::string hint = ClosestMatch(name, names);
    static constexpr std::string_view kTypeNames[] = {
        "int", "uint", "double", "string", "bool", "bytes", "list", "map", "null_type", "type"};
    for (auto t : kTypeNames) {
      if (name == t) return fmt::format("type values such as '{}' are not supported", name);
    }
    if (!hint.empty()) return fmt::format("unknown column '{}' (did you mean '{}'?)", name, hint);
    return fmt::format("unknown column '{}'", name);
  }

  CheckedExpr Ident(const Expr& e) {
    Type t;
    int idx = ResolveColumn(e, &t);
    if (idx < 0) return Fail(e, "unknown-column", UnknownColumnMessage(e.text));
    CheckedExpr c = Make(Op::kColumn, t, e);
    c.column = idx;
    return c;
  }

  CheckedExpr List(const Expr& e) {
    CheckedExpr c = Make(Op::kList, Type{TypeKind::kList, TypeKind::kDyn}, e);
    bool first = true;
    TypeKind elem = TypeKind::kDyn;
    for (const auto& a : e.args) {
      c.args.push_back(Visit(*a));
      TypeKind k = c.args.back().type.kind;
      if (k == TypeKind::kError) {
        c.type = kErrT;
        continue;
      }
      if (first)
        elem = k;
      else if (elem != k)
        elem = TypeKind::kDyn;
      first = false;
    }
    if (!first && c.type.kind == TypeKind::kList) {
      c.type.elem = elem == TypeKind::kList ? TypeKind::kDyn : elem;
    }
    return c;
  }

  CheckedExpr Unary(const Expr& e) {
    CheckedExpr operand = Visit(*e.args[0]);
    Type t = operand.type;
    Op op = e.text == "!" ? Op::kNot : Op::kNeg;
    CheckedExpr c = Make(op, op == Op::kNot ? kBoolT : t, e);
    c.args.push_back(std::move(operand));
    if (IsErr(t)) {
      c.type = kErrT;
      return c;
    }
    if (!options_.check_types || IsDyn(t)) {
      if (IsDyn(t)) c.type = op == Op::kNot ? kBoolT : kDynT;
      if (!options_.check_types) c.type = kDynT;
      return c;
    }
    if (op == Op::kNot && t.kind != TypeKind::kBool) {
      return Fail(e, "type-mismatch",
                  fmt::format("'!' needs a bool operand, found {}", TypeName(t)));
    }
    if (op == Op::kNeg && !IsNumeric(t.kind)) {
      return Fail(e, "type-mismatch", fmt::format("'-' needs a number, found {}", TypeName(t)));
    }
    return c;
  }

  CheckedExpr Binary(const Expr& e) {
    static const std::pair<const char*, Op> kOps[] = {
        {"&&", Op::kAnd}, {"||", Op::kOr}, {"+", Op::kAdd}, {"-", Op::kSub}, {"*", Op::kMul},
        {"/", Op::kDiv},  {"%", Op::kMod}, {"<", Op::kLt},  {"<=", Op::kLe}, {">", Op::kGt},
        {">=", Op::kGe},  {"==", Op::kEq}, {"!=", Op::kNe}, {"in", Op::kIn}};
    Op op = Op::kAnd;
    for (const auto& [name, o] : kOps) {
      if (e.text == name) op = o;
    }
    CheckedExpr lhs = Visit(*e.args[0]);
    CheckedExpr rhs = Visit(*e.args[1]);
    Type a = lhs.type, b = rhs.type;
    CheckedExpr c = Make(op, kDynT, e);
    c.args.push_back(std::move(lhs));
    c.args.push_back(std::move(rhs));
    if (IsErr(a) || IsErr(b)) {
      c.type = kErrT;
      return c;
    }
    if (!options_.check_types) {
      return c;  // every operator is resolved at run time
    }
    auto mismatch = [&](std::string_view what) {
      return Fail(
          e, "type-mismatch",
          fmt::format("no operator '{}' for {} and {}{}", e.text, TypeName(a), TypeName(b), what));
    };
    switch (op) {
      case Op::kAnd:
      case Op::kOr:
        if ((a.kind != TypeKind::kBool && !IsDyn(a)) || (b.kind != TypeKind::kBool && !IsDyn(b))) {
          return mismatch(": both sides must be bool");
        }
        c.type = kBoolT;
        return c;
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        if (IsDyn(a) || IsDyn(b)) {
          c.type = kDynT;
          return c;
        }
        if (op == Op::kMod) {
          if (a.kind == TypeKind::kInt && b.kind == TypeKind::kInt) {
            c.type = kIntT;
            return c;
          }
          return mismatch(": '%' needs two ints");
        }
        if (IsNumeric(a.kind) && IsNumeric(b.kind)) {
          c.type = (a.kind == TypeKind::kInt && b.kind == TypeKind::kInt) ? kIntT : kDoubleT;
          return c;
        }
        if (op == Op::kAdd && a.kind == b.kind &&
            (a.kind == TypeKind::kString || a.kind == TypeKind::kList)) {
          c.type = a.kind == TypeKind::kList
                       ? Type{TypeKind::kList, a.elem == b.elem ? a.elem : TypeKind::kDyn}
                       : a;
          return c;
        }
        return mismatch("");
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        c.type = kBoolT;
        auto orderable = [](TypeKind k) {
          return IsNumeric(k) || k == TypeKind::kString || k == TypeKind::kBool ||
                 k == TypeKind::kDyn;
        };
        if (!orderable(a.kind) || !orderable(b.kind) || !EqualityCompatible(a.kind, b.kind)) {
          return mismatch("");
        }
        return c;
      }
      case Op::kEq:
      case Op::kNe:
        c.type = kBoolT;
        if ((a.kind == TypeKind::kNull) != (b.kind == TypeKind::kNull) && !IsDyn(a) && !IsDyn(b)) {
          return Fail(e, "type-mismatch",
                      fmt::format("'{}' compares {} with null, which is never equal: a missing "
                                  "cell is unknown, not null; test it with has(column)",
                                  e.text, TypeName(a.kind == TypeKind::kNull ? b : a)));
        }
        if (!EqualityCompatible(a.kind, b.kind)) return mismatch(": the values can never be equal");
        if (a.kind == TypeKind::kList && !EqualityCompatible(a.elem, b.elem)) return mismatch("");
        return c;
      case Op::kIn:
        c.type = kBoolT;
        if (IsDyn(b)) return c;
        if (b.kind != TypeKind::kList) return mismatch(": the right side of 'in' must be a list");
        if (!EqualityCompatible(a.kind, b.elem)) {
          return Fail(e, "type-mismatch",
                      fmt::format("'in' looks for {} {} in a list of {}: it can never be found",
                                  a.kind == TypeKind::kInt ? "an" : "a", TypeName(a),
                                  TypeName(Type{b.elem})));
        }
        return c;
      default:
        return c;
    }
  }

  CheckedExpr Conditional(const Expr& e) {
    CheckedExpr cond = Visit(*e.args[0]);
    CheckedExpr then = Visit(*e.args[1]);
    CheckedExpr otherwise = Visit(*e.args[2]);
    Type ct = cond.type, a = then.type, b = otherwise.type;
    CheckedExpr c = Make(Op::kConditional, a, e);
    c.args.push_back(std::move(cond));
    c.args.push_back(std::move(then));
    c.args.push_back(std::move(otherwise));
    if (IsErr(ct) || IsErr(a) || IsErr(b)) {
      c.type = kErrT;
      return c;
    }
    if (!options_.check_types) {
      c.type = kDynT;
      return c;
    }
    if (ct.kind != TypeKind::kBool && !IsDyn(ct)) {
      return Fail(*e.args[0], "type-mismatch",
                  fmt::format("the condition of '?:' must be bool, found {}", TypeName(ct)));
    }
    if (a == b) return c;
    if (IsDyn(a) || IsDyn(b)) {
      c.type = kDynT;
      return c;
    }
    return Fail(e, "type-mismatch",
                fmt::format("the branches of '?:' have different types: {} and {}", TypeName(a),
                            TypeName(b)));
  }

  CheckedExpr Index(const Expr& e) {
    CheckedExpr base = Visit(*e.args[0]);
    CheckedExpr index = Visit(*e.args[1]);
    Type bt = base.type, it = index.type;
    CheckedExpr c = Make(Op::kIndex, kDynT, e);
    c.args.push_back(std::move(base));
    c.args.push_back(std::move(index));
    if (IsErr(bt) || IsErr(it)) {
      c.type = kErrT;
      return c;
    }
    if (!options_.check_types) return c;
    if (bt.kind == TypeKind::kList) {
      if (it.kind != TypeKind::kInt && !IsDyn(it)) {
        return Fail(*e.args[1], "type-mismatch",
                    fmt::format("a list index must be an int, found {}", TypeName(it)));
      }
      c.type = Type{bt.elem};
      return c;
    }
    if (IsDyn(bt)) return c;
    return Fail(e, "type-mismatch", fmt::format("cannot index a {}", TypeName(bt)));
  }

  CheckedExpr Call(const Expr& e) {
    const std::string& f = e.text;
    const size_t nargs = e.args.size();
    // has(column) takes a name, not a value, so it is resolved before its argument is visited.
    if (f == "has" && !e.has_target) {
      if (nargs != 1 || e.args[0]->kind != Kind::kIdent) {
        return Fail(e, "bad-call", "has() takes one column name, e.g. has(amount)");
      }
      Type t;
      int idx = ResolveColumn(*e.args[0], &t);
      if (idx < 0) return Fail(*e.args[0], "unknown-column", UnknownColumnMessage(e.args[0]->text));
      CheckedExpr c = Make(Op::kHas, kBoolT, e);
      c.column = idx;
      return c;
    }
    std::vector<CheckedExpr> args;
    bool any_error = false;
    for (const auto& a : e.args) {
      args.push_back(Visit(*a));
      any_error |= IsErr(args.back().type);
    }
    auto result = [&](Op op, Type t) {
      CheckedExpr c = Make(op, options_.check_types ? t : kDynT, e);
      c.args = std::move(args);
      if (any_error) c.type = kErrT;
      return c;
    };
    // Receiver-style functions may also be called as f(x, ...) (CEL allows size(x), matches(s,
    // re)).
    struct Sig {
      const char* name;
      Op op;
      int arity;     // including the receiver
      TypeKind arg;  // type of the non-receiver argument
      Type out;
    };
    static const Sig kStringFns[] = {
        {"contains", Op::kContains, 2, TypeKind::kString, kBoolT},
        {"startsWith", Op::kStartsWith, 2, TypeKind::kString, kBoolT},
        {"endsWith", Op::kEndsWith, 2, TypeKind::kString, kBoolT},
        {"matches", Op::kMatches, 2, TypeKind::kString, kBoolT},
        {"lowerAscii", Op::kLowerAscii, 1, TypeKind::kString, kStringT},
        {"upperAscii", Op::kUpperAscii, 1, TypeKind::kString, kStringT},
    };
    for (const auto& s : kStringFns) {
      if (f != s.name) continue;
      if (static_cast<int>(nargs) != s.arity) {
        return Fail(
            e, "bad-call",
            fmt::format("{}() takes {} argument{}", f, s.arity - 1, s.arity - 1 == 1 ? "" : "s"));
      }
      if (any_error) return result(s.op, s.out);
      if (options_.check_types) {
        for (size_t i = 0; i < nargs; ++i) {
          TypeKind k = args[i].type.kind;
          if (k != TypeKind::kString && k != TypeKind::kDyn) {
            return Fail(*e.args[i], "type-mismatch",
                        fmt::format("{}() needs a string {}, found {}", f,
                                    i == 0 ? "receiver" : "argument", TypeName(args[i].type)));
          }
        }
      }
      CheckedExpr c = result(s.op, s.out);
      if (s.op == Op::kMatches) {
        const CheckedExpr& pattern = c.args[1];
        if (pattern.op != Op::kConst || pattern.constant.v.index() != 5) {
          return Fail(*e.args[1], "bad-regex",
                      "matches() needs a string literal pattern, so it compiles once at load time");
        }
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_max_mem(options_.regex_max_mem);
        auto re = std::make_shared<RE2>(std::get<std::string>(pattern.constant.v), opts);
        if (!re->ok()) {
          return Fail(*e.args[1], "bad-regex", fmt::format("invalid regex: {}", re->error()));
        }
        c.regex = std::move(re);
      }
      return c;
    }
    if (f == "size") {
      if (nargs != 1) return Fail(e, "bad-call", "size() takes one string or list");
      TypeKind k = args[0].type.kind;
      if (options_.check_types && !any_error && k != TypeKind::kString && k != TypeKind::kList &&
          k != TypeKind::kDyn) {
        return Fail(
            e, "type-mismatch",
            fmt::format("size() needs a string or a list, found {}", TypeName(args[0].type)));
      }
      return result(Op::kSize, kIntT);
    }
    struct Conv {
      const char* name;
      Op op;
      Type out;
      std::initializer_list<TypeKind> from;
    };
    static const Conv kConversions[] = {
        {"int", Op::kToInt, kIntT, {TypeKind::kInt, TypeKind::kDouble, TypeKind::kString}},
        {"double", Op::kToDouble, kDoubleT, {TypeKind::kInt, TypeKind::kDouble, TypeKind::kString}},
        {"string",
         Op::kToString,
         kStringT,
         {TypeKind::kInt, TypeKind::kDouble, TypeKind::kString, TypeKind::kBool}},
        {"bool", Op::kToBool, kBoolT, {TypeKind::kBool, TypeKind::kString}},
    };
    if (!e.has_target) {
      for (const auto& cv : kConversions) {
        if (f != cv.name) continue;
        if (nargs != 1) return Fail(e, "bad-call", fmt::format("{}() takes one argument", f));
        TypeKind k = args[0].type.kind;
        bool allowed = k == TypeKind::kDyn || any_error ||
                       std::find(cv.from.begin(), cv.from.end(), k) != cv.from.end();
        if (options_.check_types && !allowed) {
          return Fail(e, "type-mismatch",
                      fmt::format("cannot convert {} to {}", TypeName(args[0].type), f));
        }
        return result(cv.op, cv.out);
      }
      if (f == "dyn") {
        if (nargs != 1) return Fail(e, "bad-call", "dyn() takes one argument");
        return result(Op::kDyn, kDynT);
      }
      if (f == "type") {
        return Fail(e, "unsupported", "type() is not supported: type values are out of the subset");
      }
    }
    std::string hint = ClosestMatch(f, KnownFunctions());
    return Fail(e, "unknown-function",
                hint.empty() || hint == f
                    ? fmt::format("unknown function '{}'{}", f, e.has_target ? " as a method" : "")
                    : fmt::format("unknown function '{}' (did you mean '{}'?)", f, hint));
  }

  const Schema& schema_;
  const CheckOptions& options_;
  std::vector<std::string>* extra_;
  std::vector<CheckError> errors_;
  std::vector<std::string> columns_read_;
};

}  // namespace

std::string TypeName(Type t) {
  switch (t.kind) {
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kString:
      return "string";
    case TypeKind::kNull:
      return "null";
    case TypeKind::kList:
      return "list(" + TypeName(Type{t.elem}) + ")";
    case TypeKind::kDyn:
      return "dyn";
    case TypeKind::kError:
      return "error";
  }
  return "?";
}

CheckResult Check(const ast::Expr& expr, const Schema& schema, const CheckOptions& options,
                  std::vector<std::string>* extra_columns) {
  return Checker(schema, options, extra_columns).Run(expr);
}

}  // namespace hunch
