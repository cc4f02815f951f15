#include "coap/dtls/session_table.h"

#include <algorithm>

namespace custos::coap::dtls::detail {
namespace {

Event MakeEvent(EventKind kind, const Session& session, std::string reason = {}) {
  return Event{kind, session.peer(), session.identity(), std::move(reason)};
}

}  // namespace

Session* SessionTable::Find(const Peer& peer) {
  auto it = entries_.find(peer);
  return it == entries_.end() ? nullptr : it->second.session.get();
}

const Session* SessionTable::Find(const Peer& peer) const {
  auto it = entries_.find(peer);
  return it == entries_.end() ? nullptr : it->second.session.get();
}

void SessionTable::Add(std::unique_ptr<Session> session, std::span<const std::uint8_t> datagram,
                       TimePoint now, Output& out) {
  const Peer peer = session->peer();
  auto [it, inserted] = entries_.try_emplace(peer);
  if (!inserted) return;  // the caller checks; never replace a session silently
  it->second.session = std::move(session);
  it->second.handshake_deadline = now + handshake_timeout_;
  const Session::Step step = it->second.session->Drive(datagram, out);
  Apply(it, step, now, out);
}

bool SessionTable::Feed(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now,
                        Output& out) {
  auto it = entries_.find(peer);
  if (it == entries_.end()) return false;
  const Session::Step step = it->second.session->Drive(datagram, out);
  Apply(it, step, now, out);
  return true;
}

void SessionTable::Apply(Map::iterator it, const Session::Step& step, TimePoint now, Output& out) {
  Entry& entry = it->second;
  const Session& session = *entry.session;
  stats_.records_dropped += step.dropped;
  if (step.established) {
    ++stats_.handshakes;
    out.events.push_back(MakeEvent(EventKind::kEstablished, session));
  }
  if (step.ended) {
    if (step.ended_in_handshake) {
      ++stats_.handshake_failures;
      if (step.timed_out) ++stats_.handshake_timeouts;
      out.events.push_back(MakeEvent(EventKind::kHandshakeFailed, session, step.reason));
    } else {
      ++stats_.sessions_closed;
      out.events.push_back(MakeEvent(EventKind::kClosed, session, step.reason));
    }
    Erase(it);
    return;
  }
  if (session.state() != Session::State::kHandshaking) {
    Schedule(it->first, entry, std::nullopt);
    return;
  }
  // At least a millisecond ahead, so that a clock disagreement with GnuTLS cannot make
  // the caller spin.
  const auto retransmit =
      now + std::max<Duration>(session.RetransmitIn(), std::chrono::milliseconds(1));
  Schedule(it->first, entry, std::min(retransmit, entry.handshake_deadline));
}

void SessionTable::End(const Peer& peer, const std::string& reason, Output& out) {
  auto it = entries_.find(peer);
  if (it == entries_.end()) return;
  const Session& session = *it->second.session;
  if (session.state() == Session::State::kEstablished) {
    ++stats_.sessions_closed;
    out.events.push_back(MakeEvent(EventKind::kClosed, session, reason));
  } else {
    ++stats_.handshake_failures;
    out.events.push_back(MakeEvent(EventKind::kHandshakeFailed, session, reason));
  }
  Erase(it);
}

void SessionTable::Tick(TimePoint now, Output& out) {
  // Take the due peers first: each is handled once per Tick even if it is rescheduled at
  // or before `now`.
  std::vector<Peer> due;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    due.push_back(timers_.begin()->second);
    timers_.erase(timers_.begin());
  }
  for (const Peer& peer : due) {
    auto it = entries_.find(peer);
    if (it == entries_.end()) continue;
    it->second.timer.reset();
    if (now >= it->second.handshake_deadline) {
      ++stats_.handshake_timeouts;
      ++stats_.handshake_failures;
      const Session& session = *it->second.session;
      out.events.push_back(
          MakeEvent(EventKind::kHandshakeFailed, session, session.TimeoutReason()));
      Erase(it);
      continue;
    }
    const Session::Step step = it->second.session->Drive({}, out);
    Apply(it, step, now, out);
  }
}

std::optional<TimePoint> SessionTable::NextDeadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

core::Result<std::vector<std::uint8_t>> SessionTable::Seal(
    const Peer& peer, std::span<const std::uint8_t> plaintext) {
  Session* session = Find(peer);
  if (session == nullptr) {
    return core::MakeError(core::ErrorCode::kNotFound, "no DTLS session with " + ToString(peer));
  }
  return session->Seal(plaintext);
}

void SessionTable::Close(const Peer& peer, Output& out) {
  auto it = entries_.find(peer);
  if (it == entries_.end()) return;
  if (it->second.session->state() == Session::State::kEstablished) ++stats_.sessions_closed;
  it->second.session->Bye(out);
  Erase(it);
}

void SessionTable::Forget(const Peer& peer) {
  auto it = entries_.find(peer);
  if (it == entries_.end()) return;
  if (it->second.session->state() == Session::State::kEstablished) ++stats_.sessions_closed;
  Erase(it);
}

void SessionTable::Schedule(const Peer& peer, Entry& entry, std::optional<TimePoint> when) {
  if (entry.timer == when) return;
  if (entry.timer) timers_.erase({*entry.timer, peer});
  entry.timer = when;
  if (when) timers_.insert({*when, peer});
}

void SessionTable::Erase(Map::iterator it) {
  if (it->second.timer) timers_.erase({*it->second.timer, it->first});
  entries_.erase(it);
}

}  // namespace custos::coap::dtls::detail
