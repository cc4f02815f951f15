#include "core/filter/typing.h"

#include <string>

#include "core/filter/fields.h"
#include "core/filter/time_text.h"

namespace custos::core::filter::detail {
namespace {

tl::unexpected<Error> Fail(std::string message, std::size_t position) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), position);
}

bool IsOrdering(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

const char* LiteralKind(const Token& token) {
  if (token.kind == TokenKind::kString) return "a string";
  if (token.kind == TokenKind::kInteger) return "a number";
  return "a boolean";
}

tl::unexpected<Error> Mismatch(const Field& field, const Token& token, const char* hint = "") {
  return Fail(std::string(TypeName(field.type)) + " field compared with " + LiteralKind(token) +
                  " ('" + field.name + "'" + hint + ")",
              token.position);
}

}  // namespace

Result<void> CheckOperator(const Field& field, Op op, const Token& op_token) {
  if (op == Op::kExists && !field.is_label) {
    return Fail("'exists' applies only to labels, not to '" + field.name + "'", op_token.position);
  }
  if (op == Op::kMatch && field.type != FieldType::kString && field.type != FieldType::kVersion) {
    return Fail("'~' applies only to text fields, not to " + std::string(TypeName(field.type)) +
                    " field '" + field.name + "'",
                op_token.position);
  }
  if (IsOrdering(op) && (field.type == FieldType::kBoolean || field.type == FieldType::kState)) {
    return Fail("'" + op_token.text + "' does not apply to " + TypeName(field.type) + " field '" +
                    field.name + "'",
                op_token.position);
  }
  return {};
}

Result<Value> TypedValue(const Field& field, Op op, const Token& token) {
  const bool is_string = token.kind == TokenKind::kString;
  if (op == Op::kMatch) {
    if (!is_string) return Fail("'~' needs a string", token.position);
    return Value{token.text};
  }
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kVersion:
      if (!is_string) return Mismatch(field, token, "; quote the value");
      return Value{token.text};
    case FieldType::kState:
      if (!is_string) return Mismatch(field, token);
      if (!ParseLifecycleState(token.text)) {
        return Fail("unknown state '" + token.text +
                        "' (expected provisioned, active, disabled or retired)",
                    token.position);
      }
      return Value{token.text};
    case FieldType::kInteger:
      if (token.kind != TokenKind::kInteger) return Mismatch(field, token);
      return Value{token.integer};
    case FieldType::kBoolean:
      if (token.kind != TokenKind::kKeyword) return Mismatch(field, token, "; use true or false");
      return Value{token.text == "true"};
    case FieldType::kTime:
      if (token.kind == TokenKind::kInteger) return Value{token.integer};
      if (!is_string) return Mismatch(field, token);
      if (auto ms = core::ParseTime(token.text)) return Value{*ms};
      return Fail("invalid time '" + token.text +
                      "' (expected RFC 3339 such as \"2026-11-01T00:00:00Z\", or epoch "
                      "milliseconds)",
                  token.position);
  }
  return Fail("unsupported field type", token.position);
}

}  // namespace custos::core::filter::detail
