#include "wire.h"

#include <algorithm>

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

}  // namespace

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

std::optional<Reply> ParseReply(std::span<const std::uint8_t> datagram) {
  // The header alone: decoding whole messages would allocate for every reply, and the
  // generator must stay cheaper than the servers it measures.
  const auto header = coap::DecodeHeader(datagram);
  if (!header || header->token_length != 4 || datagram.size() < kRequestSize) {
    return std::nullopt;
  }
  Reply reply;
  if (header->type == coap::Type::kAcknowledgement && header->code == coap::codes::kContent) {
    reply.echoed = false;
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
