// Canonical printing of expression syntax trees (used for hashing, lint and `explain`).
#include "rules/ast.h"

#include <fmt/format.h>

#include "rules/lexer.h"
#include "rules/text.h"

namespace hunch::ast {
namespace {

bool IsPlainIdent(const std::string& s) {
  if (s.empty() || !(isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return !NeedsBackquotes(s);
}

void PrintTo(const Expr& e, std::string* out) {
  switch (e.kind) {
    case Kind::kNull:
      *out += "null";
      return;
    case Kind::kBool:
      *out += e.bool_value ? "true" : "false";
      return;
    case Kind::kInt:
      *out += std::to_string(e.int_value);
      return;
    case Kind::kUint:
      *out += std::to_string(e.uint_value) + "u";
      return;
    case Kind::kDouble:
      *out += FormatDouble(e.double_value, /*force_point=*/true);
      return;
    case Kind::kString:
      *out += QuoteString(e.text);
      return;
    case Kind::kBytes:
      *out += "b" + QuoteString(e.text);
      return;
    case Kind::kIdent:
      *out += IsPlainIdent(e.text) ? e.text : "`" + e.text + "`";
      return;
    case Kind::kList:
    case Kind::kMap: {
      *out += e.kind == Kind::kList ? "[" : "{";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) *out += (e.kind == Kind::kMap && i % 2 == 1) ? ": " : ", ";
        PrintTo(*e.args[i], out);
      }
      *out += e.kind == Kind::kList ? "]" : "}";
      return;
    }
    case Kind::kUnary:
      *out += e.text;
      if (e.text == "-" && e.args[0]->kind == Kind::kInt) {
        // "-5" would read back as the literal -5, and "-0" as 0: keep the operator.
        *out += "(";
        PrintTo(*e.args[0], out);
        *out += ")";
        return;
      }
      PrintTo(*e.args[0], out);
      return;
    case Kind::kBinary:
      *out += "(";
      PrintTo(*e.args[0], out);
      *out += " " + e.text + " ";
      PrintTo(*e.args[1], out);
      *out += ")";
      return;
    case Kind::kConditional:
      *out += "(";
      PrintTo(*e.args[0], out);
      *out += " ? ";
      PrintTo(*e.args[1], out);
      *out += " : ";
      PrintTo(*e.args[2], out);
      *out += ")";
      return;
    case Kind::kCall: {
      size_t first = 0;
      if (e.has_target) {
        PrintTo(*e.args[0], out);
        *out += ".";
        first = 1;
      }
      // A backquoted function or method name keeps its backquotes too (expr_fuzz).
      *out += (IsPlainIdent(e.text) ? e.text : "`" + e.text + "`") + "(";
      for (size_t i = first; i < e.args.size(); ++i) {
        if (i > first) *out += ", ";
        PrintTo(*e.args[i], out);
      }
      *out += ")";
      return;
    }
    case Kind::kIndex:
      PrintTo(*e.args[0], out);
      *out += "[";
      PrintTo(*e.args[1], out);
      *out += "]";
      return;
    case Kind::kSelect:
      PrintTo(*e.args[0], out);
      // A backquoted field name keeps its backquotes, or the print would not parse back.
      *out += "." + (IsPlainIdent(e.text) ? e.text : "`" + e.text + "`");
      return;
  }
}

void DumpTo(const Expr& e, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  switch (e.kind) {
    case Kind::kUnary:
    case Kind::kBinary:
      *out += "op " + e.text;
      break;
    case Kind::kConditional:
      *out += "conditional";
      break;
    case Kind::kCall:
      *out += (e.has_target ? "method " : "call ") + e.text;
      break;
    case Kind::kIndex:
      *out += "index";
      break;
    case Kind::kSelect:
      *out += "select ." + e.text;
      break;
    case Kind::kList:
      *out += "list";
      break;
    case Kind::kMap:
      *out += "map";
      break;
    default:
      PrintTo(e, out);
      break;
  }
  *out += fmt::format("  @{}..{}\n", e.begin, e.end);
  for (const auto& a : e.args) DumpTo(*a, depth + 1, out);
}

}  // namespace

std::string Print(const Expr& e) {
  std::string out;
  PrintTo(e, &out);
  return out;
}

std::string Dump(const Expr& e) {
  std::string out;
  DumpTo(e, 0, &out);
  return out;
}

}  // namespace hunch::ast
