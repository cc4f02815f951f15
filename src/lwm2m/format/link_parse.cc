// RFC 6690 §2 parsing: link-value-list, link-param, ptoken and quoted-string.
#include <fmt/format.h>

#include "lwm2m/format/detail/links.h"
#include "lwm2m/format/detail/values.h"
#include "lwm2m/format/link_format.h"

namespace custos::lwm2m::format {
namespace {

using detail::Invalid;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  core::Result<std::vector<Link>> Document() {
    std::vector<Link> links;
    SkipBlanks();
    if (AtEnd()) return links;
    for (;;) {
      auto link = OneLink();
      if (!link) return tl::unexpected(link.error());
      links.push_back(std::move(*link));
      SkipBlanks();
      if (AtEnd()) return links;
      if (text_[pos_] != ',') return Fail("expected ',' or ';' after a link");
      ++pos_;
      SkipBlanks();
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(text_[pos_])) ++pos_;
  }
  tl::unexpected<core::Error> Fail(std::string_view why) const { return Fail(why, pos_); }
  tl::unexpected<core::Error> Fail(std::string_view why, std::size_t at) const {
    return Invalid(fmt::format("link format at byte {}: {}", at, why), at);
  }

  core::Result<Link> OneLink() {
    if (AtEnd() || text_[pos_] != '<') return Fail("expected '<'");
    std::size_t open = pos_++;
    Link link;
    while (!AtEnd() && text_[pos_] != '>') {
      if (!detail::IsUriChar(text_, pos_)) return Fail("not a URI character in the target");
      pos_ += text_[pos_] == '%' ? 3 : 1;
    }
    if (AtEnd()) return Fail("'<' without '>'", open);
    link.target = std::string(text_.substr(open + 1, pos_ - open - 1));
    ++pos_;
    while (!AtEnd() && text_[pos_] == ';') {
      ++pos_;
      auto param = Param();
      if (!param) return tl::unexpected(param.error());
      link.params.push_back(std::move(*param));
    }
    return link;
  }

  core::Result<LinkParam> Param() {
    LinkParam param;
    std::size_t start = pos_;
    while (!AtEnd() && detail::IsParmnameChar(text_[pos_])) ++pos_;
    if (!AtEnd() && text_[pos_] == '*' && pos_ > start) ++pos_;  // ext-name-star
    if (pos_ == start) return Fail("expected a parameter name");
    param.name = std::string(text_.substr(start, pos_ - start));
    if (AtEnd() || text_[pos_] != '=') return param;
    ++pos_;
    if (!AtEnd() && text_[pos_] == '"') {
      auto value = Quoted();
      if (!value) return tl::unexpected(value.error());
      param.value = std::move(*value);
      param.quoted = true;
      return param;
    }
    start = pos_;
    while (!AtEnd() && detail::IsPtokenChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Fail("expected a value after '='");
    param.value = std::string(text_.substr(start, pos_ - start));
    return param;
  }

  core::Result<std::string> Quoted() {
    std::size_t open = pos_++;
    std::string value;
    while (!AtEnd() && text_[pos_] != '"') {
      char c = text_[pos_];
      if (c == '\\') {
        if (++pos_ >= text_.size()) break;
        c = text_[pos_];
        if (static_cast<unsigned char>(c) > 0x7F) return Fail("escaped non-ASCII character");
        if (detail::IsControl(c)) return Fail("escaped control character");
      } else if (detail::IsControl(c)) {
        return Fail("control character in a quoted string");
      }
      value += c;
      ++pos_;
    }
    if (AtEnd()) return Fail("quoted string without its closing '\"'", open);
    ++pos_;
    if (!detail::IsUtf8(value)) return Fail("quoted string is not UTF-8", open);
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

core::Result<std::vector<Link>> ParseLinks(std::string_view text) {
  return Parser(text).Document();
}

}  // namespace custos::lwm2m::format
