// The datagrams of the benchmark: the load generator's request and how it recognises an
// answer. The request is a confirmable GET of "/" (no options, as libcoap's coap-server
// serves its banner there) whose 4-byte token is the endpoint number, so a reply names its
// endpoint twice: by the address it was sent to and by its token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace custos::coap_bench {

inline constexpr std::size_t kRequestSize = 8;  // 4-byte header, 4-byte token

// The request from `endpoint` with `message_id`, as coap::Encode writes it.
std::array<std::uint8_t, kRequestSize> EncodeRequest(std::uint32_t endpoint,
                                                     std::uint16_t message_id);

struct Reply {
  std::uint16_t message_id = 0;
  std::uint32_t endpoint = 0;  // from the token
  bool echoed = false;         // an unchanged copy of the request (the UDP echo ceiling)
};

// An answer to one of our requests: an ACK with a piggybacked 2.05 Content, or the request
// itself sent back, either with a 4-byte token. nullopt for anything else (an empty ACK, a
// separate response, an error code, a Reset, a datagram that is not CoAP).
std::optional<Reply> ParseReply(std::span<const std::uint8_t> datagram);

}  // namespace custos::coap_bench
