#include "lwm2m/server/registration_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <future>
#include <unordered_map>

#include "lwm2m/server/registration_record.h"

namespace custos::lwm2m::server {
namespace {

constexpr std::uint16_t kTextPlain = 0;

const core::Actor& Lwm2mActor() {
  static const core::Actor actor{0, "lwm2m", core::Role::kOperator};
  return actor;
}

coap::Message Response(coap::Code code, std::string_view diagnostic = {}) {
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
      return Response(coap::codes::kPreconditionFailed, refusal.message);
    case RefusalKind::kUnsupportedFormat:
      return Response(coap::codes::kUnsupportedContentFormat, refusal.message);
    case RefusalKind::kBadRequest:
      break;
  }
  return Response(coap::codes::kBadRequest, refusal.message);
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
      id_random_(std::random_device{}()) {
  journal_ = std::make_unique<RegistrationJournal>(
      store_, [this](const std::vector<std::string>& endpoints) {
        return ProvisionDevices(endpoints);
      });
}

RegistrationService::~RegistrationService() { Stop(); }

bool RegistrationService::Claims(std::string_view path) {
  return path == "/rd" || path.substr(0, 4) == "/rd/";
}

void RegistrationService::Answer(bool secure, const coap::IncomingRequest& request, Reply reply) {
  try {
    const std::string path = coap::UriPath(request.message.options);
    auto id = RegistrationIdOf(path);
    const coap::Code method = request.message.code;
    if (!id) {
      reply(Response(coap::codes::kNotFound));
    } else if (id->empty()) {
      if (method == coap::codes::kPost) {
        Register(secure, request, std::move(reply));
      } else {
        reply(Response(coap::codes::kMethodNotAllowed));
      }
    } else if (method == coap::codes::kPost) {
      Update(secure, *id, request, std::move(reply));
    } else if (method == coap::codes::kDelete) {
      Deregister(secure, *id, request, std::move(reply));
    } else {
      reply(Response(coap::codes::kMethodNotAllowed));
    }
  } catch (const std::exception& e) {
    spdlog::error("lwm2m: registration request from {} failed: {}", coap::ToString(request.peer),
                  e.what());
    // `reply` may have been moved into a callback that will still answer; the transport
    // answers 5.00 for a request nobody answers.
    if (reply) reply(Response(coap::codes::kInternalServerError));
  }
}

coap::Message RegistrationService::Answer(bool secure, const coap::IncomingRequest& request) {
  auto answered = std::make_shared<std::promise<coap::Message>>();
  auto future = answered->get_future();
  Answer(secure, request, [answered](coap::Message m) { answered->set_value(std::move(m)); });
  return future.get();
}

std::vector<core::Result<core::Device>> RegistrationService::ProvisionDevices(
    const std::vector<std::string>& endpoints) {
  std::vector<core::Result<core::Device>> out(
      endpoints.size(), core::MakeError(core::ErrorCode::kInternal, "not provisioned"));
  std::unordered_map<std::string, std::size_t> row_of;  // endpoint -> row in `fresh`
  std::vector<core::Device> fresh;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    if (row_of.count(endpoints[i]) != 0) continue;  // the same new endpoint twice in a batch
    auto device = registry_.GetDeviceByName(endpoints[i]);
    if (device && device->protocol.empty()) {
      core::DevicePatch patch;
      patch.protocol = "lwm2m";
      if (auto patched = registry_.UpdateDevice(Lwm2mActor(), device->id, patch)) {
        device = std::move(patched);
      }
    }
    if (device || device.error().code != core::ErrorCode::kNotFound) {
      out[i] = std::move(device);
      continue;
    }
    core::Device d;
    d.name = endpoints[i];
    d.protocol = "lwm2m";
    d.state = core::LifecycleState::kActive;
    row_of.emplace(endpoints[i], fresh.size());
    fresh.push_back(std::move(d));
  }
  if (!fresh.empty()) {
    // One transaction for every new endpoint of the batch: a storm of first registrations
    // costs what one costs.
    std::vector<core::Device> rows = fresh;
    auto imported =
        registry_.ImportDevices(Lwm2mActor(), std::move(rows), 0, core::ConflictPolicy::kSkip);
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      auto row = row_of.find(endpoints[i]);
      if (row == row_of.end()) continue;
      const std::size_t k = row->second;
      if (imported && k < imported->size() && (*imported)[k].accepted) {
        core::Device d = fresh[k];
        d.id = (*imported)[k].id;
        out[i] = std::move(d);
      } else if (!imported) {
        out[i] = tl::unexpected(imported.error());
      } else {
        // Skipped: created meanwhile by someone else; or refused, which reading tells.
        out[i] = registry_.GetDeviceByName(endpoints[i]);
      }
    }
  }
  return out;
}

