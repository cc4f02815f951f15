// The datagrams of the benchmark: the load generator's request and how it recognises an
// answer. The request is a confirmable GET of "/" (no options, as libcoap's coap-server
// serves its banner there) whose 4-byte token is the endpoint number, so a reply names its
// endpoint twice: by the address it was sent to and by its token. The registration storm
// (Scenario::kRegister) sends an LwM2M Register instead: POST /rd?ep=bench-XXXXXXXX&lt=86400&b=U
// with the object list "</1>,</3/0>,</4/0>", XXXXXXXX the endpoint number in hex.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace custos::coap_bench {

inline constexpr std::size_t kRequestSize = 8;  // 4-byte header, 4-byte token
inline constexpr std::size_t kMaxRequestSize = 96;  // room for the Register

enum class Scenario {
  kGet,       // GET / again and again (the transport benchmark)
  kRegister,  // one LwM2M Register per endpoint (the registration storm)
};

// The request of `scenario` from `endpoint` with `message_id`, written to `out`; returns its
// size.
std::size_t EncodeRequest(Scenario scenario, std::uint32_t endpoint, std::uint16_t message_id,
                          std::span<std::uint8_t, kMaxRequestSize> out);

// The request from `endpoint` with `message_id`, as coap::Encode writes it.
std::array<std::uint8_t, kRequestSize> EncodeRequest(std::uint32_t endpoint,
                                                     std::uint16_t message_id);

struct Reply {
  std::uint16_t message_id = 0;
  std::uint32_t endpoint = 0;  // from the token
  bool echoed = false;         // an unchanged copy of the request (the UDP echo ceiling)
  bool separate = false;       // a confirmable separate response: message_id is the
                               // server's, to acknowledge (Scenario::kRegister only)
};

// An answer to one of our requests: an ACK with a piggybacked 2.05 Content, or the request
// itself sent back, either with a 4-byte token. nullopt for anything else (an empty ACK, a
// separate response, an error code, a Reset, a datagram that is not CoAP).
// For Scenario::kRegister any response counts, piggybacked or separate (an LwM2M server
// answers a Register once it is durable: an empty ACK first, which is ignored here, then a
// confirmable 2.01) (2.01 from an LwM2M server, the
// 4.04 of a server without /rd), and so does the Register sent back.
std::optional<Reply> ParseReply(std::span<const std::uint8_t> datagram,
                                Scenario scenario = Scenario::kGet);

}  // namespace custos::coap_bench
