// CONNECT: admission, authentication, identity, session, CONNACK (v5 §3.1, §3.2).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

std::optional<ReasonCode> Connection::PrecheckConnect(const Connect& connect) {
  if (ctx_.stopping.load()) return ReasonCode::kServerUnavailable;
  if (connect.version == Version::kV5) {
    // No enhanced authentication (v5 §4.12) is offered.
    if (connect.properties.AuthenticationMethod()) return ReasonCode::kBadAuthenticationMethod;
    if (connect.will && connect.will->qos == QoS::kExactlyOnce) {
      return ReasonCode::kQosNotSupported;
    }
    if (connect.will && connect.will->retain) return ReasonCode::kRetainNotSupported;
  }
  // A TLS connection was admitted before its handshake (see Listener::Serve).
  if (!admitted_ && !ctx_.admission.TryTake(SteadyClock::now())) {
    Bump(ctx_.counters.connects_rate_limited);
    return ReasonCode::kConnectionRateExceeded;
  }
  return std::nullopt;
}

std::optional<ReasonCode> Connection::CheckIdentity(Connect& connect, const Principal& principal,
                                                    bool& assigned) {
  if (connect.client_id.empty()) {
    // v3.1.1 §3.1.3.1: a zero-byte client id needs Clean Session 1.
    if (connect.version == Version::kV311 && !connect.clean_start) {
      return ReasonCode::kClientIdentifierNotValid;
    }
    connect.client_id = principal.is_device() ? principal.name : "operator-" + core::RandomHex(8);
    assigned = connect.version == Version::kV5;
  } else if (principal.is_device() && connect.client_id != principal.name) {
    return ReasonCode::kClientIdentifierNotValid;
  }
  if (connect.will && !MayPublish(principal, connect.will->topic)) {
    return ReasonCode::kNotAuthorized;
  }
  return std::nullopt;
}

Connack Connection::MakeConnack(const Connect& connect, bool session_present, bool assigned) {
  Connack ack;
  ack.session_present = session_present;
  if (connect.version != Version::kV5) return ack;
  const auto& options = ctx_.options;
  Properties& p = ack.properties;
  p.SetMaximumPacketSize(options.max_packet_size);
  p.SetMaximumQos(QoS::kAtLeastOnce);
  p.SetReceiveMaximum(std::max<std::uint16_t>(1, options.max_inflight_in));
  p.SetRetainAvailable(false);
  p.SetSharedSubscriptionAvailable(false);
  if (options.topic_alias_maximum > 0) p.SetTopicAliasMaximum(options.topic_alias_maximum);
  if (assigned) p.SetAssignedClientIdentifier(connect.client_id);
  const std::uint16_t granted = static_cast<std::uint16_t>(keep_alive_ms_.load() / 1000);
  if (granted != connect.keep_alive) p.SetServerKeepAlive(granted);
  const std::uint32_t asked = connect.properties.SessionExpiryInterval().value_or(0);
  if (session_ && asked != session_->expiry_s) p.SetSessionExpiryInterval(session_->expiry_s);
  return ack;
}

asio::awaitable<void> Connection::HandleConnect(Connect& connect) {
  version_ = connect.version;
  if (auto refusal = PrecheckConnect(connect)) {
    if (*refusal != ReasonCode::kConnectionRateExceeded) Bump(ctx_.counters.connects_malformed);
    Refuse(*refusal);
    co_return;
  }
  const Authenticator* authenticator = &ctx_.authenticator;
  const Connect* request = &connect;
  const std::string* fingerprint = &cert_fingerprint_;
  auto authenticate = [authenticator, request, fingerprint] {
    try {
      return authenticator->Authenticate(*request, *fingerprint);
    } catch (...) {
      return tl::expected<Principal, ReasonCode>(tl::unexpect, ReasonCode::kServerUnavailable);
    }
  };
  auto verdict = co_await RunOn(ctx_.workers.get_executor(), std::move(authenticate));
  if (state_.load() != State::kAwaitingConnect) co_return;  // closed meanwhile
  bool assigned = false;
  std::optional<ReasonCode> refusal;
  if (!verdict) {
    refusal = verdict.error();
  } else {
    refusal = CheckIdentity(connect, *verdict, assigned);
  }
  if (refusal) {
    switch (*refusal) {
      case ReasonCode::kBadUserNameOrPassword:
        Bump(ctx_.counters.connects_bad_credentials);
        break;
      case ReasonCode::kNotAuthorized:
        Bump(ctx_.counters.connects_not_authorized);
        break;
      case ReasonCode::kClientIdentifierNotValid:
        Bump(ctx_.counters.connects_bad_client_id);
        break;
      default:
        break;
    }
    spdlog::debug("mqtt: {} refused CONNECT of '{}': {}", Address(), connect.client_id,
                  ToString(*refusal));
    Refuse(*refusal);
    co_return;
  }
  principal_ = std::move(*verdict);

  const auto& options = ctx_.options;
  std::uint32_t expiry = 0;
  if (principal_.is_device()) {
    expiry = connect.version == Version::kV5
                 ? connect.properties.SessionExpiryInterval().value_or(0)
                 : (connect.clean_start ? 0 : kSessionNeverExpires);
    expiry = std::min(expiry, options.max_session_expiry_s);
  }
  expiry_was_zero_ = connect.properties.SessionExpiryInterval().value_or(0) == 0;
  std::uint16_t keep_alive = connect.keep_alive;
  if (options.max_keep_alive_s != 0 && (keep_alive == 0 || keep_alive > options.max_keep_alive_s)) {
    keep_alive = options.max_keep_alive_s;
  }
  keep_alive_ms_ = std::uint32_t{keep_alive} * 1000;
  window_ = std::max<std::uint16_t>(
      1, std::min<std::uint16_t>(options.max_inflight,
                                 connect.properties.ReceiveMaximum().value_or(0xFFFF)));
  client_max_packet_ = connect.properties.MaximumPacketSize().value_or(kMaxPacketSize);
  if (connect.will) will_ = std::make_unique<Will>(std::move(*connect.will));

  auto attached = ctx_.sessions.Attach(connect.client_id, principal_, connect.clean_start, expiry,
                                       shared_from_this());
  session_ = attached.session;
  if (attached.previous) {
    Bump(ctx_.counters.takeovers);
    attached.previous->Kick(ReasonCode::kSessionTakenOver);
  }
  if (attached.will_now) PostWill(ctx_, principal_, std::move(*attached.will_now));
  state_ = State::kConnected;
  Bump(ctx_.counters.connects_accepted);
  Send(MakeConnack(connect, attached.present, assigned));
  if (attached.present) Resend();
  Pump();

  if (principal_.is_device()) {
    ConnectInfo info;
    info.device_id = principal_.device_id;
    info.device_name = principal_.name;
    info.version = version_;
    info.address = Address();
    info.transport = transport_;
    info.keep_alive_s = keep_alive;
    info.session_present = attached.present;
    co_await CallOnConnect(ctx_, info);
  }
}

}  // namespace custos::mqtt::server
