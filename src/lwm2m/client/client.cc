// Client::Start, the client's lifecycle (timer, Tick, restarts) and its small accessors.
#include <arpa/inet.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <future>
#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {}  // namespace

core::Result<std::pair<coap::Peer, bool>> ParseServerUrl(std::string_view url) {
  const auto bad = [&] {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "not a coap:// or coaps:// server URL: " + std::string(url));
  };
  bool secure = false;
  if (url.starts_with("coaps://")) {
    secure = true;
    url.remove_prefix(8);
  } else if (url.starts_with("coap://")) {
    url.remove_prefix(7);
  } else {
    return bad();
  }
  if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
  std::string host;
  std::uint16_t port = secure ? 5684 : 5683;
  std::string_view rest;
  if (url.starts_with('[')) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return bad();
    host = std::string(url.substr(1, close - 1));
    rest = url.substr(close + 1);
  } else {
    const auto colon = url.rfind(':');
    host = std::string(url.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : url.substr(colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() < 2) return bad();
    try {
      const int value = std::stoi(std::string(rest.substr(1)));
      if (value <= 0 || value > 65535) return bad();
      port = static_cast<std::uint16_t>(value);
    } catch (...) {
      return bad();
    }
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return bad();
  coap::Peer peer;
  if (found->ai_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &in->sin_addr, 4);
    peer = coap::Peer::V4(bytes, port);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(found->ai_addr);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &in6->sin6_addr, 16);
    peer = coap::Peer::V6(bytes, port);
  }
  freeaddrinfo(found);
  return std::make_pair(peer, secure);
}

namespace {

ObjectVersion EnablerVersion(format::Lwm2mVersion version) {
  switch (version) {
    case format::Lwm2mVersion::kV1_0:
      return {1, 0};
    case format::Lwm2mVersion::kV1_1:
      return {1, 1};
    case format::Lwm2mVersion::kV1_2:
      return {1, 2};
  }
  return {1, 0};
}

}  // namespace

core::Result<std::unique_ptr<Client>> Client::Start(ClientOptions options, std::string server,
                                                    core::Clock& clock) {
  auto parsed = ParseServerUrl(server);
  if (!parsed) return tl::unexpected(parsed.error());
  if (parsed->second && options.psk_identity.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "a coaps:// server needs a PSK identity and key");
  }
  auto client =
      std::make_unique<ClientImpl>(std::move(options), parsed->first, parsed->second, clock);
  if (auto opened = client->Open(); !opened) return tl::unexpected(opened.error());
  return client;
}

ClientImpl::ClientImpl(ClientOptions options, coap::Peer server, bool secure, core::Clock& clock)
    : options_(std::move(options)),
      server_(server),
      secure_(secure),
      clock_(clock),
      store_(registry_, EnablerVersion(options_.version)) {
  // Before any object is added: the store keeps pointers into the registry.
  if (!options_.models_dir.empty()) (void)registry_.AddDirectory(options_.models_dir);
  store_.OnChange([this](const Path& path) { OnValueChanged(path); });
  AddBuiltinObjects();
}

core::Result<void> ClientImpl::Open() {
  coap::EndpointOptions endpoint;
  endpoint.listen = options_.listen;
  endpoint.transmission = options_.transmission;
  endpoint.max_body_in_memory = options_.max_body;
  // The server is a peer we expect to hear from again within the lifetime.
  endpoint.peer_idle_timeout =
      std::max(endpoint.peer_idle_timeout, std::chrono::seconds(options_.lifetime_s * 2));
  if (secure_) {
    coap::DtlsSettings dtls;
    dtls.client_identity = options_.psk_identity;
    dtls.client_key = options_.psk_key;
    endpoint.dtls = dtls;
  }
  auto started = coap::Endpoint::Start(
      endpoint, [this](coap::IncomingRequest request, coap::Responder responder) {
        Handle(std::move(request), std::move(responder));
      });
  if (!started) return tl::unexpected(started.error());
  endpoint_ = std::move(*started);
  const core::TimeMs now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    next_battery_ = now + options_.battery_step.count();
  }
  if (options_.run_timer) timer_ = std::thread([this] { TimerLoop(); });
  return {};
}

