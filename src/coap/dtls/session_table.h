// The sessions of one Server or Client keyed by peer, with one ordered set of handshake
// timers, the counters and the events that session steps turn into. Internal to coap/dtls.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coap/dtls/output.h"
#include "coap/dtls/session.h"
#include "coap/dtls/session_options.h"
#include "coap/dtls/stats.h"
#include "coap/peer.h"
#include "coap/transmission.h"
#include "core/error.h"

namespace custos::coap::dtls::detail {

class SessionTable {
 public:
  explicit SessionTable(const SessionOptions& options)
      : handshake_timeout_(options.handshake_timeout), max_sessions_(options.max_sessions) {}

  Session* Find(const Peer& peer);
  const Session* Find(const Peer& peer) const;
  bool full() const { return entries_.size() >= max_sessions_; }
  std::size_t size() const { return entries_.size(); }

  // Takes a new session for its peer (which must have none) and drives it with `datagram`:
  // the ClientHello a server accepted, or nothing for a client's first flight. Its
  // handshake time-out counts from `now`.
  void Add(std::unique_ptr<Session> session, std::span<const std::uint8_t> datagram, TimePoint now,
           Output& out);
  // Drives the session of `peer` with `datagram`; false when there is none.
  bool Feed(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now, Output& out);
  // Drops the session of `peer` as the peer's doing (kClosed or kHandshakeFailed event
  // with `reason`); no-op without one.
  void End(const Peer& peer, const std::string& reason, Output& out);

  // Retransmissions and time-outs due at `now`.
  void Tick(TimePoint now, Output& out);
  std::optional<TimePoint> NextDeadline() const;

  core::Result<std::vector<std::uint8_t>> Seal(const Peer& peer,
                                               std::span<const std::uint8_t> plaintext);
  // close_notify (when established) and drop, with no event.
  void Close(const Peer& peer, Output& out);
  // Drop silently, with no event.
  void Forget(const Peer& peer);

  Stats& stats() { return stats_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Entry {
    std::unique_ptr<Session> session;
    TimePoint handshake_deadline;
    std::optional<TimePoint> timer;
  };
  using Map = std::unordered_map<Peer, Entry>;

  void Apply(Map::iterator it, const Session::Step& step, TimePoint now, Output& out);
  void Schedule(const Peer& peer, Entry& entry, std::optional<TimePoint> when);
  void Erase(Map::iterator it);

  Duration handshake_timeout_;
  std::size_t max_sessions_;
  Map entries_;
  std::set<std::pair<TimePoint, Peer>> timers_;
  Stats stats_;
};

}  // namespace custos::coap::dtls::detail
