// Private to the filter language: the tokens of a filter text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::core::filter::detail {

enum class TokenKind {
  kIdentifier,  // a field name: "manufacturer", "labels.region"
  kKeyword,     // and, or, not, in, exists, true, false (text lowercased)
  kString,      // text holds the unescaped contents
  kInteger,     // integer holds the value
  kOperator,    // = != < <= > >= ~
  kLeftParen,
  kRightParen,
  kComma,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier, lowercased keyword, unescaped string, or operator spelling
  std::int64_t integer = 0;
  std::size_t position = 0;  // byte offset of the token's first character
};

// Splits a filter into tokens, ending with a kEnd token at text.size(). Errors (unterminated
// string, bad escape, unexpected character, malformed number) carry their byte position.
Result<std::vector<Token>> Tokenize(std::string_view text);

// How a token reads in an error message: "'and'", "'('", "a string", "the end".
std::string Describe(const Token& token);

}  // namespace custos::core::filter::detail
