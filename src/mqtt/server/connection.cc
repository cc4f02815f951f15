// The connection's life outside any one packet: dispatch, closing, writing, deadlines, end.
#include "mqtt/server/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace custos::mqtt::server {

namespace {

// After the last packet, how long a client may keep the socket before it is closed on it.
constexpr std::int64_t kLingerMs = 2000;

std::int64_t SteadyMs(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Connection::Connection(ServerContext& ctx, const char* transport, asio::ip::tcp::endpoint peer)
    : ctx_(ctx), transport_(transport), peer_(peer) {
  last_packet_ms_ = SteadyMs(created_);
}

std::string Connection::Address() const {
  if (peer_.port() == 0) return "?";
  return fmt::format("{}:{}", peer_.address().to_string(), peer_.port());
}

void Connection::Kick(ReasonCode reason) {
  asio::post(strand(), [self = shared_from_this(), reason] {
    if (reason == ReasonCode::kAdministrativeAction || reason == ReasonCode::kServerShuttingDown) {
      self->send_will_ = false;
    }
    self->Close(reason, true);
  });
}

void Connection::PostPump() {
  asio::post(strand(), [self = shared_from_this()] { self->Pump(); });
}

void Connection::CheckDeadlines(SteadyClock::time_point now) {
  const std::int64_t now_ms = SteadyMs(now);
  const State state = state_.load();
  if (state == State::kClosing) {
    if (now_ms - closing_since_ms_.load() > kLingerMs && !linger_hit_.exchange(true)) {
      asio::post(strand(), [self = shared_from_this()] { self->CloseNow(); });
    }
    return;
  }
  if (deadline_hit_.load()) return;
  if (state == State::kAwaitingConnect) {
    if (now - created_ > std::chrono::milliseconds(ctx_.options.connect_timeout_ms) &&
        !deadline_hit_.exchange(true)) {
      Bump(ctx_.counters.connects_timed_out);
      // Nothing to say: the client never spoke. Close without a CONNACK.
      asio::post(strand(), [self = shared_from_this()] {
        self->Close(ReasonCode::kMaximumConnectTime, false);
      });
    }
    return;
  }
  const std::uint32_t keep_alive = keep_alive_ms_.load();
  // v5 §3.1.2.10: one and a half times the Keep Alive without a packet. Not while the server
  // itself holds the connection up (a handler call runs, nothing is read meanwhile).
  if (state == State::kConnected && keep_alive != 0 && !busy_.load() &&
      now_ms - last_packet_ms_.load() > std::int64_t{keep_alive} * 3 / 2 &&
      !deadline_hit_.exchange(true)) {
    Bump(ctx_.counters.keep_alive_timeouts);
    Kick(ReasonCode::kKeepAliveTimeout);
  }
}

void Connection::Received(std::span<const std::uint8_t> bytes) {
  Bump(ctx_.counters.bytes_in, bytes.size());
  const State state = state_.load();
  if (state != State::kAwaitingConnect && state != State::kConnected) return;
  ActiveFramer().Feed(bytes);
}

Framer& Connection::ActiveFramer() {
  if (!framer_) {
    framer_ = std::make_unique<Framer>(
        connect_taken_ ? Framer::ForServerAfterConnect(version_, ctx_.options.max_packet_size)
                       : Framer::ForServer(ctx_.options.max_packet_size));
  }
  return *framer_;
}

void Connection::ReleaseFramer() {
  if (framer_ && connect_taken_ && !framer_->failed() && framer_->buffered() == 0) {
    framer_.reset();
  }
}

asio::awaitable<void> Connection::ProcessPackets() {
  for (;;) {
    const State state = state_.load();
    if (state != State::kAwaitingConnect && state != State::kConnected) co_return;
    if (!framer_) co_return;
    auto next = framer_->Next();
    if (!next) {
      spdlog::debug("mqtt: {} refused: {}", Address(), next.error().message);
      const ReasonCode reason = ReasonFor(next.error());
      if (state == State::kAwaitingConnect) {
        Bump(ctx_.counters.connects_malformed);
        if (auto v = framer_->version()) version_ = *v;
        if (!framer_->version()) {
          // Not MQTT 3.1.1 or 5.0 (or not MQTT): v3.1.1 §3.1.2.2 answers return code 1.
          version_ = Version::kV311;
        }
        Refuse(reason);
      } else {
        ProtocolFailure(reason);
      }
      co_return;
    }
    if (!*next) {
      ReleaseFramer();
      co_return;
    }
    Bump(ctx_.counters.packets_in);
    last_packet_ms_ = SteadyMs(SteadyClock::now());
    Packet packet = std::move(**next);
    if (auto* connect = std::get_if<Connect>(&packet)) {
      connect_taken_ = true;
      version_ = connect->version;
      busy_ = true;
      co_await HandleConnect(*connect);
      busy_ = false;
      last_packet_ms_ = SteadyMs(SteadyClock::now());
    } else if (auto* publish = std::get_if<Publish>(&packet)) {
      HandlePublish(*publish);
      if (InboundFull()) {
        // Back-pressure: read nothing more until the handler answers. The client is waiting
        // on us, so its keep-alive is not held against it meanwhile.
        busy_ = true;
        co_await WaitForRoom();
        busy_ = false;
        last_packet_ms_ = SteadyMs(SteadyClock::now());
      }
    } else if (const auto* puback = std::get_if<Puback>(&packet)) {
      HandlePuback(*puback);
    } else if (const auto* subscribe = std::get_if<Subscribe>(&packet)) {
      HandleSubscribe(*subscribe);
    } else if (const auto* unsubscribe = std::get_if<Unsubscribe>(&packet)) {
      HandleUnsubscribe(*unsubscribe);
    } else if (std::holds_alternative<Pingreq>(packet)) {
      Send(Pingresp{});
    } else if (const auto* disconnect = std::get_if<Disconnect>(&packet)) {
      HandleDisconnect(*disconnect);
    } else {
      // PUBREC, PUBREL, PUBCOMP: the server never takes part in a QoS 2 exchange. AUTH: no
      // enhanced authentication was offered.
      ProtocolFailure(ReasonCode::kProtocolError);
    }
  }
}

void Connection::Refuse(ReasonCode reason) {
  Connack refusal;
  if (version_ == Version::kV5) {
    refusal.reason_code = reason;
    Send(refusal);
  } else {
    // 3.1.1 says "server unavailable" for a rate limit.
    if (reason == ReasonCode::kConnectionRateExceeded) reason = ReasonCode::kServerUnavailable;
    if (ToConnectReturnCode(reason)) {
      refusal.reason_code = reason;
      Send(refusal);
    }
  }
  Close(reason, false);
}

void Connection::ProtocolFailure(ReasonCode reason) {
  Bump(ctx_.counters.protocol_errors);
  Close(reason, true);
}

void Connection::Close(ReasonCode reason, bool tell) {
  const State state = state_.load();
  if (state == State::kClosing || state == State::kEnded) return;
  end_reason_ = reason;
  if (tell && state == State::kConnected && version_ == Version::kV5) {
    Disconnect disconnect;
    disconnect.reason_code = reason;
    Send(disconnect);
  }
  closing_since_ms_ = SteadyMs(SteadyClock::now());
  state_ = State::kClosing;
  if (room_) room_->cancel();
  // The session and the handler learn of the end now, not when the client gets round to
  // closing its side.
  Finish();
  Flush();  // the last packets go before the half-close (in Written, once they are out)
  if (!write_in_flight_) ShutdownSend();
}

void Connection::Send(const Packet& packet, bool batch) {
  if (state_.load() == State::kEnded) return;
  EncodeTo(packet, version_, out_);
  Bump(ctx_.counters.packets_out);
  if (out_.size() + writing_.size() > ctx_.options.max_outbound_bytes) {
    // The client does not take what it is sent: drop it rather than hold ever more for it.
    Bump(ctx_.counters.slow_consumers);
    spdlog::info("mqtt: {} ({}) is a slow consumer; closing", Address(), principal_.name);
    out_.clear();
    end_reason_ = ReasonCode::kQuotaExceeded;
    state_ = State::kClosing;
    if (room_) room_->cancel();
    CloseNow();
    return;
  }
  if (!batch) {
    Flush();
    return;
  }
  if (write_in_flight_ || flush_posted_) return;
  flush_posted_ = true;
  asio::post(strand(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->Flush();
  });
}

void Connection::Flush() {
  if (write_in_flight_ || out_.empty() || state_.load() == State::kEnded) return;
  StartWrite();
}

void Connection::Written(const boost::system::error_code& ec, std::size_t bytes) {
  write_in_flight_ = false;
  Bump(ctx_.counters.bytes_out, bytes);
  // An idle connection keeps no write buffer.
  Bytes().swap(writing_);
  if (ec) {
    CloseNow();
    return;
  }
  if (!out_.empty()) {
    StartWrite();
  } else if (state_.load() == State::kClosing) {
    ShutdownSend();
  }
}

void Connection::HandshakeFailed() {
  Bump(ctx_.counters.tls_handshake_failures);
  state_ = State::kClosing;
}

void Connection::Ended() {
  const State state = state_.exchange(State::kEnded);
  if (state == State::kEnded) return;
  if (room_) room_->cancel();
  CloseNow();
  Finish();
  ctx_.counters.connections_open.fetch_sub(1, std::memory_order_relaxed);
  ctx_.connections.Remove(shared_from_this());
}

void Connection::Finish() {
  if (!session_) return;
  std::optional<PendingWill> will;
  if (will_ && send_will_ && !ctx_.stopping.load()) {
    Message message;
    message.topic = std::move(will_->topic);
    message.payload = std::move(will_->payload);
    message.qos = will_->qos;
    message.retain = will_->retain;
    message.properties = std::move(will_->properties);
    const std::uint32_t delay = message.properties.WillDelayInterval().value_or(0);
    message.properties.Remove(PropertyId::kWillDelayInterval);
    will = PendingWill{std::move(message), ctx_.services.clock.Now() + core::TimeMs{delay} * 1000};
  }
  auto detached = ctx_.sessions.Detach(session_, this, ctx_.services.clock.Now(), std::move(will));
  if (detached.will_now) PostWill(ctx_, principal_, std::move(*detached.will_now));
  if (principal_.is_device()) {
    DisconnectInfo info;
    info.device_id = principal_.device_id;
    info.device_name = principal_.name;
    info.reason = end_reason_;
    info.taken_over = end_reason_ == ReasonCode::kSessionTakenOver;
    PostOnDisconnect(ctx_, std::move(info));
  }
  session_.reset();
}

}  // namespace custos::mqtt::server
