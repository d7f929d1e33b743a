// The expression parser: recursive descent over CEL's grammar, with a depth guard.
#include "rules/parser.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "rules/lexer.h"

namespace hunch {
namespace {

using ast::Expr;
using ast::ExprPtr;
using ast::Kind;

struct Failure {};  // unwinds the descent after the first error; never escapes this file

class Parser {
 public:
  Parser(std::string_view src, const ParseLimits& limits) : lexer_(src), limits_(limits) {}

  ParseResult Run() {
    ParseResult r;
    try {
      Advance();  // inside the try: the first token may already be a lexical error
      ExprPtr e = ParseExpr();
      if (tok_.kind != Tok::kEnd) {
        Fail(tok_, fmt::format("unexpected {} after a complete expression", Describe(tok_)));
      }
      r.expr = std::move(e);
    } catch (const Failure&) {
      r.error = error_;
    }
    return r;
  }

 private:
  // Counts the nesting of the syntax tree against limits_.max_depth, and restores it on exit.
  // A chain such as `a && b && c` builds a left-deep tree, one level per operator, so a chain
  // keeps one guard for all its operators: every walk of the tree (checker, printer, evaluator,
  // destructor) recurses as deep as the tree is.
  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p(p), saved(p->depth_) {}
    DepthGuard(Parser* p, const Token& at) : DepthGuard(p) { Nest(at); }
    ~DepthGuard() { p->depth_ = saved; }
    void Nest(const Token& at) {
      if (++p->depth_ > p->limits_.max_depth) {
        p->Fail(at,
                fmt::format("expression is nested too deeply (limit {})", p->limits_.max_depth));
      }
    }
    Parser* p;
    int saved;
  };

  void Advance() {
    tok_ = lexer_.Next();
    if (tok_.kind == Tok::kError) Fail(tok_, tok_.text);
  }

  [[noreturn]] void Fail(const Token& at, std::string message) {
    error_.begin = at.begin;
    error_.end = at.end > at.begin ? at.end : at.begin + 1;
    error_.message = std::move(message);
    throw Failure{};
  }
  [[noreturn]] void FailAt(uint32_t begin, uint32_t end, std::string message) {
    Token t;
    t.begin = begin;
    t.end = end;
    Fail(t, std::move(message));
  }

  static std::string Describe(const Token& t) {
    if (t.kind == Tok::kIdent) return fmt::format("identifier '{}'", t.text);
    return std::string(TokName(t.kind));
  }

  void Expect(Tok kind, std::string_view context) {
    if (tok_.kind != kind) {
      Fail(tok_, fmt::format("expected {} {}, found {}", TokName(kind), context, Describe(tok_)));
    }
    Advance();
  }

  static ExprPtr Node(Kind kind, uint32_t begin, uint32_t end) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->begin = begin;
    e->end = end;
    return e;
  }
  static ExprPtr Binary(std::string op, ExprPtr lhs, ExprPtr rhs) {
    auto e = Node(Kind::kBinary, lhs->begin, rhs->end);
    e->text = std::move(op);
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    return e;
  }

