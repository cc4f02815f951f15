// SenML JSON (RFC 8428 §5, TS Core 1.1): an array of records with labelled fields.
#include <fmt/format.h>

#include "lwm2m/format/detail/json.h"

namespace custos::lwm2m::format::detail {
namespace {

namespace json = boost::json;

core::Result<SenmlRecord> ReadRecord(const json::value& item, std::size_t index) {
  auto refuse = [&](std::string_view why) {
    return Invalid(fmt::format("SenML JSON record {}: {}", index, why));
  };
  if (!item.is_object()) return refuse("not an object");
  SenmlRecord r;
  for (const auto& entry : item.as_object()) {
    // Named, not bound: lambdas below capture them (clang 14 cannot capture bindings).
    const json::string_view key = entry.key();
    const json::value& value = entry.value();
    auto number = JsonNumber(value);
    auto text = [&]() -> const json::string* { return value.if_string(); };
    auto want = [&](bool ok, std::string_view what) -> core::Result<void> {
      if (ok) return {};
      return refuse(fmt::format("\"{}\" is not {}", std::string_view(key), what));
    };
    core::Result<void> ok;
    if (key == "bn") {
      if (ok = want(text(), "a string"); ok) r.bn = std::string(*text());
    } else if (key == "n") {
      if (ok = want(text(), "a string"); ok) r.n = std::string(*text());
    } else if (key == "bt" || key == "t") {
      if (ok = want(number.has_value(), "a number"); ok) {
        double d = std::visit([](auto x) { return double(x); }, *number);
        (key == "bt" ? r.bt : r.t) = d;
      }
    } else if (key == "bv" || key == "v") {
      if (ok = want(number.has_value(), "a number"); ok) (key == "bv" ? r.bv : r.v) = number;
    } else if (key == "vs" || key == "vlo") {
      if (ok = want(text(), "a string"); ok) {
        (key == "vs" ? r.vs : r.vlo) = std::string(*text());
      }
    } else if (key == "vb") {
      if (ok = want(value.is_bool(), "a boolean"); ok) r.vb = value.get_bool();
    } else if (key == "vd") {
      if (ok = want(text(), "a string"); ok) {
        r.vd = Base64Decode(*text());
        ok = want(r.vd.has_value(), "base64");
      }
    } else if (key == "bver") {
      // Version 10 is RFC 8428's; a later one may change what the fields mean.
      ok = want(number && std::holds_alternative<std::int64_t>(*number) &&
                    std::get<std::int64_t>(*number) <= 10,
                "a version up to 10");
    } else if (!key.empty() && key.back() == '_') {
      ok = refuse(fmt::format("must-understand field \"{}\"", std::string_view(key)));
    }
    // Units, sums and update times ("u", "bu", "s", "bs", "ut") and unknown fields: ignored.
    if (!ok) return tl::unexpected(ok.error());
  }
  return r;
}

core::Result<std::vector<SenmlRecord>> ReadPack(Payload payload) {
  std::vector<SenmlRecord> pack;
  if (payload.empty()) return pack;
  auto root = ParseJson(payload, "SenML JSON");
  if (!root) return tl::unexpected(root.error());
  if (!root->is_array()) return Invalid("SenML JSON: not an array of records", 0);
  const auto& items = root->as_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto r = ReadRecord(items[i], i);
    if (!r) return tl::unexpected(r.error());
    pack.push_back(std::move(*r));
  }
  return pack;
}

std::string WritePack(const std::vector<SenmlRecord>& pack) {
  std::string out = "[";
  for (const auto& r : pack) {
    if (out.size() > 1) out += ',';
    std::string fields;
    auto field = [&](std::string_view label) {
      fields += fields.empty() ? "{" : ",";
      AppendJsonString(fields, label);
      fields += ':';
    };
    if (r.bn) {
      field("bn");
      AppendJsonString(fields, *r.bn);
    }
    if (r.bt) {
      field("bt");
      AppendJsonTime(fields, *r.bt);
    }
    if (r.n) {
      field("n");
      AppendJsonString(fields, *r.n);
    }
    if (r.v) {
      field("v");
      AppendJsonNumber(fields, *r.v);
    }
    if (r.vs) {
      field("vs");
      AppendJsonString(fields, *r.vs);
    }
    if (r.vb) {
      field("vb");
      fields += *r.vb ? "true" : "false";
    }
    if (r.vd) {
      field("vd");
      AppendJsonString(fields, Base64Encode(*r.vd, true));
    }
    if (r.vlo) {
      field("vlo");
      AppendJsonString(fields, *r.vlo);
    }
    if (r.t) {
      field("t");
      AppendJsonTime(fields, *r.t);
    }
    out += fields.empty() ? "{}" : fields + "}";
  }
  return out + "]";
}

}  // namespace

core::Result<Records> DecodeSenmlJson(Payload payload, const Path& base,
                                      const TypeResolver& types) {
  auto pack = ReadPack(payload);
  if (!pack) return tl::unexpected(pack.error());
  return ResolveSenml(*pack, base, types, Dialect::kSenml);
}

core::Result<Bytes> EncodeSenmlJson(std::span<const Record> records, const Path& base) {
  auto pack = ToSenml(records, base, Dialect::kSenml);
  if (!pack) return tl::unexpected(pack.error());
  std::string text = WritePack(*pack);
  return Bytes(text.begin(), text.end());
}

core::Result<std::vector<Path>> DecodeSenmlJsonPaths(Payload payload) {
  auto pack = ReadPack(payload);
  if (!pack) return tl::unexpected(pack.error());
  return ResolveSenmlPaths(*pack);
}

Bytes EncodeSenmlJsonPaths(std::span<const Path> paths) {
  std::vector<SenmlRecord> pack;
  for (const auto& path : paths) {
    SenmlRecord r;
    r.n = ToString(path);
    pack.push_back(std::move(r));
  }
  std::string text = WritePack(pack);
  return Bytes(text.begin(), text.end());
}

}  // namespace custos::lwm2m::format::detail