core::Result<void> RegistrationService::Admit(bool secure, const std::string& endpoint,
                                              const core::Device& device,
                                              const std::string& identity) {
  if (device.state == core::LifecycleState::kDisabled ||
      device.state == core::LifecycleState::kRetired) {
    return core::MakeError(core::ErrorCode::kPermissionDenied,
                           fmt::format("device {} is {}", endpoint, core::ToString(device.state)));
  }
  if (secure) {
    auto credential = store_.FindCredential("psk", identity);
    if (!credential || credential->device_id != device.id) {
      return core::MakeError(core::ErrorCode::kPermissionDenied,
                             fmt::format("the DTLS identity does not belong to {}", endpoint));
    }
  }
  return {};
}

void RegistrationService::Register(bool secure, const coap::IncomingRequest& request,
                                   Reply reply) {
  const auto query = request.message.options.GetStrings(coap::option::kUriQuery);
  auto parsed = ParseRegister(query, coap::ContentFormat(request.message.options),
                              PayloadText(request.message));
  if (!parsed) return reply(Refused(parsed.error()));
  auto device = registry_.GetDeviceByName(parsed->endpoint);
  const bool known = device.has_value();
  if (!known && device.error().code == core::ErrorCode::kNotFound &&
      !(secure ? options_.auto_provision_secure : options_.auto_provision_plain)) {
    return reply(Response(coap::codes::kForbidden,
                       fmt::format("unknown endpoint {}", parsed->endpoint)));
  }
  if ((!known && device.error().code == core::ErrorCode::kNotFound) ||
      (known && device->protocol.empty())) {
    // Creating or patching the device is a write: the journal's thread does it, in a batch.
    std::string endpoint = parsed->endpoint;
    journal_->Provision(std::move(endpoint), [this, secure, parsed = std::move(*parsed),
                                              peer = request.peer, identity = request.identity,
                                              reply = std::move(reply)](
                                                 core::Result<core::Device> d) mutable {
      FinishRegister(secure, std::move(parsed), peer, identity, std::move(d), std::move(reply));
    });
    return;
  }
  FinishRegister(secure, std::move(*parsed), request.peer, request.identity, std::move(device),
                 std::move(reply));
}

void RegistrationService::FinishRegister(bool secure, RegisterRequest parsed,
                                         const coap::Peer& peer, const std::string& identity,
                                         core::Result<core::Device> device, Reply reply) {
  if (device) {
    if (auto admitted = Admit(secure, parsed.endpoint, *device, identity); !admitted) {
      device = tl::unexpected(admitted.error());
    }
  }
  if (!device) {
    if (device.error().code == core::ErrorCode::kPermissionDenied) {
      return reply(Response(coap::codes::kForbidden, device.error().message));
    }
    spdlog::warn("lwm2m: cannot register {}: {}", parsed.endpoint, device.error().message);
    return reply(Response(coap::codes::kInternalServerError));
  }
  const core::TimeMs now = clock_.Now();
  Registration r;
  r.id = NewId();
  r.endpoint = parsed.endpoint;
  r.device_id = device->id;
  r.peer = peer;
  r.secure = secure;
  r.identity = identity;
  r.version = parsed.version;
  r.version_text = parsed.version_text;
  r.lifetime_s = parsed.lifetime_s;
  r.binding = parsed.binding;
  r.sms = parsed.sms;
  r.queue_mode = parsed.queue_mode;
  r.objects = std::move(parsed.objects);
  r.registered_at = r.updated_at = now;
  r.deadline = now + r.lifetime_s * 1000 + options_.expiry_grace_ms;
  std::lock_guard lock(change_mu_);
  auto record = ToRecord(r);
  table_.Put(r);
  journal_->Write(core::Lwm2mRegistrationChange::Put(std::move(record)),
                  [this, r = std::move(r), reply = std::move(reply)](core::Result<void> written) {
                    if (!written) {
                      // Not acknowledged, so not kept: the device registers again.
                      table_.Remove(r.id);
                      return reply(Response(coap::codes::kServiceUnavailable));
                    }
                    ReportOnline(r);
                    expiry_cv_.notify_all();
                    spdlog::debug("lwm2m: {} registered as /rd/{} from {}", r.endpoint, r.id,
                                  coap::ToString(r.peer));
                    coap::Message response = Response(coap::codes::kCreated);
                    coap::SetLocationPath(response.options, "/rd/" + r.id);
                    reply(std::move(response));
                  });
}

