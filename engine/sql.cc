// The SQL code generator: checked rule sets compiled to one query per dialect, with the engine's
// semantics (three-valued logic, CEL numbers, byte order of strings, RE2 regexes) kept exactly.
//
// Every expression compiles to two SQL expressions: its value (NULL when the engine's value is
// unknown) and, when the expression can hit a runtime error, a boolean that is true exactly when
// the engine's value is an error (so per-rule error counts match too). The table holds one typed
// column per input and NULL for a missing cell; values in the rule file's `missing:` list are
// mapped to NULL as well.
#include "hunch/sql.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "engine/interpreter.h"
#include "engine/ruleset_impl.h"
#include "engine/sql_regex.h"
#include "rules/text.h"

namespace hunch {
namespace {

constexpr std::string_view kIntMax = "9223372036854775807";
constexpr std::string_view kIntMin = "(-9223372036854775807 - 1)";

struct DialectInfo {
  SqlDialect id;
  std::string_view name;
  std::string_view int_type, double_type, text_type;
  RegexFlavor regex;
};

constexpr DialectInfo kDialects[] = {
    {SqlDialect::kPostgres, "postgres", "BIGINT", "DOUBLE PRECISION", "TEXT",
     RegexFlavor::kPostgres},
    {SqlDialect::kSqlite, "sqlite", "INTEGER", "REAL", "TEXT", RegexFlavor::kRe2},
    {SqlDialect::kDuckDb, "duckdb", "BIGINT", "DOUBLE", "VARCHAR", RegexFlavor::kRe2},
    {SqlDialect::kSpark, "spark", "BIGINT", "DOUBLE", "STRING", RegexFlavor::kJava},
    {SqlDialect::kBigQuery, "bigquery", "INT64", "FLOAT64", "STRING", RegexFlavor::kRe2},
    {SqlDialect::kTrino, "trino", "BIGINT", "DOUBLE", "VARCHAR", RegexFlavor::kJava},
};

const DialectInfo& Info(SqlDialect d) {
  for (const auto& info : kDialects) {
    if (info.id == d) return info;
  }
  return kDialects[0];
}

// A compiled expression: its value, and when non-empty, when its value is a runtime error.
struct Frag {
  std::string val;
  std::string err;               // empty: never an error
  bool maybe_nonfinite = false;  // a double that can be NaN or infinite
};

std::string OrAll(const std::vector<std::string>& parts) {
  std::string out;
  int n = 0;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    out += (n++ == 0 ? "" : " OR ") + p;
  }
  return n > 1 ? "(" + out + ")" : out;
}

class SqlWriter {
 public:
  SqlWriter(const CheckedRuleSet& rs, const SqlOptions& options)
      : rs_(rs), options_(options), d_(Info(options.dialect)) {}

  Result<std::string> Build() {
    std::string sql = options_.mode == SqlMode::kPredict ? Predict() : Eval();
    if (!error_.empty()) return InvalidArgument(error_);
    if (sql.size() > options_.max_query_bytes) {
      return InvalidArgument(
          fmt::format("{}: error: the {} query would be {} bytes, over the limit of {}: split the "
                      "rule set or simplify nested integer arithmetic",
                      rs_.file.path, d_.name, sql.size(), options_.max_query_bytes));
    }
    return sql;
  }

 private:
  bool Is(SqlDialect d) const { return d_.id == d; }

  void Fail(std::string_view construct) {
    if (!error_.empty()) return;
    error_ = fmt::format("{}: error: {}: {} SQL cannot express exactly {}", rs_.file.path, where_,
                         d_.name, construct);
  }

  // ---- Quoting ----

  std::string Ident(std::string_view name) {
    if (name.find('\0') != std::string_view::npos) {
      Fail(fmt::format("the column name {} (it holds a NUL character)", QuoteString(name)));
      return "";
    }
    std::string out;
    if (Is(SqlDialect::kSpark) || Is(SqlDialect::kBigQuery)) {
      out = "`";
      for (char c : name) {
        if (c == '`')
          out += Is(SqlDialect::kSpark) ? "``" : "\\`";
        else if (c == '\\' && Is(SqlDialect::kBigQuery))
          out += "\\\\";
        else
          out += c;
      }
      return out + "`";
    }
    out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }

