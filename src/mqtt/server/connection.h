// One client connection, independent of its transport: the MQTT conversation (CONNECT and
// authentication, PUBLISH both ways, SUBSCRIBE, keep-alive, DISCONNECT, wills) and the
// buffering of what it writes. Everything but the thread-safe entry points runs on the
// connection's strand. StreamConnection (stream_connection.h) adds the socket. Internal to
// the mqtt/server module.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mqtt/server/context.h"

namespace custos::mqtt::server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerContext& ctx, const char* transport, asio::ip::tcp::endpoint peer);
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The strand every handler of the connection runs on (its socket's executor; a strand may be
  // shared with other connections).
  virtual const asio::any_io_executor& strand() = 0;
  // Marks the connection as admitted by the connect rate already.
  void SetAdmitted() { admitted_ = true; }

  // From any thread: ends the connection, v5 clients first told `reason` in a DISCONNECT.
  void Kick(ReasonCode reason);
  // From any thread: sends what the session has waiting, as far as the window allows.
  void PostPump();
  // From any thread (the sweep): ends a connection whose CONNECT is late or whose keep-alive
  // ran out, and closes one that lingered too long after its last packet.
  void CheckDeadlines(SteadyClock::time_point now);

 protected:
  // The transport, on the strand.
  // Writes out_ (moving it to writing_); Written() is called when done.
  virtual void StartWrite() = 0;
  // No more packets will be written: half-close, keep reading (and discarding) until the
  // client closes or the linger deadline passes.
  virtual void ShutdownSend() = 0;
  // Closes the socket; the read loop ends and calls Ended().
  virtual void CloseNow() = 0;

  // Called by the transport, on the strand.
  // Takes bytes read (copied before returning) into the framer, or drops them when closing.
  void Received(std::span<const std::uint8_t> bytes);
  // Handles every whole packet received so far.
  asio::awaitable<void> ProcessPackets();
  void Written(const boost::system::error_code& ec, std::size_t bytes);
  // The read loop has ended: detaches from the session, publishes the will, reports.
  void Ended();
  void HandshakeFailed();

  ServerContext& ctx_;
  std::string cert_fingerprint_;  // TLS client certificate, lowercase hex SHA-256
  bool admitted_ = false;         // took its admission token already (TLS, at accept)
  Bytes out_;                     // encoded packets waiting for the write in flight
  Bytes writing_;                 // the bytes of the write in flight
  bool write_in_flight_ = false;
  bool flush_posted_ = false;  // a Flush is queued on the strand

 private:
  enum class State : std::uint8_t { kAwaitingConnect, kConnected, kClosing, kEnded };

  asio::awaitable<void> HandleConnect(Connect& connect);
  void HandlePublish(Publish& publish);
  void HandlePuback(const Puback& puback);
  void HandleSubscribe(const Subscribe& subscribe);
  void HandleUnsubscribe(const Unsubscribe& unsubscribe);
  void HandleDisconnect(const Disconnect& disconnect);

  // CONNECT checks that need no store: unsupported options and the admission rate.
  std::optional<ReasonCode> PrecheckConnect(const Connect& connect);
  // The client id and will rules for an authenticated principal; nullopt if they hold.
  std::optional<ReasonCode> CheckIdentity(Connect& connect, const Principal& principal,
                                          bool& assigned);
  Connack MakeConnack(const Connect& connect, bool session_present, bool assigned);
  // Answers a CONNECT with a refusal (in 3.1.1 as its return code, or no CONNACK when 3.1.1
  // has none for it) and closes.
  void Refuse(ReasonCode reason);
  // Ends the connection for a packet that breaks the protocol: v5 DISCONNECT `reason`.
  void ProtocolFailure(ReasonCode reason);
  // Stops reading packets; v5 clients get DISCONNECT `reason` when `tell`; the socket is
  // half-closed once everything is written.
  void Close(ReasonCode reason, bool tell);
  // The logical end, once: detaches from the session (publishing or holding the will) and
  // tells the handler.
  void Finish();
  // Encodes `packet` behind what waits to be written and starts the write. With `batch`, the
  // write starts from a handler queued on the strand, after those queued before it: the
  // PUBACKs of one store commit, answered one handler each, leave in one write.
  void Send(const Packet& packet, bool batch = false);
  // Starts writing what waits, unless a write is in flight (Written goes on with it).
  void Flush();

  // Resolves and removes a v5 Topic Alias (v5 §3.3.2.3.4); false after ending the connection.
  bool ResolveTopicAlias(Publish& publish);
  // Sends the session's unacknowledged messages again with DUP (v5 §4.4).
  void Resend();
  // Moves messages from the session's queue into flight, as the window allows.
  void Pump();
  Publish MakePublish(const Outgoing& outgoing, std::optional<std::uint32_t> expiry_left) const;
  void SendPublish(const Publish& publish);

  // A message of the client's handed to the handler and not answered yet. PUBACKs go out in
  // the order the PUBLISHes came (v5 and v3.1.1 §4.6), so an answer waits for those before it.
  struct Inbound {
    std::uint16_t packet_id = 0;
    bool acknowledge = false;  // QoS 1
    bool answered = false;
    ReasonCode reason = ReasonCode::kSuccess;
  };
  // The handler's answer to inbound message `seq`: sends every PUBACK now due, and lets a
  // paused ProcessPackets go on once the window has room.
  void Answered(std::uint64_t seq, ReasonCode reason);
  bool InboundFull() const;
  // Waits, reading nothing, until fewer than max_inflight_in messages are unanswered or the
  // connection closes.
  asio::awaitable<void> WaitForRoom();

  // The client's address, "host:port" (for logs and ConnectInfo).
  std::string Address() const;

  const char* transport_;
  asio::ip::tcp::endpoint peer_;  // not a string: most would not fit a std::string's own bytes
  const SteadyClock::time_point created_ = SteadyClock::now();

  std::atomic<State> state_{State::kAwaitingConnect};
  std::atomic<std::int64_t> last_packet_ms_{0};  // steady ms of the last packet received
  std::atomic<std::uint32_t> keep_alive_ms_{0};  // 0: no keep-alive
  std::atomic<std::int64_t> closing_since_ms_{0};
  std::atomic<bool> deadline_hit_{false};  // the CONNECT or keep-alive deadline passed
  std::atomic<bool> linger_hit_{false};    // the time to close after the last packet passed
  std::atomic<bool> busy_{false};          // waiting on authentication or the handler

  // The framer of the packet in progress. An idle connection keeps none: one is made when
  // bytes arrive (after the CONNECT, Framer::ForServerAfterConnect in the connection's
  // version) and dropped when it holds no partial packet.
  Framer& ActiveFramer();
  void ReleaseFramer();

  Version version_ = Version::kV5;
  bool connect_taken_ = false;  // a CONNECT was decoded: later framers start after it
  std::unique_ptr<Framer> framer_;
  std::shared_ptr<Session> session_;
  Principal principal_;
  std::unique_ptr<Will> will_;    // most devices have none: a pointer, not an optional
  bool send_will_ = true;         // false after a normal DISCONNECT, or when kicked
  bool expiry_was_zero_ = false;  // v5 §3.14.2.2.2: then DISCONNECT may not set one
  ReasonCode end_reason_ = ReasonCode::kUnspecifiedError;
  std::uint16_t window_ = 1;  // QoS 1 messages in flight to the client, at most
  std::uint32_t client_max_packet_ = kMaxPacketSize;
  std::vector<std::string> topic_aliases_;    // inbound aliases, index alias - 1
  std::vector<Inbound> inbound_;              // in arrival order; no allocation while there is none
  std::uint64_t inbound_front_seq_ = 0;       // the sequence number of inbound_.front()
  std::unique_ptr<asio::steady_timer> room_;  // wakes WaitForRoom; exists only while it waits
};

}  // namespace custos::mqtt::server
