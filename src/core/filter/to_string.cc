// Canonical text: lowercase keywords, single spaces, strings always quoted, times as RFC 3339
// (UTC, milliseconds) where the year fits, and parentheses exactly where the tree needs them
// so that the text parses back to the same tree.
#include <string>
#include <variant>

#include "core/filter.h"
#include "core/filter/time_text.h"

namespace custos::core::filter {
namespace {

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendValue(std::string& out, const Field& field, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    AppendQuoted(out, *s);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "true" : "false";
  } else {
    const std::int64_t i = std::get<std::int64_t>(v);
    if (field.type == FieldType::kTime) {
      if (auto text = detail::FormatRfc3339(i)) {
        AppendQuoted(out, *text);
        return;
      }
    }
    out += std::to_string(i);
  }
}

void AppendComparison(std::string& out, const Comparison& c) {
  out += c.field.name;
  out.push_back(' ');
  out += ToString(c.op);
  if (c.op == Op::kExists) return;
  out.push_back(' ');
  if (c.op == Op::kIn || c.op == Op::kNotIn) {
    out.push_back('(');
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      if (i > 0) out += ", ";
      AppendValue(out, c.field, c.values[i]);
    }
    out.push_back(')');
  } else if (!c.values.empty()) {
    AppendValue(out, c.field, c.values.front());
  }
}

void Append(std::string& out, const Expr& e);

// A child needs parentheses when, written bare, it would merge into or bind differently
// with its parent: any and/or under `not`, an and/or under `and`, an `or` under `or`.
void AppendChild(std::string& out, const Expr& parent, const Expr& child) {
  bool paren = false;
  if (child.kind == Expr::Kind::kOr) paren = true;
  if (child.kind == Expr::Kind::kAnd) paren = parent.kind != Expr::Kind::kOr;
  if (paren) out.push_back('(');
  Append(out, child);
  if (paren) out.push_back(')');
}

void Append(std::string& out, const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kCompare:
      AppendComparison(out, e.comparison);
      return;
    case Expr::Kind::kNot:
      out += "not ";
      if (!e.children.empty()) AppendChild(out, e, e.children.front());
      return;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      const char* glue = e.kind == Expr::Kind::kAnd ? " and " : " or ";
      for (std::size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out += glue;
        AppendChild(out, e, e.children[i]);
      }
      return;
    }
  }
}

}  // namespace

const char* ToString(Op op) {
  switch (op) {
    case Op::kEq:
      return "=";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kIn:
      return "in";
    case Op::kNotIn:
      return "not in";
    case Op::kMatch:
      return "~";
    case Op::kExists:
      return "exists";
  }
  return "?";
}

std::string ToString(const Expr& expr) {
  std::string out;
  Append(out, expr);
  return out;
}

}  // namespace custos::core::filter
