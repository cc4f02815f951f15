#include "lwm2m/model/object_definition.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace custos::lwm2m {
namespace {

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::optional<std::uint16_t> ParseSmall(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  std::uint16_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<ObjectVersion> ParseObjectVersion(std::string_view text) {
  text = Trim(text);
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = ParseSmall(text.substr(0, dot));
  auto minor = ParseSmall(text.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return ObjectVersion{*major, *minor};
}

std::string ToString(ObjectVersion version) {
  return fmt::format("{}.{}", version.major, version.minor);
}

std::optional<Operations> ParseOperations(std::string_view text) {
  text = Trim(text);
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.empty()) return Operations::kNone;
  if (upper == "R") return Operations::kRead;
  if (upper == "W") return Operations::kWrite;
  if (upper == "RW") return Operations::kReadWrite;
  if (upper == "E") return Operations::kExecute;
  return std::nullopt;
}

const char* ToString(Operations operations) {
  switch (operations) {
    case Operations::kNone:
      return "";
    case Operations::kRead:
      return "R";
    case Operations::kWrite:
      return "W";
    case Operations::kReadWrite:
      return "RW";
    case Operations::kExecute:
      return "E";
  }
  return "";
}

const ResourceDefinition* ObjectDefinition::FindResource(std::uint16_t resource_id) const {
  auto it =
      std::lower_bound(resources.begin(), resources.end(), resource_id,
                       [](const ResourceDefinition& r, std::uint16_t id) { return r.id < id; });
  return it != resources.end() && it->id == resource_id ? &*it : nullptr;
}

core::Result<void> NormalizeResources(ObjectDefinition& object) {
  auto& r = object.resources;
  std::stable_sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  auto dup = std::adjacent_find(r.begin(), r.end(),
                                [](const auto& a, const auto& b) { return a.id == b.id; });
  if (dup != r.end()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("resource ID {} is defined twice", dup->id));
  }
  return {};
}

}  // namespace custos::lwm2m
