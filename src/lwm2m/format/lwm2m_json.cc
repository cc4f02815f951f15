// LwM2M JSON (TS 1.0, Data Formats; content format 11543): {"bn": base name, "bt": base time,
// "e": [{"n", "v" | "sv" | "bv" | "ov", "t"}]}. The SenML model with the labels of an earlier
// SenML draft: Opaque values travel as base64 in "sv", Objlnk as "oid:iid" in "ov".
#include <fmt/format.h>

#include "lwm2m/format/detail/json.h"

namespace custos::lwm2m::format::detail {
namespace {

namespace json = boost::json;

core::Result<SenmlRecord> ReadEntry(const json::value& item, std::size_t index) {
  auto refuse = [&](std::string_view why) {
    return Invalid(fmt::format("LwM2M JSON entry {}: {}", index, why));
  };
  if (!item.is_object()) return refuse("not an object");
  SenmlRecord r;
  for (const auto& [key, value] : item.as_object()) {
    auto number = JsonNumber(value);
    const json::string* text = value.if_string();
    if (key == "n" || key == "sv" || key == "ov") {
      if (!text) return refuse(fmt::format("\"{}\" is not a string", std::string_view(key)));
      (key == "n" ? r.n : key == "sv" ? r.vs : r.vlo) = std::string(*text);
    } else if (key == "v") {
      if (!number) return refuse("\"v\" is not a number");
      r.v = number;
    } else if (key == "t") {
      if (!number) return refuse("\"t\" is not a number");
      r.t = std::visit([](auto x) { return double(x); }, *number);
    } else if (key == "bv") {
      if (!value.is_bool()) return refuse("\"bv\" is not a boolean");
      r.vb = value.get_bool();
    } else {
      return refuse(fmt::format("unknown field \"{}\"", std::string_view(key)));
    }
  }
  return r;
}

}  // namespace

core::Result<Records> DecodeLwm2mJson(Payload payload, const Path& base,
                                      const TypeResolver& types) {
  if (payload.empty()) return Records{};
  auto root = ParseJson(payload, "LwM2M JSON");
  if (!root) return tl::unexpected(root.error());
  const json::object* object = root->if_object();
  if (!object) return Invalid("LwM2M JSON: not an object", 0);
  std::optional<std::string> bn;
  std::optional<double> bt;
  const json::array* entries = nullptr;
  for (const auto& [key, value] : *object) {
    if (key == "bn" && value.is_string()) {
      bn = std::string(value.get_string());
    } else if (key == "bt" && JsonNumber(value)) {
      bt = std::visit([](auto x) { return double(x); }, *JsonNumber(value));
    } else if (key == "e" && value.is_array()) {
      entries = &value.get_array();
    } else {
      return Invalid(fmt::format("LwM2M JSON: unexpected \"{}\"", std::string_view(key)));
    }
  }
  if (!entries) return Invalid("LwM2M JSON: no \"e\" array");
  std::vector<SenmlRecord> pack;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto r = ReadEntry((*entries)[i], i);
    if (!r) return tl::unexpected(r.error());
    pack.push_back(std::move(*r));
  }
  if (!pack.empty()) {
    pack[0].bn = bn;
    pack[0].bt = bt;
  }
  return ResolveSenml(pack, base, types, Dialect::kLwm2mJson);
}

core::Result<Bytes> EncodeLwm2mJson(std::span<const Record> records, const Path& base) {
  auto pack = ToSenml(records, base, Dialect::kLwm2mJson);
  if (!pack) return tl::unexpected(pack.error());
  std::string out = "{\"bn\":";
  AppendJsonString(
      out, pack->empty() ? (base.IsRoot() ? "/" : ToString(base) + "/") : *pack->front().bn);
  out += ",\"e\":[";
  for (std::size_t i = 0; i < pack->size(); ++i) {
    const SenmlRecord& r = (*pack)[i];
    if (i > 0) out += ',';
    std::string fields;
    auto field = [&](std::string_view label) {
      fields += fields.empty() ? "{\"" : ",\"";
      fields += label;
      fields += "\":";
    };
    if (r.n) {
      field("n");
      AppendJsonString(fields, *r.n);
    }
    if (r.v) {
      field("v");
      AppendJsonNumber(fields, *r.v);
    } else if (r.vs) {
      field("sv");
      AppendJsonString(fields, *r.vs);
    } else if (r.vb) {
      field("bv");
      fields += *r.vb ? "true" : "false";
    } else if (r.vlo) {
      field("ov");
      AppendJsonString(fields, *r.vlo);
    }
    if (r.t) {
      field("t");
      AppendJsonTime(fields, *r.t);
    }
    out += fields + "}";
  }
  out += "]}";
  return Bytes(out.begin(), out.end());
}

}  // namespace custos::lwm2m::format::detail
