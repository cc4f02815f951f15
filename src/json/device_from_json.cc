// Devices and patches from request bodies. Every member is checked for its type and unknown
// members are refused by name, so that a typo ("firmware_verison") is an error, not a no-op.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "json/json.h"
#include "json/json_support.h"

namespace custos::json {
namespace {

using detail::Invalid;
using detail::KindName;

std::string Expected(std::string_view member, const char* what, const boost::json::value& v) {
  return std::string(member) + ": expected " + what + ", found " + KindName(v);
}

// The optional text members, in a device and in a patch.
std::string* TextMember(core::Device& d, std::string_view key) {
  if (key == "protocol") return &d.protocol;
  if (key == "manufacturer") return &d.identity.manufacturer;
  if (key == "model") return &d.identity.model;
  if (key == "serial") return &d.identity.serial;
  if (key == "hardware_version") return &d.identity.hardware_version;
  if (key == "firmware_version") return &d.identity.firmware_version;
  if (key == "software_version") return &d.identity.software_version;
  return nullptr;
}

std::optional<std::string>* TextMember(core::DevicePatch& p, std::string_view key) {
  if (key == "protocol") return &p.protocol;
  if (key == "manufacturer") return &p.manufacturer;
  if (key == "model") return &p.model;
  if (key == "serial") return &p.serial;
  if (key == "hardware_version") return &p.hardware_version;
  if (key == "firmware_version") return &p.firmware_version;
  if (key == "software_version") return &p.software_version;
  return nullptr;
}

core::Result<std::string> MetadataText(const boost::json::value& v) {
  if (!v.is_object()) return Invalid(Expected("metadata", "an object", v));
  return boost::json::serialize(v);
}

}  // namespace

core::Result<core::Device> DeviceFromJson(const boost::json::value& v) {
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return Invalid(std::string("expected an object, found ") + KindName(v));
  core::Device d;
  bool have_name = false;
  for (const auto& member : *o) {
    const std::string_view key = member.key();
    const boost::json::value& value = member.value();
    if (key == "name") {
      if (!value.is_string()) return Invalid(Expected(key, "a string", value));
      d.name = value.get_string();
      have_name = true;
    } else if (std::string* text = TextMember(d, key)) {
      if (value.is_null()) continue;  // the same as leaving it out
      if (!value.is_string()) return Invalid(Expected(key, "a string", value));
      *text = value.get_string();
    } else if (key == "labels") {
      if (value.is_null()) continue;
      const boost::json::object* labels = value.if_object();
      if (labels == nullptr) return Invalid(Expected(key, "an object", value));
      for (const auto& label : *labels) {
        if (!label.value().is_string()) {
          return Invalid(Expected("labels." + std::string(label.key()), "a string", label.value()));
        }
        d.labels[std::string(label.key())] = label.value().get_string();
      }
    } else if (key == "metadata") {
      if (value.is_null()) continue;
      auto text = MetadataText(value);
      if (!text) return tl::unexpected(text.error());
      d.metadata_json = std::move(*text);
    } else {
      return Invalid("unknown member '" + std::string(key) + "'");
    }
  }
  if (!have_name) return Invalid("name: required");
  if (auto valid = core::ValidateNewDevice(d); !valid) return tl::unexpected(valid.error());
  return d;
}

// Merge-patch semantics (RFC 7396): null clears a text member to "", clears all labels,
// resets metadata to {}; inside "labels" null removes that one label.
core::Result<core::DevicePatch> DevicePatchFromJson(const boost::json::value& v) {
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return Invalid(std::string("expected an object, found ") + KindName(v));
  core::DevicePatch patch;
  for (const auto& member : *o) {
    const std::string_view key = member.key();
    const boost::json::value& value = member.value();
    if (std::optional<std::string>* text = TextMember(patch, key)) {
      if (value.is_null()) {
        *text = std::string();
      } else if (value.is_string()) {
        *text = std::string(value.get_string());
      } else {
        return Invalid(Expected(key, "a string", value));
      }
    } else if (key == "labels") {
      if (value.is_null()) {
        patch.labels = core::Labels{};
        continue;
      }
      const boost::json::object* labels = value.if_object();
      if (labels == nullptr) return Invalid(Expected(key, "an object", value));
      for (const auto& label : *labels) {
        std::string label_key(label.key());
        if (label.value().is_null()) {
          patch.labels_remove.push_back(std::move(label_key));
        } else if (label.value().is_string()) {
          patch.labels_set[label_key] = label.value().get_string();
        } else {
          return Invalid(Expected("labels." + label_key, "a string or null", label.value()));
        }
      }
    } else if (key == "metadata") {
      if (value.is_null()) {
        patch.metadata_json = "{}";
        continue;
      }
      auto text = MetadataText(value);
      if (!text) return tl::unexpected(text.error());
      patch.metadata_json = std::move(*text);
    } else if (key == "version") {
      if (value.is_int64()) {
        patch.expected_version = value.get_int64();
      } else if (value.is_uint64()) {
        return Invalid("version: out of range");
      } else {
        return Invalid(Expected(key, "an integer", value));
      }
    } else if (key == "name") {
      return Invalid("name: cannot be changed");
    } else {
      return Invalid("unknown member '" + std::string(key) + "'");
    }
  }
  return patch;
}

}  // namespace custos::json
