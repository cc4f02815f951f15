// Front door of the CoAP transport (library custos_coap_transport): a CoAP endpoint on UDP
// (and DTLS 1.2, see coap/dtls/dtls.h) that is a server and a client on the same socket.
// This is the interface the LwM2M server uses; nothing else under src/coap/transport/ is
// included from outside.
//
// Threads. The endpoint runs `threads` I/O threads, each with its own socket bound to the
// same address with SO_REUSEPORT and its own copy of the message-layer state (peers,
// deduplicator, retransmission queue, exchanges). A reuseport BPF program steers every
// datagram by a hash of its source address and port, and the endpoint computes the same
// hash, so a peer always lives on one thread: no locks on the packet path, and a request
// we send to a peer goes out on the thread its answers come back to.
//
// Callbacks (the request handler, response and notification callbacks) run on the peer's
// thread; they must not block. Every public member function may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coap/coap.h"
#include "core/error.h"

namespace custos::coap {

// DTLS 1.2 PSK for the listener (server role) and for requests to DTLS peers (client
// role). The lookup is called on an I/O thread during a handshake; it must be quick
// (an in-memory map, not a database round trip).
struct DtlsSettings {
  // The key for a PSK identity, or nullopt to refuse the handshake (unknown device).
  // Without a lookup every handshake a peer starts is refused (a client-only endpoint).
  std::function<std::optional<std::vector<std::uint8_t>>(std::string_view identity)> psk_lookup;
  // Client role: the identity and key this endpoint presents when it opens a session with
  // a peer it sends a request to and has no session with. Without them such a request
  // fails with kUnavailable; requests over a session a device opened need neither.
  std::string client_identity;
  std::vector<std::uint8_t> client_key;
  std::chrono::milliseconds handshake_timeout{30'000};
  // The largest datagram sent, 256 to max_datagram; a CoAP message goes in one record, so
  // it may be up to mtu - 37 bytes.
  std::size_t mtu = 1280;
};

struct EndpointOptions {
  std::string listen = "127.0.0.1:5683";  // "host:port"; port 0 picks a free port
  std::size_t threads = 1;
  TransmissionParams transmission;
  DeduplicatorLimits deduplication;
  // A peer with no traffic and nothing pending for this long is forgotten (its ids,
  // tokens, DTLS session).
  std::chrono::seconds peer_idle_timeout{247};
  std::size_t max_peers = 2'000'000;
  // Requests to one peer waiting for their turn under NSTART; more fail with kUnavailable.
  std::size_t max_queued_requests = 64;
  // Largest datagram accepted; a request that does not fit gets 4.13 with Size1.
  std::size_t max_datagram = 1500;
  // Largest request or response body assembled in memory from blocks (RFC 7959); larger
  // ones go to files (RequestOptions::download_file) or get 4.13.
  std::size_t max_body_in_memory = 1 << 20;
  std::optional<DtlsSettings> dtls;  // set: this endpoint speaks DTLS on `listen`
};

// A request a peer sent us. Block1 uploads arrive once, whole, in message.payload.
struct IncomingRequest {
  Peer peer;
  Message message;
  // The PSK identity the DTLS session is bound to (the device's, or ours for a session we
  // opened); empty on plain UDP.
  std::string identity;
};

// Called once when an observation we accepted as the notifying server ends: kUnavailable
// when the observer answered a notification with RST or the endpoint stopped, kTimeout when
// a CON notification was never acknowledged, kFailedPrecondition when the observer
// deregistered (a GET or FETCH with Observe 1 and the same token) or registered again with
// the same token, or when we ended it ourselves (Notifier::End, a response that is not
// 2.xx). Runs on the peer's thread (or the caller's, for End); it must not block.
using ObservationEnded = std::function<void(core::Error)>;
// The fate of one notification: success when a CON one was acknowledged (a NON one when
// it was sent), else the error that also ended the observation.
using NotificationSent = std::function<void(core::Result<void>)>;

// The notifying side of one observation (RFC 7641 as the server): sends notifications to
// the observer with its token and fresh Observe sequence numbers. Copyable, callable from
// any thread; a default-constructed one is inactive. Made by Responder::AcceptObservation.
class Notifier {
 public:
  struct State;
  Notifier() = default;
  explicit Notifier(std::shared_ptr<State> state) : state_(std::move(state)) {}

