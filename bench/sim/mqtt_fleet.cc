#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "mqtt_fleet_impl.h"
#include "source_address.h"

namespace custos::sim {
namespace {

// Files the process needs besides its devices' sockets: stdio, epoll, the JSON report, and
// sockets for firmware downloads.
constexpr std::size_t kReservedFiles = 32;
constexpr std::size_t kMaxDownloadSlots = 64;

std::size_t OpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {  // the soft limit may go up to the hard one
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<std::size_t>(limit.rlim_cur);
}

std::chrono::nanoseconds Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

}  // namespace

std::size_t MaxDevicesPerProcess() {
  const std::size_t limit = OpenFileLimit();
  return limit > kReservedFiles + kMaxDownloadSlots ? limit - kReservedFiles - kMaxDownloadSlots
                                                    : 0;
}

core::Result<std::unique_ptr<MqttFleet>> MqttFleet::Create(
    MqttFleetOptions options, std::vector<mqtt_bench::Device> devices) {
  if (devices.empty()) return core::MakeError(core::ErrorCode::kInvalidArgument, "no devices");
  const std::size_t max = MaxDevicesPerProcess();
  if (devices.size() > max) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "one process simulates at most " + std::to_string(max) + " TCP devices (its open-file " +
            "limit, one socket per device); run several custos-sim processes, each with a " +
            "part of the devices (--first and --devices)");
  }
  std::vector<SimDevice> sims(devices.size());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    SimDevice& sim = sims[i];
    auto source = mqtt_bench::SourceAddressOf(options.source_base, options.per_address, i);
    if (!source) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "device " + std::to_string(i) + " falls outside 127.0.0.0/8");
    }
    sim.source = *source;
    sim.profile = ProfileOf(i, devices[i].name, options.shares);
    sim.credentials = std::move(devices[i]);
    sim.version = options.versions == MqttVersionMix::kV311 ||
                          (options.versions == MqttVersionMix::kMixed && i % 2 == 1)
                      ? mqtt::Version::kV311
                      : mqtt::Version::kV5;
  }
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("epoll_create1: ") + std::strerror(errno));
  }
  const std::size_t slots = std::min(kMaxDownloadSlots, OpenFileLimit() - sims.size() - 16);
  return std::unique_ptr<MqttFleet>(
      new MqttFleet(std::make_unique<Impl>(std::move(options), std::move(sims), epoll_fd, slots)));
}

MqttFleet::MqttFleet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MqttFleet::~MqttFleet() = default;

void MqttFleet::Run(std::chrono::milliseconds duration, std::chrono::milliseconds report_every,
                    const std::function<void(const MqttReport&)>& live) {
  impl_->Run(duration, report_every, live);
}
void MqttFleet::Stop() { impl_->Stop(); }
MqttReport MqttFleet::Report() const { return impl_->Report(); }

MqttFleet::Impl::Impl(MqttFleetOptions options, std::vector<SimDevice> devices, int epoll_fd,
                      std::size_t download_slots)
    : options_(std::move(options)),
      devices_(std::move(devices)),
      epoll_fd_(epoll_fd),
      random_(options_.seed),
      download_slots_(std::max<std::size_t>(download_slots, 1)) {}

MqttFleet::Impl::~Impl() {
  devices_.clear();
  ::close(epoll_fd_);
}

MqttReport MqttFleet::Impl::Report() const {
  MqttReport report = counters_.Snapshot();
  report.devices = devices_.size();
  const SimClock::time_point started{SimClock::duration(started_.load())};
  report.seconds =
      started_.load() == 0 ? 0 : std::chrono::duration<double>(SimClock::now() - started).count();
  std::lock_guard lock(error_mu_);
  report.first_error = first_error_;
  return report;
}

void MqttFleet::Impl::Error(const std::string& why) {
  ++counters_.errors;
  RecordFirst(why);
}

void MqttFleet::Impl::RecordFirst(const std::string& why) {
  std::lock_guard lock(error_mu_);
  if (first_error_.empty()) first_error_ = why;
}

