#include "coap/dtls/server.h"

#include "coap/dtls/cookie_gate.h"
#include "coap/dtls/gnutls_handles.h"
#include "coap/dtls/options_check.h"
#include "coap/dtls/priority.h"
#include "coap/dtls/record.h"
#include "coap/dtls/session.h"
#include "coap/dtls/session_table.h"

namespace custos::coap::dtls {

using detail::Session;

class Server::Impl {
 public:
  Impl(ServerOptions options, detail::PriorityHandle priority, detail::PskServerHandle credentials,
       detail::CookieGate cookies)
      : options_(std::move(options)),
        priority_(std::move(priority)),
        credentials_(std::move(credentials)),
        cookies_(std::move(cookies)),
        table_(options_) {
    config_.priority = priority_.get();
    config_.mtu = options_.mtu;
    config_.retransmit_timeout = options_.retransmit_timeout;
    config_.handshake_timeout = options_.handshake_timeout;
    config_.server_credentials = credentials_.get();
    config_.psk_lookup = &options_.psk_lookup;
  }

  Output Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now);

  ServerOptions options_;
  detail::PriorityHandle priority_;
  detail::PskServerHandle credentials_;
  detail::CookieGate cookies_;
  detail::SessionConfig config_;
  detail::SessionTable table_;
};

Output Server::Impl::Receive(const Peer& peer, std::span<const std::uint8_t> datagram,
                             TimePoint now) {
  Output out;
  Stats& stats = table_.stats();
  cookies_.Rotate(now);
  if (!detail::WholeRecords(datagram)) {
    ++stats.records_dropped;
    return out;
  }
  const auto hello = detail::FindClientHello(datagram);
  if (!hello) {
    if (!table_.Feed(peer, datagram, now, out)) ++stats.records_dropped;
    return out;
  }

  Session* existing = table_.Find(peer);
  if (existing != nullptr && existing->client_random() == hello->random) {
    // The ClientHello that started this session again: a handshaking session answers it
    // by repeating its flight; an established one has no use for it (a replay must not
    // tear the session down).
    if (existing->state() == Session::State::kHandshaking) {
      table_.Feed(peer, datagram, now, out);
    } else {
      ++stats.records_dropped;
    }
    return out;
  }

  gnutls_dtls_prestate_st prestate{};
  if (!cookies_.Verify(peer, *hello, prestate)) {
    if (cookies_.SendRequest(peer, *hello, out)) ++stats.cookies_sent;
    return out;
  }
  // A new handshake from a proven address: the peer lost its session (a reboot), so the
  // old one goes (RFC 6347 §4.2.8).
  if (existing != nullptr) table_.End(peer, "replaced by a new handshake", out);
  if (table_.full()) {
    ++stats.sessions_refused;
    return out;
  }
  auto session = Session::Accept(peer, config_, prestate, hello->random);
  if (!session) {
    ++stats.handshake_failures;
    return out;
  }
  table_.Add(std::move(*session), datagram, now, out);
  return out;
}

core::Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (!options.psk_lookup) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "DTLS server needs a PSK lookup");
  }
  if (auto ok = detail::CheckSessionOptions(options); !ok) return tl::unexpected(ok.error());
  auto priority = detail::MakePriority(options.cipher_suites);
  if (!priority) return tl::unexpected(priority.error());
  gnutls_psk_server_credentials_t raw = nullptr;
  if (const int rc = gnutls_psk_allocate_server_credentials(&raw); rc < 0) {
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("DTLS credentials: ") + gnutls_strerror(rc));
  }
  detail::PskServerHandle credentials(raw);
  gnutls_psk_set_server_credentials_function2(raw, &Session::ServerPskKey);
  auto cookies = detail::CookieGate::Create(options.cookie_key_lifetime);
  if (!cookies) return tl::unexpected(cookies.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*priority),
                                     std::move(credentials), std::move(*cookies));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Output Server::Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now) {
  return impl_->Receive(peer, datagram, now);
}

core::Result<std::vector<std::uint8_t>> Server::Seal(const Peer& peer,
                                                     std::span<const std::uint8_t> plaintext) {
  return impl_->table_.Seal(peer, plaintext);
}

Output Server::Tick(TimePoint now) {
  Output out;
  impl_->cookies_.Rotate(now);
  impl_->table_.Tick(now, out);
  return out;
}

std::optional<TimePoint> Server::NextDeadline() const {
  auto sessions = impl_->table_.NextDeadline();
  auto rotation = impl_->cookies_.next_rotation();
  if (!sessions) return rotation;
  if (!rotation) return sessions;
  return std::min(*sessions, *rotation);
}

const std::string* Server::Identity(const Peer& peer) const {
  const Session* session = impl_->table_.Find(peer);
  if (session == nullptr || session->state() != Session::State::kEstablished) return nullptr;
  return &session->identity();
}

std::optional<CipherSuite> Server::Suite(const Peer& peer) const {
  const Session* session = impl_->table_.Find(peer);
  return session == nullptr ? std::nullopt : session->suite();
}

Output Server::Close(const Peer& peer) {
  Output out;
  impl_->table_.Close(peer, out);
  return out;
}

void Server::Forget(const Peer& peer) { impl_->table_.Forget(peer); }
std::size_t Server::sessions() const { return impl_->table_.size(); }
Stats Server::stats() const { return impl_->table_.stats(); }

}  // namespace custos::coap::dtls