ClientImpl::~ClientImpl() {
  {
    std::lock_guard lock(timer_mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (endpoint_) endpoint_->Stop();
}

void ClientImpl::TimerLoop() {
  std::unique_lock lock(timer_mu_);
  while (!stopping_) {
    lock.unlock();
    Tick();
    lock.lock();
    timer_cv_.wait_for(lock, options_.tick_interval, [this] { return stopping_; });
  }
}

void ClientImpl::Tick() {
  const core::TimeMs now = clock_.Now();
  bool update = false;
  PendingRestart restart = PendingRestart::kNone;
  {
    std::lock_guard lock(mu_);
    if (options_.battery_step.count() > 0) {
      while (now >= next_battery_) {
        StepBattery();
        next_battery_ += options_.battery_step.count();
      }
    }
    restart = std::exchange(pending_, PendingRestart::kNone);
    if (registered_ && !registering_ && (now >= next_update_ || update_requested_)) {
      update = true;
      update_requested_ = false;
      next_update_ = now + options_.lifetime_s * 1000;  // until the answer reschedules it
    }
    if (options_.queue_mode && registered_ && !sleeping_ && now >= awake_until_ && !update) {
      sleeping_ = true;
      Log("sleep");
    }
    if (!sleeping_) ProcessObservations(now);
  }
  if (restart != PendingRestart::kNone) {
    Restart(restart);
  } else if (update) {
    StartUpdate(false, [this](core::Result<void> done) {
      if (!done) Log("update failed: " + done.error().message);
    });
  }
}

void ClientImpl::Restart(PendingRestart what) {
  std::function<void()> callback;
  {
    std::lock_guard lock(mu_);
    if (what == PendingRestart::kFirmware) FinishFirmwareUpdate();
    callback = what == PendingRestart::kFactoryReset ? on_factory_reset_ : on_reboot_;
    if (what == PendingRestart::kFirmware && options_.fail_firmware_update) {
      // A failed update leaves the old firmware running: no reboot.
      return;
    }
    EndObservations();
    attributes_.clear();
    registered_ = false;
    location_.clear();
  }
  Log(what == PendingRestart::kFactoryReset ? "factory reset" : "reboot");
  if (callback) callback();
  StartRegister([this](core::Result<void> done) {
    if (!done) Log("register after reboot failed: " + done.error().message);
  });
}

core::Result<void> ClientImpl::Wait(const std::function<void(Done)>& start,
                                    std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<core::Result<void>>>();
  auto future = promise->get_future();
  start([promise](core::Result<void> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    return core::MakeError(core::ErrorCode::kTimeout, "no answer from the LwM2M server in time");
  }
  return future.get();
}

bool ClientImpl::sleeping() const {
  std::lock_guard lock(mu_);
  return sleeping_;
}

core::Result<void> ClientImpl::Wake() { return Update(false, std::chrono::seconds(30)); }

core::Result<void> ClientImpl::SetValue(const Path& path, Value value) {
  std::lock_guard lock(mu_);
  return store_.Set(path, std::move(value));
}

std::optional<Value> ClientImpl::GetValue(const Path& path) const {
  std::lock_guard lock(mu_);
  return store_.Get(path);
}

core::Result<void> ClientImpl::AddInstance(std::uint16_t object, std::uint16_t instance,
                                           const std::vector<Record>& values) {
  std::lock_guard lock(mu_);
  if (auto added = store_.AddObject(object); !added) return added;
  if (auto added = store_.AddInstance(object, instance); !added) return added;
  for (const Record& record : values) {
    if (auto set = store_.Set(record.path, record.value); !set) return set;
  }
  return {};
}

void ClientImpl::SetAction(const Path& resource, ExecuteAction action) {
  std::lock_guard lock(mu_);
  store_.SetAction(resource, std::move(action));
}

void ClientImpl::OnReboot(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_reboot_ = std::move(callback);
}

void ClientImpl::OnFactoryReset(std::function<void()> callback) {
  std::lock_guard lock(mu_);
  on_factory_reset_ = std::move(callback);
}

void ClientImpl::SetActivityLog(ActivityLog log) {
  std::lock_guard lock(mu_);
  log_ = std::move(log);
}

bool ClientImpl::registered() const {
  std::lock_guard lock(mu_);
  return registered_;
}

std::string ClientImpl::location() const {
  std::lock_guard lock(mu_);
  return location_;
}

int ClientImpl::registrations() const {
  std::lock_guard lock(mu_);
  return registrations_;
}

int ClientImpl::updates() const {
  std::lock_guard lock(mu_);
  return updates_;
}

std::size_t ClientImpl::observations() const {
  std::lock_guard lock(mu_);
  return observations_.size();
}

// Called with mu_ held or from code that holds it; the log callback must not call back.
void ClientImpl::Log(const std::string& line) const {
  spdlog::debug("lwm2m client {}: {}", options_.endpoint_name, line);
  if (log_) log_(line);
}

coap::Code CodeFor(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kNotFound:
      return coap::codes::kNotFound;
    case core::ErrorCode::kPermissionDenied:
    case core::ErrorCode::kFailedPrecondition:
      return coap::codes::kMethodNotAllowed;
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kAlreadyExists:
      return coap::codes::kBadRequest;
    case core::ErrorCode::kPayloadTooLarge:
      return coap::codes::kRequestEntityTooLarge;
    case core::ErrorCode::kUnavailable:
      return coap::codes::kServiceUnavailable;
    default:
      return coap::codes::kInternalServerError;
  }
}

coap::Message Reply(coap::Code code, std::string_view diagnostic) {
  coap::Message message;
  message.code = code;
  message.payload.assign(diagnostic.begin(), diagnostic.end());
  return message;
}

}  // namespace custos::lwm2m::client
