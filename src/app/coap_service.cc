#include "app/coap_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "twin/twin.h"

namespace custos::app {
namespace {

std::optional<std::vector<std::uint8_t>> DecodeHex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string Bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// Until a device protocol claims a path: discovery lists nothing, everything else is 4.04.
void AnswerUnclaimed(coap::IncomingRequest request, coap::Responder responder) {
  coap::Message response;
  const std::string path = coap::UriPath(request.message.options);
  if (path == "/.well-known/core") {
    if (request.message.code == coap::codes::kGet) {
      response.code = coap::codes::kContent;
      coap::SetContentFormat(response.options, 40);  // application/link-format
    } else {
      response.code = coap::codes::kMethodNotAllowed;
    }
  } else {
    response.code = coap::codes::kNotFound;
  }
  responder.Respond(std::move(response));
}

std::size_t Threads(const Config& config) {
  if (config.coap_threads > 0) return static_cast<std::size_t>(config.coap_threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

// The label that names a device's LwM2M profile (docs/lwm2m.md).
constexpr const char* kProfileLabel = "lwm2m-profile";

std::vector<lwm2m::Path> ParsePaths(const std::vector<std::string>& texts) {
  std::vector<lwm2m::Path> out;
  for (const auto& text : texts) {
    if (auto path = lwm2m::ParsePath(text)) out.push_back(*path);
  }
  return out;
}

// The profile of `device`: its lwm2m-profile label's, else "default"'s, each list falling
// back to the built-in default when the configuration does not give it.
lwm2m::server::DeviceProfile ProfileOf(const Config& config, core::Registry& registry,
                                       core::DeviceId device) {
  lwm2m::server::DeviceProfile profile = lwm2m::server::DefaultProfile();
  std::string name = "default";
  if (auto d = registry.GetDevice(device)) {
    if (auto it = d->labels.find(kProfileLabel); it != d->labels.end()) name = it->second;
  }
  auto it = config.lwm2m_profiles.find(name);
  if (it == config.lwm2m_profiles.end()) it = config.lwm2m_profiles.find("default");
  if (it == config.lwm2m_profiles.end()) return profile;
  if (it->second.read) profile.read = ParsePaths(*it->second.read);
  if (it->second.observe) profile.observe = ParsePaths(*it->second.observe);
  return profile;
}

}  // namespace

std::optional<std::vector<std::uint8_t>> LookupDevicePsk(core::Store& store,
                                                         const core::FleetState& fleet,
                                                         std::string_view identity) {
  auto credential = store.FindCredential("psk", identity);
  if (!credential) return std::nullopt;
  auto entry = fleet.Get(credential->device_id);
  if (!entry || entry->state == core::LifecycleState::kDisabled ||
      entry->state == core::LifecycleState::kRetired) {
    return std::nullopt;
  }
  return DecodeHex(credential->secret);
}

namespace {

// Adds the DDF files of lwm2m.models_dir to `objects` and logs what it read and refused. A
// directory that is not there is an error: a typo would otherwise leave objects raw unseen.
core::Result<void> AddModels(const std::filesystem::path& dir, lwm2m::ObjectRegistry& objects) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("lwm2m.models_dir {}: not a directory", dir.string()));
  }
  auto report = objects.AddDirectory(dir);
  if (!report) {
    return core::MakeError(report.error().code, fmt::format("lwm2m.models_dir {}: {}",
                                                            dir.string(), report.error().message));
  }
  spdlog::info("lwm2m: {} object definitions from {} files in {}; {} files refused",
               report->definitions.size(), report->files_loaded, dir.string(),
               report->problems.size());
  for (const auto& problem : report->problems) {
    spdlog::warn("lwm2m: {} refused: {}", problem.file, problem.message);
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<CoapService>> CoapService::Start(
    const Config& config, core::Store& store, core::Registry& registry, core::EventBus& events,
    metrics::Registry& metrics, const lwm2m::server::ServerOptions& lwm2m) {
  std::unique_ptr<CoapService> service(new CoapService(store, metrics));
  if (!config.lwm2m_models_dir.empty()) {
    if (auto added = AddModels(config.lwm2m_models_dir, service->objects_); !added) {
      return tl::unexpected(added.error());
    }
  }
  service->registrations_ = std::make_unique<lwm2m::server::RegistrationService>(
      lwm2m, registry, store, core::SystemClock());
  service->registrations_->StartExpiry();
  lwm2m::server::ManagementOptions management;
  management.request_timeout = std::chrono::seconds(config.lwm2m_request_timeout_s);
  lwm2m::server::ManagementHooks hooks;
  hooks.apply_reported = [&store, &registry, &events](core::DeviceId device,
                                                       const boost::json::object& patch) {
    auto d = registry.GetDevice(device);
    if (!d) return;
    twin::DeviceStates states(store, registry, events);
    twin::ReportedUpdate update;
    update.patch = patch;
    if (auto applied = states.ApplyReported(device, d->name, update); !applied) {
      spdlog::warn("lwm2m: the model of device {} not updated: {}", d->name,
                   applied.error().message);
    }
  };
  hooks.profile = [config, &registry](core::DeviceId device) {
    return ProfileOf(config, registry, device);
  };
  hooks.observation_store = &store;
  service->devices_ = std::make_unique<lwm2m::server::DeviceManager>(
      management, service->registrations_->registrations(),
      [s = service.get()](bool secure) { return secure ? s->dtls_.get() : s->udp_.get(); },
      service->objects_, events, core::SystemClock(), std::move(hooks));
  auto handler = [s = service.get()](bool secure) {
    return [s, secure](coap::IncomingRequest request, coap::Responder responder) {
      s->Dispatch(secure, std::move(request), std::move(responder));
    };
  };
  if (config.coap_listen) {
    coap::EndpointOptions options;
    options.listen =
        fmt::format("{}:{}", Bracketed(config.coap_listen->host), config.coap_listen->port);
    options.threads = Threads(config);
    auto udp = coap::Endpoint::Start(options, handler(false));
    if (!udp) {
      return core::MakeError(
          udp.error().code, fmt::format("coap.listen {}: {}", options.listen, udp.error().message));
    }
    service->udp_ = std::move(*udp);
    service->udp_host_ = Bracketed(config.coap_listen->host);
  }
  if (config.coaps_listen) {
    coap::EndpointOptions options;
    options.listen =
        fmt::format("{}:{}", Bracketed(config.coaps_listen->host), config.coaps_listen->port);
    options.threads = Threads(config);
    coap::DtlsSettings dtls;
    dtls.psk_lookup = [&store, &registry](std::string_view identity) {
      return LookupDevicePsk(store, registry.fleet(), identity);
    };
    options.dtls = std::move(dtls);
    auto secure = coap::Endpoint::Start(options, handler(true));
    if (!secure) {
      return core::MakeError(secure.error().code, fmt::format("coaps.listen {}: {}", options.listen,
                                                              secure.error().message));
    }
    service->dtls_ = std::move(*secure);
    service->dtls_host_ = Bracketed(config.coaps_listen->host);
  }
  // After the registrations (restored above) and with the endpoints running to adopt them.
  if (auto restored = service->devices_->RestoreObservations(); !restored) {
    spdlog::error("lwm2m: the stored observations cannot be read: {}", restored.error().message);
  }
  core::EventFilter barred;
  barred.types = {"device.disabled", "device.retired"};
  service->barred_ = events.Subscribe(barred);
  service->session_closer_ =
      std::thread([s = service.get()] { s->CloseSessionsOfBarredDevices(); });
  service->RegisterMetrics();
  return service;
}

CoapService::~CoapService() { Stop(); }

void CoapService::Dispatch(bool secure, coap::IncomingRequest request, coap::Responder responder) {
  const std::string path = coap::UriPath(request.message.options);
  if (lwm2m::server::RegistrationService::Claims(path)) {
    DispatchRegistration(secure, request, std::move(responder));
    return;
  }
  if (lwm2m::server::DeviceManager::Claims(path)) {
    responder.Respond(devices_->AnswerSend(secure, request));
    return;
  }
  const firmware::Library* images = firmware_.load();
  if (images != nullptr && firmware::ClaimsCoapPath(path)) {
    firmware::AnswerCoap(*images, request, std::move(responder));
    return;
  }
  AnswerUnclaimed(std::move(request), std::move(responder));
}

void CoapService::DispatchRegistration(bool secure, const coap::IncomingRequest& request,
                                       coap::Responder responder) {
  // /rd/{id}: the registration before an Update or De-register, to compare with after.
  const std::string path = coap::UriPath(request.message.options);
  std::optional<lwm2m::server::Registration> before;
  if (path.size() > 4) before = registrations_->registrations().FindById(path.substr(4));
  const bool update = request.message.code == coap::codes::kPost && before.has_value();
  // The answer may come from the registration journal's thread, once the change is stored.
  registrations_->Answer(
      secure, request,
      [this, before = std::move(before), update, responder](coap::Message answer) mutable {
        // The device hears its answer before the manager's first requests.
        const coap::Code code = answer.code;
        const std::string location = coap::LocationPath(answer.options);
        responder.Respond(std::move(answer));
        const auto& table = registrations_->registrations();
        if (code == coap::codes::kCreated) {
          if (auto now = table.FindById(location.substr(location.rfind('/') + 1))) {
            devices_->OnRegistered(*now);
            Contact(now->device_id);
          }
        } else if (code == coap::codes::kChanged && update) {
          if (auto now = table.FindById(before->id)) {
            devices_->OnUpdated(*before, *now);
            Contact(now->device_id);
          }
        } else if (code == coap::codes::kDeleted && before) {
          devices_->OnDeregistered(before->device_id);
        }
      });
}

void CoapService::CloseSessionsOfBarredDevices() {
  while (!stopping_.load() && !barred_->Closed()) {
    // A bounded wait, so that Stop is noticed without a wake-up of its own.
    auto event = barred_->Next(200);
    if (!event) continue;
    registrations_->DropDevice(event->device_id);
    devices_->OnDeregistered(event->device_id);
    if (!dtls_) continue;
    auto credentials = store_.ListCredentials(event->device_id);
    if (!credentials) {
      spdlog::warn("coaps: cannot list the credentials of device {}: {}", event->device_id,
                   credentials.error().message);
      continue;
    }
    for (const auto& credential : *credentials) {
      if (credential.kind == "psk") dtls_->CloseSessions(credential.identity);
    }
  }
}

void CoapService::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  if (session_closer_.joinable()) session_closer_.join();
  for (const char* name :
       {"custos_coap_datagrams_received_total", "custos_coap_datagrams_sent_total",
        "custos_coap_dropped_total", "custos_coap_error_responses_total",
        "custos_coap_retransmissions_total", "custos_coap_transmit_timeouts_total",
        "custos_coap_response_timeouts_total", "custos_coap_send_failures_total",
        "custos_coap_peers", "custos_coap_peers_evicted_total", "custos_dtls_handshakes_total",
        "custos_dtls_cookies_sent_total", "custos_dtls_sessions"}) {
    metrics_.Remove(name);
  }
  // Before the endpoints: their stop ends every observation, which must not reach the store.
  if (devices_) devices_->SaveObservationsForRestart();
  if (udp_) udp_->Stop();
  if (dtls_) dtls_->Stop();
  if (registrations_) registrations_->Stop();
  OnContact(nullptr);
}

void CoapService::OnContact(std::function<void(core::DeviceId)> contact) {
  std::lock_guard lock(contact_mu_);
  contact_ = std::move(contact);
}

void CoapService::Contact(core::DeviceId device) {
  std::lock_guard lock(contact_mu_);
  if (contact_) contact_(device);
}

std::vector<std::string> CoapService::Urls() const {
  std::vector<std::string> urls;
  if (udp_) urls.push_back(fmt::format("coap://{}:{}", udp_host_, udp_->port()));
  if (dtls_) urls.push_back(fmt::format("coaps://{}:{}", dtls_host_, dtls_->port()));
  return urls;
}

void CoapService::RegisterMetrics() {
  // One sample per running listener, labelled coap or coaps; `pick` chooses the counter.
  auto per_listener = [this](auto pick) {
    return [this, pick] {
      std::vector<metrics::Sample> samples;
      if (udp_) samples.push_back({{"coap"}, static_cast<double>(pick(udp_->stats()))});
      if (dtls_) samples.push_back({{"coaps"}, static_cast<double>(pick(dtls_->stats()))});
      return samples;
    };
  };
  using coap::EndpointStats;
  const auto kCounter = metrics::MetricType::kCounter;
  const auto kGauge = metrics::MetricType::kGauge;
  metrics_.AddCallback("custos_coap_datagrams_received_total", "Datagrams received.", kCounter,
                       {"listener"},
                       per_listener([](const EndpointStats& s) { return s.datagrams_received; }));
  metrics_.AddCallback("custos_coap_datagrams_sent_total", "Datagrams sent.", kCounter,
                       {"listener"},
                       per_listener([](const EndpointStats& s) { return s.datagrams_sent; }));
  metrics_.AddCallback(
      "custos_coap_dropped_total", "Datagrams dropped, by reason.", kCounter,
      {"listener", "reason"}, [this] {
        std::vector<metrics::Sample> samples;
        auto add = [&samples](const char* listener, const EndpointStats& s) {
          samples.push_back({{listener, "malformed"}, double(s.malformed_dropped)});
          samples.push_back({{listener, "duplicate"}, double(s.duplicates)});
          samples.push_back({{listener, "stray_ack"}, double(s.stray_acks)});
          samples.push_back({{listener, "dtls_record"}, double(s.dtls_records_dropped)});
          samples.push_back({{listener, "peer_limit"}, double(s.peers_refused)});
          samples.push_back({{listener, "unexpected_response"}, double(s.unexpected_responses)});
        };
        if (udp_) add("coap", udp_->stats());
        if (dtls_) add("coaps", dtls_->stats());
        return samples;
      });
  metrics_.AddCallback(
      "custos_coap_error_responses_total",
      "Requests refused by the transport: reset, 4.02 bad option, 4.13 too large.", kCounter,
      {"listener", "kind"}, [this] {
        std::vector<metrics::Sample> samples;
        auto add = [&samples](const char* listener, const EndpointStats& s) {
          samples.push_back({{listener, "reset"}, double(s.resets_sent)});
          samples.push_back({{listener, "bad_option"}, double(s.bad_option_responses)});
          samples.push_back({{listener, "too_large"}, double(s.too_large_responses)});
        };
        if (udp_) add("coap", udp_->stats());
        if (dtls_) add("coaps", dtls_->stats());
        return samples;
      });
  metrics_.AddCallback("custos_coap_retransmissions_total", "Confirmable messages resent.",
                       kCounter, {"listener"},
                       per_listener([](const EndpointStats& s) { return s.retransmissions; }));
  metrics_.AddCallback("custos_coap_transmit_timeouts_total",
                       "Confirmable messages never acknowledged.", kCounter, {"listener"},
                       per_listener([](const EndpointStats& s) { return s.transmit_timeouts; }));
  metrics_.AddCallback("custos_coap_response_timeouts_total",
                       "Requests to devices acknowledged (or sent NON) but never answered.",
                       kCounter, {"listener"},
                       per_listener([](const EndpointStats& s) { return s.response_timeouts; }));
  metrics_.AddCallback(
      "custos_coap_send_failures_total", "Datagrams the socket refused (buffer full, unreachable).",
      kCounter, {"listener"}, per_listener([](const EndpointStats& s) { return s.send_failures; }));
  metrics_.AddCallback("custos_coap_peers", "Peers with state held now.", kGauge, {"listener"},
                       per_listener([](const EndpointStats& s) { return s.peers; }));
  metrics_.AddCallback("custos_coap_peers_evicted_total", "Idle peers forgotten.", kCounter,
                       {"listener"},
                       per_listener([](const EndpointStats& s) { return s.peers_evicted; }));
  if (dtls_) {
    metrics_.AddCallback("custos_dtls_handshakes_total", "DTLS handshakes, by result.", kCounter,
                         {"result"}, [this] {
                           auto s = dtls_->stats();
                           return std::vector<metrics::Sample>{
                               {{"ok"}, double(s.dtls_handshakes)},
                               {{"failed"}, double(s.dtls_handshake_failures)}};
                         });
    metrics_.AddCallbackCounter("custos_dtls_cookies_sent_total",
                                "HelloVerifyRequests sent (stateless cookie exchange).",
                                [this] { return double(dtls_->stats().dtls_cookies_sent); });
    metrics_.AddCallbackGauge("custos_dtls_sessions", "Established DTLS sessions.",
                              [this] { return double(dtls_->stats().dtls_sessions); });
  }
}

}  // namespace custos::app
