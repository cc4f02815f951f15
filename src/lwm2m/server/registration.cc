#include "lwm2m/server/registration.h"

#include <fmt/format.h>

#include <charconv>

#include "core/device.h"

namespace custos::lwm2m::server {
namespace {

constexpr std::uint16_t kLinkFormat = 40;

tl::unexpected<Refusal> Refuse(std::string message, RefusalKind kind = RefusalKind::kBadRequest) {
  return tl::unexpected(Refusal{kind, std::move(message)});
}

// "name=value" -> (name, value); a bare "Q" -> ("Q", nullopt).
std::pair<std::string_view, std::optional<std::string_view>> SplitArgument(
    std::string_view argument) {
  auto eq = argument.find('=');
  if (eq == std::string_view::npos) return {argument, std::nullopt};
  return {argument.substr(0, eq), argument.substr(eq + 1)};
}

Parsed<std::int64_t> ParseLifetime(std::optional<std::string_view> value) {
  std::uint64_t seconds = 0;
  if (!value || value->empty()) return Refuse("lt: a lifetime in seconds is required");
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || end != value->data() + value->size()) {
    return Refuse(fmt::format("lt: '{}' is not a whole number of seconds", *value));
  }
  if (seconds == 0 || seconds > 0xffffffffULL) {
    return Refuse(fmt::format("lt: {} is outside 1..4294967295", seconds));
  }
  return static_cast<std::int64_t>(seconds);
}

bool IsVersionSyntax(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

Parsed<std::optional<ObjectList>> ParsePayload(std::optional<std::uint16_t> content_format,
                                               std::string_view payload) {
  if (payload.empty()) return std::optional<ObjectList>();
  if (content_format && *content_format != kLinkFormat) {
    return Refuse(fmt::format("the object list must be application/link-format (40), not {}",
                              *content_format),
                  RefusalKind::kUnsupportedFormat);
  }
  auto list = ParseObjectList(payload);
  if (!list) return tl::unexpected(list.error());
  return std::optional<ObjectList>(std::move(*list));
}

// The Update parameters shared by Register: lt, b, sms, Q. Returns false for an argument
// that is none of them.
struct CommonParameters {
  std::optional<std::int64_t> lifetime_s;
  std::optional<Binding> binding;
  std::optional<std::string> sms;
  bool q = false;
};

Parsed<bool> ReadCommon(std::string_view name, std::optional<std::string_view> value,
                        CommonParameters& out) {
  if (name == "lt") {
    auto lt = ParseLifetime(value);
    if (!lt) return tl::unexpected(lt.error());
    out.lifetime_s = *lt;
    return true;
  }
  if (name == "b") {
    auto binding = ParseBinding(value.value_or(""));
    if (!binding) return Refuse(fmt::format("b: unknown binding '{}'", value.value_or("")));
    out.binding = *binding;
    return true;
  }
  if (name == "sms") {
    out.sms = std::string(value.value_or(""));
    return true;
  }
  if (name == "Q") {
    if (value) return Refuse("Q: takes no value");
    out.q = true;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Binding> ParseBinding(std::string_view text) {
  Binding binding;
  for (char c : text) {
    if (c == 'Q') {
      if (binding.queue) return std::nullopt;
      binding.queue = true;
      continue;
    }
    if (std::string_view("UTSN").find(c) == std::string_view::npos ||
        binding.transports.find(c) != std::string::npos) {
      return std::nullopt;
    }
    binding.transports.push_back(c);
  }
  if (binding.transports.empty()) return std::nullopt;
  return binding;
}

Parsed<ObjectList> ParseObjectList(std::string_view payload) {
  auto links = format::ParseLinks(payload);
  if (!links) {
    std::string where =
        links.error().position ? fmt::format(" at byte {}", *links.error().position) : "";
    return Refuse(fmt::format("bad link format{}: {}", where, links.error().message));
  }
  ObjectList list;
  const format::Link* root = format::FindRootLink(*links);
  if (root) {
    list.root_path = root->target;
    auto formats = format::DeclaredContentFormats(*links);
    if (!formats) return Refuse(fmt::format("root link: {}", formats.error().message));
    list.content_formats = std::move(*formats);
  }
  std::string_view prefix = list.root_path == "/" ? "" : std::string_view(list.root_path);
  for (const auto& link : *links) {
    if (&link == root) continue;
    std::string_view target = link.target;
    if (!prefix.empty()) {
      if (target.substr(0, prefix.size()) != prefix) {
        return Refuse(
            fmt::format("link <{}> is outside the root path {}", link.target, list.root_path));
      }
      target.remove_prefix(prefix.size());
    }
    auto path = ParsePath(target);
    if (!path || !(path->IsObject() || path->IsInstance())) {
      return Refuse(fmt::format("link <{}> is not an object or an object instance", link.target));
    }
    ObjectLink object{*path, ""};
    if (const auto* ver = link.Find("ver")) {
      if (!ver->value || !IsVersionSyntax(*ver->value)) {
        return Refuse(fmt::format("link <{}>: ver must be major.minor", link.target));
      }
      object.version = *ver->value;
    }
    list.objects.push_back(std::move(object));
  }
  return list;
}

Parsed<RegisterRequest> ParseRegister(std::span<const std::string> query,
                                      std::optional<std::uint16_t> content_format,
                                      std::string_view payload) {
  RegisterRequest request;
  CommonParameters common;
  std::optional<std::string_view> endpoint;
  for (const auto& argument : query) {
    auto [name, value] = SplitArgument(argument);
    auto known = ReadCommon(name, value, common);
    if (!known) return tl::unexpected(known.error());
    if (*known) continue;
    if (name == "ep") {
      endpoint = value.value_or("");
    } else if (name == "lwm2m") {
      std::string text(value.value_or(""));
      auto version = format::ParseLwm2mVersion(text);
      if (!version) {
        if (IsVersionSyntax(text)) {
          return Refuse(fmt::format("lwm2m: version {} is not supported (1.0, 1.1, 1.2 are)", text),
                        RefusalKind::kUnsupportedVersion);
        }
        return Refuse(fmt::format("lwm2m: '{}' is not a version", text));
      }
      request.version = *version;
      request.version_text = std::move(text);
    }
  }
  if (!endpoint) return Refuse("ep: the endpoint name is required");
  if (auto valid = core::ValidateDeviceName(*endpoint); !valid) {
    return Refuse(fmt::format("ep: {}", valid.error().message));
  }
  request.endpoint = std::string(*endpoint);
  if (common.lifetime_s) request.lifetime_s = *common.lifetime_s;
  if (common.binding) request.binding = common.binding->transports;
  if (common.sms) request.sms = *common.sms;
  request.queue_mode = common.q || (common.binding && common.binding->queue);
  auto objects = ParsePayload(content_format, payload);
  if (!objects) return tl::unexpected(objects.error());
  if (*objects) request.objects = std::move(**objects);
  return request;
}

Parsed<UpdateRequest> ParseUpdate(std::span<const std::string> query,
                                  std::optional<std::uint16_t> content_format,
                                  std::string_view payload) {
  UpdateRequest request;
  CommonParameters common;
  for (const auto& argument : query) {
    auto [name, value] = SplitArgument(argument);
    auto known = ReadCommon(name, value, common);
    if (!known) return tl::unexpected(known.error());
    if (!*known && (name == "ep" || name == "lwm2m")) {
      return Refuse(fmt::format("{}: not an Update parameter (register again to change it)", name));
    }
  }
  request.lifetime_s = common.lifetime_s;
  request.sms = common.sms;
  if (common.binding) {
    request.binding = common.binding->transports;
    request.queue_mode = common.binding->queue || common.q;
  } else if (common.q) {
    request.queue_mode = true;
  }
  auto objects = ParsePayload(content_format, payload);
  if (!objects) return tl::unexpected(objects.error());
  request.objects = std::move(*objects);
  return request;
}

}  // namespace custos::lwm2m::server
