// Recursive descent over the grammar in core/filter.h; each comparison is type-checked as soon
// as it is read, so that an error points at the first offending token.
#include <string>
#include <utility>
#include <vector>

#include "core/filter.h"
#include "core/filter/fields.h"
#include "core/filter/lexer.h"
#include "core/filter/typing.h"

namespace custos::core::filter {
namespace {

using detail::Describe;
using detail::Token;
using detail::TokenKind;

constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxInValues = 1000;

tl::unexpected<Error> Fail(std::string message, std::size_t position) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), position);
}

bool IsValueToken(const Token& t) {
  return t.kind == TokenKind::kString || t.kind == TokenKind::kInteger ||
         (t.kind == TokenKind::kKeyword && (t.text == "true" || t.text == "false"));
}

std::optional<Op> OperatorFor(std::string_view spelling) {
  if (spelling == "=") return Op::kEq;
  if (spelling == "!=") return Op::kNe;
  if (spelling == "<") return Op::kLt;
  if (spelling == "<=") return Op::kLe;
  if (spelling == ">") return Op::kGt;
  if (spelling == ">=") return Op::kGe;
  if (spelling == "~") return Op::kMatch;
  return std::nullopt;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Expr> Run() {
    auto expr = ParseOr();
    if (!expr) return expr;
    const Token& t = Peek();
    if (t.kind == TokenKind::kRightParen) return Fail("unmatched ')'", t.position);
    if (t.kind != TokenKind::kEnd) {
      return Fail("expected 'and', 'or' or the end of the filter but found " + Describe(t),
                  t.position);
    }
    return expr;
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }
  bool AtKeyword(std::string_view keyword) const {
    return Peek().kind == TokenKind::kKeyword && Peek().text == keyword;
  }

  // or := and ("or" and)*, and := unary ("and" unary)*: a run of one operator becomes one
  // node with every operand as a child.
  Result<Expr> ParseOr() { return ParseChain("or", Expr::Kind::kOr); }
  Result<Expr> ParseAnd() { return ParseChain("and", Expr::Kind::kAnd); }

  Result<Expr> ParseChain(std::string_view keyword, Expr::Kind kind) {
    auto operand = [&] { return kind == Expr::Kind::kOr ? ParseAnd() : ParseUnary(); };
    auto first = operand();
    if (!first || !AtKeyword(keyword)) return first;
    Expr node;
    node.kind = kind;
    node.children.push_back(std::move(*first));
    while (AtKeyword(keyword)) {
      Take();
      auto next = operand();
      if (!next) return next;
      node.children.push_back(std::move(*next));
    }
    return node;
  }

  Result<Expr> ParseUnary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kKeyword && t.text == "not") {
      if (depth_ == kMaxDepth) return TooDeep(t);
      Take();
      ++depth_;
      auto child = ParseUnary();
      --depth_;
      if (!child) return child;
      Expr node;
      node.kind = Expr::Kind::kNot;
      node.children.push_back(std::move(*child));
      return node;
    }
    if (t.kind == TokenKind::kLeftParen) {
      if (depth_ == kMaxDepth) return TooDeep(t);
      Take();
      ++depth_;
      auto inner = ParseOr();
      --depth_;
      if (!inner) return inner;
      const Token& close = Peek();
      if (close.kind != TokenKind::kRightParen) {
        return Fail("expected ')' but found " + Describe(close), close.position);
      }
      Take();
      return inner;
    }
    return ParseComparison();
  }

  tl::unexpected<Error> TooDeep(const Token& t) const {
    return Fail("filter nested deeper than " + std::to_string(kMaxDepth) + " levels", t.position);
  }

  Result<Expr> ParseComparison() {
    const Token& name = Take();
    if (name.kind != TokenKind::kIdentifier) {
      return Fail("expected a field name but found " + Describe(name), name.position);
    }
    auto field = detail::FindField(name.text);
    if (!field) return Fail("unknown field '" + name.text + "'", name.position);
    Expr node;
    node.kind = Expr::Kind::kCompare;
    Comparison& c = node.comparison;
    c.field = std::move(*field);
    c.position = name.position;

    const Token& op = Take();
    if (op.kind == TokenKind::kKeyword && (op.text == "in" || op.text == "not")) {
      if (op.text == "not") {
        const Token& in = Take();
        if (in.kind != TokenKind::kKeyword || in.text != "in") {
          return Fail("expected 'in' after 'not' but found " + Describe(in), in.position);
        }
        c.op = Op::kNotIn;
      } else {
        c.op = Op::kIn;
      }
      if (auto ok = ParseList(c, op); !ok) return tl::unexpected(ok.error());
      return node;
    }
    if (op.kind == TokenKind::kKeyword && op.text == "exists") {
      c.op = Op::kExists;
      if (auto ok = detail::CheckOperator(c.field, c.op, op); !ok)
        return tl::unexpected(ok.error());
      return node;
    }
    auto parsed_op = op.kind == TokenKind::kOperator ? OperatorFor(op.text) : std::nullopt;
    if (!parsed_op) {
      return Fail("expected an operator after '" + name.text + "' but found " + Describe(op),
                  op.position);
    }
    c.op = *parsed_op;
    if (auto ok = detail::CheckOperator(c.field, c.op, op); !ok) return tl::unexpected(ok.error());
    auto value = ParseValue(c, op);
    if (!value) return tl::unexpected(value.error());
    c.values.push_back(std::move(*value));
    return node;
  }

  // "(" value ("," value)* ")"
  Result<void> ParseList(Comparison& c, const Token& in) {
    const Token& open = Take();
    if (open.kind != TokenKind::kLeftParen) {
      return Fail("expected '(' after 'in' but found " + Describe(open), open.position);
    }
    const Token* after = &open;
    while (true) {
      if (c.values.size() == kMaxInValues) {
        return Fail("more than " + std::to_string(kMaxInValues) + " values in 'in'",
                    Peek().position);
      }
      auto value = ParseValue(c, *after);
      if (!value) return tl::unexpected(value.error());
      c.values.push_back(std::move(*value));
      const Token& sep = Take();
      if (sep.kind == TokenKind::kRightParen) return {};
      if (sep.kind != TokenKind::kComma) {
        return Fail("expected ',' or ')' but found " + Describe(sep), sep.position);
      }
      after = &sep;
    }
  }

  Result<Value> ParseValue(const Comparison& c, const Token& after) {
    const Token& t = Take();
    if (!IsValueToken(t)) {
      std::string message = "expected a value after '" + after.text + "' but found " + Describe(t);
      if (t.kind == TokenKind::kIdentifier) message += " (strings need double quotes)";
      return Fail(std::move(message), t.position);
    }
    return detail::TypedValue(c.field, c.op, t);
  }

  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Expr> Parse(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    return Fail("filter longer than " + std::to_string(kMaxTextBytes) + " bytes", kMaxTextBytes);
  }
  auto tokens = detail::Tokenize(text);
  if (!tokens) return tl::unexpected(tokens.error());
  return Parser(std::move(*tokens)).Run();
}

}  // namespace custos::core::filter
