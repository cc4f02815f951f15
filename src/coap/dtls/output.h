// What one call into a DTLS server or client produced: the datagrams to send, the
// application data that arrived and what happened to sessions. Plain values, so the caller
// can move them to its socket and its CoAP layer after the call returns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coap/peer.h"

namespace custos::coap::dtls {

// One UDP datagram for `peer`: one or more DTLS records, never larger than the MTU.
struct Datagram {
  Peer peer;
  std::vector<std::uint8_t> bytes;
};

// The content of one application-data record from `peer`: one CoAP message (RFC 7252
// §9.1 carries each message in its own record).
struct Plaintext {
  Peer peer;
  std::vector<std::uint8_t> bytes;
};

enum class EventKind {
  // A handshake completed; `identity` is the PSK identity the session is bound to.
  kEstablished,
  // A handshake ended without a session: wrong key, unknown identity, time-out, an alert
  // from the peer, or a new handshake from the same address replaced it. `reason` says which.
  kHandshakeFailed,
  // An established session ended: the peer's close_notify or fatal alert, a fatal record
  // error, or a new handshake from the same address replaced it. Not raised for Close() or
  // Forget(), which the caller asked for.
  kClosed,
};

// "established", "handshake_failed", "closed".
const char* ToString(EventKind kind);

struct Event {
  EventKind kind = EventKind::kEstablished;
  Peer peer;
  std::string identity;  // the PSK identity (every kind, once known; empty before)
  std::string reason;    // kHandshakeFailed and kClosed: for logs, not for matching
};

// Everything is in the order it happened: datagrams in the order they must be sent.
struct Output {
  std::vector<Datagram> datagrams;
  std::vector<Plaintext> plaintexts;
  std::vector<Event> events;

  bool empty() const { return datagrams.empty() && plaintexts.empty() && events.empty(); }
};

}  // namespace custos::coap::dtls
