// RFC 6690 §2 serialization, and Link::Find.
#include <fmt/format.h>

#include "lwm2m/format/detail/links.h"
#include "lwm2m/format/detail/values.h"
#include "lwm2m/format/link_format.h"

namespace custos::lwm2m::format {
namespace {

using detail::Invalid;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool IsPtoken(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    if (!detail::IsPtokenChar(c)) return false;
  }
  return true;
}

core::Result<void> AppendParam(std::string& out, const LinkParam& param) {
  bool name_ok = !param.name.empty();
  for (std::size_t i = 0; i < param.name.size(); ++i) {
    char c = param.name[i];
    bool star = c == '*' && i + 1 == param.name.size() && i > 0;
    if (!detail::IsParmnameChar(c) && !star) name_ok = false;
  }
  if (!name_ok) return Invalid(fmt::format("link parameter name '{}' is not a token", param.name));
  out += ';';
  out += param.name;
  if (!param.value) return {};
  out += '=';
  if (!param.quoted && IsPtoken(*param.value)) {
    out += *param.value;
    return {};
  }
  out += '"';
  for (char c : *param.value) {
    if (detail::IsControl(c)) {
      return Invalid(fmt::format("link parameter {} holds a control character", param.name));
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return {};
}

}  // namespace

const LinkParam* Link::Find(std::string_view name) const {
  for (const auto& param : params) {
    if (EqualsIgnoringCase(param.name, name)) return &param;
  }
  return nullptr;
}

core::Result<std::string> SerializeLinks(std::span<const Link> links) {
  std::string out;
  for (const auto& link : links) {
    if (!out.empty()) out += ',';
    for (std::size_t i = 0; i < link.target.size(); ++i) {
      if (!detail::IsUriChar(link.target, i)) {
        return Invalid(fmt::format("link target '{}' has a non-URI character", link.target));
      }
    }
    out += '<';
    out += link.target;
    out += '>';
    for (const auto& param : link.params) {
      if (auto ok = AppendParam(out, param); !ok) return tl::unexpected(ok.error());
    }
  }
  return out;
}

}  // namespace custos::lwm2m::format
