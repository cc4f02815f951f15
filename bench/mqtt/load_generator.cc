// The event loop and packet dispatch of the load generator; the scenarios are in
// connect_storm.cc, publish_qos1.cc and round_trip.cc.
#include "load_generator.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "load_generator_impl.h"
#include "payloads.h"
#include "source_address.h"

namespace custos::mqtt_bench {

core::Result<std::unique_ptr<LoadGenerator>> LoadGenerator::Create(LoadOptions options,
                                                                   std::vector<Device> devices) {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("epoll_create1: ") + std::strerror(errno));
  }
  return std::unique_ptr<LoadGenerator>(
      new LoadGenerator(std::make_unique<Impl>(options, std::move(devices), fd)));
}

LoadGenerator::LoadGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoadGenerator::~LoadGenerator() = default;

ConnectResult LoadGenerator::ConnectStorm(std::size_t count) { return impl_->ConnectStorm(count); }
core::Result<void> LoadGenerator::StartResponder(const Device& responder) {
  return impl_->StartResponder(responder);
}
PublishResult LoadGenerator::PublishQos1(std::size_t clients, int messages, int inflight,
                                         std::size_t payload_size) {
  return impl_->PublishQos1(clients, messages, inflight, payload_size);
}
RoundTripResult LoadGenerator::RoundTrip(std::size_t clients, int requests) {
  return impl_->RoundTrip(clients, requests);
}
void LoadGenerator::Idle(std::chrono::milliseconds duration) { impl_->Idle(duration); }
void LoadGenerator::DisconnectAll() { impl_->DisconnectAll(); }

LoadGenerator::Impl::Impl(LoadOptions options, std::vector<Device> devices, int epoll_fd)
    : options_(options),
      devices_(std::move(devices)),
      clients_(devices_.size() + 1),
      epoll_fd_(epoll_fd) {}

LoadGenerator::Impl::~Impl() {
  clients_.clear();
  ::close(epoll_fd_);
}

const Device& LoadGenerator::Impl::DeviceOf(std::size_t index) const {
  return IsResponder(index) ? responder_ : devices_[index];
}

bool LoadGenerator::Impl::StartConnect(std::size_t index) {
  Client& client = clients_[index];
  client = Client{};
  client.started = Clock::now();
  auto source = IsResponder(index)
                    ? std::optional<in_addr>(options_.source_base)
                    : SourceAddressOf(options_.source_base, options_.per_address, index);
  if (!source) {
    client.state = Client::State::kFailed;
    if (first_error_.empty()) first_error_ = "no source address left in 127.0.0.0/8";
    return false;
  }
  auto connection = Connection::Start(options_.server, *source, options_.version);
  if (!connection) {
    client.state = Client::State::kFailed;
    if (first_error_.empty()) first_error_ = connection.error().message;
    return false;
  }
  client.connection = std::move(*connection);
  client.state = Client::State::kTcp;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = index;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, client.connection->fd(), &event);
  client.watching_write = true;
  return true;
}

void LoadGenerator::Impl::Watch(std::size_t index) {
  Client& client = clients_[index];
  if (!client.connection) return;
  const bool want = client.state == Client::State::kTcp || client.connection->wants_write();
  if (want == client.watching_write) return;
  epoll_event event{};
  event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  event.data.u64 = index;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, client.connection->fd(), &event);
  client.watching_write = want;
}

void LoadGenerator::Impl::Queue(std::size_t index, const mqtt::Packet& packet) {
  Client& client = clients_[index];
  if (client.connection) client.connection->Queue(packet);
}

void LoadGenerator::Impl::Flush(std::size_t index) {
  Client& client = clients_[index];
  if (!client.connection) return;
  if (auto ok = client.connection->Flush(); !ok) {
    Fail(index, ok.error().message);
    return;
  }
  Watch(index);
}

void LoadGenerator::Impl::Fail(std::size_t index, const std::string& why) {
  Client& client = clients_[index];
  const bool was_pending =
      client.state == Client::State::kTcp || client.state == Client::State::kAwaitConnack;
  if (client.state == Client::State::kFailed) return;
  client.state = Client::State::kFailed;
  client.connection.reset();  // closing the socket also removes it from epoll
  if (first_error_.empty()) first_error_ = DeviceOf(index).name + ": " + why;
  ++failed_;
  if (phase_ == Phase::kConnect && was_pending && !IsResponder(index)) {
    --in_progress_;
    ++finished_;
  }
}

void LoadGenerator::Impl::Poll(int timeout_ms) {
  std::array<epoll_event, 512> events;
  const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
  for (int i = 0; i < n; ++i) HandleEvent(events[i].data.u64, events[i].events);
}

bool LoadGenerator::Impl::RunUntil(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + options_.phase_timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    Poll(50);
  }
  return true;
}

