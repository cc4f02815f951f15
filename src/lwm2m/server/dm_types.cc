#include "lwm2m/server/dm_types.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace custos::lwm2m::server {
namespace {

using core::ErrorCode;

constexpr std::string_view kAttributeNames[] = {"pmin", "pmax", "epmin", "epmax", "gt", "lt", "st"};

bool IsAttributeName(std::string_view name) {
  for (auto n : kAttributeNames) {
    if (n == name) return true;
  }
  return false;
}

std::string Number(double v) {
  std::string text = fmt::format("{}", v);
  return text;
}

core::Result<void> SetAttribute(NotificationAttributes& a, std::string_view name, double value) {
  const bool period = name == "pmin" || name == "pmax" || name == "epmin" || name == "epmax";
  if (period) {
    if (!(value >= 0) || value > 4294967295.0 || std::floor(value) != value) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("{}: a whole number of seconds, got {}", name, value));
    }
    auto seconds = static_cast<std::uint32_t>(value);
    if (name == "pmin") a.pmin = seconds;
    if (name == "pmax") a.pmax = seconds;
    if (name == "epmin") a.epmin = seconds;
    if (name == "epmax") a.epmax = seconds;
    return {};
  }
  if (!std::isfinite(value)) {
    return core::MakeError(ErrorCode::kInvalidArgument, fmt::format("{}: not a number", name));
  }
  if (name == "gt") a.gt = value;
  if (name == "lt") a.lt = value;
  if (name == "st") a.st = value;
  return {};
}

}  // namespace

DmError FromCoapCode(std::string coap_code, std::string message) {
  ErrorCode code = ErrorCode::kInvalidArgument;
  if (coap_code == "4.01") code = ErrorCode::kUnauthenticated;
  if (coap_code == "4.03") code = ErrorCode::kPermissionDenied;
  if (coap_code == "4.04") code = ErrorCode::kNotFound;
  if (coap_code == "4.05" || coap_code == "4.06" || coap_code == "4.12") {
    code = ErrorCode::kFailedPrecondition;
  }
  if (coap_code == "4.08" || coap_code == "4.13") code = ErrorCode::kPayloadTooLarge;
  if (!coap_code.empty() && coap_code[0] == '5') code = ErrorCode::kUnavailable;
  return DmError{code, "coap_error", std::move(message), std::move(coap_code)};
}

int HttpStatus(const DmError& error) {
  const std::string& c = error.coap_code;
  if (!c.empty()) {
    if (c[0] == '5') return 502;
    if (c == "4.01") return 401;
    if (c == "4.03") return 403;
    if (c == "4.04") return 404;
    if (c == "4.05") return 405;
    if (c == "4.06") return 406;
    if (c == "4.13") return 413;
    if (c == "4.15") return 415;
    return 400;
  }
  if (error.reason == "device_not_registered") return 409;
  if (error.reason == "bad_answer") return 502;
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kFailedPrecondition:
      return 422;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kTimeout:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

bool NotificationAttributes::empty() const {
  return !pmin && !pmax && !epmin && !epmax && !gt && !lt && !st && clear.empty();
}

core::Result<void> Validate(const NotificationAttributes& a, const Path& path) {
  auto invalid = [](std::string message) {
    return core::MakeError(ErrorCode::kInvalidArgument, std::move(message));
  };
  if (path.IsRoot()) return invalid("attributes are set on an object, instance or resource");
  if (a.empty()) return invalid("no attribute given");
  for (const auto& name : a.clear) {
    if (!IsAttributeName(name)) return invalid(fmt::format("unknown attribute '{}'", name));
  }
  const bool value_level = path.IsResource() || path.IsResourceInstance();
  if ((a.gt || a.lt || a.st) && !value_level) {
    return invalid("gt, lt and st apply to a resource or resource instance only");
  }
  if (a.pmin && a.pmax && *a.pmin > *a.pmax) return invalid("pmin is above pmax");
  if (a.epmin && a.epmax && *a.epmin > *a.epmax) return invalid("epmin is above epmax");
  if (a.st && !(*a.st > 0)) return invalid("st must be positive");
  if (a.lt && a.gt) {
    if (!(*a.lt < *a.gt)) return invalid("lt must be below gt");
    if (a.st && !(*a.lt + 2 * *a.st < *a.gt)) return invalid("lt + 2*st must be below gt");
  }
  return {};
}

std::vector<std::string> QueryArguments(const NotificationAttributes& a) {
  std::vector<std::string> out;
  auto period = [&out](const char* name, const std::optional<std::uint32_t>& v) {
    if (v) out.push_back(fmt::format("{}={}", name, *v));
  };
  auto number = [&out](const char* name, const std::optional<double>& v) {
    if (v) out.push_back(fmt::format("{}={}", name, Number(*v)));
  };
  period("pmin", a.pmin);
  period("pmax", a.pmax);
  number("gt", a.gt);
  number("lt", a.lt);
  number("st", a.st);
  period("epmin", a.epmin);
  period("epmax", a.epmax);
  for (const auto& name : a.clear) out.push_back(name);
  return out;
}

boost::json::value ToJson(const NotificationAttributes& a) {
  boost::json::object out;
  if (a.pmin) out["pmin"] = *a.pmin;
  if (a.pmax) out["pmax"] = *a.pmax;
  if (a.gt) out["gt"] = *a.gt;
  if (a.lt) out["lt"] = *a.lt;
  if (a.st) out["st"] = *a.st;
  if (a.epmin) out["epmin"] = *a.epmin;
  if (a.epmax) out["epmax"] = *a.epmax;
  for (const auto& name : a.clear) out[name] = nullptr;
  return out;
}

core::Result<NotificationAttributes> AttributesFromJson(const boost::json::value& json) {
  if (!json.is_object()) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "attributes: expected an object such as {\"pmin\": 10}");
  }
  NotificationAttributes a;
  for (const auto& [key, value] : json.as_object()) {
    std::string_view name = key;
    if (!IsAttributeName(name)) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("unknown attribute '{}'", name));
    }
    if (value.is_null()) {
      a.clear.emplace_back(name);
      continue;
    }
    if (!value.is_number()) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("{}: expected a number or null", name));
    }
    if (auto set = SetAttribute(a, name, value.to_number<double>()); !set) {
      return tl::unexpected(set.error());
    }
  }
  return a;
}

