// The device management interface from the devices' side (TS Core §6.3, §6.4): Read,
// Discover, Write, Write-Attributes, Execute, Observe and Cancel-Observation on objects 1, 3,
// 4, 5 and 6, answered with piggybacked ACKs; duplicates answered again from a cache that
// keeps each answer for EXCHANGE_LIFETIME (RFC 7252 §4.5), so that a retransmission is never
// executed twice, however many devices answer in between; notifications when observed values
// change.
#include <fmt/format.h>

#include <functional>
#include <string_view>

#include "fleet.h"
#include "lwm2m/format/format.h"

namespace custos::sim {
namespace {

namespace fmt_ns = lwm2m::format;
// RFC 7252 §4.8.2 EXCHANGE_LIFETIME: a sender stops retransmitting well within it.
constexpr TimeMs kAnswerLifetimeMs = 247'000;
// A bound on memory whatever the request rate (about 100 B an entry).
constexpr std::size_t kAnswerCacheMax = 1'000'000;

coap::Message WithCode(coap::Code code) {
  coap::Message message;
  message.code = code;
  return message;
}

std::uint64_t TokenValue(const std::vector<std::uint8_t>& token) {
  std::uint64_t value = 0;
  for (std::uint8_t byte : token) value = value << 8 | byte;
  return value;
}

std::vector<std::uint8_t> TokenOf(const Observation& o) {
  std::vector<std::uint8_t> token(o.token_length);
  for (std::size_t i = 0; i < token.size(); ++i) {
    token[token.size() - 1 - i] = static_cast<std::uint8_t>(o.token >> (8 * i));
  }
  return token;
}

}  // namespace

void Fleet::OnRequest(std::uint32_t d, Address from, const coap::Message& request, TimeMs now) {
  Device& device = devices_[d];
  const std::uint64_t key = std::uint64_t{d} << 16 | request.message_id;
  if (request.type == coap::Type::kConfirmable) {
    auto cached = answered_.find(key);
    if (cached != answered_.end()) {
      ++stats_.duplicates;
      if (device.dtls) {
        SendSecure(d, cached->second);
      } else {
        ++stats_.datagrams_out;
        outbox_.Send(d, from, cached->second);
      }
      return;
    }
  }
  if (device.queue_mode && device.sleep_at != kNever) {
    device.sleep_at = std::max(device.sleep_at, now + TimeMs{config_.awake_s} * 1000);
  }
  coap::Message answer = Answer(d, request, now);
  if (request.type == coap::Type::kConfirmable) {
    answer.type = coap::Type::kAcknowledgement;
    answer.message_id = request.message_id;
  } else {
    answer.type = coap::Type::kNonConfirmable;
    answer.message_id = device.next_mid++;
  }
  answer.token = request.token;
  if (request.type == coap::Type::kConfirmable) {
    answered_[key] = coap::Encode(answer);
    answered_order_.push_back({key, now});
    while (!answered_order_.empty() &&
           (answered_order_.size() > kAnswerCacheMax ||
            answered_order_.front().second + kAnswerLifetimeMs <= now)) {
      answered_.erase(answered_order_.front().first);
      answered_order_.pop_front();
    }
  }
  Transmit(d, from, answer);
}

coap::Message Fleet::Answer(std::uint32_t d, const coap::Message& request, TimeMs now) {
  auto path = lwm2m::ParsePath(coap::UriPath(request.options));
  if (!path || path->IsRoot()) {
    ++stats_.other_requests;
    return WithCode(coap::codes::kNotFound);
  }
  const auto accept = coap::Accept(request.options);
  const bool has_query = !coap::UriQuery(request.options).empty();
  if (request.code == coap::codes::kGet) {
    if (accept == fmt_ns::IdOf(fmt_ns::ContentFormat::kLinkFormat)) {
      auto links = DiscoverLinks(*path);
      if (!links) return WithCode(coap::codes::kNotFound);
      ++stats_.discovers;
      coap::Message answer = WithCode(coap::codes::kContent);
      coap::SetContentFormat(answer.options, 40);
      answer.payload.assign(links->begin(), links->end());
      return answer;
    }
    if (coap::Observe(request.options).has_value()) return Observe(d, *path, request, now);
    return Read(d, *path, request, now);
  }
  if (request.code == coap::codes::kPut && has_query && request.payload.empty()) {
    return WriteAttributes(d, request);
  }
  if (request.code == coap::codes::kPost && path->IsResource() &&
      IsExecutable(*path->object, *path->resource)) {
    return Execute(d, *path, now);
  }
  if (request.code == coap::codes::kPut || request.code == coap::codes::kPost) {
    return Write(d, *path, request, now);
  }
  ++stats_.other_requests;
  return WithCode(coap::codes::kMethodNotAllowed);
}

core::Result<std::pair<std::uint16_t, std::vector<std::uint8_t>>> Fleet::Encode(
    std::uint32_t d, const lwm2m::Path& path, std::optional<std::uint16_t> accept,
    TimeMs now) const {
  const std::vector<lwm2m::Record> records = Records(devices_[d], IdentityOf(d, now), path);
  if (records.empty()) return core::MakeError(core::ErrorCode::kNotFound, "nothing there");
  fmt_ns::ContentFormat format = fmt_ns::ContentFormat::kTlv;
  if (accept) {
    auto asked = fmt_ns::ContentFormatFromId(*accept);
    if (!asked || *asked == fmt_ns::ContentFormat::kLinkFormat) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "format not spoken");
    }
    format = *asked;
  } else if (records.size() == 1 && records[0].path == path) {
    format = fmt_ns::ContentFormat::kPlainText;
  }
  auto payload = fmt_ns::Encode(format, records, path);
  if (!payload) return tl::unexpected(payload.error());
  return std::pair{fmt_ns::IdOf(format), std::move(*payload)};
}