void MqttFleet::Impl::Schedule(std::size_t index, TimerKind kind, double seconds_from_now) {
  timers_.push(Timer{now_ + Seconds(seconds_from_now), static_cast<std::uint32_t>(index), kind,
                     devices_[index].epoch});
}

void MqttFleet::Impl::Run(std::chrono::milliseconds duration,
                          std::chrono::milliseconds report_every,
                          const std::function<void(const MqttReport&)>& live) {
  now_ = SimClock::now();
  started_.store(now_.time_since_epoch().count());
  const SimClock::time_point started = now_;
  const double ramp = options_.ramp_per_s > 0 ? options_.ramp_per_s : 1e9;
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    Schedule(i, TimerKind::kConnect, static_cast<double>(i) / ramp);
  }
  const auto end = duration.count() > 0 ? started + duration : SimClock::time_point::max();
  auto next_report =
      report_every.count() > 0 ? started + report_every : SimClock::time_point::max();
  std::array<epoll_event, 512> events;
  while (!stopping_.load() && now_ < end) {
    int timeout_ms = 100;
    if (!timers_.empty()) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(timers_.top().when - now_);
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 100));
    }
    const int n =
        ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    now_ = SimClock::now();
    for (int i = 0; i < n; ++i) HandleEvent(events[i].data.u64, events[i].events);
    RunTimers();
    if (now_ >= next_report) {
      if (live) live(Report());
      next_report += report_every;
    }
  }
  DisconnectAll();
}

void MqttFleet::Impl::RunTimers() {
  while (!timers_.empty() && timers_.top().when <= now_) {
    const Timer timer = timers_.top();
    timers_.pop();
    if (timer.epoch == devices_[timer.device].epoch) OnTimer(timer);
  }
}

void MqttFleet::Impl::OnTimer(const Timer& timer) {
  const std::size_t index = timer.device;
  SimDevice& device = devices_[index];
  switch (timer.kind) {
    case TimerKind::kConnect:
      if (device.state == SimDevice::State::kIdle || device.state == SimDevice::State::kAway) {
        StartConnect(index);
      }
      return;
    case TimerKind::kTelemetry:
      if (device.state != SimDevice::State::kOnline) return;
      Publish(index, "telemetry", TelemetryPayload(device.telemetry_sequence++), true);
      Flush(index);
      Schedule(index, TimerKind::kTelemetry, options_.telemetry_every_s);
      return;
    case TimerKind::kPing:
      if (device.state != SimDevice::State::kOnline) return;
      Queue(index, mqtt::Pingreq{});
      Flush(index);
      Schedule(index, TimerKind::kPing, options_.keep_alive_s / 2.0);
      return;
    case TimerKind::kGoOffline:
      if (device.state != SimDevice::State::kOnline) return;
      GoAway(index, options_.offline_for_s, false, "");
      return;
    case TimerKind::kFlush:
      FlushNow(index);
      return;
  }
}

void MqttFleet::Impl::StartConnect(std::size_t index) {
  SimDevice& device = devices_[index];
  ++device.epoch;
  device.flush_scheduled = false;
  auto connection = mqtt_bench::Connection::Start(options_.server, device.source, device.version);
  if (!connection) {
    ++counters_.connect_errors;
    RecordFirst(device.credentials.name + ": " + connection.error().message);
    device.state = SimDevice::State::kAway;
    Schedule(index, TimerKind::kConnect, options_.reconnect_s);
    return;
  }
  device.connection = std::move(*connection);
  device.state = SimDevice::State::kTcp;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = index;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, device.connection->fd(), &event);
  device.watching_write = true;
}

void MqttFleet::Impl::GoAway(std::size_t index, double away_s, bool graceful,
                             const std::string& why) {
  SimDevice& device = devices_[index];
  if (device.state == SimDevice::State::kAway || device.state == SimDevice::State::kIdle) return;
  if (device.state == SimDevice::State::kOnline) {
    --counters_.online;
    ++counters_.disconnects;
    if (graceful && device.connection) {
      Queue(index, mqtt::Disconnect{});
      (void)device.connection->Flush();
    }
    if (!why.empty()) Error(device.credentials.name + ": " + why);
  } else {
    ++counters_.connect_errors;
    if (!why.empty()) RecordFirst(device.credentials.name + ": " + why);
  }
  device.connection.reset();  // closing the socket also takes it out of epoll
  device.state = SimDevice::State::kAway;
  device.watching_write = false;
  device.reboot_after_packet = 0;
  device.flush_scheduled = false;
  ++device.epoch;
  Schedule(index, TimerKind::kConnect, away_s);
}

