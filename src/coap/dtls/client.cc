#include "coap/dtls/client.h"

#include "coap/dtls/options_check.h"
#include "coap/dtls/priority.h"
#include "coap/dtls/session.h"
#include "coap/dtls/session_table.h"

namespace custos::coap::dtls {

using detail::Session;

class Client::Impl {
 public:
  Impl(ClientOptions options, detail::PriorityHandle priority)
      : options_(std::move(options)), priority_(std::move(priority)), table_(options_) {
    config_.priority = priority_.get();
    config_.mtu = options_.mtu;
    config_.retransmit_timeout = options_.retransmit_timeout;
    config_.handshake_timeout = options_.handshake_timeout;
  }

  ClientOptions options_;
  detail::PriorityHandle priority_;
  detail::SessionConfig config_;
  detail::SessionTable table_;
};

core::Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (auto ok = detail::CheckSessionOptions(options); !ok) return tl::unexpected(ok.error());
  auto priority = detail::MakePriority(options.cipher_suites);
  if (!priority) return tl::unexpected(priority.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*priority));
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

core::Result<Output> Client::Connect(const Peer& peer, std::string_view identity,
                                     std::span<const std::uint8_t> key, TimePoint now) {
  if (identity.empty() || key.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "DTLS PSK identity and key must not be empty");
  }
  auto& table = impl_->table_;
  if (table.Find(peer) != nullptr) {
    return core::MakeError(core::ErrorCode::kAlreadyExists,
                           "a DTLS session with " + ToString(peer) + " exists");
  }
  if (table.full()) {
    ++table.stats().sessions_refused;
    return core::MakeError(core::ErrorCode::kUnavailable, "too many DTLS sessions");
  }
  auto session = Session::Connect(peer, impl_->config_, identity, key);
  if (!session) return tl::unexpected(session.error());
  Output out;
  table.Add(std::move(*session), {}, now, out);
  return out;
}

Output Client::Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now) {
  Output out;
  if (datagram.empty() || !impl_->table_.Feed(peer, datagram, now, out)) {
    ++impl_->table_.stats().records_dropped;
  }
  return out;
}

core::Result<std::vector<std::uint8_t>> Client::Seal(const Peer& peer,
                                                     std::span<const std::uint8_t> plaintext) {
  return impl_->table_.Seal(peer, plaintext);
}

Output Client::Tick(TimePoint now) {
  Output out;
  impl_->table_.Tick(now, out);
  return out;
}

std::optional<TimePoint> Client::NextDeadline() const { return impl_->table_.NextDeadline(); }

bool Client::Established(const Peer& peer) const {
  const Session* session = impl_->table_.Find(peer);
  return session != nullptr && session->state() == Session::State::kEstablished;
}

std::optional<CipherSuite> Client::Suite(const Peer& peer) const {
  const Session* session = impl_->table_.Find(peer);
  return session == nullptr ? std::nullopt : session->suite();
}

Output Client::Close(const Peer& peer) {
  Output out;
  impl_->table_.Close(peer, out);
  return out;
}

void Client::Forget(const Peer& peer) { impl_->table_.Forget(peer); }
std::size_t Client::sessions() const { return impl_->table_.size(); }
Stats Client::stats() const { return impl_->table_.stats(); }

}  // namespace custos::coap::dtls
