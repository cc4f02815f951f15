// What one simulated device does with its connection, its packets and its operations.
#include <sys/epoll.h>

#include "mqtt_fleet_impl.h"

namespace custos::sim {
namespace {

std::string DeviceTopic(const SimDevice& device, std::string_view suffix) {
  return "devices/" + device.credentials.name + "/" + std::string(suffix);
}

}  // namespace

std::uint16_t MqttFleet::Impl::Publish(std::size_t index, const std::string& suffix,
                                       const std::string& payload, bool qos0) {
  SimDevice& device = devices_[index];
  if (device.state != SimDevice::State::kOnline) return 0;
  mqtt::Publish publish;
  publish.topic = DeviceTopic(device, suffix);
  publish.qos = qos0 ? mqtt::QoS::kAtMostOnce : mqtt::QoS::kAtLeastOnce;
  publish.packet_id = qos0 ? 0 : device.NextPacketId();
  publish.payload.assign(payload.begin(), payload.end());
  Queue(index, publish);
  ++counters_.published;
  return publish.packet_id;
}

void MqttFleet::Impl::OnConnected(std::size_t index) {
  SimDevice& device = devices_[index];
  device.state = SimDevice::State::kOnline;
  ++counters_.online;
  ++counters_.connects;
  mqtt::Subscribe subscribe;
  subscribe.packet_id = device.NextPacketId();
  subscribe.subscriptions = {{DeviceTopic(device, "operations/+"), mqtt::QoS::kAtLeastOnce},
                             {DeviceTopic(device, "state/desired"), mqtt::QoS::kAtLeastOnce}};
  Queue(index, subscribe);
  Publish(index, "identity", IdentityPayload(device.profile));
  Publish(index, "state/reported", HealthPayload(device.profile));
  for (const auto& [suffix, payload] : device.pending_results) Publish(index, suffix, payload);
  device.pending_results.clear();
  std::uniform_real_distribution<double> unit(0, 1);
  if (options_.telemetry_every_s > 0) {
    Schedule(index, TimerKind::kTelemetry, options_.telemetry_every_s * unit(random_));
  }
  if (options_.keep_alive_s > 0) Schedule(index, TimerKind::kPing, options_.keep_alive_s / 2.0);
  if (device.profile.goes_offline && options_.offline_every_s > 0) {
    Schedule(index, TimerKind::kGoOffline, options_.offline_every_s * (0.5 + unit(random_)));
  }
}

void MqttFleet::Impl::HandlePacket(std::size_t index, mqtt::Packet& packet) {
  SimDevice& device = devices_[index];
  if (auto* connack = std::get_if<mqtt::Connack>(&packet)) {
    if (device.state != SimDevice::State::kAwaitConnack) return;
    if (connack->reason_code != mqtt::ReasonCode::kSuccess) {
      GoAway(index, options_.reconnect_s, false,
             std::string("CONNACK ") + mqtt::ToString(connack->reason_code));
      return;
    }
    OnConnected(index);
    return;
  }
  if (auto* publish = std::get_if<mqtt::Publish>(&packet)) {
    ++counters_.received;
    if (publish->qos == mqtt::QoS::kAtLeastOnce) {
      mqtt::Puback puback;
      puback.packet_id = publish->packet_id;
      Queue(index, puback);
    }
    const std::string_view payload(reinterpret_cast<const char*>(publish->payload.data()),
                                   publish->payload.size());
    if (auto id = OperationIdOf(publish->topic, device.credentials.name)) {
      auto op = ParseOperation(std::move(*id), payload);
      if (!op) {
        Error(device.credentials.name + ": " + op.error().message);
        return;
      }
      HandleOperation(index, std::move(*op));
    } else if (publish->topic == DeviceTopic(device, "state/desired")) {
      HandleDesired(index, payload);
    }
    return;
  }
  if (auto* puback = std::get_if<mqtt::Puback>(&packet)) {
    if (mqtt::IsFailure(puback->reason_code)) {
      ++counters_.refused;
      Error(device.credentials.name + ": PUBACK " + mqtt::ToString(puback->reason_code));
    } else {
      ++counters_.acknowledged;
    }
    if (puback->packet_id == device.reboot_after_packet) GoAway(index, options_.reboot_s, true, "");
    return;
  }
  if (auto* suback = std::get_if<mqtt::Suback>(&packet)) {
    for (mqtt::ReasonCode code : suback->reason_codes) {
      if (mqtt::IsFailure(code))
        Error(device.credentials.name + ": SUBACK " + mqtt::ToString(code));
    }
    return;
  }
  if (auto* disconnect = std::get_if<mqtt::Disconnect>(&packet)) {
    GoAway(index, options_.reconnect_s, false,
           std::string("DISCONNECT ") + mqtt::ToString(disconnect->reason_code));
  }
}

void MqttFleet::Impl::HandleOperation(std::size_t index, MqttOperation op) {
  SimDevice& device = devices_[index];
  if (auto done = device.results.find(op.id); done != device.results.end()) {
    // A repeated delivery (after a restart of the server, or a retry): the same answer again.
    Publish(index, "operations/" + op.id + "/result", done->second);
    return;
  }
  if (device.firmware && device.firmware->id == op.id) return;  // still running it
  ++counters_.operations_received;
  if (op.kind == "reboot" || op.kind == "factory_reset") {
    const std::string payload = ResultPayload(true, op.kind + " done", "");
    device.results[op.id] = payload;
    ++counters_.operations_succeeded;
    // The device goes away once the server has its result, as a real one restarts after
    // saying so.
    device.reboot_after_packet = Publish(index, "operations/" + op.id + "/result", payload);
    return;
  }
  if (op.kind == "firmware_update") {
    if (device.firmware) {
      Finish(index, op.id, false, "another firmware update is running", "");
      return;
    }
    device.firmware = std::move(op);
    device.progress_reported = 0;
    device.bytes_counted = 0;
    Publish(index, "operations/" + device.firmware->id + "/progress",
            ProgressPayload(0, "downloading"));
    StartDownload(index);
    return;
  }
  Finish(index, op.id, true, op.kind + " done", "");
}

void MqttFleet::Impl::HandleDesired(std::size_t index, std::string_view payload) {
  SimDevice& device = devices_[index];
  auto desired = ParseDesired(payload);
  if (!desired) {
    Error(device.credentials.name + ": " + desired.error().message);
    return;
  }
  if (desired->version <= device.desired_version) return;  // already applied
  device.desired_version = desired->version;
  Publish(index, "state/reported", DesiredAppliedPayload(*desired));
  ++counters_.desired_applied;
}

void MqttFleet::Impl::Finish(std::size_t index, const std::string& id, bool succeeded,
                             const std::string& message, const std::string& firmware_version) {
  SimDevice& device = devices_[index];
  const std::string payload = ResultPayload(succeeded, message, firmware_version);
  device.results[id] = payload;
  ++(succeeded ? counters_.operations_succeeded : counters_.operations_failed);
  const std::string suffix = "operations/" + id + "/result";
  if (device.state == SimDevice::State::kOnline) {
    Publish(index, suffix, payload);
    Flush(index);
  } else {
    device.pending_results.emplace_back(suffix, payload);
  }
}

void MqttFleet::Impl::StartDownload(std::size_t index) {
  SimDevice& device = devices_[index];
  if (downloads_running_ >= download_slots_) {
    device.download_waiting = true;
    downloads_waiting_.push(index);
    return;
  }
  const MqttOperation op = *device.firmware;
  auto url = ParseHttpUrl(op.url);
  core::Result<std::unique_ptr<HttpDownload>> download =
      url ? HttpDownload::Start(*url, options_.http_token, device.source)
          : tl::unexpected(url.error());
  if (!download) {
    device.firmware.reset();
    Finish(index, op.id, false, download.error().message, "");
    return;
  }
  device.download = std::move(*download);
  ++downloads_running_;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = index | kDownloadBit;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, device.download->fd(), &event);
}

