// Private to the filter language: type checking of comparisons against their field.
#pragma once

#include "core/filter.h"
#include "core/filter/lexer.h"

namespace custos::core::filter::detail {

// Whether `op` applies to `field` at all (no ordering of booleans or states, `~` only on
// text, `exists` only on labels). `op_token` locates the error.
Result<void> CheckOperator(const Field& field, Op op, const Token& op_token);

// The literal `token` (a string, integer or true/false) converted to the field's type: a
// time string to epoch milliseconds, a state name checked. Errors name the mismatch, e.g.
// "version field compared with a number".
Result<Value> TypedValue(const Field& field, Op op, const Token& token);

}  // namespace custos::core::filter::detail