void LoadGenerator::Impl::HandleEvent(std::size_t index, std::uint32_t events) {
  Client& client = clients_[index];
  if (!client.connection) return;
  if (client.state == Client::State::kTcp) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    if (auto ok = client.connection->FinishConnect(); !ok) {
      Fail(index, ok.error().message);
      return;
    }
    const Device& device = DeviceOf(index);
    mqtt::Connect connect;
    connect.version = options_.version;
    connect.clean_start = true;
    connect.keep_alive = options_.keep_alive_s;
    connect.client_id = device.name;
    connect.username = device.name;
    connect.password = mqtt::Bytes(device.secret.begin(), device.secret.end());
    client.state = Client::State::kAwaitConnack;
    Queue(index, connect);
    Flush(index);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    std::vector<mqtt::Packet> packets;
    auto received = client.connection->Receive(packets);
    for (mqtt::Packet& packet : packets) {
      if (client.state == Client::State::kFailed) break;
      HandlePacket(index, packet);
    }
    if (!received) {
      Fail(index, received.error().message);
      return;
    }
  }
  if (client.state != Client::State::kFailed) Flush(index);
}

void LoadGenerator::Impl::HandlePacket(std::size_t index, mqtt::Packet& packet) {
  Client& client = clients_[index];
  const auto now = Clock::now();
  if (auto* connack = std::get_if<mqtt::Connack>(&packet)) {
    if (client.state != Client::State::kAwaitConnack) return;
    if (connack->reason_code != mqtt::ReasonCode::kSuccess) {
      Fail(index, std::string("CONNACK ") + mqtt::ToString(connack->reason_code));
      return;
    }
    client.receive_maximum = connack->properties.ReceiveMaximum().value_or(65535);
    client.state = Client::State::kReady;
    if (phase_ == Phase::kConnect && !IsResponder(index)) {
      latency_.Record(now - client.started);
      last_done_ = now;
      --in_progress_;
      ++finished_;
    }
    return;
  }
  if (auto* puback = std::get_if<mqtt::Puback>(&packet)) {
    auto& unacked = client.unacked;
    for (auto it = unacked.begin(); it != unacked.end(); ++it) {
      if (it->first != puback->packet_id) continue;
      const auto sent = it->second;
      unacked.erase(it);
      if (phase_ != Phase::kPublish) return;
      latency_.Record(now - sent);
      last_done_ = now;
      ++client.acked;
      if (mqtt::IsFailure(puback->reason_code)) {
        ++refused_;
        if (first_error_.empty()) {
          first_error_ = DeviceOf(index).name + ": PUBACK " + mqtt::ToString(puback->reason_code);
        }
      }
      if (client.acked == messages_) ++finished_;
      if (client.published < messages_) QueueReport(index);
      return;
    }
    // A request's PUBACK: only a refusal matters (the reply would never come).
    if (mqtt::IsFailure(puback->reason_code)) {
      Fail(index, std::string("PUBACK ") + mqtt::ToString(puback->reason_code));
    }
    return;
  }
  if (auto* suback = std::get_if<mqtt::Suback>(&packet)) {
    const bool granted =
        !suback->reason_codes.empty() && !mqtt::IsFailure(suback->reason_codes.front());
    if (!granted) {
      Fail(index, "SUBACK refused the subscription");
      return;
    }
    client.subscribed = true;
    return;
  }
  if (auto* publish = std::get_if<mqtt::Publish>(&packet)) {
    HandlePublish(index, *publish);
    return;
  }
  if (std::holds_alternative<mqtt::Disconnect>(packet)) {
    Fail(index, std::string("DISCONNECT ") +
                    mqtt::ToString(std::get<mqtt::Disconnect>(packet).reason_code));
  }
}

void LoadGenerator::Impl::HandlePublish(std::size_t index, const mqtt::Publish& publish) {
  if (publish.qos == mqtt::QoS::kAtLeastOnce) {
    mqtt::Puback ack;
    ack.packet_id = publish.packet_id;
    Queue(index, ack);
  }
  if (IsResponder(index)) {
    HandleResponderPublish(publish);
    return;
  }
  Client& client = clients_[index];
  if (phase_ != Phase::kRoundTrip || client.awaited_rid.empty()) return;
  if (LastLevel(publish.topic) != client.awaited_rid) return;
  const auto now = Clock::now();
  latency_.Record(now - client.request_sent);
  last_done_ = now;
  client.awaited_rid.clear();
  ++client.answered;
  if (client.answered == messages_) {
    ++finished_;
  } else {
    QueueRequest(index);
  }
}

void LoadGenerator::Impl::HandleResponderPublish(const mqtt::Publish& request) {
  auto topic = ReplyTopicFor(request.topic);
  if (!topic) return;
  const std::size_t index = devices_.size();
  const auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const std::string text = TimeReply(epoch_ms);
  mqtt::Publish reply;
  reply.qos = request.qos;
  reply.topic = std::move(*topic);
  if (reply.qos != mqtt::QoS::kAtMostOnce) reply.packet_id = clients_[index].NextPacketId();
  reply.payload.assign(text.begin(), text.end());
  Queue(index, reply);
}

void LoadGenerator::Impl::Idle(std::chrono::milliseconds duration) {
  const auto until = Clock::now() + duration;
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    Poll(static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1));
  }
}

void LoadGenerator::Impl::DisconnectAll() {
  phase_ = Phase::kNone;
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    Client& client = clients_[i];
    if (client.state == Client::State::kReady && client.connection) {
      client.connection->Queue(mqtt::Disconnect{});
      (void)client.connection->Flush();
    }
    client.connection.reset();
    client.state = Client::State::kIdle;
  }
}

}  // namespace custos::mqtt_bench