void MqttFleet::Impl::Queue(std::size_t index, const mqtt::Packet& packet) {
  SimDevice& device = devices_[index];
  if (device.connection) device.connection->Queue(packet);
}

void MqttFleet::Impl::Flush(std::size_t index) {
  SimDevice& device = devices_[index];
  if (options_.delay_s <= 0) {
    FlushNow(index);
  } else if (!device.flush_scheduled && device.connection) {
    device.flush_scheduled = true;
    Schedule(index, TimerKind::kFlush, options_.delay_s);
  }
}

void MqttFleet::Impl::FlushNow(std::size_t index) {
  SimDevice& device = devices_[index];
  device.flush_scheduled = false;
  if (!device.connection || device.state == SimDevice::State::kTcp) return;
  if (auto ok = device.connection->Flush(); !ok) {
    GoAway(index, options_.reconnect_s, false, ok.error().message);
    return;
  }
  Watch(index);
}

void MqttFleet::Impl::Watch(std::size_t index) {
  SimDevice& device = devices_[index];
  if (!device.connection) return;
  const bool want = device.state == SimDevice::State::kTcp || device.connection->wants_write();
  if (want == device.watching_write) return;
  epoll_event event{};
  event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  event.data.u64 = index;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, device.connection->fd(), &event);
  device.watching_write = want;
}

void MqttFleet::Impl::HandleEvent(std::uint64_t data, std::uint32_t events) {
  if (data & kDownloadBit) {
    OnDownloadReady(static_cast<std::size_t>(data & ~kDownloadBit));
    return;
  }
  const std::size_t index = static_cast<std::size_t>(data);
  SimDevice& device = devices_[index];
  if (!device.connection) return;
  if (device.state == SimDevice::State::kTcp) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    if (auto ok = device.connection->FinishConnect(); !ok) {
      GoAway(index, options_.reconnect_s, false, ok.error().message);
      return;
    }
    mqtt::Connect connect;
    connect.version = device.version;
    // A persistent session: operations sent while the device reboots wait for it.
    connect.clean_start = false;
    connect.keep_alive = options_.keep_alive_s;
    connect.client_id = device.credentials.name;
    connect.username = device.credentials.name;
    connect.password =
        mqtt::Bytes(device.credentials.secret.begin(), device.credentials.secret.end());
    if (device.version == mqtt::Version::kV5) connect.properties.SetSessionExpiryInterval(3600);
    device.state = SimDevice::State::kAwaitConnack;
    Queue(index, connect);
    Flush(index);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    std::vector<mqtt::Packet> packets;
    auto received = device.connection->Receive(packets);
    const std::uint64_t epoch = device.epoch;
    for (mqtt::Packet& packet : packets) {
      if (device.epoch != epoch) break;  // the device went away while handling a packet
      HandlePacket(index, packet);
    }
    if (device.epoch != epoch) return;
    if (!received) {
      GoAway(index, options_.reconnect_s, false, received.error().message);
      return;
    }
  }
  // The socket took part of a (delayed) write and has room again: the rest goes on now.
  if (events & EPOLLOUT) {
    FlushNow(index);
  } else {
    Flush(index);
  }
}

void MqttFleet::Impl::DisconnectAll() {
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    SimDevice& device = devices_[i];
    if (device.state == SimDevice::State::kOnline && device.connection) {
      Queue(i, mqtt::Disconnect{});
      (void)device.connection->Flush();
      --counters_.online;
    }
    device.connection.reset();
    device.download.reset();
    device.state = SimDevice::State::kIdle;
    ++device.epoch;
  }
}

}  // namespace custos::sim