  // Sends `notification` (its code, options and payload; type, id, token and Observe are
  // filled in), confirmable or not (RFC 7641 §4.5). A body larger than one datagram goes
  // as a Block2 response would, the observer fetching the rest (RFC 7959 §2.6). A code
  // other than 2.xx is sent without Observe and ends the observation (§4.2). After the end,
  // `sent` gets kFailedPrecondition and nothing is sent.
  void Notify(Message notification, bool confirmable, NotificationSent sent = {});
  // Ends the observation from our side without telling the observer (its next request or
  // our silence tells it); ObservationEnded is called with kFailedPrecondition.
  void End();
  // Whether the observation still runs (it may end any moment on the I/O thread).
  bool active() const;
  const Peer& peer() const;
  const std::vector<std::uint8_t>& token() const;

 private:
  std::shared_ptr<State> state_;
};

// Answers one incoming request, exactly once; copyable, callable from any thread. When the
// handler returns without answering, the endpoint ACKs a CON at once and the answer goes
// later as a separate response (RFC 7252 §5.2.2).
class Responder {
 public:
  struct State;
  explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}

  // Accepts the observation a GET or FETCH with Observe 0 asks for (RFC 7641 §4.1), before
  // answering it: the answer, if 2.xx, then carries Observe, and the Notifier sends the
  // notifications that follow until `ended` says the observation is over. An answer that
  // is not 2.xx ends it at once. The observation is keyed by peer and token: a new one with
  // the same token replaces it. For any other request it returns an inactive Notifier and
  // never calls `ended`.
  Notifier AcceptObservation(ObservationEnded ended);

  // Sends `response` (its code, options and payload; type, id and token are filled in).
  // A body larger than the block size is served with Block2 (RFC 7959).
  void Respond(Message response);
  // Serves the body from a file with Block2, reading one block at a time.
  void RespondWithFile(Message head, std::filesystem::path file);
  // Sends nothing, not even the ACK of a CON when called in the handler: the request is
  // treated as never heard (a sleeping LwM2M queue-mode device), and its retransmissions
  // are dropped as duplicates.
  void Ignore();
  bool answered() const;

 private:
  std::shared_ptr<State> state_;
};

using RequestHandler = std::function<void(IncomingRequest, Responder)>;
using ResponseCallback = std::function<void(core::Result<Message>)>;

struct RequestOptions {
  bool confirmable = true;
  // How long to wait for the response after the request was acknowledged (or, for NON,
  // sent). The default is MAX_TRANSMIT_WAIT.
  std::optional<std::chrono::milliseconds> response_timeout;
  std::optional<std::filesystem::path> upload_file;    // the body, sent with Block1
  std::optional<std::filesystem::path> download_file;  // the response body goes here
  std::uint8_t block_szx = 6;  // preferred block size 2^(4+szx); the peer may lower it
};

// One notification of an observation (RFC 7641), or the error that ended it.
using NotificationCallback = std::function<void(core::Result<Message>)>;
using ObservationId = std::uint64_t;

// Counters of everything the endpoint dropped, answered with an error or retried, for
// /metrics. A snapshot summed over threads.
struct EndpointStats {
  std::uint64_t datagrams_received = 0;
  std::uint64_t datagrams_sent = 0;
  std::uint64_t malformed_dropped = 0;
  std::uint64_t resets_sent = 0;
  std::uint64_t bad_option_responses = 0;  // 4.02
  std::uint64_t too_large_responses = 0;   // 4.13
  std::uint64_t duplicates = 0;
  std::uint64_t stray_acks = 0;  // ACKs and RSTs that match nothing we sent
  std::uint64_t retransmissions = 0;
  std::uint64_t transmit_timeouts = 0;     // CONs never acknowledged
  std::uint64_t response_timeouts = 0;     // requests acknowledged (or NON) but not answered
  std::uint64_t unexpected_responses = 0;  // responses whose token matches no request
  std::uint64_t peers = 0;                 // gauge
  std::uint64_t peers_evicted = 0;
  std::uint64_t peers_refused = 0;  // datagrams dropped because max_peers was reached
  std::uint64_t send_failures = 0;  // datagrams the socket refused (buffer full, unreachable)
  std::uint64_t dtls_handshakes = 0;
  std::uint64_t dtls_handshake_failures = 0;
  std::uint64_t dtls_cookies_sent = 0;
  std::uint64_t dtls_records_dropped = 0;
  std::uint64_t dtls_sessions = 0;  // gauge
};

class Endpoint {
 public:
  // Binds, starts the threads and serves `handler`. Errors: kInvalidArgument for a bad
  // address, kUnavailable when the address cannot be bound.
  static core::Result<std::unique_ptr<Endpoint>> Start(EndpointOptions options,
                                                       RequestHandler handler);
  virtual ~Endpoint() = default;  // stops

