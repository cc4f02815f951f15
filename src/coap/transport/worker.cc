#include "coap/transport/worker.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "coap/transport/peer_address.h"

namespace custos::coap::transport {
namespace {

// Datagrams read per recvmmsg, and batches per wake-up before the other events of the
// thread (timer, posted requests and answers) get their turn.
constexpr std::size_t kBatchSize = 32;
constexpr int kBatchesPerWakeup = 8;
// How often remembered message ids are expired when no traffic does it.
constexpr Duration kSweepInterval = std::chrono::seconds(1);
constexpr int kReceiveBuffer = 1 << 20;
// §5.3.1: without DTLS the token is the only defence against spoofed responses.
constexpr std::size_t kTokenLength = 8;

thread_local Worker* current_worker = nullptr;
thread_local std::size_t current_index = 0;

core::Error SystemError(core::ErrorCode code, const std::string& what) {
  return core::Error{code, what + ": " + std::strerror(errno), std::nullopt};
}

}  // namespace

Worker::Worker(WorkerConfig config)
    : config_(std::move(config)),
      work_(io_.get_executor()),
      socket_(io_),
      timer_(io_),
      receive_(kBatchSize, config_.options.max_datagram),
      send_(AF_INET),
      peers_(config_.max_peers, config_.options.peer_idle_timeout),
      deduplicator_(config_.options.transmission, config_.options.deduplication),
      retransmissions_(config_.options.transmission),
      tokens_(*TokenSource::Create(kTokenLength)),
      max_message_(config_.options.max_datagram),
      assembler_(MakeAssembler()),
      bodies_(ResponseBodyLimits{1024, 4, config_.options.transmission.ExchangeLifetime()}) {}

Worker::~Worker() = default;

core::Result<std::uint16_t> Worker::Bind(const Peer& address, bool shared) {
  family_ = FamilyOf(address);
  const int fd = ::socket(family_, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return tl::unexpected(SystemError(core::ErrorCode::kUnavailable, "socket"));
  const int one = 1;
  if (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    auto error = SystemError(core::ErrorCode::kUnavailable, "SO_REUSEPORT");
    ::close(fd);
    return tl::unexpected(error);
  }
  if (family_ == AF_INET6) {
    // "[::]" serves IPv4 too, whatever the system's default (net.ipv6.bindv6only) says.
    const int zero = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  // Best effort: a larger buffer absorbs a burst of registrations; the system may cap it.
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);

  sockaddr_storage storage{};
  const socklen_t length = ToSockaddr(address, family_, storage);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
    auto error = SystemError(core::ErrorCode::kUnavailable, "cannot bind " + ToString(address));
    ::close(fd);
    return tl::unexpected(error);
  }
  socklen_t bound_length = sizeof storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &bound_length);
  const std::uint16_t port = PeerFromSockaddr(storage).value_or(address).port;

  boost::system::error_code ec;
  socket_.assign(family_ == AF_INET ? boost::asio::ip::udp::v4() : boost::asio::ip::udp::v6(), fd,
                 ec);
  if (ec) {
    ::close(fd);
    return core::MakeError(core::ErrorCode::kUnavailable, "socket: " + ec.message());
  }
  send_ = SendQueue(family_);
  return port;
}

void Worker::Run() {
  current_worker = this;
  current_index = config_.index;
  now_ = Clock::now();
  next_sweep_ = now_ + kSweepInterval;
  ArmReceive();
  for (;;) {
    try {
      io_.run();
      break;
    } catch (const std::exception& e) {
      spdlog::error("coap: I/O thread {}: {}", config_.index, e.what());
    } catch (...) {
      spdlog::error("coap: I/O thread {}: unknown exception", config_.index);
    }
  }
  current_worker = nullptr;
}

std::optional<std::size_t> Worker::CurrentIndex() {
  if (current_worker == nullptr) return std::nullopt;
  return current_index;
}

void Worker::PostRequest(OutgoingRequest request) {
  boost::asio::post(io_, [this, request = std::move(request)]() mutable {
    now_ = Clock::now();
    StartRequest(std::move(request));
    Finish();
  });
}

void Worker::Answer(const std::shared_ptr<Responder::State>& state, Message response,
                    std::shared_ptr<const BodySource> body) {
  if (current_worker == this && state->in_handler) {
    state->immediate = std::move(response);
    state->immediate_body = std::move(body);
    return;
  }
  boost::asio::post(
      io_, [this, state, response = std::move(response), body = std::move(body)]() mutable {
        if (stopping_) return;
        now_ = Clock::now();
        SendSeparateResponse(state->peer, state->request_type, state->token,
                             ShapeResponse(*state, std::move(response), std::move(body)));
        Finish();
      });
}

void Worker::PostSeparateResponse(const Peer& peer, Type request_type,
                                  std::vector<std::uint8_t> token, Message response) {
  boost::asio::post(io_, [this, peer, request_type, token = std::move(token),
                          response = std::move(response)]() mutable {
    if (stopping_) return;
    now_ = Clock::now();
    SendSeparateResponse(peer, request_type, token, std::move(response));
    Finish();
  });
}

