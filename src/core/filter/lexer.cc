#include "core/filter/lexer.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace custos::core::filter::detail {
namespace {

constexpr std::array<std::string_view, 7> kKeywords = {"and",    "or",   "not",  "in",
                                                       "exists", "true", "false"};

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
bool IsLabelKeyChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '.' || c == '_' || c == '/' || c == '-';
}
// Wider than a number, so that an unquoted version or time ("2.1", "2026-11-01T00:00:00Z")
// is reported as one malformed number rather than as a number followed by stray characters.
bool IsNumberChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == ':' || c == '-';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Printable(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
  return buf;
}

tl::unexpected<Error> Fail(std::string message, std::size_t position) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), position);
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      if (pos_ == text_.size()) break;
      auto token = Next();
      if (!token) return tl::unexpected(token.error());
      tokens.push_back(std::move(*token));
    }
    tokens.push_back(Token{TokenKind::kEnd, "", 0, text_.size()});
    return tokens;
  }

 private:
  Result<Token> Next() {
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (IsAlpha(c) || c == '_') return Word(start);
    if (IsDigit(c) || (c == '-' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
      return Number(start);
    }
    if (c == '"') return String(start);
    ++pos_;
    switch (c) {
      case '(':
        return Token{TokenKind::kLeftParen, "(", 0, start};
      case ')':
        return Token{TokenKind::kRightParen, ")", 0, start};
      case ',':
        return Token{TokenKind::kComma, ",", 0, start};
      case '=':
        return Token{TokenKind::kOperator, "=", 0, start};
      case '~':
        return Token{TokenKind::kOperator, "~", 0, start};
      case '<':
      case '>':
      case '!': {
        const bool eq = pos_ < text_.size() && text_[pos_] == '=';
        if (c == '!' && !eq) return Fail("unexpected character '!' (did you mean '!=')", start);
        if (eq) ++pos_;
        return Token{TokenKind::kOperator, std::string(text_.substr(start, pos_ - start)), 0,
                     start};
      }
      default:
        return Fail("unexpected character '" + Printable(c) + "'", start);
    }
  }

  Result<Token> Word(std::size_t start) {
    while (pos_ < text_.size() && IsIdentifierChar(text_[pos_])) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "labels" && pos_ < text_.size() && text_[pos_] == '.') {
      const std::size_t key_start = ++pos_;
      while (pos_ < text_.size() && IsLabelKeyChar(text_[pos_])) ++pos_;
      if (pos_ == key_start) return Fail("expected a label key after 'labels.'", key_start);
      return Token{TokenKind::kIdentifier, std::string(text_.substr(start, pos_ - start)), 0,
                   start};
    }
    std::string lower = Lower(word);
    for (std::string_view keyword : kKeywords) {
      if (lower == keyword) return Token{TokenKind::kKeyword, std::move(lower), 0, start};
    }
    return Token{TokenKind::kIdentifier, std::string(word), 0, start};
  }

  Result<Token> Number(std::size_t start) {
    ++pos_;  // a digit or the minus sign
    while (pos_ < text_.size() && IsNumberChar(text_[pos_])) ++pos_;
    std::string_view spelling = text_.substr(start, pos_ - start);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
    if (ec == std::errc::result_out_of_range) {
      return Fail("integer '" + std::string(spelling) + "' out of range", start);
    }
    if (ec != std::errc() || end != spelling.data() + spelling.size()) {
      return Fail("invalid number '" + std::string(spelling) +
                      "' (versions, times and other text need double quotes)",
                  start);
    }
    return Token{TokenKind::kInteger, std::string(spelling), value, start};
  }

  Result<Token> String(std::size_t start) {
    ++pos_;  // opening quote
    std::string value;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return Token{TokenKind::kString, std::move(value), 0, start};
      }
      if (c == '\\') {
        if (pos_ + 1 == text_.size()) break;
        const char escaped = text_[pos_ + 1];
        if (escaped != '"' && escaped != '\\') {
          return Fail("invalid escape '\\" + Printable(escaped) +
                          "' in string (only \\\" and \\\\ are allowed)",
                      pos_);
        }
        value.push_back(escaped);
        pos_ += 2;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    return Fail("unterminated string", start);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kString:
      return "a string";
    case TokenKind::kInteger:
      return "a number";
    case TokenKind::kEnd:
      return "the end of the filter";
    default:
      return "'" + token.text + "'";
  }
}

}  // namespace custos::core::filter::detail