  std::string Table() {
    std::string out;
    size_t start = 0;
    for (;;) {
      size_t dot = options_.table.find('.', start);
      if (!out.empty()) out += '.';
      out += Ident(std::string_view(options_.table)
                       .substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return out;
  }

  // A string literal that no content can break out of.
  std::string Str(std::string_view s) {
    const bool backslash_escapes = Is(SqlDialect::kSpark) || Is(SqlDialect::kBigQuery);
    if (s.find('\0') != std::string_view::npos) {
      if (Is(SqlDialect::kPostgres)) {
        Fail(fmt::format("the string {} (PostgreSQL text cannot hold a NUL character)",
                         QuoteString(s)));
        return "''";
      }
      if (Is(SqlDialect::kSqlite)) {
        std::string hex = "CAST(X'";
        for (unsigned char c : s) hex += fmt::format("{:02X}", c);
        return hex + "' AS TEXT)";
      }
      if (Is(SqlDialect::kDuckDb) || Is(SqlDialect::kTrino)) {
        std::string out = "(";
        size_t start = 0;
        for (;;) {
          size_t nul = s.find('\0', start);
          out += Str(s.substr(start, nul == std::string_view::npos ? nul : nul - start));
          if (nul == std::string_view::npos) break;
          out += " || chr(0) || ";
          start = nul + 1;
        }
        return out + ")";
      }
    }
    std::string out = "'";
    bool has_backslash = false;
    for (unsigned char c : s) {
      if (c == '\'') {
        out += backslash_escapes ? "\\'" : "''";
      } else if (c == '\\') {
        has_backslash = true;
        out += backslash_escapes || Is(SqlDialect::kPostgres) ? "\\\\" : "\\";
      } else if (backslash_escapes && c < 0x20) {
        out += fmt::format("\\u{:04X}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
    out += "'";
    // E'' reads backslash escapes whatever standard_conforming_strings says.
    if (Is(SqlDialect::kPostgres) && has_backslash) return "E" + out;
    return out;
  }

  std::string Bool(bool b) {
    if (Is(SqlDialect::kSqlite)) return b ? "1" : "0";
    return b ? "TRUE" : "FALSE";
  }

  std::string Int(int64_t i) {
    if (i == std::numeric_limits<int64_t>::min()) return std::string(kIntMin);
    return std::to_string(i);
  }

  std::string Double(double v) {
    if (std::isnan(v)) {
      switch (d_.id) {
        case SqlDialect::kSqlite:
          Fail("NaN (SQLite has no NaN)");
          return "NULL";
        case SqlDialect::kTrino:
          return "nan()";
        default:
          return fmt::format("CAST('NaN' AS {})", d_.double_type);
      }
    }
    if (std::isinf(v)) {
      switch (d_.id) {
        case SqlDialect::kSqlite:
          return v > 0 ? "9e999" : "-9e999";
        case SqlDialect::kTrino:
          return v > 0 ? "infinity()" : "-infinity()";
        default:
          return fmt::format("CAST('{}' AS {})", v > 0 ? "Infinity" : "-Infinity", d_.double_type);
      }
    }
    std::string digits = FormatDouble(v);
    switch (d_.id) {
      case SqlDialect::kPostgres:
        // A bare 0.1 is NUMERIC in PostgreSQL; the text goes through strtod, correctly rounded.
        return fmt::format("CAST('{}' AS DOUBLE PRECISION)", digits);
      case SqlDialect::kSqlite:
      case SqlDialect::kBigQuery:
        return digits.find_first_of(".e") == std::string::npos ? digits + ".0" : digits;
      default:
        // DuckDB, Spark and Trino read 1.5 as DECIMAL; an exponent makes it DOUBLE.
        return digits.find('e') == std::string::npos ? digits + "E0" : digits;
    }
  }

  std::string Null(Type t) {
    switch (t.kind) {
      case TypeKind::kInt:
        return fmt::format("CAST(NULL AS {})", d_.int_type);
      case TypeKind::kDouble:
        return fmt::format("CAST(NULL AS {})", d_.double_type);
      case TypeKind::kString:
        return fmt::format("CAST(NULL AS {})", d_.text_type);
      case TypeKind::kBool:
        if (Is(SqlDialect::kSqlite)) return "NULL";
        return Is(SqlDialect::kBigQuery) ? "CAST(NULL AS BOOL)" : "CAST(NULL AS BOOLEAN)";
      default:
        return "NULL";
    }
  }

  std::string ToDouble(const std::string& v) {
    return fmt::format("CAST({} AS {})", v, d_.double_type);
  }

  std::string IsNan(const std::string& v) {
    switch (d_.id) {
      case SqlDialect::kPostgres:
        // PostgreSQL's NaN equals itself (and sorts above every number).
        return fmt::format("{} = {}", v, Double(std::nan("")));
      case SqlDialect::kBigQuery:
        return fmt::format("IS_NAN({})", v);
      case SqlDialect::kTrino:
        return fmt::format("is_nan({})", v);
      default:
        return fmt::format("isnan({})", v);
    }
  }

  // ---- The missing list, the label ----

  // A column read: values in the `missing:` list that parse as the column's type are NULL too.
  std::string ColumnRef(int column) {
    const Column& col = rs_.schema.columns[column];
    std::string ref = Ident(col.name);
    std::set<std::string> seen;
    for (const auto& m : rs_.file.missing) {
      std::string lit = TypedLiteral(col.type, m);
      if (lit.empty() || !seen.insert(lit).second) continue;
      ref = fmt::format("NULLIF({}, {})", ref, lit);
    }
    return ref;
  }

  // `text` read as a cell of `type`, as a SQL literal; "" when it is not a valid cell.
  std::string TypedLiteral(ColumnType type, std::string_view text) {
    int64_t i = 0;
    double v = 0;
    if (!ParseTypedCell(type, text, &i, &v)) return "";
    switch (type) {
      case ColumnType::kString:
        return Str(text);
      case ColumnType::kInt:
        return Int(i);
      case ColumnType::kDouble:
        return Double(v);
      case ColumnType::kBool:
        return Bool(i != 0);
    }
    return "";
  }

  ColumnType LabelType() {
    int c = rs_.schema.Find(rs_.file.label.text);
    return c >= 0 ? rs_.schema.columns[c].type : ColumnType::kString;
  }

  std::string LabelRef() {
    int c = rs_.schema.Find(rs_.file.label.text);
    if (c >= 0) return ColumnRef(c);
    // Without its type, the label is read as text, whatever the column's type is.
    std::string ref = fmt::format("CAST({} AS {})", Ident(rs_.file.label.text), d_.text_type);
    for (const auto& m : rs_.file.missing) ref = fmt::format("NULLIF({}, {})", ref, Str(m));
    return ref;
  }

  // ---- Expressions ----

  Frag Compile(const CheckedExpr& e) {
    if (!error_.empty()) return {};
    if (e.type.kind == TypeKind::kDyn || e.op == Op::kDyn) {
      Fail("a value of type dyn (declare the column types with `inputs:` or pass --data)");
      return {};
    }
    if (e.op != Op::kConst && e.op != Op::kList && e.type.kind != TypeKind::kList &&
        !ReadsColumns(e)) {
      // Folded here with the engine itself: exact, and no database folds (and fails on) an
      // overflow in a branch that never runs.
      Value v = Evaluate(e, {});
      if (v.is_unknown()) return {Null(e.type), v.is_error() ? Bool(true) : ""};
      return Constant(v, e.type);
    }
    switch (e.op) {
      case Op::kConst:
        return Constant(e.constant, e.type);
      case Op::kError:
        return {Null(e.type), Bool(true)};
      case Op::kColumn:
        return {ColumnRef(e.column), ""};
      case Op::kHas:
        return {fmt::format("({} IS NOT NULL)", ColumnRef(e.column)), ""};
      case Op::kNot: {
        Frag a = Compile(e.args[0]);
        return {fmt::format("(NOT {})", a.val), a.err};
      }
      case Op::kNeg:
        return Negate(e);
      case Op::kAnd:
      case Op::kOr: {
        Frag a = Compile(e.args[0]), b = Compile(e.args[1]);
        Frag out{fmt::format("({} {} {})", a.val, e.op == Op::kAnd ? "AND" : "OR", b.val), ""};
        // Unknown unless decided; an error when an undecided side is one (the engine keeps it).
        if (!a.err.empty() || !b.err.empty())
          out.err = fmt::format("({} IS NULL AND {})", out.val, OrAll({a.err, b.err}));
        return out;
      }
      case Op::kConditional: {
        Frag c = Compile(e.args[0]), x = Compile(e.args[1]), y = Compile(e.args[2]);
        Frag out{fmt::format("(CASE WHEN {0} IS NULL THEN {1} WHEN {0} THEN {2} ELSE {3} END)",
                             c.val, Null(e.type), x.val, y.val),
                 ""};
        if (!c.err.empty() || !x.err.empty() || !y.err.empty()) {
          out.err =
              fmt::format("(CASE WHEN {} IS NULL THEN {} WHEN {} THEN {} ELSE {} END)", c.val,
                          c.err.empty() ? Bool(false) : c.err, c.val,
                          x.err.empty() ? Bool(false) : x.err, y.err.empty() ? Bool(false) : y.err);
        }
        out.maybe_nonfinite = x.maybe_nonfinite || y.maybe_nonfinite;
        return out;
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        return Arithmetic(e);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return Compare(e.op, e.args[0], e.args[1]);
      case Op::kIn:
        return In(e);
      case Op::kSize: {
        if (e.args[0].type.kind != TypeKind::kString) {
          Fail("size() of a list");
          return {};
        }
        Frag a = Compile(e.args[0]);
        const char* fn =
            Is(SqlDialect::kPostgres) || Is(SqlDialect::kSpark) || Is(SqlDialect::kBigQuery)
                ? "char_length"
                : "length";
        return {fmt::format("{}({})", fn, a.val), a.err};
      }
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith:
        return StringTest(e);
      case Op::kMatches:
        return Matches(e);
      case Op::kLowerAscii:
      case Op::kUpperAscii: {
        Frag a = Compile(e.args[0]);
        const bool lower = e.op == Op::kLowerAscii;
        if (Is(SqlDialect::kSqlite)) {
          // SQLite's lower() and upper() change ASCII letters only (without ICU).
          return {fmt::format("{}({})", lower ? "lower" : "upper", a.val), a.err};
        }
        const char* upper_letters = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
        const char* lower_letters = "'abcdefghijklmnopqrstuvwxyz'";
        return {fmt::format("translate({}, {}, {})", a.val, lower ? upper_letters : lower_letters,
                            lower ? lower_letters : upper_letters),
                a.err};
      }
      case Op::kToInt:
      case Op::kToDouble:
      case Op::kToString:
      case Op::kToBool:
        return Convert(e);
      case Op::kList:
        Fail("a list outside 'in'");
        return {};
      case Op::kIndex:
        Fail("list indexing");
        return {};
      case Op::kDyn:
        break;
    }
    Fail(fmt::format("the operator '{}'", OpName(e.op)));
    return {};
  }

  static bool ReadsColumns(const CheckedExpr& e) {
    if (e.op == Op::kColumn || e.op == Op::kHas) return true;
    for (const auto& a : e.args) {
      if (ReadsColumns(a)) return true;
    }
    return false;
  }

  Frag Constant(const Value& v, Type t) {
    switch (v.v.index()) {
      case 2:
        return {Bool(std::get<bool>(v.v)), ""};
      case 3:
        return {Int(std::get<int64_t>(v.v)), ""};
      case 4: {
        double x = std::get<double>(v.v);
        return {Double(x), "", !std::isfinite(x)};
      }
      case 5:
        return {Str(std::get<std::string>(v.v)), ""};
      default:
        Fail(t.kind == TypeKind::kList ? "a list outside 'in'" : "the null literal");
        return {};
    }
  }

  // An int operand of arithmetic: literals are typed BIGINT, so small ones do not overflow as
  // 32-bit integers (PostgreSQL, DuckDB, Spark and Trino type 3000 as INTEGER).
  std::string IntOperand(const CheckedExpr& e, const Frag& f) {
    if (e.op == Op::kConst && !Is(SqlDialect::kSqlite) && !Is(SqlDialect::kBigQuery))
      return fmt::format("CAST({} AS {})", f.val, d_.int_type);
    return f.val;
  }

  std::string IntDiv(const std::string& a, const std::string& b) {
    switch (d_.id) {
      case SqlDialect::kDuckDb:
        return fmt::format("({} // {})", a, b);
      case SqlDialect::kSpark:
        return fmt::format("({} DIV {})", a, b);
      case SqlDialect::kBigQuery:
        return fmt::format("DIV({}, {})", a, b);
      default:
        return fmt::format("({} / {})", a, b);
    }
  }

  std::string IntMod(const std::string& a, const std::string& b) {
    if (Is(SqlDialect::kBigQuery)) return fmt::format("MOD({}, {})", a, b);
    return fmt::format("({} % {})", a, b);
  }

  Frag Negate(const CheckedExpr& e) {
    Frag a = Compile(e.args[0]);
    if (e.type.kind == TypeKind::kDouble)
      return {fmt::format("(-{})", a.val), a.err, a.maybe_nonfinite};
    std::string x = IntOperand(e.args[0], a);
    std::string overflow = fmt::format("{} = {}", x, kIntMin);
    return {fmt::format("(CASE WHEN {} THEN NULL ELSE -{} END)", overflow, x),
            OrAll({a.err, fmt::format("COALESCE({}, {})", overflow, Bool(false))})};
  }

  // `x OP c` with an int constant c: the overflow test reduces to a bound on x, computed here.
  std::optional<Frag> IntArithmeticByConstant(const CheckedExpr& e, const std::string& x,
                                              const Frag& a) {
    const CheckedExpr& right = e.args[1];
    if (right.op != Op::kConst || right.constant.v.index() != 3) return std::nullopt;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    const int64_t c = std::get<int64_t>(right.constant.v);
    const std::string y = IntOperand(right, Frag{Int(c), ""});
    std::string bad, op;
    switch (e.op) {
      case Op::kAdd:
      case Op::kSub: {
        // x - c overflows as x + (-c) would, but -kMin does not exist: test it directly.
        const bool add = e.op == Op::kAdd;
        if (c == 0) return Frag{x, a.err};
        if (add ? c > 0 : c < 0)
          bad = fmt::format("{} > {}", x, Int(add ? kMax - c : kMax + c));
        else
          bad = fmt::format("{} < {}", x, Int(add ? kMin - c : kMin + c));
        op = fmt::format("({} {} {})", x, add ? "+" : "-", y);
        break;
      }
      case Op::kMul:
        if (c == 0 || c == 1) return std::nullopt;  // nothing to test; the general form is short
        if (c == -1)
          bad = fmt::format("{} = {}", x, kIntMin);
        else if (c > 0)
          bad = fmt::format("({0} > {1} OR {0} < {2})", x, Int(kMax / c), Int(kMin / c));
        else
          bad = fmt::format("({0} < {1} OR {0} > {2})", x, Int(kMax / c), Int(kMin / c));
        op = fmt::format("({} * {})", x, y);
        break;
      case Op::kDiv:
      case Op::kMod:
        op = e.op == Op::kDiv ? IntDiv(x, y) : IntMod(x, y);
        if (c == 0) {
          // Division by zero whenever x is known.
          return Frag{Null(e.type), OrAll({a.err, fmt::format("({} IS NOT NULL)", x)})};
        }
        if (c != -1) return Frag{op, a.err};
        bad = fmt::format("{} = {}", x, kIntMin);
        break;
      default:
        return std::nullopt;
    }
    return Frag{fmt::format("(CASE WHEN {} THEN NULL ELSE {} END)", bad, op),
                OrAll({a.err, fmt::format("COALESCE({}, {})", bad, Bool(false))})};
  }

  Frag Arithmetic(const CheckedExpr& e) {
    Frag a = Compile(e.args[0]), b = Compile(e.args[1]);
    if (!error_.empty()) return {};
    const TypeKind ka = e.args[0].type.kind, kb = e.args[1].type.kind;
    if (ka == TypeKind::kString && kb == TypeKind::kString && e.op == Op::kAdd)
      return {fmt::format("({} || {})", a.val, b.val), OrAll({a.err, b.err})};
    if (ka == TypeKind::kList || kb == TypeKind::kList) {
      Fail("list concatenation");
      return {};
    }
    if (ka == TypeKind::kInt && kb == TypeKind::kInt) {
      std::string x = IntOperand(e.args[0], a), y = IntOperand(e.args[1], b);
      std::string bad, op;
      if (auto known = IntArithmeticByConstant(e, x, a)) return *known;
      // Overflow tests that never overflow themselves (CERT INT32-C).
      switch (e.op) {
        case Op::kAdd:
          bad = fmt::format("(({1} > 0 AND {0} > {2} - {1}) OR ({1} < 0 AND {0} < {3} - {1}))", x,
                            y, kIntMax, kIntMin);
          op = fmt::format("({} + {})", x, y);
          break;
        case Op::kSub:
          bad = fmt::format("(({1} < 0 AND {0} > {2} + {1}) OR ({1} > 0 AND {0} < {3} + {1}))", x,
                            y, kIntMax, kIntMin);
          op = fmt::format("({} - {})", x, y);
          break;
        case Op::kMul:
          bad = fmt::format(
              "(({0} > 0 AND {1} > 0 AND {0} > {4}) OR ({0} > 0 AND {1} <= 0 AND {1} < {5}) OR "
              "({0} <= 0 AND {1} > 0 AND {0} < {6}) OR "
              "({0} < 0 AND {1} <= 0 AND {0} <> 0 AND {1} < {7}))",
              x, y, kIntMax, kIntMin, IntDiv(std::string(kIntMax), y),
              IntDiv(std::string(kIntMin), x), IntDiv(std::string(kIntMin), y),
              IntDiv(std::string(kIntMax), x));
          op = fmt::format("({} * {})", x, y);
          break;
        default:
          bad = fmt::format("({1} = 0 OR ({0} = {2} AND {1} = -1))", x, y, kIntMin);
          op = e.op == Op::kDiv ? IntDiv(x, y) : IntMod(x, y);
          break;
      }
      // The engine checks for overflow only when both operands are known.
      return {fmt::format("(CASE WHEN {} THEN NULL ELSE {} END)", bad, op),
              OrAll({a.err, b.err,
                     fmt::format("COALESCE({} IS NOT NULL AND {} IS NOT NULL AND {}, {})", x, y,
                                 bad, Bool(false))})};
    }
    // Numbers mixing int and double: the int converts to double, then IEEE 754 arithmetic.
    std::string x = ka == TypeKind::kInt ? ToDouble(a.val) : a.val;
    std::string y = kb == TypeKind::kInt ? ToDouble(b.val) : b.val;
    Frag out{"", OrAll({a.err, b.err}), true};
    if (e.op != Op::kDiv) {
      const char* sym = e.op == Op::kAdd ? "+" : e.op == Op::kSub ? "-" : "*";
      out.val = fmt::format("({} {} {})", x, sym, y);
      // Finite operands overflow to infinity only past DBL_MAX; PostgreSQL stops the query then.
      out.maybe_nonfinite = a.maybe_nonfinite || b.maybe_nonfinite || !Is(SqlDialect::kPostgres);
      return out;
    }
    switch (d_.id) {
      case SqlDialect::kBigQuery:
        out.val = fmt::format("IEEE_DIVIDE({}, {})", x, y);
        return out;
      case SqlDialect::kTrino:
        out.val = fmt::format("({} / {})", x, y);
        return out;
      default: {
        // Division by zero gives an infinity or NaN (IEEE 754); these engines stop or give NULL.
        // The sign of a zero divisor counts (1 / -0.0 is -Inf): atan2(-0.0, -1) is -pi.
        std::string nan_first =
            a.maybe_nonfinite && !Is(SqlDialect::kSqlite)
                ? fmt::format(" WHEN {} THEN {}", IsNan(x), Double(std::nan("")))
                : "";
        std::string zero_over_zero =
            Is(SqlDialect::kSqlite) ? "NULL" : Double(std::nan(""));  // SQLite: no NaN
        out.val = fmt::format(
            "(CASE WHEN {0} IS NULL OR {1} IS NULL THEN NULL WHEN {1} = 0 THEN (CASE{2} WHEN {0} = "
            "0 "
            "THEN {5} WHEN ({0} > 0) = (atan2({1}, -1) > 0) THEN {3} ELSE {4} END) ELSE {0} / {1} "
            "END)",
            x, y, nan_first, Double(INFINITY), Double(-INFINITY), zero_over_zero);
        return out;
      }
    }
  }

  bool IsNumber(TypeKind k) { return k == TypeKind::kInt || k == TypeKind::kDouble; }

  // ==, !=, <, <=, >, >= with CEL's rules: int vs double compares as doubles, NaN is unordered,
  // strings by bytes.
  Frag Compare(Op op, const CheckedExpr& left, const CheckedExpr& right) {
    Frag a = Compile(left), b = Compile(right);
    if (!error_.empty()) return {};
    const TypeKind ka = left.type.kind, kb = right.type.kind;
    const char* sym = op == Op::kLt   ? "<"
                      : op == Op::kLe ? "<="
                      : op == Op::kGt ? ">"
                      : op == Op::kGe ? ">="
                      : op == Op::kEq ? "="
                                      : "<>";
    std::string x = a.val, y = b.val;
    Frag out{"", OrAll({a.err, b.err})};
    if (IsNumber(ka) && IsNumber(kb)) {
      if (ka != kb) {
        if (ka == TypeKind::kInt) x = ToDouble(x);
        if (kb == TypeKind::kInt) y = ToDouble(y);
      }
      std::string cmp = fmt::format("({} {} {})", x, sym, y);
      if ((a.maybe_nonfinite || b.maybe_nonfinite) && !Is(SqlDialect::kSqlite)) {
        std::vector<std::string> nans;
        if (a.maybe_nonfinite) nans.push_back(IsNan(x));
        if (b.maybe_nonfinite) nans.push_back(IsNan(y));
        cmp =
            fmt::format("(CASE WHEN {} IS NULL OR {} IS NULL THEN {} WHEN {} THEN {} ELSE {} END)",
                        x, y, Null(Type{TypeKind::kBool}), OrAll(nans), Bool(op == Op::kNe), cmp);
      }
      out.val = cmp;
      return out;
    }
    if (ka != kb) {
      Fail(fmt::format("'{}' between {} and {}", sym, TypeName(left.type), TypeName(right.type)));
      return {};
    }
    if (ka == TypeKind::kString) {
      if (Is(SqlDialect::kPostgres)) {
        out.val = fmt::format("({} COLLATE \"C\" {} {})", x, sym, y);
      } else if (Is(SqlDialect::kSqlite)) {
        out.val = fmt::format("({} {} {} COLLATE BINARY)", x, sym, y);
      } else {
        out.val = fmt::format("({} {} {})", x, sym, y);
      }
      return out;
    }
    if (ka == TypeKind::kBool) {
      out.val = fmt::format("({} {} {})", x, sym, y);
      return out;
    }
    Fail(fmt::format("'{}' on {}", sym, TypeName(left.type)));
    return {};
  }

  Frag In(const CheckedExpr& e) {
    const CheckedExpr& list = e.args[1];
    if (list.op != Op::kList) {
      Fail("'in' on a list that is not written out");
      return {};
    }
    Frag x = Compile(e.args[0]);
    if (!error_.empty()) return {};
    if (list.args.empty()) {
      return {fmt::format("(CASE WHEN {} IS NULL THEN {} ELSE {} END)", x.val,
                          Null(Type{TypeKind::kBool}), Bool(false)),
              x.err};
    }
    // Constants of the same type as x: a plain IN list.
    bool simple = !x.maybe_nonfinite || Is(SqlDialect::kSqlite);
    for (const auto& item : list.args) {
      simple =
          simple && item.op == Op::kConst && item.type.kind == e.args[0].type.kind &&
          (item.type.kind != TypeKind::kDouble || std::isfinite(std::get<double>(item.constant.v)));
    }
    if (simple) {
      std::vector<std::string> items;
      for (const auto& item : list.args) items.push_back(Compile(item).val);
      std::string lhs = x.val;
      if (e.args[0].type.kind == TypeKind::kString) {
        if (Is(SqlDialect::kPostgres)) lhs += " COLLATE \"C\"";
        if (Is(SqlDialect::kSqlite)) lhs += " COLLATE BINARY";
      }
      return {fmt::format("({} IN ({}))", lhs, fmt::join(items, ", ")), x.err};
    }
    // Otherwise one comparison per item; an unknown item makes the whole list unknown.
    std::vector<std::string> tests, unknown_items, item_errors;
    for (const auto& item : list.args) {
      Frag eq = Compare(Op::kEq, e.args[0], item);
      Frag f = Compile(item);
      if (!error_.empty()) return {};
      tests.push_back(eq.val);
      if (item.op != Op::kConst) unknown_items.push_back(fmt::format("{} IS NULL", f.val));
      if (!f.err.empty()) item_errors.push_back(f.err);
    }
    std::string any = "(" + fmt::format("{}", fmt::join(tests, " OR ")) + ")";
    Frag out{any, ""};
    if (!unknown_items.empty()) {
      out.val = fmt::format("(CASE WHEN {} THEN {} ELSE {} END)",
                            fmt::format("{}", fmt::join(unknown_items, " OR ")),
                            Null(Type{TypeKind::kBool}), any);
    }
    // The list is evaluated first: its first unknown item decides whether it is an error.
    std::string list_err;
    if (!item_errors.empty()) {
      std::string first_unknown = "CASE";
      for (const auto& item : list.args) {
        Frag f = Compile(item);
        if (item.op == Op::kConst) continue;
        first_unknown +=
            fmt::format(" WHEN {} IS NULL THEN {}", f.val, f.err.empty() ? Bool(false) : f.err);
      }
      list_err = first_unknown + " ELSE " + Bool(false) + " END";
    }
    if (!x.err.empty() || !list_err.empty()) {
      // Both unknown: the error wins, whichever side holds it.
      out.err = OrAll({x.err, list_err.empty() ? "" : "(" + list_err + ")"});
    }
    return out;
  }

  Frag StringTest(const CheckedExpr& e) {
    Frag a = Compile(e.args[0]), b = Compile(e.args[1]);
    if (!error_.empty()) return {};
    Frag out{"", OrAll({a.err, b.err})};
    const char* length =
        Is(SqlDialect::kPostgres) || Is(SqlDialect::kSpark) || Is(SqlDialect::kBigQuery)
            ? "char_length"
            : "length";
    std::string eq_collate = Is(SqlDialect::kPostgres) ? " COLLATE \"C\""
                             : Is(SqlDialect::kSqlite) ? " COLLATE BINARY"
                                                       : "";
    switch (e.op) {
      case Op::kContains:
        out.val = Is(SqlDialect::kSqlite) || Is(SqlDialect::kSpark)
                      ? fmt::format("(instr({}, {}) > 0)", a.val, b.val)
                      : fmt::format("(strpos({}, {}) > 0)", a.val, b.val);
        break;
      case Op::kStartsWith:
        out.val =
            fmt::format("(substr({0}, 1, {2}({1})){3} = {1})", a.val, b.val, length, eq_collate);
        break;
      default:
        // A start before 1 (t longer than s) yields fewer characters than t: never equal.
        out.val = fmt::format("(substr({0}, {2}({0}) - {2}({1}) + 1){3} = {1})", a.val, b.val,
                              length, eq_collate);
        break;
    }
    return out;
  }

  Frag Matches(const CheckedExpr& e) {
    Frag a = Compile(e.args[0]);
    if (!error_.empty()) return {};
    if (e.args[1].op != Op::kConst || e.args[1].constant.v.index() != 5) {
      Fail("matches() with a pattern that is not a literal");
      return {};
    }
    const std::string& pattern = std::get<std::string>(e.args[1].constant.v);
    std::string translated, why;
    if (!TranslateRegex(pattern, d_.regex, &translated, &why)) {
      Fail(fmt::format("the regex {}, which uses {}", QuoteString(pattern), why));
      return {};
    }
    std::string lit = Str(translated);
    switch (d_.id) {
      case SqlDialect::kPostgres:
        return {fmt::format("({} ~ {})", a.val, lit), a.err};
      case SqlDialect::kSqlite:
        return {fmt::format("({} REGEXP {})", a.val, lit), a.err};
      case SqlDialect::kDuckDb:
        return {fmt::format("regexp_matches({}, {})", a.val, lit), a.err};
      case SqlDialect::kSpark:
        return {fmt::format("({} RLIKE {})", a.val, lit), a.err};
      case SqlDialect::kBigQuery:
        return {fmt::format("REGEXP_CONTAINS({}, {})", a.val, lit), a.err};
      case SqlDialect::kTrino:
        return {fmt::format("regexp_like({}, {})", a.val, lit), a.err};
    }
    return {};
  }

  Frag Convert(const CheckedExpr& e) {
    Frag a = Compile(e.args[0]);
    if (!error_.empty()) return {};
    const TypeKind from = e.args[0].type.kind;
    const TypeKind to = e.type.kind;
    if (from == to) return a;
    if (to == TypeKind::kDouble && from == TypeKind::kInt) return {ToDouble(a.val), a.err};
    if (to == TypeKind::kString && from == TypeKind::kInt)
      return {fmt::format("CAST({} AS {})", a.val, d_.text_type), a.err};
    if (to == TypeKind::kString && from == TypeKind::kBool) {
      return {fmt::format("(CASE WHEN {0} THEN {1} WHEN NOT {0} THEN {2} END)", a.val, Str("true"),
                          Str("false")),
              a.err};
    }
    if (to == TypeKind::kInt && from == TypeKind::kDouble) {
      // CEL rejects both ends, -2^63 and 2^63; truncation toward zero inside. NaN fails the range
      // test in every dialect (PostgreSQL, DuckDB and Spark order NaN above all numbers).
      std::string in_range =
          fmt::format("({0} > {1} AND {0} < {2})", a.val, Double(-9223372036854775808.0),
                      Double(9223372036854775808.0));
      std::string truncated =
          Is(SqlDialect::kSqlite) || Is(SqlDialect::kSpark)
              ? a.val
              : fmt::format("{}({})", Is(SqlDialect::kTrino) ? "truncate" : "trunc", a.val);
      return {
          fmt::format("(CASE WHEN {} THEN CAST({} AS {}) END)", in_range, truncated, d_.int_type),
          OrAll({a.err, fmt::format("COALESCE(NOT {}, {})", in_range, Bool(false))})};
    }
    if (to == TypeKind::kBool && from == TypeKind::kString) {
      std::string yes = fmt::format("{}, {}, {}, {}, {}", Str("1"), Str("t"), Str("true"),
                                    Str("True"), Str("TRUE"));
      std::string no = fmt::format("{}, {}, {}, {}, {}", Str("0"), Str("f"), Str("false"),
                                   Str("False"), Str("FALSE"));
      std::string s = a.val;
      if (Is(SqlDialect::kPostgres)) s += " COLLATE \"C\"";
      return {
          fmt::format("(CASE WHEN {0} IN ({1}) THEN {3} WHEN {0} IN ({2}) THEN {4} END)", s, yes,
                      no, Bool(true), Bool(false)),
          OrAll({a.err, fmt::format("COALESCE({} NOT IN ({}, {}), {})", s, yes, no, Bool(false))})};
    }
    // int(string), double(string) and string(double) read and write numbers exactly as the
    // engine's parser and printer do; SQL casts accept and print other spellings.
    Fail(fmt::format("{}() of a {}", OpName(e.op), TypeName(e.args[0].type)));
    return {};
  }

  // ---- Rules and queries ----

  std::vector<int> EnabledRules() const {
    std::vector<int> out;
    for (size_t j = 0; j < rs_.rules.size(); ++j) {
      if (rs_.rules[j].enabled) out.push_back(static_cast<int>(j));
    }
    return out;
  }

  Frag RuleCondition(int j) {
    where_ = fmt::format("rule '{}' (line {})", rs_.rules[j].name, rs_.rules[j].pos.line);
    return Compile(rs_.rules[j].condition);
  }

  std::string ClassName(int c) { return c < 0 ? "NULL" : Str(rs_.class_names[c]); }

  std::string Predict() {
    const std::vector<int> enabled = EnabledRules();
    std::string rule_col = Ident("rule"), prediction_col = Ident("prediction"),
                confidence_col = Ident("confidence");
    std::string rule_case = "CASE";
    for (int j : enabled) {
      Frag f = RuleCondition(j);
      rule_case += fmt::format("\n      WHEN {} THEN {}", f.val, Str(rs_.rules[j].name));
    }
    rule_case = enabled.empty() ? Null(Type{TypeKind::kString}) : rule_case + "\n    END";
    // Rules grouped by what they predict, in rule order.
    std::map<int, std::vector<std::string>> by_class;
    std::map<double, std::vector<std::string>> by_confidence;
    for (int j : enabled) {
      by_class[rs_.rules[j].predict].push_back(Str(rs_.rules[j].name));
      if (rs_.rules[j].confidence)
        by_confidence[*rs_.rules[j].confidence].push_back(Str(rs_.rules[j].name));
    }
    std::string prediction =
        fmt::format("CASE WHEN s.{} IS NULL THEN {}", rule_col, ClassName(rs_.default_class));
    for (const auto& [c, names] : by_class) {
      if (c < 0) continue;
      prediction += fmt::format("\n    WHEN s.{} IN ({}) THEN {}", rule_col, fmt::join(names, ", "),
                                ClassName(c));
    }
    prediction += "\n  END";
    std::string confidence = Null(Type{TypeKind::kDouble});
    if (!by_confidence.empty()) {
      confidence = "CASE";
      for (const auto& [v, names] : by_confidence)
        confidence += fmt::format("\n    WHEN s.{} IN ({}) THEN {}", rule_col,
                                  fmt::join(names, ", "), Double(v));
      confidence += "\n  END";
    }
    return fmt::format(
        "-- hunch: rules {} (sha256 {}) compiled for {}: first match.\n"
        "SELECT s.*,\n"
        "  {} AS {},\n"
        "  {} AS {}\n"
        "FROM (\n"
        "  SELECT t.*,\n"
        "    {} AS {}\n"
        "  FROM {} AS t\n"
        ") AS s\n",
        Comment(rs_.file.name.text), rs_.sha256, d_.name, prediction, prediction_col, confidence,
        confidence_col, rule_case, rule_col, Table());
  }

  // Text safe inside a -- comment.
  static std::string Comment(std::string_view s) {
    std::string out;
    for (char c : s) out += c == '\n' || c == '\r' || c == '\0' ? ' ' : c;
    return out;
  }

  std::string Eval() {
    const std::vector<int> enabled = EnabledRules();
    // The label: missing (-1), a class (0..k-1), or another value (-2).
    where_ = "the label column";
    std::string label = LabelRef();
    std::string actual = fmt::format("CASE WHEN {} IS NULL THEN -1", label);
    const ColumnType label_type = LabelType();
    for (size_t c = 0; c < rs_.raw_labels.size(); ++c) {
      std::string lit = TypedLiteral(label_type, rs_.raw_labels[c]);
      if (lit.empty()) continue;  // no cell of this type reads as this label
      if (label_type == ColumnType::kString && Is(SqlDialect::kPostgres))
        actual += fmt::format(" WHEN {} COLLATE \"C\" = {} THEN {}", label, lit, c);
      else if (label_type == ColumnType::kString && Is(SqlDialect::kSqlite))
        actual += fmt::format(" WHEN {} = {} COLLATE BINARY THEN {}", label, lit, c);
      else
        actual += fmt::format(" WHEN {} = {} THEN {}", label, lit, c);
    }
    actual += " ELSE -2 END";
    // One character per enabled rule: 1 fired, E a runtime error, 0 otherwise.
    std::vector<std::string> marks;
    for (int j : enabled) {
      Frag f = RuleCondition(j);
      marks.push_back(
          f.err.empty()
              ? fmt::format("CASE WHEN {} THEN '1' ELSE '0' END", f.val)
              : fmt::format("CASE WHEN {} THEN '1' WHEN {} THEN 'E' ELSE '0' END", f.val, f.err));
    }
    std::string pattern = marks.empty() ? "''" : fmt::format("{}", fmt::join(marks, "\n      || "));
    std::string slices;
    for (size_t s = 0; s < rs_.slices.size(); ++s) {
      where_ = fmt::format("slice '{}'", rs_.slices[s].name);
      const CheckedSlice& sl = rs_.slices[s];
      Frag f = Compile(sl.expr);
      std::string text;
      switch (sl.expr.type.kind) {
        case TypeKind::kString:
          text = f.val;
          break;
        case TypeKind::kInt:
          text = fmt::format("CAST({} AS {})", f.val, d_.text_type);
          break;
        case TypeKind::kBool:
          text = fmt::format("CASE WHEN {} THEN {} ELSE {} END", f.val, Str("true"), Str("false"));
          break;
        default:
          Fail(fmt::format("a slice of type {} (its values print differently in SQL)",
                           TypeName(sl.expr.type)));
          break;
      }
      slices += fmt::format(",\n    CASE WHEN {0} IS NULL THEN {1} ELSE {2} END AS hunch_slice_{3}",
                            f.val,
                            f.err.empty() ? Str("(missing)")
                                          : fmt::format("CASE WHEN {} THEN {} ELSE {} END", f.err,
                                                        Str("(error)"), Str("(missing)")),
                            text, s);
    }
    std::string text_null = Null(Type{TypeKind::kString});
    std::string out = fmt::format(
        "-- hunch: rules {} (sha256 {}) compiled for {}: eval counts.\n"
        "-- Columns: actual (class index; -1 missing label, -2 other label), label (the other\n"
        "-- label), pattern (per enabled rule: 1 fired, E error, 0 not), slice, slice_value, n.\n"
        "-- Save the result as CSV and run: hunch eval RULES --from-counts FILE\n"
        "WITH hunch_scored AS (\n"
        "  SELECT\n"
        "    {} AS hunch_actual,\n"
        "    CAST({} AS {}) AS hunch_label,\n"
        "    {} AS hunch_pattern{}\n"
        "  FROM {} AS t\n"
        ")\n"
        "SELECT hunch_actual AS actual,\n"
        "  CASE WHEN hunch_actual = -2 THEN hunch_label END AS label,\n"
        "  CASE WHEN hunch_actual >= 0 THEN hunch_pattern END AS pattern,\n"
        "  -1 AS slice, {} AS slice_value, COUNT(*) AS n\n"
        "FROM hunch_scored\n"
        "GROUP BY 1, 2, 3\n",
        Comment(rs_.file.name.text), rs_.sha256, d_.name, actual, label, d_.text_type, pattern,
        slices, Table(), text_null);
    for (size_t s = 0; s < rs_.slices.size(); ++s) {
      out += fmt::format(
          "UNION ALL\n"
          "SELECT hunch_actual, {}, hunch_pattern, {}, hunch_slice_{}, COUNT(*)\n"
          "FROM hunch_scored WHERE hunch_actual >= 0\n"
          "GROUP BY 1, 3, 5\n",
          text_null, s, s);
    }
    out += "ORDER BY 4, 1, 2, 3, 5\n";
    return out;
  }

  const CheckedRuleSet& rs_;
  const SqlOptions& options_;
  const DialectInfo& d_;
  std::string where_;
  std::string error_;
};

}  // namespace

std::optional<SqlDialect> ParseSqlDialect(std::string_view name) {
  for (const auto& info : kDialects) {
    if (info.name == name) return info.id;
  }
  return std::nullopt;
}

std::string_view SqlDialectName(SqlDialect dialect) { return Info(dialect).name; }

std::vector<std::string> SqlDialectNames() {
  std::vector<std::string> out;
  for (const auto& info : kDialects) out.emplace_back(info.name);
  return out;
}

Result<std::string> CompileToSql(const RuleSet& rules, const SqlOptions& options) {
  const CheckedRuleSet& rs = rules.impl().checked;
  if (!rs.schema_known) {
    return InvalidArgument(fmt::format(
        "{}: error: SQL needs the column types: declare them with `inputs:` or pass the data",
        rs.file.path));
  }
  if (options.table.empty()) return InvalidArgument("error: the table name is empty");
  if (rs.policy != Policy::kFirstMatch) {
    return InvalidArgument(
        fmt::format("{}: error: policy '{}' cannot be compiled to SQL yet; only first_match can",
                    rs.file.path, PolicyName(rs.policy)));
  }
  return SqlWriter(rs, options).Build();
}

const std::vector<std::string>& SqlCountColumns() {
  static const std::vector<std::string> kColumns = {"actual", "label",       "pattern",
                                                    "slice",  "slice_value", "n"};
  return kColumns;
}

}  // namespace hunch
