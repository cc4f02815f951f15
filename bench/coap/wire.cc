#include "wire.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "coap/coap.h"

namespace custos::coap_bench {
namespace {

std::array<std::uint8_t, kRequestSize> EncodeTemplate() {
  coap::Message request;
  request.type = coap::Type::kConfirmable;
  request.code = coap::codes::kGet;
  request.token.assign(4, 0);
  const std::vector<std::uint8_t> bytes = coap::Encode(request);
  std::array<std::uint8_t, kRequestSize> out{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
  return out;
}

constexpr std::string_view kEndpointPrefix = "ep=bench-";
constexpr std::size_t kEndpointDigits = 8;

struct RegisterTemplate {
  std::vector<std::uint8_t> bytes;
  std::size_t digits_at = 0;  // where the endpoint's hex digits go
};

RegisterTemplate EncodeRegisterTemplate() {
  coap::Message request;
  request.type = coap::Type::kConfirmable;
  request.code = coap::codes::kPost;
  request.token.assign(4, 0);
  coap::SetUriPath(request.options, "/rd");
  coap::SetUriQuery(request.options,
                    std::string(kEndpointPrefix) + std::string(kEndpointDigits, '0') +
                        "&lt=86400&b=U");
  coap::SetContentFormat(request.options, 40);
  const std::string_view payload = "</1>,</3/0>,</4/0>";
  request.payload.assign(payload.begin(), payload.end());
  RegisterTemplate t;
  t.bytes = coap::Encode(request);
  const auto at = std::search(t.bytes.begin(), t.bytes.end(), kEndpointPrefix.begin(),
                              kEndpointPrefix.end());
  t.digits_at = static_cast<std::size_t>(at - t.bytes.begin()) + kEndpointPrefix.size();
  return t;
}

void PutIdAndToken(std::span<std::uint8_t> out, std::uint32_t endpoint,
                   std::uint16_t message_id) {
  out[2] = static_cast<std::uint8_t>(message_id >> 8);
  out[3] = static_cast<std::uint8_t>(message_id);
  out[4] = static_cast<std::uint8_t>(endpoint >> 24);
  out[5] = static_cast<std::uint8_t>(endpoint >> 16);
  out[6] = static_cast<std::uint8_t>(endpoint >> 8);
  out[7] = static_cast<std::uint8_t>(endpoint);
}

}  // namespace

std::size_t EncodeRequest(Scenario scenario, std::uint32_t endpoint, std::uint16_t message_id,
                          std::span<std::uint8_t, kMaxRequestSize> out) {
  if (scenario == Scenario::kGet) {
    const auto get = EncodeRequest(endpoint, message_id);
    std::copy(get.begin(), get.end(), out.begin());
    return get.size();
  }
  // Encoded once; the id, the token and the endpoint's digits change.
  static const RegisterTemplate kTemplate = EncodeRegisterTemplate();
  std::copy(kTemplate.bytes.begin(), kTemplate.bytes.end(), out.begin());
  PutIdAndToken(out, endpoint, message_id);
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < kEndpointDigits; ++i) {
    out[kTemplate.digits_at + i] =
        static_cast<std::uint8_t>(kHex[(endpoint >> (4 * (kEndpointDigits - 1 - i))) & 0xf]);
  }
  return kTemplate.bytes.size();
}

std::array<std::uint8_t, kRequestSize> EncodeRequest(std::uint32_t endpoint,
                                                     std::uint16_t message_id) {
  // Encoded once; only the id and the token change from one request to the next.
  static const std::array<std::uint8_t, kRequestSize> kTemplate = EncodeTemplate();
  std::array<std::uint8_t, kRequestSize> out = kTemplate;
  out[2] = static_cast<std::uint8_t>(message_id >> 8);
  out[3] = static_cast<std::uint8_t>(message_id);
  out[4] = static_cast<std::uint8_t>(endpoint >> 24);
  out[5] = static_cast<std::uint8_t>(endpoint >> 16);
  out[6] = static_cast<std::uint8_t>(endpoint >> 8);
  out[7] = static_cast<std::uint8_t>(endpoint);
  return out;
}

std::optional<Reply> ParseReply(std::span<const std::uint8_t> datagram, Scenario scenario) {
  // The header alone: decoding whole messages would allocate for every reply, and the
  // generator must stay cheaper than the servers it measures.
  const auto header = coap::DecodeHeader(datagram);
  if (!header || header->token_length != 4 || datagram.size() < kRequestSize) {
    return std::nullopt;
  }
  Reply reply;
  const bool registering = scenario == Scenario::kRegister;
  if (header->type == coap::Type::kAcknowledgement &&
      (header->code == coap::codes::kContent || (registering && header->code.IsResponse()))) {
    reply.echoed = false;
  } else if (registering && header->type == coap::Type::kConfirmable &&
             header->code == coap::codes::kPost) {
    reply.echoed = true;
  } else if (registering && header->type == coap::Type::kConfirmable &&
             header->code.IsResponse()) {
    reply.separate = true;
  } else if (header->type == coap::Type::kConfirmable && header->code == coap::codes::kGet &&
             datagram.size() == kRequestSize) {
    reply.echoed = true;
  } else {
    return std::nullopt;
  }
  reply.message_id = header->message_id;
  reply.endpoint = std::uint32_t{datagram[4]} << 24 | std::uint32_t{datagram[5]} << 16 |
                   std::uint32_t{datagram[6]} << 8 | std::uint32_t{datagram[7]};
  return reply;
}

}  // namespace custos::coap_bench