void Worker::Post(std::function<void()> task) {
  boost::asio::post(io_, [this, task = std::move(task)] {
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("coap: a callback failed: {}", e.what());
    } catch (...) {
      spdlog::error("coap: a callback failed");
    }
    Finish();
  });
}

void Worker::PostCloseSessions(std::string identity) {
  boost::asio::post(io_, [this, identity = std::move(identity)] {
    if (stopping_ || !dtls_) return;
    now_ = Clock::now();
    CloseSessionsOf(identity);
    Finish();
  });
}

void Worker::PostShutdown() {
  boost::asio::post(io_, [this] { Shutdown(); });
}

void Worker::Shutdown() {
  if (stopping_) return;
  now_ = Clock::now();
  const auto stopped = [] {
    return core::MakeError(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped");
  };
  for (OutgoingRequest& request : exchanges_.TakeWaiting()) {
    Deliver(request.done, stopped());
  }
  for (auto& [peer, requests] : std::exchange(awaiting_handshake_, {})) {
    for (OutgoingRequest& request : requests) Deliver(request.done, stopped());
  }
  for (ClientExchanges::Id id : exchanges_.Ids()) Complete(id, stopped());
  for (const auto& state : served_.All()) {
    EndServedObservation(state, core::Error{core::ErrorCode::kUnavailable,
                                            "the CoAP endpoint stopped", std::nullopt});
  }
  for (ObservationId id : observations_.Ids()) {
    EndObservation(
        id, core::Error{core::ErrorCode::kUnavailable, "the CoAP endpoint stopped", std::nullopt});
  }
  Flush();
  stopping_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  timer_.cancel();
  work_.reset();
}

// --- Receive path ---------------------------------------------------------------------

void Worker::ArmReceive() {
  socket_.async_wait(
      boost::asio::ip::udp::socket::wait_read, [this](const boost::system::error_code& ec) {
        if (stopping_ || ec == boost::asio::error::operation_aborted) return;
        if (ec) {
          spdlog::error("coap: I/O thread {} stops reading: {}", config_.index, ec.message());
          return;
        }
        OnReadable();
      });
}

void Worker::OnReadable() {
  for (int round = 0; round < kBatchesPerWakeup; ++round) {
    auto received = receive_.Receive(socket_.native_handle());
    if (!received) {
      spdlog::warn("coap: I/O thread {}: {}", config_.index, received.error().message);
      break;
    }
    if (*received == 0) break;
    now_ = Clock::now();
    for (std::size_t i = 0; i < *received; ++i) {
      const ReceivedDatagram& datagram = receive_[i];
      HandleDatagram(datagram.peer, datagram.bytes, datagram.truncated);
    }
    Flush();
    if (*received < receive_.capacity()) break;
  }
  Finish();
  ArmReceive();
}

void Worker::HandleDatagram(const Peer& peer, std::span<const std::uint8_t> bytes, bool truncated) {
  counters_.Add(Counter::kDatagramsReceived);
  if (dtls_) {
    ReceiveRecords(peer, bytes, truncated);
    return;
  }
  if (truncated) {
    OnOversizedDatagram(peer, bytes);
    return;
  }
  HandlePlaintext(peer, bytes);
}

void Worker::HandlePlaintext(const Peer& peer, std::span<const std::uint8_t> bytes) {
  auto message = Decode(bytes);
  if (!message) {
    // §4.2, §4.3: a CON in error is rejected with RST; anything else silently dropped.
    counters_.Add(Counter::kMalformedDropped);
    if (ShouldReset(bytes)) SendEmpty(peer, Type::kReset, DecodeHeader(bytes)->message_id, false);
    return;
  }
  HandleMessage(peer, std::move(*message));
}

void Worker::HandleMessage(const Peer& peer, Message message) {
  if (message.type == Type::kAcknowledgement) {
    OnAcknowledgement(peer, std::move(message));
    return;
  }
  if (message.type == Type::kReset) {
    OnReset(peer, message);
    return;
  }
  if (message.code.IsEmpty()) {
    // An empty CON is a "CoAP ping" (§4.3): the answer is RST, and no state is kept.
    SendEmpty(peer, Type::kReset, message.message_id, false);
    return;
  }
  if (!AdmitPeer(peer)) return;
  auto seen = deduplicator_.Check(peer, message.message_id, message.type, now_);
  if (seen.verdict == Deduplicator::Verdict::kDuplicate) {
    counters_.Add(Counter::kDuplicates);
    if (seen.response) SendDatagram(peer, *seen.response);
    return;
  }
  if (message.code.IsRequest()) {
    OnRequest(peer, std::move(message));
  } else {
    OnResponse(peer, std::move(message));
  }
}

// --- Send path ------------------------------------------------------------------------

void Worker::SendDatagram(const Peer& peer, std::span<const std::uint8_t> bytes) {
  if (!dtls_) {
    SendRaw(peer, bytes);
    return;
  }
  auto record = dtls_->Seal(peer, bytes);
  if (!record) {
    // The session ended (or never was): a CON is retried and then times out.
    spdlog::debug("coap: not sent to {}: {}", ToString(peer), record.error().message);
    counters_.Add(Counter::kSendFailures);
    return;
  }
  SendRaw(peer, *record);
}

void Worker::SendRaw(const Peer& peer, std::span<const std::uint8_t> bytes) {
  if (!send_.Add(peer, bytes)) counters_.Add(Counter::kSendFailures);
}

void Worker::SendEmpty(const Peer& peer, Type type, std::uint16_t message_id, bool remember) {
  Message empty;
  empty.type = type;
  empty.message_id = message_id;
  std::vector<std::uint8_t> bytes = Encode(empty);
  SendDatagram(peer, bytes);
  if (type == Type::kReset) counters_.Add(Counter::kResetsSent);
  if (remember) deduplicator_.RememberResponse(peer, message_id, std::move(bytes));
}

void Worker::Flush() {
  if (send_.empty() || stopping_) return;
  const SendQueue::Flushed flushed = send_.Flush(socket_.native_handle());
  counters_.Add(Counter::kDatagramsSent, flushed.sent);
  if (flushed.failed > 0) counters_.Add(Counter::kSendFailures, flushed.failed);
}

// --- Timer ----------------------------------------------------------------------------

void Worker::Finish() {
  SyncDtlsCounters();
  Flush();
  ArmTimer();
}

void Worker::ArmTimer() {
  if (stopping_) return;
  std::optional<TimePoint> next = retransmissions_.NextDeadline();
  const auto consider = [&next](std::optional<TimePoint> deadline) {
    if (deadline && (!next || *deadline < *next)) next = deadline;
  };
  consider(exchanges_.NextDeadline());
  consider(peers_.NextIdle());
  if (dtls_) consider(dtls_->NextDeadline());
  if (deduplicator_.size() > 0 || assembler_.size() > 0 || bodies_.size() > 0) {
    consider(next_sweep_);
  }
  // A later deadline than the one set is fine: the timer fires early and finds nothing due.
  if (!next || (timer_deadline_ && *timer_deadline_ <= *next)) return;
  timer_deadline_ = next;
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (stopping_ || ec == boost::asio::error::operation_aborted) return;
    timer_deadline_.reset();
    OnTimer();
  });
}

