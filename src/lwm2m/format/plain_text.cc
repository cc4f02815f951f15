// Plain text (TS Core, Data Formats) and opaque: one resource value, typed by the resolver.
#include <fmt/format.h>

#include <cmath>

#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/records.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

core::Result<void> CheckSingle(std::span<const Record> records, const Path& base,
                               std::string_view format) {
  if (base.depth() < 3) {
    return Invalid(fmt::format("{} carries one resource, not {}", format, ToString(base)));
  }
  if (records.size() != 1 || records[0].path != base) {
    return Invalid(fmt::format("{} carries exactly one value, at {}", format, ToString(base)));
  }
  if (records[0].time) return Invalid(fmt::format("{} carries no time", format));
  return {};
}

core::Result<Value> ParseText(std::string_view text, std::optional<ResourceType> type) {
  auto refuse = [&](std::string_view what) {
    return Invalid(fmt::format("plain text '{}' is not {}", text.substr(0, 64), what), 0);
  };
  if (!type || *type == ResourceType::kString || *type == ResourceType::kCoreLink) {
    if (!IsUtf8(text)) return refuse("UTF-8");
    if (type == ResourceType::kCoreLink) return Value{CoreLink{std::string(text)}};
    return Value{std::string(text)};
  }
  switch (*type) {
    case ResourceType::kInteger:
      if (auto v = ParseInt64(text)) return Value{*v};
      return refuse("an Integer");
    case ResourceType::kTime:
      if (auto v = ParseInt64(text)) return Value{TimeValue{*v}};
      return refuse("a Time");
    case ResourceType::kUnsignedInteger:
      if (auto v = ParseUint64(text)) return Value{*v};
      return refuse("an Unsigned Integer");
    case ResourceType::kFloat:
      if (auto v = ParseFloat(text)) return Value{*v};
      return refuse("a Float");
    case ResourceType::kBoolean:
      if (text == "0" || text == "1") return Value{text == "1"};
      return refuse("a Boolean (\"0\" or \"1\")");
    case ResourceType::kObjectLink:
      if (auto v = ParseObjectLink(text)) return Value{*v};
      return refuse("an Objlnk (\"oid:iid\")");
    case ResourceType::kOpaque:
      if (auto v = Base64Decode(text)) return Value{std::move(*v)};
      return refuse("base64");
    default:
      return Invalid("plain text for a resource with no value (executable)", 0);
  }
}

struct TextOf {
  std::string operator()(const std::string& s) const { return s; }
  std::string operator()(std::int64_t v) const { return fmt::format("{}", v); }
  std::string operator()(std::uint64_t v) const { return fmt::format("{}", v); }
  std::string operator()(double v) const { return FormatFloat(v); }
  std::string operator()(bool v) const { return v ? "1" : "0"; }
  std::string operator()(const Opaque& v) const { return Base64Encode(v, false); }
  std::string operator()(const TimeValue& v) const { return fmt::format("{}", v.seconds); }
  std::string operator()(const ObjectLink& v) const { return FormatObjectLink(v); }
  std::string operator()(const CoreLink& v) const { return v.text; }
};

}  // namespace

core::Result<Records> DecodePlainText(Payload payload, const Path& base,
                                      const TypeResolver& types) {
  if (base.depth() < 3) {
    return Invalid(fmt::format("plain text carries one resource, not {}", ToString(base)));
  }
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  auto value = ParseText(text, TypeAt(types, base));
  if (!value) return tl::unexpected(value.error());
  return Records{Record{base, std::move(*value), std::nullopt}};
}

core::Result<Bytes> EncodePlainText(std::span<const Record> records, const Path& base) {
  if (auto ok = CheckSingle(records, base, "plain text"); !ok) return tl::unexpected(ok.error());
  if (auto* d = std::get_if<double>(&records[0].value); d && !std::isfinite(*d)) {
    return Invalid("plain text cannot say a Float that is not finite");
  }
  std::string text = std::visit(TextOf{}, records[0].value);
  return Bytes(text.begin(), text.end());
}

core::Result<Records> DecodeOpaque(Payload payload, const Path& base, const TypeResolver& types) {
  if (base.depth() < 3) {
    return Invalid(fmt::format("opaque carries one resource, not {}", ToString(base)));
  }
  auto type = TypeAt(types, base);
  if (type && *type != ResourceType::kOpaque) {
    return Invalid(fmt::format("opaque content for a {} resource", ToString(*type)));
  }
  return Records{Record{base, Opaque(payload.begin(), payload.end()), std::nullopt}};
}

core::Result<Bytes> EncodeOpaque(std::span<const Record> records, const Path& base) {
  if (auto ok = CheckSingle(records, base, "opaque"); !ok) return tl::unexpected(ok.error());
  const auto* bytes = std::get_if<Opaque>(&records[0].value);
  if (!bytes) return Invalid("opaque carries only an Opaque value");
  return *bytes;
}

}  // namespace custos::lwm2m::format::detail
