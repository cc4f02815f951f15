// What LwM2M reads in link-format documents: the root link of a registration, its declared
// content formats, and the notification attributes of a Discover answer.
#include <fmt/format.h>

#include <utility>

#include "lwm2m/format/detail/values.h"
#include "lwm2m/format/link_format.h"

namespace custos::lwm2m::format {
namespace {

using detail::Invalid;

// The blank-separated words of a value ("oma.lwm2m other", "60 110").
std::vector<std::string_view> Words(std::string_view value) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < value.size()) {
    std::size_t end = value.find(' ', pos);
    if (end == std::string_view::npos) end = value.size();
    if (end > pos) words.push_back(value.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

bool IsVersion(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

}  // namespace

const Link* FindRootLink(std::span<const Link> links) {
  for (const auto& link : links) {
    const LinkParam* rt = link.Find("rt");
    if (!rt || !rt->value) continue;
    for (auto word : Words(*rt->value)) {
      if (word == "oma.lwm2m") return &link;
    }
  }
  for (const auto& link : links) {
    if (link.target == "/") return &link;
  }
  return nullptr;
}

core::Result<std::vector<std::uint16_t>> DeclaredContentFormats(std::span<const Link> links) {
  std::vector<std::uint16_t> formats;
  const Link* root = FindRootLink(links);
  const LinkParam* ct = root ? root->Find("ct") : nullptr;
  if (!ct) return formats;
  if (!ct->value) return Invalid("ct of the root link has no value");
  auto words = Words(*ct->value);
  if (words.empty()) return Invalid("ct of the root link is empty");
  for (auto word : words) {
    auto id = detail::ParseUint64(word);
    if (!id || *id > 65535) {
      return Invalid(fmt::format("ct of the root link: '{}' is not a content format", word));
    }
    formats.push_back(static_cast<std::uint16_t>(*id));
  }
  return formats;
}

core::Result<Attributes> ReadAttributes(const Link& link) {
  using Seconds = std::optional<std::uint32_t> Attributes::*;
  using Threshold = std::optional<double> Attributes::*;
  static const std::pair<std::string_view, Seconds> kPeriods[] = {{"pmin", &Attributes::pmin},
                                                                  {"pmax", &Attributes::pmax},
                                                                  {"epmin", &Attributes::epmin},
                                                                  {"epmax", &Attributes::epmax}};
  static const std::pair<std::string_view, Threshold> kThresholds[] = {
      {"gt", &Attributes::gt}, {"lt", &Attributes::lt}, {"st", &Attributes::st}};
  Attributes a;
  for (const auto& param : link.params) {
    auto refuse = [&](std::string_view what) {
      return Invalid(fmt::format("attribute {} of <{}> is not {}", param.name, link.target, what));
    };
    const std::string* value = param.value ? &*param.value : nullptr;
    for (const auto& [name, slot] : kPeriods) {
      if (param.name != name) continue;
      auto v = value ? detail::ParseUint64(*value) : std::nullopt;
      if (!v || *v > UINT32_MAX) return refuse("whole seconds");
      a.*slot = static_cast<std::uint32_t>(*v);
    }
    for (const auto& [name, slot] : kThresholds) {
      if (param.name != name) continue;
      auto v = value ? detail::ParseFloat(*value) : std::nullopt;
      if (!v) return refuse("a decimal number");
      a.*slot = *v;
    }
    if (param.name == "dim") {
      auto v = value ? detail::ParseUint64(*value) : std::nullopt;
      if (!v || *v > 65535) return refuse("a count up to 65535");
      a.dim = static_cast<std::uint16_t>(*v);
    } else if (param.name == "ver") {
      if (!value || !IsVersion(*value)) return refuse("a version \"major.minor\"");
      a.ver = *value;
    }
  }
  return a;
}

}  // namespace custos::lwm2m::format