void Worker::OnTimer() {
  now_ = Clock::now();
  if (dtls_) {
    if (auto deadline = dtls_->NextDeadline(); deadline && *deadline <= now_) {
      ApplyDtls(dtls_->Tick(now_));
    }
  }
  DueMessages due = retransmissions_.Due(now_);
  for (const PendingMessage& message : due.resend) {
    SendDatagram(message.key.peer, message.bytes);
    counters_.Add(Counter::kRetransmissions);
  }
  for (const PendingMessage& message : due.timed_out) {
    counters_.Add(Counter::kTransmitTimeouts);
    OnTransmitTimeout(message.key);
  }
  for (ClientExchanges::Id id : exchanges_.Expired(now_)) {
    counters_.Add(Counter::kResponseTimeouts);
    Complete(id, core::MakeError(core::ErrorCode::kTimeout, "no response from the peer in time"));
  }
  if (now_ >= next_sweep_) {
    deduplicator_.Expire(now_);
    assembler_.Expire(now_);
    bodies_.Expire(now_);
    next_sweep_ = now_ + kSweepInterval;
  }
  EvictIdlePeers();
  Finish();
}

// --- Peers ----------------------------------------------------------------------------

bool Worker::AdmitPeer(const Peer& peer) {
  auto touched = peers_.Touch(peer, now_);
  if (touched == PeerTable::Touched::kFull) {
    EvictIdlePeers();
    touched = peers_.Touch(peer, now_);
  }
  if (touched == PeerTable::Touched::kFull) {
    counters_.Add(Counter::kPeersRefused);
    return false;
  }
  if (touched == PeerTable::Touched::kNew) counters_.Set(Counter::kPeers, peers_.size());
  return true;
}

void Worker::EvictIdlePeers() {
  const auto busy = [this](const Peer& peer) {
    // A peer we observe, or that observes us, is expected to speak again: its state (and
    // DTLS session) stays.
    return retransmissions_.Outstanding(peer) > 0 || exchanges_.Busy(peer) ||
           awaiting_handshake_.contains(peer) || observations_.Busy(peer) || served_.Busy(peer);
  };
  // Remembered message ids expire on their own (EXCHANGE_LIFETIME, bounded per peer), so
  // that a late retransmission is still recognised; the id counter goes now.
  const std::vector<Peer> evicted = peers_.EvictIdle(now_, busy);
  for (const Peer& peer : evicted) {
    message_ids_.Forget(peer);
    if (dtls_) dtls_->Forget(peer);
  }
  if (!evicted.empty()) {
    counters_.Add(Counter::kPeersEvicted, evicted.size());
    counters_.Set(Counter::kPeers, peers_.size());
  }
}

std::uint16_t Worker::NextMessageId(const Peer& peer) {
  return message_ids_.Next(peer, random_.Uint16());
}

}  // namespace custos::coap::transport
