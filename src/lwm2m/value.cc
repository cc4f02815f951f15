#include "lwm2m/value.h"

#include <string_view>

namespace custos::lwm2m {
namespace {

struct TypeName {
  ResourceType type;
  std::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {ResourceType::kNone, "none"},           {ResourceType::kString, "String"},
    {ResourceType::kInteger, "Integer"},     {ResourceType::kUnsignedInteger, "Unsigned Integer"},
    {ResourceType::kFloat, "Float"},         {ResourceType::kBoolean, "Boolean"},
    {ResourceType::kOpaque, "Opaque"},       {ResourceType::kTime, "Time"},
    {ResourceType::kObjectLink, "Objlnk"},   {ResourceType::kCoreLink, "Corelnk"},
};

}  // namespace

const char* ToString(ResourceType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name.data();
  }
  return "none";
}

std::optional<ResourceType> ParseResourceType(std::string_view text) {
  for (const auto& t : kTypeNames) {
    if (t.name == text) return t.type;
  }
  if (text.empty()) return ResourceType::kNone;  // executable resources leave it empty
  return std::nullopt;
}

ResourceType TypeOf(const Value& value) {
  static constexpr ResourceType kByIndex[] = {
      ResourceType::kString, ResourceType::kInteger, ResourceType::kUnsignedInteger,
      ResourceType::kFloat,  ResourceType::kBoolean, ResourceType::kOpaque,
      ResourceType::kTime,   ResourceType::kObjectLink, ResourceType::kCoreLink};
  return kByIndex[value.index()];
}

}  // namespace custos::lwm2m