void MqttFleet::Impl::EndDownload(std::size_t index) {
  devices_[index].download.reset();  // closing the socket also takes it out of epoll
  --downloads_running_;
  while (!downloads_waiting_.empty()) {
    const std::size_t next = downloads_waiting_.front();
    downloads_waiting_.pop();
    if (devices_[next].download_waiting && devices_[next].firmware) {
      devices_[next].download_waiting = false;
      StartDownload(next);
      return;
    }
  }
}

void MqttFleet::Impl::OnDownloadReady(std::size_t index) {
  SimDevice& device = devices_[index];
  if (!device.download || !device.firmware) return;
  HttpDownload& download = *device.download;
  const HttpDownload::Status status = download.OnReady();
  counters_.firmware_bytes += download.body_bytes() - device.bytes_counted;
  device.bytes_counted = download.body_bytes();
  const MqttOperation op = *device.firmware;
  const std::uint64_t total = op.size.value_or(download.content_length().value_or(0));
  if (status == HttpDownload::Status::kRunning) {
    if (total > 0) {
      const int percent = static_cast<int>(download.body_bytes() * 100 / total);
      if (percent >= device.progress_reported + 25 && percent < 100) {
        device.progress_reported = percent - percent % 25;
        Publish(index, "operations/" + op.id + "/progress",
                ProgressPayload(device.progress_reported, "downloading"));
        Flush(index);
      }
    }
    if (!download.wants_write()) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = index | kDownloadBit;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, download.fd(), &event);
    }
    return;
  }
  device.firmware.reset();
  if (status == HttpDownload::Status::kFailed) {
    const std::string why = "download: " + download.error();
    EndDownload(index);
    Finish(index, op.id, false, why, "");
    return;
  }
  ++counters_.firmware_downloads;
  const std::uint64_t got = download.body_bytes();
  const std::string sha256 = download.sha256();
  EndDownload(index);
  if (op.size && got != *op.size) {
    Finish(index, op.id, false,
           "image is " + std::to_string(got) + " bytes, expected " + std::to_string(*op.size), "");
    return;
  }
  if (!op.sha256.empty() && sha256 != op.sha256) {
    Finish(index, op.id, false, "image sha256 " + sha256 + " does not match", "");
    return;
  }
  if (device.profile.fails_updates) {
    Finish(index, op.id, false, "install failed (simulated)", "");
    return;
  }
  // Installed: the device restarts into the new version and says so after it reconnects.
  Publish(index, "operations/" + op.id + "/progress", ProgressPayload(100, "installing"));
  device.profile.firmware_version =
      op.version.empty() ? NextFirmwareVersion(device.profile.firmware_version) : op.version;
  const std::string payload = ResultPayload(true, "installed", device.profile.firmware_version);
  device.results[op.id] = payload;
  ++counters_.operations_succeeded;
  device.pending_results.emplace_back("operations/" + op.id + "/result", payload);
  if (device.state == SimDevice::State::kOnline) GoAway(index, options_.reboot_s, true, "");
}

}  // namespace custos::sim
