// Names and printing of runtime values and checked expressions.
#include "rules/value.h"

#include <fmt/format.h>

#include "rules/checked.h"
#include "rules/text.h"

namespace hunch {

const char* ValueKindName(const Value& v) {
  static constexpr const char* kNames[] = {"unknown", "null",   "bool", "int",
                                           "double",  "string", "list"};
  return kNames[v.v.index()];
}

std::string ValueToString(const Value& v) {
  switch (v.v.index()) {
    case 0: {
      const auto& u = std::get<Unknown>(v.v);
      return u.error ? "error (" + u.reason + ")" : "unknown (" + u.reason + ")";
    }
    case 1:
      return "null";
    case 2:
      return std::get<bool>(v.v) ? "true" : "false";
    case 3:
      return std::to_string(std::get<int64_t>(v.v));
    case 4:
      return FormatDouble(std::get<double>(v.v), true);
    case 5:
      return QuoteString(std::get<std::string>(v.v));
    default: {
      std::string out = "[";
      const auto& list = *std::get<ListPtr>(v.v);
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ", ";
        out += ValueToString(list[i]);
      }
      return out + "]";
    }
  }
}

const char* OpName(Op op) {
  switch (op) {
    case Op::kConst:
      return "const";
    case Op::kColumn:
      return "column";
    case Op::kList:
      return "list";
    case Op::kError:
      return "error";
    case Op::kNot:
      return "!";
    case Op::kNeg:
      return "neg";
    case Op::kAnd:
      return "&&";
    case Op::kOr:
      return "||";
    case Op::kConditional:
      return "?:";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kIn:
      return "in";
    case Op::kIndex:
      return "index";
    case Op::kSize:
      return "size";
    case Op::kContains:
      return "contains";
    case Op::kStartsWith:
      return "startsWith";
    case Op::kEndsWith:
      return "endsWith";
    case Op::kMatches:
      return "matches";
    case Op::kLowerAscii:
      return "lowerAscii";
    case Op::kUpperAscii:
      return "upperAscii";
    case Op::kHas:
      return "has";
    case Op::kToInt:
      return "int";
    case Op::kToDouble:
      return "double";
    case Op::kToString:
      return "string";
    case Op::kToBool:
      return "bool";
    case Op::kDyn:
      return "dyn";
  }
  return "?";
}

namespace {
void DumpTo(const CheckedExpr& e, const std::vector<std::string>& names, int depth,
            std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  if (e.op == Op::kConst) {
    *out += ValueToString(e.constant);
  } else if (e.op == Op::kColumn || e.op == Op::kHas) {
    std::string name = e.column >= 0 && e.column < static_cast<int>(names.size())
                           ? names[e.column]
                           : fmt::format("#{}", e.column);
    *out += fmt::format("{} {}", e.op == Op::kHas ? "has" : "column", name);
  } else {
    *out += OpName(e.op);
  }
  *out += " : " + TypeName(e.type) + "\n";
  for (const auto& a : e.args) DumpTo(a, names, depth + 1, out);
}
}  // namespace

std::string DumpChecked(const CheckedExpr& e, const std::vector<std::string>& column_names) {
  std::string out;
  DumpTo(e, column_names, 0, &out);
  return out;
}

}  // namespace hunch
