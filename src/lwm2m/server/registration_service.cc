#include "lwm2m/server/registration_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace custos::lwm2m::server {
namespace {

constexpr std::uint16_t kTextPlain = 0;

const core::Actor& Lwm2mActor() {
  static const core::Actor actor{0, "lwm2m", core::Role::kOperator};
  return actor;
}

coap::Message Reply(coap::Code code, std::string_view diagnostic = {}) {
  coap::Message response;
  response.code = code;
  if (!diagnostic.empty()) {
    coap::SetContentFormat(response.options, kTextPlain);
    response.payload.assign(diagnostic.begin(), diagnostic.end());
  }
  return response;
}

coap::Message Refused(const Refusal& refusal) {
  switch (refusal.kind) {
    case RefusalKind::kUnsupportedVersion:
      return Reply(coap::codes::kPreconditionFailed, refusal.message);
    case RefusalKind::kUnsupportedFormat:
      return Reply(coap::codes::kUnsupportedContentFormat, refusal.message);
    case RefusalKind::kBadRequest:
      break;
  }
  return Reply(coap::codes::kBadRequest, refusal.message);
}

std::string_view PayloadText(const coap::Message& message) {
  return {reinterpret_cast<const char*>(message.payload.data()), message.payload.size()};
}

// "/rd" -> "", "/rd/abc" -> "abc"; nullopt for deeper paths.
std::optional<std::string> RegistrationIdOf(std::string_view path) {
  if (path == "/rd" || path == "/rd/") return std::string();
  std::string_view id = path.substr(4);
  if (id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

}  // namespace

RegistrationService::RegistrationService(ServerOptions options, core::Registry& registry,
                                         core::Store& store, core::Clock& clock)
    : options_(options),
      registry_(registry),
      store_(store),
      clock_(clock),
      id_random_(std::random_device{}()) {}

RegistrationService::~RegistrationService() { Stop(); }

bool RegistrationService::Claims(std::string_view path) {
  return path == "/rd" || path.substr(0, 4) == "/rd/";
}

coap::Message RegistrationService::Answer(bool secure, const coap::IncomingRequest& request) {
  coap::Message response;
  try {
    const std::string path = coap::UriPath(request.message.options);
    auto id = RegistrationIdOf(path);
    const coap::Code method = request.message.code;
    if (!id) {
      response = Reply(coap::codes::kNotFound);
    } else if (id->empty()) {
      response = method == coap::codes::kPost ? Register(secure, request)
                                              : Reply(coap::codes::kMethodNotAllowed);
    } else if (method == coap::codes::kPost) {
      response = Update(secure, *id, request);
    } else if (method == coap::codes::kDelete) {
      response = Deregister(secure, *id, request);
    } else {
      response = Reply(coap::codes::kMethodNotAllowed);
    }
  } catch (const std::exception& e) {
    spdlog::error("lwm2m: registration request from {} failed: {}", coap::ToString(request.peer),
                  e.what());
    response = Reply(coap::codes::kInternalServerError);
  }
  return response;
}

core::Result<core::Device> RegistrationService::ResolveDevice(bool secure,
                                                              const std::string& endpoint,
                                                              const std::string& identity) {
  auto device = registry_.GetDeviceByName(endpoint);
  if (!device && device.error().code != core::ErrorCode::kNotFound) return device;
  if (!device) {
    if (!(secure ? options_.auto_provision_secure : options_.auto_provision_plain)) {
      return core::MakeError(core::ErrorCode::kPermissionDenied,
                             fmt::format("unknown endpoint {}", endpoint));
    }
    core::Device fresh;
    fresh.name = endpoint;
    fresh.protocol = "lwm2m";
    fresh.state = core::LifecycleState::kActive;
    device = registry_.CreateDevice(Lwm2mActor(), std::move(fresh));
    // Two Registers of one new endpoint may race; the loser finds the winner's device.
    if (!device && device.error().code == core::ErrorCode::kAlreadyExists) {
      device = registry_.GetDeviceByName(endpoint);
    }
    if (!device) return device;
  }
  if (device->state == core::LifecycleState::kDisabled ||
      device->state == core::LifecycleState::kRetired) {
    return core::MakeError(core::ErrorCode::kPermissionDenied,
                           fmt::format("device {} is {}", endpoint, core::ToString(device->state)));
  }
  if (secure) {
    auto credential = store_.FindCredential("psk", identity);
    if (!credential || credential->device_id != device->id) {
      return core::MakeError(core::ErrorCode::kPermissionDenied,
                             fmt::format("the DTLS identity does not belong to {}", endpoint));
    }
  }
  if (device->protocol.empty()) {
    core::DevicePatch patch;
    patch.protocol = "lwm2m";
    auto patched = registry_.UpdateDevice(Lwm2mActor(), device->id, patch);
    if (patched) device = std::move(patched);
  }
  return device;
}

coap::Message RegistrationService::Register(bool secure, const coap::IncomingRequest& request) {
  const auto query = request.message.options.GetStrings(coap::option::kUriQuery);
  auto parsed = ParseRegister(query, coap::ContentFormat(request.message.options),
                              PayloadText(request.message));
  if (!parsed) return Refused(parsed.error());
  auto device = ResolveDevice(secure, parsed->endpoint, request.identity);
  if (!device) {
    if (device.error().code == core::ErrorCode::kPermissionDenied) {
      return Reply(coap::codes::kForbidden, device.error().message);
    }
    spdlog::warn("lwm2m: cannot register {}: {}", parsed->endpoint, device.error().message);
    return Reply(coap::codes::kInternalServerError);
  }
  const core::TimeMs now = clock_.Now();
  Registration r;
  r.id = NewId();
  r.endpoint = parsed->endpoint;
  r.device_id = device->id;
  r.peer = request.peer;
  r.secure = secure;
  r.identity = request.identity;
  r.version = parsed->version;
  r.version_text = parsed->version_text;
  r.lifetime_s = parsed->lifetime_s;
  r.binding = parsed->binding;
  r.sms = parsed->sms;
  r.queue_mode = parsed->queue_mode;
  r.objects = std::move(parsed->objects);
  r.registered_at = r.updated_at = now;
  r.deadline = now + r.lifetime_s * 1000 + options_.expiry_grace_ms;
  table_.Put(r);
  ReportOnline(r);
  expiry_cv_.notify_all();
  spdlog::debug("lwm2m: {} registered as /rd/{} from {}", r.endpoint, r.id, coap::ToString(r.peer));
  coap::Message response = Reply(coap::codes::kCreated);
  coap::SetLocationPath(response.options, "/rd/" + r.id);
  return response;
}

coap::Message RegistrationService::Update(bool secure, const std::string& id,
                                          const coap::IncomingRequest& request) {
  const auto query = request.message.options.GetStrings(coap::option::kUriQuery);
  auto parsed = ParseUpdate(query, coap::ContentFormat(request.message.options),
                            PayloadText(request.message));
  if (!parsed) return Refused(parsed.error());
  auto current = table_.FindById(id);
  if (!current) return Reply(coap::codes::kNotFound);
  if (current->secure != secure || current->identity != request.identity) {
    return Reply(coap::codes::kForbidden, "the registration belongs to another session");
  }
  const core::TimeMs now = clock_.Now();
  const std::int64_t lifetime_s = parsed->lifetime_s.value_or(current->lifetime_s);
  auto updated = table_.Update(id, *parsed, request.peer, now,
                               now + lifetime_s * 1000 + options_.expiry_grace_ms);
  if (!updated) return Reply(coap::codes::kNotFound);  // de-registered meanwhile
  ReportOnline(*updated);
  expiry_cv_.notify_all();
  return Reply(coap::codes::kChanged);
}

coap::Message RegistrationService::Deregister(bool secure, const std::string& id,
                                              const coap::IncomingRequest& request) {
  auto current = table_.FindById(id);
  if (!current) return Reply(coap::codes::kNotFound);
  if (current->secure != secure || current->identity != request.identity) {
    return Reply(coap::codes::kForbidden, "the registration belongs to another session");
  }
  auto removed = table_.Remove(id);
  if (!removed) return Reply(coap::codes::kNotFound);
  ReportOffline(*removed);
  return Reply(coap::codes::kDeleted);
}

void RegistrationService::ReportOnline(const Registration& r) {
  core::Connectivity c;
  c.online = true;
  c.last_seen = r.updated_at;
  c.address = coap::ToString(r.peer);
  c.transport = r.secure ? "dtls" : "udp";
  c.lifetime_s = r.lifetime_s;
  c.queue_mode = r.queue_mode;
  registry_.ReportConnectivity(r.device_id, c);
}

void RegistrationService::ReportOffline(const Registration& r) {
  core::Connectivity c;
  c.online = false;
  c.last_seen = r.updated_at;
  c.address = coap::ToString(r.peer);
  c.transport = r.secure ? "dtls" : "udp";
  c.lifetime_s = r.lifetime_s;
  c.queue_mode = r.queue_mode;
  registry_.ReportConnectivity(r.device_id, c);
}

std::size_t RegistrationService::ExpireDue() {
  auto expired = table_.TakeExpired(clock_.Now());
  for (const auto& r : expired) {
    spdlog::debug("lwm2m: registration /rd/{} of {} expired", r.id, r.endpoint);
    ReportOffline(r);
  }
  return expired.size();
}

void RegistrationService::DropDevice(core::DeviceId device_id) {
  if (auto removed = table_.RemoveDevice(device_id)) ReportOffline(*removed);
}

std::string RegistrationService::NewId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::lock_guard lock(id_mu_);
  for (;;) {
    std::string id;
    std::uint64_t bits = id_random_();
    for (int i = 0; i < 10; ++i, bits /= 36) id.push_back(kAlphabet[bits % 36]);
    if (!table_.FindById(id)) return id;
  }
}

void RegistrationService::StartExpiry() {
  std::lock_guard lock(expiry_mu_);
  if (expiry_.joinable() || stopping_) return;
  expiry_ = std::thread([this] { ExpiryLoop(); });
}

void RegistrationService::Stop() {
  {
    std::lock_guard lock(expiry_mu_);
    stopping_ = true;
  }
  expiry_cv_.notify_all();
  if (expiry_.joinable()) expiry_.join();
}

void RegistrationService::ExpiryLoop() {
  std::unique_lock lock(expiry_mu_);
  while (!stopping_) {
    // Wake at the earliest deadline, and at least once a second so a clock that jumps is
    // followed; a new registration with an earlier deadline notifies.
    std::int64_t wait_ms = 1'000;
    if (auto next = table_.NextDeadline()) {
      wait_ms = std::clamp<std::int64_t>(*next - clock_.Now() + 1, 0, 1'000);
    }
    expiry_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
    if (stopping_) break;
    lock.unlock();
    ExpireDue();
    lock.lock();
  }
}

}  // namespace custos::lwm2m::server
