#include "coap/transport/dtls_sessions.h"

#include <algorithm>
#include <utility>

namespace custos::coap::transport {
namespace {

template <class Options>
Options SessionOptionsFrom(const DtlsSettings& settings, std::size_t max_sessions) {
  Options options;
  options.handshake_timeout = settings.handshake_timeout;
  options.mtu = settings.mtu;
  options.max_sessions = std::max<std::size_t>(max_sessions, 1);
  return options;
}

void Append(dtls::Output& to, dtls::Output from) {
  for (auto& datagram : from.datagrams) to.datagrams.push_back(std::move(datagram));
  for (auto& plaintext : from.plaintexts) to.plaintexts.push_back(std::move(plaintext));
  for (auto& event : from.events) to.events.push_back(std::move(event));
}

}  // namespace

core::Result<std::unique_ptr<DtlsSessions>> DtlsSessions::Create(const DtlsSettings& settings,
                                                                 std::size_t max_sessions) {
  auto server_options = SessionOptionsFrom<dtls::ServerOptions>(settings, max_sessions);
  server_options.psk_lookup = settings.psk_lookup;
  if (!server_options.psk_lookup) {
    // A client-only endpoint: every device handshake is refused as an unknown identity.
    server_options.psk_lookup = [](std::string_view) {
      return std::optional<std::vector<std::uint8_t>>();
    };
  }
  auto server = dtls::Server::Create(std::move(server_options));
  if (!server) return tl::unexpected(server.error());

  std::unique_ptr<dtls::Client> client;
  if (!settings.client_identity.empty() && !settings.client_key.empty()) {
    auto created =
        dtls::Client::Create(SessionOptionsFrom<dtls::ClientOptions>(settings, max_sessions));
    if (!created) return tl::unexpected(created.error());
    client = std::move(*created);
  }
  return std::unique_ptr<DtlsSessions>(new DtlsSessions(
      std::move(*server), std::move(client), settings.client_identity, settings.client_key));
}

DtlsSessions::DtlsSessions(std::unique_ptr<dtls::Server> server,
                           std::unique_ptr<dtls::Client> client, std::string client_identity,
                           std::vector<std::uint8_t> client_key)
    : server_(std::move(server)),
      client_(std::move(client)),
      client_identity_(std::move(client_identity)),
      client_key_(std::move(client_key)) {}

dtls::Output DtlsSessions::Receive(const Peer& peer, std::span<const std::uint8_t> datagram,
                                   TimePoint now) {
  const bool client_role = client_peers_.contains(peer);
  dtls::Output out =
      client_role ? client_->Receive(peer, datagram, now) : server_->Receive(peer, datagram, now);
  Track(out, client_role);
  return out;
}

dtls::Output DtlsSessions::Tick(TimePoint now) {
  dtls::Output out;
  const auto due = [now](std::optional<TimePoint> deadline) {
    return deadline && *deadline <= now;
  };
  if (due(server_->NextDeadline())) {
    out = server_->Tick(now);
    Track(out, false);
  }
  if (client_ && due(client_->NextDeadline())) {
    dtls::Output client_out = client_->Tick(now);
    Track(client_out, true);
    Append(out, std::move(client_out));
  }
  return out;
}

std::optional<TimePoint> DtlsSessions::NextDeadline() const {
  std::optional<TimePoint> next = server_->NextDeadline();
  if (client_) {
    if (auto deadline = client_->NextDeadline(); deadline && (!next || *deadline < *next)) {
      next = deadline;
    }
  }
  return next;
}

core::Result<std::vector<std::uint8_t>> DtlsSessions::Seal(
    const Peer& peer, std::span<const std::uint8_t> plaintext) {
  return client_peers_.contains(peer) ? client_->Seal(peer, plaintext)
                                      : server_->Seal(peer, plaintext);
}

DtlsSessions::State DtlsSessions::StateOf(const Peer& peer) const {
  if (client_peers_.contains(peer)) {
    return client_->Established(peer) ? State::kEstablished : State::kHandshaking;
  }
  // A device's handshake in progress is not told apart from no session: the server role
  // has no query for it, and the device's request, not ours, is what it waits for.
  return server_->Identity(peer) != nullptr ? State::kEstablished : State::kNone;
}

core::Result<dtls::Output> DtlsSessions::Connect(const Peer& peer, TimePoint now) {
  if (!client_) {
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        "no DTLS session with " + ToString(peer) + " and no client identity to open one");
  }
  auto hello = client_->Connect(peer, client_identity_, client_key_, now);
  if (hello) client_peers_.insert(peer);
  return hello;
}

const std::string* DtlsSessions::Identity(const Peer& peer) const {
  if (client_peers_.contains(peer)) {
    return client_->Established(peer) ? &client_identity_ : nullptr;
  }
  return server_->Identity(peer);
}

std::vector<Peer> DtlsSessions::PeersOf(std::string_view identity) const {
  auto it = by_identity_.find(std::string(identity));
  if (it == by_identity_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

dtls::Output DtlsSessions::Close(const Peer& peer) {
  Untrack(peer);
  if (client_peers_.erase(peer) > 0) return client_->Close(peer);
  return server_->Close(peer);
}

void DtlsSessions::Forget(const Peer& peer) {
  Untrack(peer);
  if (client_peers_.erase(peer) > 0) {
    client_->Forget(peer);
  } else {
    server_->Forget(peer);
  }
}

dtls::Stats DtlsSessions::stats() const {
  dtls::Stats sum = server_->stats();
  if (client_) {
    const dtls::Stats client = client_->stats();
    sum.handshakes += client.handshakes;
    sum.handshake_failures += client.handshake_failures;
    sum.handshake_timeouts += client.handshake_timeouts;
    sum.cookies_sent += client.cookies_sent;
    sum.records_dropped += client.records_dropped;
    sum.sessions_refused += client.sessions_refused;
    sum.sessions_closed += client.sessions_closed;
  }
  return sum;
}

std::size_t DtlsSessions::sessions() const {
  return server_->sessions() + (client_ ? client_->sessions() : 0);
}

void DtlsSessions::Track(const dtls::Output& out, bool client_role) {
  for (const dtls::Event& event : out.events) {
    if (event.kind == dtls::EventKind::kEstablished) {
      by_identity_[event.identity].insert(event.peer);
      continue;
    }
    // kHandshakeFailed or kClosed: the session is gone.
    if (auto it = by_identity_.find(event.identity); it != by_identity_.end()) {
      it->second.erase(event.peer);
      if (it->second.empty()) by_identity_.erase(it);
    }
    if (client_role) client_peers_.erase(event.peer);
  }
}

void DtlsSessions::Untrack(const Peer& peer) {
  const std::string* identity = Identity(peer);
  if (identity == nullptr) return;
  auto it = by_identity_.find(*identity);
  if (it == by_identity_.end()) return;
  it->second.erase(peer);
  if (it->second.empty()) by_identity_.erase(it);
}

}  // namespace custos::coap::transport