coap::Message Fleet::Read(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                          TimeMs now) {
  auto encoded = Encode(d, path, coap::Accept(request.options), now);
  if (!encoded) {
    ++stats_.other_requests;
    return WithCode(encoded.error().code == core::ErrorCode::kNotFound
                        ? coap::codes::kNotFound
                        : coap::codes::kNotAcceptable);
  }
  ++stats_.reads;
  coap::Message answer = WithCode(coap::codes::kContent);
  coap::SetContentFormat(answer.options, encoded->first);
  answer.payload = std::move(encoded->second);
  return answer;
}

coap::Message Fleet::Observe(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                             TimeMs now) {
  Device& device = devices_[d];
  const std::uint64_t token = TokenValue(request.token);
  std::erase_if(device.observations, [&](const Observation& o) {
    return o.token == token && o.token_length == request.token.size();
  });
  if (coap::Observe(request.options) != 0u) {  // Cancel-Observation, then a plain Read
    ++stats_.cancels;
    return Read(d, path, request, now);
  }
  auto encoded = Encode(d, path, coap::Accept(request.options), now);
  if (!encoded) return Read(d, path, request, now);  // the same error, counted there
  ++stats_.observes;
  Observation observation;
  observation.token = token;
  observation.token_length = static_cast<std::uint8_t>(request.token.size());
  observation.format = encoded->first;
  observation.path = path;
  observation.sequence = 2;
  observation.last_hash = std::hash<std::string_view>{}(std::string_view(
      reinterpret_cast<const char*>(encoded->second.data()), encoded->second.size()));
  observation.last_sent = now;
  device.observations.push_back(observation);
  coap::Message answer = WithCode(coap::codes::kContent);
  coap::SetObserve(answer.options, 2);
  coap::SetContentFormat(answer.options, encoded->first);
  answer.payload = std::move(encoded->second);
  return answer;
}

