// The registration interface from the devices' side (TS Core §6.2): Register at the ramp's
// pace, Updates before the lifetime runs out, queue mode's sleep and wake-ups, going offline
// and coming back; the one confirmable exchange in flight per device with the
// retransmissions of RFC 7252 §4.2; and the timer heap that drives all of it.
#include "fleet.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace custos::sim {
namespace {

const char* VersionText(Lwm2mVersion version) {
  switch (version) {
    case Lwm2mVersion::kV1_0:
      return "1.0";
    case Lwm2mVersion::kV1_1:
      return "1.1";
    case Lwm2mVersion::kV1_2:
      return "1.2";
  }
  return "1.0";
}

std::vector<std::uint8_t> TokenBytes(std::uint32_t token) {
  return {static_cast<std::uint8_t>(token >> 24), static_cast<std::uint8_t>(token >> 16),
          static_cast<std::uint8_t>(token >> 8), static_cast<std::uint8_t>(token)};
}

}  // namespace

Fleet::Fleet(Lwm2mConfig config, Outbox& outbox)
    : config_(std::move(config)),
      outbox_(outbox),
      devices_(config_.devices),
      random_(config_.seed) {
  object_links_ = "</1/0>,</3/0>,</4/0>,</5/0>,</6/0>";
  if (config_.version != Lwm2mVersion::kV1_0) {
    std::string ct = "60 110 112 11542 11543";
    if (config_.version == Lwm2mVersion::kV1_2) ct += " 11544";
    object_links_ = "</>;rt=\"oma.lwm2m\";ct=\"" + ct + "\"," + object_links_;
  }
  const auto share = [this](std::uint32_t d, std::uint64_t salt, double fraction) {
    return static_cast<double>(Hash(d, salt) % 1'000'000) < fraction * 1'000'000;
  };
  for (std::uint32_t d = 0; d < devices_.size(); ++d) {
    Device& device = devices_[d];
    device.queue_mode = share(d, 1, config_.queue_share);
    device.fails_update = share(d, 2, config_.fail_update_share);
    device.low_battery = share(d, 3, config_.low_battery_share);
    device.goes_offline = share(d, 4, config_.offline_share);
    device.dtls = share(d, 9, config_.dtls_share);
    device.firmware_version = config_.firmware_version;
    device.next_mid = static_cast<std::uint16_t>(Hash(d, 5));
    device.next_token = static_cast<std::uint32_t>(Hash(d, 6));
    InitBattery(device, config_.first + d);
  }
  stats_.devices = devices_.size();
  if (config_.dtls_share > 0) {
    coap::dtls::ClientOptions options;
    options.max_sessions = std::max<std::size_t>(1, devices_.size());
    options.handshake_timeout = std::chrono::milliseconds(60'000);
    auto client = coap::dtls::Client::Create(options);
    if (client) {
      dtls_ = std::move(*client);
    } else {
      for (Device& device : devices_) device.dtls = false;  // stays plain; counted below
      ++stats_.errors;
    }
  }
}

std::uint64_t Fleet::Hash(std::uint32_t d, std::uint64_t salt) const {
  // splitmix64 of (seed, device, salt): traits that do not change from run to run.
  std::uint64_t z = config_.seed * 0x9e3779b97f4a7c15ULL + (std::uint64_t{d} << 8) + salt;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string Fleet::EndpointName(std::uint32_t index) const {
  return config_.prefix + std::to_string(config_.first + index);
}

std::size_t Fleet::BytesPerDevice() { return sizeof(Device) + sizeof(Due); }

DeviceIdentity Fleet::IdentityOf(std::uint32_t d, TimeMs now) const {
  return DeviceIdentity{config_.first + d, config_.lifetime_s, now};
}

void Fleet::Start(TimeMs now) {
  const double ramp = config_.ramp_per_s > 0 ? config_.ramp_per_s : 1e9;
  for (std::uint32_t d = 0; d < devices_.size(); ++d) {
    devices_[d].phase = Phase::kWaiting;
    devices_[d].phase_at = now + static_cast<TimeMs>(d * 1000.0 / ramp);
    Rearm(d);
  }
}

TimeMs Fleet::NextDeadline() const {
  TimeMs next = timers_.empty() ? kNever : timers_.top().at;
  if (dtls_) {
    if (auto deadline = dtls_->NextDeadline()) {
      next = std::min<TimeMs>(
          next, std::chrono::duration_cast<std::chrono::milliseconds>(deadline->time_since_epoch())
                    .count());
    }
  }
  return next;
}

void Fleet::Rearm(std::uint32_t d) {
  Device& device = devices_[d];
  TimeMs at = std::min({device.retransmit_at, device.phase_at});
  if (device.phase == Phase::kRegistered) {
    at = std::min({at, device.next_update, device.sleep_at, device.next_step});
  }
  if (at == device.timer) return;
  device.timer = at;
  if (at != kNever) timers_.push(Due{at, d});
}

void Fleet::RunDue(TimeMs now) {
  if (dtls_) {
    const coap::TimePoint at = coap::TimePoint{} + std::chrono::milliseconds(now);
    if (auto deadline = dtls_->NextDeadline(); deadline && *deadline <= at) {
      HandleDtlsOutput(dtls_->Tick(at), now);
    }
  }
  while (!timers_.empty() && timers_.top().at <= now) {
    const Due due = timers_.top();
    timers_.pop();
    if (devices_[due.device].timer != due.at) continue;  // superseded
    devices_[due.device].timer = kNever;
    OnTimer(due.device, now);
    Rearm(due.device);
  }
}

void Fleet::OnTimer(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  if (device.retransmit_at <= now) Retransmit(d, now);
  if (device.phase_at <= now) PhaseTimer(d, now);
  if (device.phase != Phase::kRegistered) return;
  if (device.next_step <= now) Step(d, now);
  if (device.next_update <= now) {
    device.next_update = kNever;  // until the answer schedules the next one
    device.sleeping = false;
    device.want_update = true;
    NextExchange(d, now);
  }
  if (device.sleep_at <= now) {
    if (device.exchange == Exchange::kNone && !device.want_download) {
      device.sleeping = true;
      device.sleep_at = kNever;
    } else {
      device.sleep_at = now + 1000;  // not while a request is on its way
    }
  }
}

void Fleet::PhaseTimer(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  device.phase_at = kNever;
  switch (device.phase) {
    case Phase::kWaiting:
    case Phase::kOffline:
      StartRegistering(d, now);
      break;
    case Phase::kRebooting:
      if (device.firmware_reboot) {
        FinishUpdate(d, now);
      } else {
        StartRegistering(d, now);
      }
      break;
    case Phase::kRegistered:
      if (device.goes_offline) {  // its one outage
        device.goes_offline = false;
        AbandonExchange(d);
        device.phase = Phase::kOffline;
        device.phase_at = now + TimeMs{config_.offline_s} * 1000;
      }
      break;
    case Phase::kRegistering:
      break;
  }
}

void Fleet::StartRegistering(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  AbandonExchange(d);
  if (device.dtls) EndSession(d);  // a new registration, a new session
  device.phase = Phase::kRegistering;
  device.observations.clear();  // a new registration ends the server's observations
  device.pmin = device.pmax = 0;
  device.sleeping = false;
  device.want_register = true;
  device.want_update = false;
  NextExchange(d, now);
}

void Fleet::NextExchange(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  if (device.exchange != Exchange::kNone || device.sleeping) return;
  if (device.want_register) {
    if (device.dtls && !device.dtls_ready) {
      if (!device.dtls_handshaking) StartHandshake(d, now);
      return;  // the Register goes once the session is established
    }
    device.want_register = false;
    StartExchange(d, Exchange::kRegister, now);
  } else if (device.phase != Phase::kRegistered) {
    return;
  } else if (device.want_update) {
    device.want_update = false;
    StartExchange(d, Exchange::kUpdate, now);
  } else if (device.want_download) {
    device.want_download = false;
    StartExchange(d, Exchange::kDownload, now);
  }
}

void Fleet::StartExchange(std::uint32_t d, Exchange kind, TimeMs now) {
  Device& device = devices_[d];
  device.exchange = kind;
  device.exchange_mid = device.next_mid++;
  device.exchange_token = ++device.next_token;
  device.attempts = 0;
  device.separate = false;
  // ACK_TIMEOUT times a random factor in [1, ACK_RANDOM_FACTOR = 1.5).
  device.retransmit_timeout_ms =
      kAckTimeoutMs + static_cast<std::uint32_t>(random_() % (kAckTimeoutMs / 2));
  device.retransmit_at = now + device.retransmit_timeout_ms;
  if (kind == Exchange::kRegister) ++stats_.registers_sent;
  if (kind == Exchange::kUpdate) ++stats_.updates_sent;
  SendExchange(d);
}

coap::Message Fleet::RegisterRequest(std::uint32_t d) const {
  const Device& device = devices_[d];
  coap::Message request;
  request.code = coap::codes::kPost;
  coap::SetUriPath(request.options, "/rd");
  std::string query = "ep=" + EndpointName(d) + "&lt=" + std::to_string(config_.lifetime_s) +
                      "&lwm2m=" + VersionText(config_.version) + "&b=U";
  if (device.queue_mode) query += config_.version == Lwm2mVersion::kV1_0 ? "Q" : "&Q";
  coap::SetUriQuery(request.options, query);
  coap::SetContentFormat(request.options, 40);
  request.payload.assign(object_links_.begin(), object_links_.end());
  return request;
}

void Fleet::SendExchange(std::uint32_t d) {
  const Device& device = devices_[d];
  coap::Message request;
  Address to = config_.server;
  switch (device.exchange) {
    case Exchange::kRegister:
      request = RegisterRequest(d);
      break;
    case Exchange::kUpdate:
      request.code = coap::codes::kPost;
      coap::SetUriPath(request.options, device.location);
      break;
    case Exchange::kDownload: {
      request = DownloadRequest(d);
      auto transfer = transfers_.find(d);
      if (transfer != transfers_.end()) to = transfer->second.from;
      break;
    }
    case Exchange::kNone:
      return;
  }
  request.type = coap::Type::kConfirmable;
  request.message_id = device.exchange_mid;
  request.token = TokenBytes(device.exchange_token);
  Transmit(d, to, request);
}

void Fleet::Retransmit(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  device.retransmit_at = kNever;
  if (device.exchange == Exchange::kNone) return;
  if (device.separate || device.attempts >= kMaxRetransmit) {
    ++stats_.timeouts;
    ExchangeFailed(d, now, true);
    return;
  }
  ++device.attempts;
  ++stats_.retransmissions;
  device.retransmit_timeout_ms *= 2;
  device.retransmit_at = now + device.retransmit_timeout_ms;
  SendExchange(d);
}

void Fleet::AbandonExchange(std::uint32_t d) {
  Device& device = devices_[d];
  if (device.exchange == Exchange::kDownload) {
    device.want_download = true;  // picked up again once registered
  }
  device.exchange = Exchange::kNone;
  device.retransmit_at = kNever;
}

void Fleet::ExchangeFailed(std::uint32_t d, TimeMs now, bool timed_out) {
  Device& device = devices_[d];
  const Exchange kind = device.exchange;
  device.exchange = Exchange::kNone;
  device.retransmit_at = kNever;
  switch (kind) {
    case Exchange::kRegister:
      ++stats_.register_failures;
      device.phase = Phase::kWaiting;
      device.phase_at = now + 5000 + static_cast<TimeMs>(random_() % 10'000);
      break;
    case Exchange::kUpdate:
      ++stats_.update_failures;
      StartRegistering(d, now);  // §6.2.2: an Update that fails is followed by a Register
      return;
    case Exchange::kDownload:
      DownloadFailed(d, timed_out ? firmware::kConnectionLost : firmware::kInvalidUri, now);
      break;
    case Exchange::kNone:
      break;
  }
  NextExchange(d, now);
}

void Fleet::OnResponse(std::uint32_t d, const coap::Message& response, TimeMs now) {
  Device& device = devices_[d];
  const Exchange kind = device.exchange;
  if (kind == Exchange::kRegister) {
    if (response.code != coap::codes::kCreated) {
      ExchangeFailed(d, now, false);
      return;
    }
    device.exchange = Exchange::kNone;
    device.retransmit_at = kNever;
    Registered(d, response, now);
  } else if (kind == Exchange::kUpdate) {
    if (response.code != coap::codes::kChanged) {
      ExchangeFailed(d, now, false);  // 4.04: the server forgot us; Register again
      return;
    }
    device.exchange = Exchange::kNone;
    device.retransmit_at = kNever;
    ++stats_.updates;
    ScheduleUpdate(d, now);
  } else if (kind == Exchange::kDownload) {
    if (response.code != coap::codes::kContent) {
      ExchangeFailed(d, now, false);
      return;
    }
    device.exchange = Exchange::kNone;
    device.retransmit_at = kNever;
    OnDownloadBlock(d, response, now);
  }
  NextExchange(d, now);
}

void Fleet::Registered(std::uint32_t d, const coap::Message& response, TimeMs now) {
  Device& device = devices_[d];
  ++stats_.registrations;
  device.location = coap::LocationPath(response.options);
  device.phase = Phase::kRegistered;
  if (device.next_step == kNever || device.next_step < now) {
    // Steps of the fleet spread over the step period rather than all at once.
    device.next_step = now + static_cast<TimeMs>(Hash(d, 7) % (TimeMs{config_.step_s} * 1000 + 1));
  }
  if (device.goes_offline) {
    device.phase_at =
        now + static_cast<TimeMs>(Hash(d, 8) % (TimeMs{config_.lifetime_s} * 1000 + 1));
  }
  ScheduleUpdate(d, now);
}

void Fleet::ScheduleUpdate(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  // Well before the lifetime runs out, leaving room for retransmissions.
  const TimeMs lifetime_ms = TimeMs{config_.lifetime_s} * 1000;
  TimeMs delay = std::max<TimeMs>(lifetime_ms * 9 / 10, lifetime_ms - 93'000);
  if (device.queue_mode) {
    delay = std::min<TimeMs>(delay, TimeMs{config_.wake_s} * 1000);
    device.sleep_at = now + TimeMs{config_.awake_s} * 1000;
  }
  device.next_update = now + delay;
}

void Fleet::Step(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  device.next_step = now + TimeMs{config_.step_s} * 1000;
  StepBattery(device);
  if (!device.sleeping) Notify(d, now);
}

bool Fleet::Lost() {
  if (config_.loss <= 0) return false;
  return std::uniform_real_distribution<double>(0, 1)(random_) < config_.loss;
}

void Fleet::Transmit(std::uint32_t d, Address to, const coap::Message& message) {
  if (Lost()) {
    ++stats_.lost;
    return;
  }
  const std::vector<std::uint8_t> bytes = coap::Encode(message);
  if (devices_[d].dtls) {
    SendSecure(d, bytes);
    return;
  }
  ++stats_.datagrams_out;
  outbox_.Send(d, to, bytes);
}

void Fleet::OnDatagram(std::uint32_t d, Address from, std::span<const std::uint8_t> bytes,
                       TimeMs now) {
  if (d >= devices_.size()) return;
  Device& device = devices_[d];
  // Asleep, offline, rebooting or not started: the radio is off.
  if (device.sleeping || device.phase == Phase::kOffline || device.phase == Phase::kRebooting ||
      device.phase == Phase::kWaiting) {
    return;
  }
  if (Lost()) {
    ++stats_.lost;
    return;
  }
  ++stats_.datagrams_in;
  if (device.dtls) {
    OnSecureDatagram(d, bytes, now);
  } else {
    OnMessage(d, from, bytes, now);
  }
  Rearm(d);
}

void Fleet::OnMessage(std::uint32_t d, Address from, std::span<const std::uint8_t> bytes,
                      TimeMs now) {
  Device& device = devices_[d];
  auto decoded = coap::Decode(bytes);
  if (!decoded) {
    ++stats_.errors;
    if (coap::ShouldReset(bytes)) {
      auto header = coap::DecodeHeader(bytes);
      coap::Message reset;
      reset.type = coap::Type::kReset;
      reset.message_id = header->message_id;
      Transmit(d, from, reset);
    }
    return;
  }
  const coap::Message& message = *decoded;
  const bool ours = device.exchange != Exchange::kNone;
  const bool our_token = ours && message.token == TokenBytes(device.exchange_token);
  if (message.type == coap::Type::kAcknowledgement || message.type == coap::Type::kReset) {
    if (ours && message.message_id == device.exchange_mid && !device.separate) {
      if (message.type == coap::Type::kReset) {
        ++stats_.errors;
        ExchangeFailed(d, now, false);
      } else if (message.code.IsEmpty()) {
        device.separate = true;  // the answer follows as a separate response
        device.retransmit_at = now + kSeparateWaitMs;
      } else if (our_token) {
        OnResponse(d, message, now);
      }
    } else if (message.type == coap::Type::kReset) {
      // A Reset of a notification cancels its observation (RFC 7641 §3.6).
      std::erase_if(device.observations,
                    [&](const Observation& o) { return o.last_mid == message.message_id; });
    }
  } else if (message.code.IsResponse()) {
    if (message.type == coap::Type::kConfirmable) {
      coap::Message ack;
      ack.type = coap::Type::kAcknowledgement;
      ack.message_id = message.message_id;
      Transmit(d, from, ack);
    }
    if (our_token) OnResponse(d, message, now);
  } else if (message.code.IsRequest()) {
    OnRequest(d, from, message, now);
  } else if (message.type == coap::Type::kConfirmable) {
    coap::Message reset;  // CoAP ping (§4.3)
    reset.type = coap::Type::kReset;
    reset.message_id = message.message_id;
    Transmit(d, from, reset);
  }
}

Lwm2mStats Fleet::Stats() const {
  Lwm2mStats stats = stats_;
  stats.registered = stats.sleeping = stats.offline = 0;
  for (const Device& device : devices_) {
    if (device.phase == Phase::kRegistered) ++stats.registered;
    if (device.sleeping) ++stats.sleeping;
    if (device.phase == Phase::kOffline) ++stats.offline;
  }
  return stats;
}

}  // namespace custos::sim