void RegistrationService::Update(bool secure, const std::string& id,
                                 const coap::IncomingRequest& request, Reply reply) {
  const auto query = request.message.options.GetStrings(coap::option::kUriQuery);
  auto parsed = ParseUpdate(query, coap::ContentFormat(request.message.options),
                            PayloadText(request.message));
  if (!parsed) return reply(Refused(parsed.error()));
  auto current = table_.FindById(id);
  if (!current) return reply(Response(coap::codes::kNotFound));
  if (current->secure != secure || current->identity != request.identity) {
    return reply(Response(coap::codes::kForbidden, "the registration belongs to another session"));
  }
  const core::TimeMs now = clock_.Now();
  const std::int64_t lifetime_s = parsed->lifetime_s.value_or(current->lifetime_s);
  std::lock_guard lock(change_mu_);
  auto updated = table_.Update(id, *parsed, request.peer, now,
                               now + lifetime_s * 1000 + options_.expiry_grace_ms);
  if (!updated) return reply(Response(coap::codes::kNotFound));  // de-registered meanwhile
  auto record = ToRecord(*updated);  // before the callback takes `updated`
  journal_->Write(core::Lwm2mRegistrationChange::Put(std::move(record)),
                  [this, r = std::move(*updated), reply = std::move(reply)](
                      core::Result<void> written) {
                    if (!written) return reply(Response(coap::codes::kServiceUnavailable));
                    ReportOnline(r);
                    expiry_cv_.notify_all();
                    reply(Response(coap::codes::kChanged));
                  });
}

void RegistrationService::Deregister(bool secure, const std::string& id,
                                     const coap::IncomingRequest& request, Reply reply) {
  auto current = table_.FindById(id);
  if (!current) return reply(Response(coap::codes::kNotFound));
  if (current->secure != secure || current->identity != request.identity) {
    return reply(Response(coap::codes::kForbidden, "the registration belongs to another session"));
  }
  std::lock_guard lock(change_mu_);
  auto removed = table_.Remove(id);
  if (!removed) return reply(Response(coap::codes::kNotFound));
  journal_->Write(core::Lwm2mRegistrationChange::Remove(id),
                  [this, r = std::move(*removed), reply = std::move(reply)](
                      core::Result<void> written) {
                    if (!written) return reply(Response(coap::codes::kServiceUnavailable));
                    ReportOffline(r);
                    reply(Response(coap::codes::kDeleted));
                  });
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
  std::vector<Registration> expired;
  {
    std::lock_guard lock(change_mu_);
    expired = table_.TakeExpired(clock_.Now());
    for (const auto& r : expired) journal_->Write(core::Lwm2mRegistrationChange::Remove(r.id), {});
  }
  for (const auto& r : expired) {
    spdlog::debug("lwm2m: registration /rd/{} of {} expired", r.id, r.endpoint);
    ReportOffline(r);
  }
  return expired.size();
}

void RegistrationService::DropDevice(core::DeviceId device_id) {
  std::optional<Registration> removed;
  {
    std::lock_guard lock(change_mu_);
    removed = table_.RemoveDevice(device_id);
    if (removed) journal_->Write(core::Lwm2mRegistrationChange::Remove(removed->id), {});
  }
  if (removed) ReportOffline(*removed);
}

core::Result<std::size_t> RegistrationService::Restore() {
  restored_ = true;
  std::size_t restored = 0;
  std::string after;
  for (;;) {
    auto page = store_.ListLwm2mRegistrations(after, 1000);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    after = page->back().endpoint;
    for (const core::Lwm2mRegistrationRecord& record : *page) {
      auto r = FromRecord(record);
      auto entry = registry_.fleet().Get(record.device_id);
      const bool barred = !entry || entry->state == core::LifecycleState::kDisabled ||
                          entry->state == core::LifecycleState::kRetired;
      if (!r || barred) {
        if (!r) spdlog::warn("lwm2m: a stored registration is dropped: {}", r.error().message);
        std::lock_guard lock(change_mu_);
        journal_->Write(core::Lwm2mRegistrationChange::Remove(record.id), {});
        if (r && entry) ReportOffline(*r);
        continue;
      }
      // One that expired meanwhile goes at once (ExpireDue below): device.offline if the
      // device model still has it online.
      const bool live = r->deadline >= clock_.Now();
      table_.Put(*r);
      if (live) ReportOnline(*r);
      ++restored;
    }
  }
  const std::size_t expired = ExpireDue();
  spdlog::info("lwm2m: {} registrations restored, {} of them expired while the server was down",
               restored, expired);
  return restored - expired;
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
  if (!restored_) {
    if (auto restored = Restore(); !restored) {
      spdlog::error("lwm2m: the stored registrations cannot be read: {}",
                    restored.error().message);
    }
  }
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
  journal_->Close();
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