void Fleet::Notify(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  if (device.phase != Phase::kRegistered || device.sleeping) return;
  for (Observation& o : device.observations) {
    const bool pmin_passed = now - o.last_sent >= TimeMs{device.pmin} * 1000;
    const bool pmax_passed = device.pmax > 0 && now - o.last_sent >= TimeMs{device.pmax} * 1000;
    if (!pmin_passed && !pmax_passed) continue;
    auto encoded = Encode(d, o.path, o.format, now);
    if (!encoded) continue;
    const std::size_t hash = std::hash<std::string_view>{}(std::string_view(
        reinterpret_cast<const char*>(encoded->second.data()), encoded->second.size()));
    if (hash == o.last_hash && !pmax_passed) continue;
    coap::Message notification;
    notification.type = coap::Type::kNonConfirmable;
    notification.code = coap::codes::kContent;
    notification.message_id = device.next_mid++;
    notification.token = TokenOf(o);
    o.sequence = (o.sequence + 1) & 0xffffff;
    coap::SetObserve(notification.options, o.sequence);
    coap::SetContentFormat(notification.options, encoded->first);
    notification.payload = std::move(encoded->second);
    o.last_hash = hash;
    o.last_sent = now;
    o.last_mid = notification.message_id;
    ++stats_.notifications;
    Transmit(d, config_.server, notification);
  }
}

coap::Message Fleet::WriteAttributes(std::uint32_t d, const coap::Message& request) {
  Device& device = devices_[d];
  for (const std::string& argument : request.options.GetStrings(coap::option::kUriQuery)) {
    const auto equals = argument.find('=');
    const std::string name = argument.substr(0, equals);
    std::uint32_t value = 0;
    if (equals != std::string::npos) {
      try {
        value = static_cast<std::uint32_t>(std::stoul(argument.substr(equals + 1)));
      } catch (...) {
        value = 0;  // thresholds with decimals and the like: not honoured
      }
    }
    if (name == "pmin") device.pmin = static_cast<std::uint16_t>(std::min(value, 65535u));
    if (name == "pmax") device.pmax = static_cast<std::uint16_t>(std::min(value, 65535u));
  }
  ++stats_.write_attributes;
  return WithCode(coap::codes::kChanged);
}

coap::Message Fleet::Execute(std::uint32_t d, const lwm2m::Path& path, TimeMs now) {
  Device& device = devices_[d];
  const int which = *path.object * 100 + *path.resource;
  if (which == 502) return ExecuteUpdate(d, now);
  ++stats_.executes;
  if (which == 304 || which == 305) {  // Reboot, Factory Reset: after the answer goes out
    ++stats_.reboots;
    AbandonExchange(d);
    device.phase = Phase::kRebooting;
    device.firmware_reboot = false;
    device.phase_at = now + config_.reboot_ms;
  } else if (which == 108) {  // Registration Update Trigger
    device.want_update = true;
    NextExchange(d, now);
  }
  return WithCode(coap::codes::kChanged);
}

coap::Message Fleet::Write(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                           TimeMs now) {
  Device& device = devices_[d];
  if (path == lwm2m::Path::Resource(5, 0, 0)) return PushBlock(d, request, now);
  const auto format_id = coap::ContentFormat(request.options);
  const auto format = format_id ? fmt_ns::ContentFormatFromId(*format_id) : std::nullopt;
  if (!format) {
    ++stats_.other_requests;
    return WithCode(coap::codes::kUnsupportedContentFormat);
  }
  auto records = fmt_ns::Decode(*format, request.payload, path,
                                [](const lwm2m::Path& p) { return ResourceTypeAt(p); });
  if (!records) {
    ++stats_.other_requests;
    return WithCode(coap::codes::kBadRequest);
  }
  // Only the writable resources; anything else refuses the whole Write.
  for (const lwm2m::Record& record : *records) {
    const int which = record.path.object.value_or(0) * 100 + record.path.resource.value_or(0);
    if (which != 101 && which != 313 && which != 314 && which != 315 && which != 501) {
      ++stats_.other_requests;
      return WithCode(coap::codes::kMethodNotAllowed);
    }
  }
  ++stats_.writes;
  for (const lwm2m::Record& record : *records) {
    if (record.path == lwm2m::Path::Resource(5, 0, 1)) {
      const auto* uri = std::get_if<std::string>(&record.value);
      SetPackageUri(d, uri != nullptr ? *uri : std::string(), now);
    }
  }
  (void)device;
  return WithCode(coap::codes::kChanged);
}

}  // namespace custos::sim