  // Expr = Or ["?" Or ":" Expr]
  ExprPtr ParseExpr() {
    DepthGuard guard(this, tok_);
    ExprPtr cond = ParseOr();
    if (tok_.kind != Tok::kQuestion) return cond;
    Advance();
    ExprPtr then = ParseOr();
    Expect(Tok::kColon, "in a conditional 'c ? a : b'");
    ExprPtr otherwise = ParseExpr();
    auto e = Node(Kind::kConditional, cond->begin, otherwise->end);
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(then));
    e->args.push_back(std::move(otherwise));
    return e;
  }

  ExprPtr ParseOr() {
    DepthGuard guard(this);
    ExprPtr lhs = ParseAnd();
    while (tok_.kind == Tok::kOrOr || tok_.kind == Tok::kOr) {
      guard.Nest(tok_);
      Advance();
      lhs = Binary("||", std::move(lhs), ParseAnd());
    }
    return lhs;
  }

  ExprPtr ParseAnd() {
    DepthGuard guard(this);
    ExprPtr lhs = ParseRelation();
    while (tok_.kind == Tok::kAndAnd || tok_.kind == Tok::kAnd) {
      guard.Nest(tok_);
      Advance();
      lhs = Binary("&&", std::move(lhs), ParseRelation());
    }
    return lhs;
  }

  ExprPtr ParseRelation() {
    DepthGuard guard(this);
    ExprPtr lhs = ParseAddition();
    while (true) {
      std::string op;
      bool negate = false;
      switch (tok_.kind) {
        case Tok::kLt:
          op = "<";
          break;
        case Tok::kLe:
          op = "<=";
          break;
        case Tok::kGt:
          op = ">";
          break;
        case Tok::kGe:
          op = ">=";
          break;
        case Tok::kEqEq:
          op = "==";
          break;
        case Tok::kNe:
          op = "!=";
          break;
        case Tok::kIn:
          op = "in";
          break;
        case Tok::kNot:
          op = "in";
          negate = true;
          break;  // `x not in [...]`
        default:
          return lhs;
      }
      guard.Nest(tok_);
      const Token op_tok = tok_;
      Advance();
      if (negate) {
        if (tok_.kind != Tok::kIn) Fail(op_tok, "unexpected 'not' here: did you mean 'not in'?");
        Advance();
      }
      ExprPtr rhs = ParseAddition();
      ExprPtr e = Binary(op, std::move(lhs), std::move(rhs));
      if (negate) {
        auto n = Node(Kind::kUnary, e->begin, e->end);
        n->text = "!";
        n->args.push_back(std::move(e));
        e = std::move(n);
      }
      lhs = std::move(e);
    }
  }

  ExprPtr ParseAddition() {
    DepthGuard guard(this);
    ExprPtr lhs = ParseMultiplication();
    while (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus) {
      guard.Nest(tok_);
      std::string op = tok_.kind == Tok::kPlus ? "+" : "-";
      Advance();
      lhs = Binary(op, std::move(lhs), ParseMultiplication());
    }
    return lhs;
  }

  ExprPtr ParseMultiplication() {
    DepthGuard guard(this);
    ExprPtr lhs = ParseUnary();
    while (tok_.kind == Tok::kStar || tok_.kind == Tok::kSlash || tok_.kind == Tok::kPercent) {
      guard.Nest(tok_);
      std::string op = tok_.kind == Tok::kStar ? "*" : tok_.kind == Tok::kSlash ? "/" : "%";
      Advance();
      lhs = Binary(op, std::move(lhs), ParseUnary());
    }
    return lhs;
  }

  ExprPtr ParseUnary() {
    DepthGuard guard(this, tok_);
    const Token start = tok_;
    if (tok_.kind == Tok::kBang || tok_.kind == Tok::kNot) {
      Advance();
      ExprPtr operand = ParseUnary();
      auto e = Node(Kind::kUnary, start.begin, operand->end);
      e->text = "!";
      e->args.push_back(std::move(operand));
      return e;
    }
    if (tok_.kind == Tok::kMinus) {
      Advance();
      // A minus directly before an integer literal is part of it, so -9223372036854775808 fits.
      if (tok_.kind == Tok::kInt) {
        Token lit = tok_;
        Advance();
        if (tok_.kind != Tok::kDot && tok_.kind != Tok::kLBracket) {
          constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
          if (lit.int_overflow || lit.magnitude > kMinMagnitude) {
            FailAt(start.begin, lit.end, "integer literal is out of the 64-bit range");
          }
          auto e = Node(Kind::kInt, start.begin, lit.end);
          e->int_value = lit.magnitude == kMinMagnitude ? std::numeric_limits<int64_t>::min()
                                                        : -static_cast<int64_t>(lit.magnitude);
          return e;
        }
        ExprPtr operand = ParsePostfix(IntLiteral(lit));
        auto e = Node(Kind::kUnary, start.begin, operand->end);
        e->text = "-";
        e->args.push_back(std::move(operand));
        return e;
      }
      ExprPtr operand = ParseUnary();
      auto e = Node(Kind::kUnary, start.begin, operand->end);
      e->text = "-";
      e->args.push_back(std::move(operand));
      return e;
    }
    return ParsePostfix(ParsePrimary());
  }

  ExprPtr IntLiteral(const Token& t) {
    if (t.int_overflow ||
        t.magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Fail(t, "integer literal is out of the 64-bit range");
    }
    auto e = Node(Kind::kInt, t.begin, t.end);
    e->int_value = static_cast<int64_t>(t.magnitude);
    return e;
  }

  ExprPtr ParsePostfix(ExprPtr operand) {
    DepthGuard guard(this);
    while (true) {
      if (tok_.kind == Tok::kDot) {
        guard.Nest(tok_);
        Advance();
        if (tok_.kind != Tok::kIdent) {
          Fail(tok_, fmt::format("expected a name after '.', found {}", Describe(tok_)));
        }
        Token name = tok_;
        Advance();
        if (tok_.kind == Tok::kLParen) {
          auto e = Node(Kind::kCall, operand->begin, 0);
          e->text = name.text;
          e->has_target = true;
          e->args.push_back(std::move(operand));
          ParseArguments(e.get());
          operand = std::move(e);
        } else {
          auto e = Node(Kind::kSelect, operand->begin, name.end);
          e->text = name.text;
          e->args.push_back(std::move(operand));
          operand = std::move(e);
        }
      } else if (tok_.kind == Tok::kLBracket) {
        guard.Nest(tok_);
        Advance();
        ExprPtr index = ParseExpr();
        uint32_t end = tok_.end;
        Expect(Tok::kRBracket, "to close the index");
        auto e = Node(Kind::kIndex, operand->begin, end);
        e->args.push_back(std::move(operand));
        e->args.push_back(std::move(index));
        operand = std::move(e);
      } else {
        return operand;
      }
    }
  }

  // After the function name: "(" [Expr {"," Expr}] ")"; sets e->end.
  void ParseArguments(Expr* e) {
    Expect(Tok::kLParen, "to open the argument list");
    if (tok_.kind != Tok::kRParen) {
      while (true) {
        e->args.push_back(ParseExpr());
        if (tok_.kind != Tok::kComma) break;
        Advance();
      }
    }
    e->end = tok_.end;
    Expect(Tok::kRParen, "to close the argument list");
  }

  ExprPtr ParsePrimary() {
    const Token t = tok_;
    switch (t.kind) {
      case Tok::kInt:
        Advance();
        return IntLiteral(t);
      case Tok::kUint: {
        Advance();
        if (t.int_overflow) Fail(t, "unsigned integer literal is out of the 64-bit range");
        auto e = Node(Kind::kUint, t.begin, t.end);
        e->uint_value = t.magnitude;
        return e;
      }
      case Tok::kDouble: {
        Advance();
        auto e = Node(Kind::kDouble, t.begin, t.end);
        e->double_value = t.double_value;
        return e;
      }
      case Tok::kString:
      case Tok::kBytes: {
        Advance();
        auto e = Node(t.kind == Tok::kString ? Kind::kString : Kind::kBytes, t.begin, t.end);
        e->text = t.text;
        return e;
      }
      case Tok::kTrue:
      case Tok::kFalse: {
        Advance();
        auto e = Node(Kind::kBool, t.begin, t.end);
        e->bool_value = t.kind == Tok::kTrue;
        return e;
      }
      case Tok::kNull:
        Advance();
        return Node(Kind::kNull, t.begin, t.end);
      case Tok::kIdent: {
        Advance();
        if (tok_.kind == Tok::kLParen) {
          auto e = Node(Kind::kCall, t.begin, 0);
          e->text = t.text;
          ParseArguments(e.get());
          return e;
        }
        auto e = Node(Kind::kIdent, t.begin, t.end);
        e->text = t.text;
        return e;
      }
      case Tok::kLParen: {
        Advance();
        ExprPtr inner = ParseExpr();
        Expect(Tok::kRParen, "to close '('");
        return inner;
      }
      case Tok::kLBracket: {
        Advance();
        auto e = Node(Kind::kList, t.begin, 0);
        while (tok_.kind != Tok::kRBracket) {
          e->args.push_back(ParseExpr());
          if (tok_.kind != Tok::kComma) break;
          Advance();
        }
        e->end = tok_.end;
        Expect(Tok::kRBracket, "to close the list");
        return e;
      }
      case Tok::kLBrace: {
        Advance();
        auto e = Node(Kind::kMap, t.begin, 0);
        while (tok_.kind != Tok::kRBrace) {
          e->args.push_back(ParseExpr());
          Expect(Tok::kColon, "between a map key and its value");
          e->args.push_back(ParseExpr());
          if (tok_.kind != Tok::kComma) break;
          Advance();
        }
        e->end = tok_.end;
        Expect(Tok::kRBrace, "to close the map");
        return e;
      }
      case Tok::kEnd:
        Fail(t, "expected an expression, found the end of it");
      default:
        Fail(t, fmt::format("expected an expression, found {}", Describe(t)));
    }
  }

  Lexer lexer_;
  const ParseLimits& limits_;
  Token tok_;
  int depth_ = 0;
  ParseError error_;
};

}  // namespace

ParseResult ParseExpression(std::string_view source, const ParseLimits& limits) {
  if (source.size() > limits.max_length) {
    ParseResult r;
    r.error = {
        0, 1,
        fmt::format("expression is {} bytes long (limit {})", source.size(), limits.max_length)};
    return r;
  }
  return Parser(source, limits).Run();
}

}  // namespace hunch