  // Stops the threads; pending requests complete with kUnavailable. Idempotent.
  virtual void Stop() = 0;
  // The bound port (the real one when `listen` said 0) and "host:port".
  virtual std::uint16_t port() const = 0;
  virtual std::string local_address() const = 0;

  // Sends a request to `peer` (us as the client, on the listening socket) and calls
  // `done` with the response: kTimeout when it is not acknowledged or answered in time,
  // kUnavailable on RST or when stopping. Block2 responses are followed to the end.
  // With DTLS the request goes over the peer's session; without one it waits for a
  // handshake this endpoint starts (DtlsSettings::client_identity), and fails with
  // kUnavailable when that handshake fails or there is no client identity.
  virtual void Request(const Peer& peer, Message request, RequestOptions options,
                       ResponseCallback done) = 0;

  // Registers an observation: sends `request`, a GET or a FETCH (RFC 8132 §2.4; given
  // Observe 0 if it has no Observe option), and calls `notify` on the peer's thread with its
  // response and every fresher notification (RFC 7641 §3.4 ordering); stale ones are dropped, CON
  // ones acknowledged all the same. A block-wise notification is handed over whole. The last call
  // is either an error (the request failed, the endpoint stopped, a passive cancel:
  // kFailedPrecondition) or a response that ends the observation: one without Observe
  // (the server did not register us, or it answers an active cancel) or not 2.xx (RFC
  // 7641 §3.2). `notify` is not called after it. Errors as Request, and kInvalidArgument
  // for a method other than GET and FETCH, kUnavailable beyond 64 observations of one peer.
  virtual ObservationId Observe(const Peer& peer, Message request, NotificationCallback notify) = 0;
  // Passive cancel forgets the observation at once (`notify` gets kFailedPrecondition; the
  // next notification gets RST). Active cancel sends the registration again with Observe 1
  // and the same token; the observation ends with the answer to it, and notifications
  // crossing it are still handed over. Before the registration is answered a cancel is
  // passive. Unknown or ended ids are ignored.
  virtual void CancelObservation(ObservationId id, bool active) = 0;
  // Takes over an observation registered earlier, by this endpoint or by an earlier run of the
  // server before a restart, whose registration the peer has answered: `registration` is the
  // GET or FETCH as it was sent, with its token (1 to 8 bytes). From now on a notification
  // from `peer` with that token is acknowledged when CON and handed to `notify` as Observe's
  // are (the first one whatever its sequence number), instead of being answered with RST;
  // CancelObservation ends it (active: Observe 1 with the token). Tokens this endpoint picks
  // later avoid it. `notify` gets kInvalidArgument for a method other than GET and FETCH or a
  // bad token, kAlreadyExists when the peer already has an observation with that token,
  // kUnavailable beyond 64 observations of one peer or when the endpoint stops.
  virtual ObservationId Adopt(const Peer& peer, Message registration,
                              NotificationCallback notify) = 0;

  // Ends every DTLS session bound to the PSK identity `identity`, sending close_notify, so
  // that the peer needs a new handshake (which psk_lookup decides on) for its next
  // message. For a device that was disabled or retired: make psk_lookup refuse it first.
  // No-op without DTLS.
  virtual void CloseSessions(std::string_view identity) = 0;

  virtual EndpointStats stats() const = 0;
};

}  // namespace custos::coap
