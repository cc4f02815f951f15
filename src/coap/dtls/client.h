// The client role of DTLS 1.2 with pre-shared keys, sans I/O: the same shape as Server,
// for sessions this side opens (a CoAP server sending requests to a device that listens
// on DTLS, or tests). One instance per I/O thread; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "coap/dtls/cipher_suite.h"
#include "coap/dtls/output.h"
#include "coap/dtls/session_options.h"
#include "coap/dtls/stats.h"
#include "coap/peer.h"
#include "coap/transmission.h"
#include "core/error.h"

namespace custos::coap::dtls {

struct ClientOptions : SessionOptions {};

class Client {
 public:
  // kInvalidArgument with an MTU under 256 or over 16384 or with no usable suite;
  // kInternal if GnuTLS cannot allocate its state.
  static core::Result<std::unique_ptr<Client>> Create(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts a handshake with `peer` presenting `identity` and `key`; returns the
  // ClientHello to send. Completion (or failure) arrives as an event from Receive or Tick.
  // kInvalidArgument for an empty identity or key, kAlreadyExists if a session with `peer`
  // exists (Close or Forget it first), kUnavailable at max_sessions.
  core::Result<Output> Connect(const Peer& peer, std::string_view identity,
                               std::span<const std::uint8_t> key, TimePoint now);

  // A datagram from `peer`, as Server::Receive. Datagrams from peers without a session
  // are dropped and counted.
  Output Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now);
  // As Server::Seal.
  core::Result<std::vector<std::uint8_t>> Seal(const Peer& peer,
                                               std::span<const std::uint8_t> plaintext);
  Output Tick(TimePoint now);
  std::optional<TimePoint> NextDeadline() const;

  // Whether the handshake with `peer` has completed and the session is open.
  bool Established(const Peer& peer) const;
  std::optional<CipherSuite> Suite(const Peer& peer) const;
  Output Close(const Peer& peer);
  void Forget(const Peer& peer);

  std::size_t sessions() const;
  Stats stats() const;

 private:
  class Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::coap::dtls