core::Result<NotificationAttributes> AttributesFromArguments(
    const std::vector<std::string>& arguments) {
  NotificationAttributes a;
  for (const auto& argument : arguments) {
    auto eq = argument.find('=');
    std::string name = argument.substr(0, eq);
    if (!IsAttributeName(name)) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("unknown attribute '{}'", name));
    }
    if (eq == std::string::npos || eq + 1 == argument.size()) {
      a.clear.push_back(name);
      continue;
    }
    std::string_view text(argument);
    text.remove_prefix(eq + 1);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("{}: '{}' is not a number", name, text));
    }
    if (auto set = SetAttribute(a, name, value); !set) return tl::unexpected(set.error());
  }
  return a;
}

core::Result<format::ContentFormat> ParseFormatName(std::string_view name) {
  using format::ContentFormat;
  struct Named {
    std::string_view name;
    ContentFormat format;
  };
  static constexpr Named kNames[] = {
      {"tlv", ContentFormat::kTlv},
      {"senml-json", ContentFormat::kSenmlJson},
      {"senml-cbor", ContentFormat::kSenmlCbor},
      {"lwm2m-json", ContentFormat::kLwm2mJson},
      {"lwm2m-cbor", ContentFormat::kLwm2mCbor},
      {"text", ContentFormat::kPlainText},
      {"opaque", ContentFormat::kOpaque},
  };
  for (const auto& n : kNames) {
    if (n.name == name) return n.format;
  }
  std::uint16_t id = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec == std::errc() && end == name.data() + name.size()) {
    if (auto f = format::ContentFormatFromId(id); f && *f != ContentFormat::kLinkFormat) return *f;
  }
  return core::MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("format '{}' is not one of tlv, senml-json, senml-cbor, "
                                     "lwm2m-json, lwm2m-cbor, text, opaque",
                                     name));
}

const char* FormatName(format::ContentFormat f) {
  using format::ContentFormat;
  switch (format::Canonical(f)) {
    case ContentFormat::kTlv:
      return "tlv";
    case ContentFormat::kSenmlJson:
      return "senml-json";
    case ContentFormat::kSenmlCbor:
      return "senml-cbor";
    case ContentFormat::kLwm2mJson:
      return "lwm2m-json";
    case ContentFormat::kLwm2mCbor:
      return "lwm2m-cbor";
    case ContentFormat::kPlainText:
      return "text";
    case ContentFormat::kOpaque:
      return "opaque";
    case ContentFormat::kLinkFormat:
      return "link-format";
    default:
      return "unknown";
  }
}

}  // namespace custos::lwm2m::server
