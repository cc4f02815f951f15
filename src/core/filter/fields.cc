#include "core/filter/fields.h"

namespace custos::core::filter {

const std::vector<Field>& KnownFields() {
  static const std::vector<Field> kFields = [] {
    std::vector<Field> f;
    auto add = [&f](const char* name, FieldType type) {
      f.push_back(Field{name, type, false, ""});
    };
    add("id", FieldType::kInteger);
    for (const char* name : {"name", "protocol", "manufacturer", "model", "serial", "address",
                             "transport", "power_source"}) {
      add(name, FieldType::kString);
    }
    for (const char* name : {"hardware_version", "firmware_version", "software_version"}) {
      add(name, FieldType::kVersion);
    }
    add("state", FieldType::kState);
    add("online", FieldType::kBoolean);
    add("queue_mode", FieldType::kBoolean);
    for (const char* name : {"battery_level", "signal_strength", "free_memory", "lifetime"}) {
      add(name, FieldType::kInteger);
    }
    for (const char* name : {"last_seen", "created_at", "updated_at"}) add(name, FieldType::kTime);
    return f;
  }();
  return kFields;
}

namespace detail {

std::optional<Field> FindField(std::string_view name) {
  constexpr std::string_view kLabelPrefix = "labels.";
  if (name.size() > kLabelPrefix.size() && name.substr(0, kLabelPrefix.size()) == kLabelPrefix) {
    return Field{std::string(name), FieldType::kString, true,
                 std::string(name.substr(kLabelPrefix.size()))};
  }
  for (const Field& field : KnownFields()) {
    if (field.name == name) return field;
  }
  return std::nullopt;
}

const char* TypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kVersion:
      return "version";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kTime:
      return "time";
    case FieldType::kState:
      return "state";
  }
  return "unknown";
}

}  // namespace detail
}  // namespace custos::core::filter
