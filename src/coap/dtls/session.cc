#include "coap/dtls/session.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "coap/dtls/priority.h"

namespace custos::coap::dtls::detail {
namespace {

core::Result<void> Check(int rc, const char* what) {
  if (rc >= 0) return {};
  return core::MakeError(core::ErrorCode::kInternal,
                         std::string("DTLS ") + what + ": " + gnutls_strerror(rc));
}

}  // namespace

core::Result<std::unique_ptr<Session>> Session::Accept(
    const Peer& peer, const SessionConfig& config, const gnutls_dtls_prestate_st& prestate,
    const std::array<std::uint8_t, kRandomSize>& client_random) {
  std::unique_ptr<Session> session(new Session(peer, config));
  session->client_random_ = client_random;
  auto ok = session->Init(GNUTLS_SERVER);
  if (!ok) return tl::unexpected(ok.error());
  gnutls_session_t s = session->session_.get();
  ok = Check(gnutls_credentials_set(s, GNUTLS_CRD_PSK, config.server_credentials), "credentials");
  if (!ok) return tl::unexpected(ok.error());
  // GnuTLS copies what it needs; the prestate is not kept.
  auto copy = prestate;
  gnutls_dtls_prestate_set(s, &copy);
  return session;
}

core::Result<std::unique_ptr<Session>> Session::Connect(const Peer& peer,
                                                        const SessionConfig& config,
                                                        std::string_view identity,
                                                        std::span<const std::uint8_t> key) {
  std::unique_ptr<Session> session(new Session(peer, config));
  session->identity_ = std::string(identity);
  gnutls_psk_client_credentials_t credentials = nullptr;
  auto ok = Check(gnutls_psk_allocate_client_credentials(&credentials), "credentials");
  if (!ok) return tl::unexpected(ok.error());
  session->client_credentials_.reset(credentials);
  const gnutls_datum_t user{reinterpret_cast<unsigned char*>(const_cast<char*>(identity.data())),
                            static_cast<unsigned>(identity.size())};
  const gnutls_datum_t secret{const_cast<unsigned char*>(key.data()),
                              static_cast<unsigned>(key.size())};
  ok = Check(gnutls_psk_set_client_credentials2(credentials, &user, &secret, GNUTLS_PSK_KEY_RAW),
             "client key");
  if (!ok) return tl::unexpected(ok.error());
  ok = session->Init(GNUTLS_CLIENT);
  if (!ok) return tl::unexpected(ok.error());
  ok = Check(gnutls_credentials_set(session->session_.get(), GNUTLS_CRD_PSK, credentials),
             "credentials");
  if (!ok) return tl::unexpected(ok.error());
  return session;
}

Session::~Session() = default;

core::Result<void> Session::Init(unsigned flags) {
  gnutls_session_t s = nullptr;
  auto ok =
      Check(gnutls_init(&s, flags | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS), "init");
  if (!ok) return ok;
  session_.reset(s);
  ok = Check(gnutls_priority_set(s, config_->priority), "priority");
  if (!ok) return ok;
  gnutls_session_set_ptr(s, this);
  gnutls_transport_set_ptr(s, this);
  gnutls_transport_set_vec_push_function(s, &Session::Push);
  gnutls_transport_set_pull_function(s, &Session::Pull);
  gnutls_transport_set_pull_timeout_function(s, &Session::PullTimeout);
  gnutls_dtls_set_mtu(s, static_cast<unsigned>(config_->mtu));
  gnutls_dtls_set_timeouts(s, static_cast<unsigned>(config_->retransmit_timeout.count()),
                           static_cast<unsigned>(config_->handshake_timeout.count()));
  return {};
}

ssize_t Session::Push(gnutls_transport_ptr_t context, const giovec_t* iov, int count) noexcept {
  auto* self = static_cast<Session*>(context);
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  // Outside a call nobody collects datagrams: losing one is what the network does anyway.
  if (self->sink_ == nullptr) return static_cast<ssize_t>(total);
  try {
    Datagram datagram{self->peer_, {}};
    datagram.bytes.reserve(total);
    for (int i = 0; i < count; ++i) {
      const auto* bytes = static_cast<const std::uint8_t*>(iov[i].iov_base);
      datagram.bytes.insert(datagram.bytes.end(), bytes, bytes + iov[i].iov_len);
    }
    self->sink_->datagrams.push_back(std::move(datagram));
    return static_cast<ssize_t>(total);
  } catch (...) {
    gnutls_transport_set_errno(self->session_.get(), ENOMEM);
    return -1;
  }
}

ssize_t Session::Pull(gnutls_transport_ptr_t context, void* buffer, size_t size) noexcept {
  auto* self = static_cast<Session*>(context);
  if (self->pending_.empty()) {
    gnutls_transport_set_errno(self->session_.get(), EAGAIN);
    return -1;
  }
  // Cutting a datagram would leave a partial record buffered in GnuTLS; drop it whole.
  if (self->pending_.size() > size) {
    self->pending_ = {};
    self->oversized_ = true;
    gnutls_transport_set_errno(self->session_.get(), EAGAIN);
    return -1;
  }
  const std::size_t n = self->pending_.size();
  std::memcpy(buffer, self->pending_.data(), n);
  self->pending_ = {};
  return static_cast<ssize_t>(n);
}

int Session::PullTimeout(gnutls_transport_ptr_t context, unsigned int /*ms*/) noexcept {
  // Never waits: the only datagram there will be is the one being processed.
  return static_cast<Session*>(context)->pending_.empty() ? 0 : 1;
}

int Session::ServerPskKey(gnutls_session_t session, const gnutls_datum_t* username,
                          gnutls_datum_t* key) noexcept {
  auto* self = static_cast<Session*>(gnutls_session_get_ptr(session));
  if (self == nullptr || self->config_->psk_lookup == nullptr) return -1;
  try {
    const std::string_view identity(reinterpret_cast<const char*>(username->data), username->size);
    auto found = (*self->config_->psk_lookup)(identity);
    if (!found || found->empty()) {
      self->refusal_ = "unknown PSK identity";
      return -1;
    }
    key->data = static_cast<unsigned char*>(gnutls_malloc(found->size()));
    if (key->data == nullptr) return -1;
    std::memcpy(key->data, found->data(), found->size());
    key->size = static_cast<unsigned>(found->size());
    gnutls_memset(found->data(), 0, found->size());
    return 0;
  } catch (...) {
    // No exception may cross into GnuTLS; a failing lookup refuses the handshake.
    self->refusal_ = "PSK lookup failed";
    return -1;
  }
}

core::Result<std::vector<std::uint8_t>> Session::Seal(std::span<const std::uint8_t> plaintext) {
  if (state_ != State::kEstablished) {
    return core::MakeError(core::ErrorCode::kFailedPrecondition,
                           "DTLS session with " + ToString(peer_) + " is not established");
  }
  if (plaintext.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "empty DTLS plaintext");
  }
  const std::size_t limit = gnutls_dtls_get_data_mtu(session_.get());
  if (plaintext.size() > limit) {
    return core::MakeError(core::ErrorCode::kPayloadTooLarge,
                           "plaintext of " + std::to_string(plaintext.size()) +
                               " bytes exceeds the DTLS data MTU of " + std::to_string(limit));
  }
  Output out;
  sink_ = &out;
  const ssize_t rc = gnutls_record_send(session_.get(), plaintext.data(), plaintext.size());
  sink_ = nullptr;
  if (rc == GNUTLS_E_LARGE_PACKET) {
    return core::MakeError(core::ErrorCode::kPayloadTooLarge,
                           "plaintext exceeds the DTLS data MTU");
  }
  if (rc < 0 || out.datagrams.size() != 1) {
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("DTLS record: ") +
                               (rc < 0 ? gnutls_strerror(static_cast<int>(rc)) : "not one record"));
  }
  return std::move(out.datagrams.front().bytes);
}

void Session::Bye(Output& out) {
  if (state_ == State::kEstablished) {
    sink_ = &out;
    (void)gnutls_bye(session_.get(), GNUTLS_SHUT_WR);
    sink_ = nullptr;
  }
  state_ = State::kEnded;
}

std::chrono::milliseconds Session::RetransmitIn() const {
  return std::chrono::milliseconds(gnutls_dtls_get_timeout(session_.get()));
}

}  // namespace custos::coap::dtls::detail
