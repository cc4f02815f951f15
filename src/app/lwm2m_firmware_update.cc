#include "app/lwm2m_firmware_update.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <utility>
#include <vector>

#include "coap/coap.h"

namespace custos::app {
namespace {

namespace js = boost::json;
using lwm2m::Path;
using lwm2m::server::DmError;
using lwm2m::server::DmResult;

constexpr std::uint16_t kOctetStream = 42;  // application/octet-stream

std::string Json(js::object o) { return js::serialize(o); }

std::string Failure(const char* reason, std::string message) {
  return Json({{"reason", reason}, {"message", std::move(message)}});
}

// A failure that means the device did not take the request: try again later. A device's own
// error answer (other than 5.03) is its answer.
bool Undelivered(const DmError& e) {
  const bool device_answered = !e.coap_code.empty() && e.coap_code != "5.03";
  return !device_answered &&
         (e.code == core::ErrorCode::kTimeout || e.reason == "device_not_registered" ||
          e.code == core::ErrorCode::kUnavailable);
}

std::string UriPathOf(const lwm2m::server::Registration& registration, std::string_view path) {
  std::string root = registration.objects.root_path;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + std::string(path);
}

}  // namespace

Lwm2mFirmwareUpdates::Lwm2mFirmwareUpdates(lwm2m::server::DeviceManager& devices,
                                           const lwm2m::server::RegistrationTable& registrations,
                                           firmware::Library& library, core::EventBus& events,
                                           ops::DeliveryListener& listener,
                                           FirmwareUpdateOptions options)
    : devices_(devices),
      registrations_(registrations),
      library_(library),
      listener_(listener),
      options_(std::move(options)),
      notifications_(events.Subscribe(core::EventFilter{{}, {"lwm2m.notification"}})) {
  notifications_->SetNotifier([this] {
    {
      std::lock_guard lock(pump_mu_);
      pump_woken_ = true;
    }
    pump_cv_.notify_one();
  });
  pump_ = std::thread([this] { Run(); });
}

Lwm2mFirmwareUpdates::~Lwm2mFirmwareUpdates() { Stop(); }

void Lwm2mFirmwareUpdates::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    flows_.clear();
  }
  {
    std::lock_guard lock(pump_mu_);
    if (pump_stopping_) return;
    pump_stopping_ = true;
  }
  pump_cv_.notify_one();
  if (pump_.joinable()) pump_.join();
  notifications_->SetNotifier(nullptr);
}

std::size_t Lwm2mFirmwareUpdates::size() const {
  std::lock_guard lock(mu_);
  return flows_.size();
}

std::optional<Lwm2mFirmwareUpdates::Flow> Lwm2mFirmwareUpdates::Current(
    core::DeviceId device, std::uint64_t serial) const {
  std::lock_guard lock(mu_);
  auto it = flows_.find(device);
  if (stopped_ || it == flows_.end() || it->second.serial != serial) return std::nullopt;
  return it->second;
}

bool Lwm2mFirmwareUpdates::SetStage(core::DeviceId device, std::uint64_t serial,
                                    FirmwareStage stage) {
  std::lock_guard lock(mu_);
  auto it = flows_.find(device);
  if (stopped_ || it == flows_.end() || it->second.serial != serial) return false;
  it->second.stage = stage;
  it->second.heard = std::chrono::steady_clock::now();
  return true;
}

std::optional<core::FirmwareImage> Lwm2mFirmwareUpdates::ImageOf(core::FirmwareId id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = images_.find(id); it != images_.end()) return it->second;
  }
  auto image = library_.Get(id);  // once per image: a campaign's devices share it
  if (!image) return std::nullopt;
  std::lock_guard lock(mu_);
  images_.insert_or_assign(id, *image);
  return *image;
}

void Lwm2mFirmwareUpdates::Begin(const core::Operation& op, const core::Device& device) {
  const core::DeviceId id = device.id;
  auto request = ParseFirmwareRequest(op.parameters_json);
  if (!request) {
    listener_.OnResult(id, op.id, ops::DeviceOutcome::kFailed,
                       Failure("invalid_parameters", request.error().message));
    return;
  }
  auto image = ImageOf(request->firmware_id);
  if (!image) {
    listener_.OnResult(
        id, op.id, ops::DeviceOutcome::kFailed,
        Failure("unknown_firmware", fmt::format("no firmware image {}", request->firmware_id)));
    return;
  }
  auto registration = registrations_.FindByDevice(id);
  if (!registration) {
    listener_.OnUndelivered(
        id, op.id, core::Error{core::ErrorCode::kUnavailable, "not registered", std::nullopt});
    return;
  }
  if (request->method == FirmwareMethod::kPull) {
    const std::string& base = registration->secure ? options_.coaps_base : options_.coap_base;
    if (base.empty()) {
      listener_.OnResult(
          id, op.id, ops::DeviceOutcome::kFailed,
          Failure("no_package_uri", "no CoAP listener the device can download the image from"));
      return;
    }
  } else if (!options_.endpoints || options_.endpoints(registration->secure) == nullptr) {
    listener_.OnResult(id, op.id, ops::DeviceOutcome::kFailed,
                       Failure("push_unavailable", "no CoAP endpoint to push the image over"));
    return;
  }
  std::uint64_t serial = 0;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    // The engine sends it again when the device has not answered in time (a busy server or a
    // slow device): the flow under way goes on and reports, rather than starting over with a
    // second observation of Object 5.
    if (auto it = flows_.find(id); it != flows_.end() && it->second.operation_id == op.id) return;
    serial = next_serial_++;
    Flow flow;
    flow.operation_id = op.id;
    flow.serial = serial;
    flow.image = image->id;
    flow.method = request->method;
    flows_.insert_or_assign(id, std::move(flow));
  }
  const bool runs_version = !device.identity.firmware_version.empty() &&
                            device.identity.firmware_version == image->version;
  Observe(id, serial, true, runs_version, ReachedDevice(op.result_json));
}

core::Result<std::size_t> Lwm2mFirmwareUpdates::ResumeUnfinished(core::Store& store) {
  auto unfinished = store.ListUnfinishedOperations();
  if (!unfinished) return tl::unexpected(unfinished.error());
  std::size_t resumed = 0;
  for (const core::Operation& op : *unfinished) {
    if (op.kind != core::OperationKind::kFirmwareUpdate ||
        op.state != core::OperationState::kInProgress || !ReachedDevice(op.result_json)) {
      continue;
    }
    auto device = store.GetDevice(op.device_id);
    if (!device || device->protocol != "lwm2m") continue;
    // Read now, so that the contact that resumes it (on a CoAP thread) finds it cached.
    if (auto request = ParseFirmwareRequest(op.parameters_json)) ImageOf(request->firmware_id);
    std::lock_guard lock(mu_);
    resume_.insert_or_assign(op.device_id, op);
    ++resumed;
  }
  return resumed;
}

void Lwm2mFirmwareUpdates::Forget(core::DeviceId device, std::int64_t operation_id) {
  std::string observation;
  {
    std::lock_guard lock(mu_);
    if (auto it = resume_.find(device); it != resume_.end() && it->second.id == operation_id) {
      resume_.erase(it);
    }
    auto it = flows_.find(device);
    if (it == flows_.end() || it->second.operation_id != operation_id) return;
    observation = std::move(it->second.observation);
    flows_.erase(it);
  }
  if (!observation.empty()) {
    devices_.CancelObservation(device, observation, false, [](auto) {});
  }
}

void Lwm2mFirmwareUpdates::Observe(core::DeviceId device, std::uint64_t serial, bool first,
                                   bool runs_version, bool redelivery) {
  devices_.Observe(
      device, {Path::Instance(5, 0)},
      [this, device, serial, first, runs_version, redelivery](DmResult<js::value> answer) {
        auto flow = Current(device, serial);
        if (!flow) return;
        if (!answer) {
          if (first && Undelivered(answer.error())) {
            {
              std::lock_guard lock(mu_);
              auto it = flows_.find(device);
              if (it != flows_.end() && it->second.serial == serial) flows_.erase(it);
            }
            listener_.OnUndelivered(
                device, flow->operation_id,
                core::Error{answer.error().code, answer.error().message, std::nullopt});
            return;
          }
          if (!first) return;  // a re-observation: the next contact or resync tries again
          listener_.OnDelivered(device, flow->operation_id);
          return FailRequest(device, serial, answer.error(), "observe Object 5 /5/0");
        }
        const js::object* o = answer->if_object();
        const js::value* id = o != nullptr ? o->if_contains("id") : nullptr;
        const js::value* value = o != nullptr ? o->if_contains("value") : nullptr;
        const Object5Values values = value != nullptr ? Object5In(*value) : Object5Values{};
        {
          std::lock_guard lock(mu_);
          auto it = flows_.find(device);
          if (it == flows_.end() || it->second.serial != serial) return;
          if (id != nullptr && id->is_string()) it->second.observation = id->as_string();
          flow = it->second;
        }
        if (!first) return OnValues(device, serial, values);
        listener_.OnDelivered(device, flow->operation_id);
        OnFirstLook(device, *flow, runs_version, redelivery, values);
      });
}

void Lwm2mFirmwareUpdates::OnFirstLook(core::DeviceId device, const Flow& flow, bool runs_version,
                                       bool redelivery, const Object5Values& values,
                                       bool version_read) {
  const std::int64_t state = values.state.value_or(kFirmwareIdle);
  const std::int64_t result = values.update_result.value_or(0);
  if (redelivery && state == kFirmwareIdle && !runs_version && !version_read) {
    // The device may have rebooted into the image while the server was away, and the
    // registry may not know yet: ask the device itself before sending the package again.
    auto image = ImageOf(flow.image);
    const std::string version = image ? image->version : "";
    devices_.Read(device, Path::Resource(3, 0, 3), std::nullopt,
                  [this, device, flow, version, values](DmResult<js::value> read) {
                    if (!Current(device, flow.serial)) return;
                    const js::value* v = read && read->is_object()
                                             ? read->as_object().if_contains("value")
                                             : nullptr;
                    const bool runs = v != nullptr && v->is_string() && v->as_string() == version;
                    OnFirstLook(device, flow, runs, true, values, true);
                  });
    return;
  }
  switch (FirstStep(state, result, runs_version, redelivery)) {
    case FirmwareStep::kSucceed: {
      auto image = ImageOf(flow.image);
      return Finish(device, flow.serial, ops::DeviceOutcome::kSucceeded,
                    Json({{"stage", "done"},
                          {"firmware_version", image ? image->version : ""},
                          {"message", "the device already runs this version"}}));
    }
    case FirmwareStep::kFail:
      return FailWithResult(device, flow.serial, result);
    case FirmwareStep::kAwaitDownload:
      if (SetStage(device, flow.serial, FirmwareStage::kDownloading)) {
        listener_.OnProgress(device, flow.operation_id, Json({{"stage", "downloading"}}));
      }
      return;
    case FirmwareStep::kAwaitReboot:
      if (SetStage(device, flow.serial, FirmwareStage::kUpdating)) {
        listener_.OnProgress(device, flow.operation_id, Json({{"stage", "updating"}}));
      }
      return;
    case FirmwareStep::kExecute:
      if (SetStage(device, flow.serial, FirmwareStage::kDownloading)) {
        Execute(device, flow.serial);
      }
      return;
    case FirmwareStep::kSendPackage:
      return SendPackage(device, flow);
  }
}

void Lwm2mFirmwareUpdates::SendPackage(core::DeviceId device, const Flow& flow) {
  // Downloading before the request goes: the device may report State 2 before its answer.
  if (!SetStage(device, flow.serial, FirmwareStage::kDownloading)) return;
  if (flow.method == FirmwareMethod::kPush) return Push(device, flow);
  auto registration = registrations_.FindByDevice(device);
  const std::string& base =
      registration && registration->secure ? options_.coaps_base : options_.coap_base;
  const std::string uri = fmt::format("{}/fw/{}", base, flow.image);
  listener_.OnProgress(device, flow.operation_id,
                       Json({{"stage", "downloading"}, {"method", "pull"}, {"package_uri", uri}}));
  const std::uint64_t serial = flow.serial;
  devices_.Write(device, Path::Resource(5, 0, 1), js::value(uri), false,
                 [this, device, serial](DmResult<js::value> written) {
                   if (!written)
                     FailRequest(device, serial, written.error(), "write Package URI /5/0/1");
                 });
}

void Lwm2mFirmwareUpdates::Push(core::DeviceId device, const Flow& flow) {
  auto registration = registrations_.FindByDevice(device);
  coap::Endpoint* endpoint =
      registration && options_.endpoints ? options_.endpoints(registration->secure) : nullptr;
  auto file = library_.FileOf(flow.image);
  if (endpoint == nullptr || !file) {
    return Finish(device, flow.serial, ops::DeviceOutcome::kFailed,
                  Failure(registration ? "push_unavailable" : "device_not_registered",
                          "cannot push the image to /5/0/0"));
  }
  listener_.OnProgress(device, flow.operation_id,
                       Json({{"stage", "downloading"}, {"method", "push"}}));
  coap::Message put;
  put.code = coap::codes::kPut;
  coap::SetUriPath(put.options, UriPathOf(*registration, "/5/0/0"));
  coap::SetContentFormat(put.options, kOctetStream);
  coap::RequestOptions request;
  request.upload_file = *file;
  const std::uint64_t serial = flow.serial;
  endpoint->Request(
      registration->peer, std::move(put), request,
      [this, device, serial](core::Result<coap::Message> answer) {
        if (!answer) {
          return FailRequest(
              device, serial,
              DmError{answer.error().code, "transport_error", answer.error().message, {}},
              "write Package /5/0/0");
        }
        if (answer->code.Class() == 2) return;  // State 2 follows
        const std::string code = coap::ToString(answer->code);
        FailRequest(device, serial,
                    lwm2m::server::FromCoapCode(code, fmt::format("the device answered {}", code)),
                    "write Package /5/0/0");
      });
}

void Lwm2mFirmwareUpdates::OnValues(core::DeviceId device, std::uint64_t serial,
                                    const Object5Values& values) {
  auto flow = Current(device, serial);
  if (!flow) return;
  switch (ReactionTo(flow->stage, values.state, values.update_result)) {
    case FirmwareReaction::kNone:
      return;
    case FirmwareReaction::kExecute:
      return Execute(device, serial);
    case FirmwareReaction::kFail:
      return FailWithResult(device, serial, *values.update_result);
  }
}

void Lwm2mFirmwareUpdates::Execute(core::DeviceId device, std::uint64_t serial) {
  std::int64_t operation = 0;
  {
    // The one place a flow leaves kDownloading for kUpdating: Execute goes once.
    std::lock_guard lock(mu_);
    auto it = flows_.find(device);
    if (stopped_ || it == flows_.end() || it->second.serial != serial ||
        it->second.stage != FirmwareStage::kDownloading) {
      return;
    }
    it->second.stage = FirmwareStage::kUpdating;
    operation = it->second.operation_id;
  }
  devices_.Execute(device, Path::Resource(5, 0, 2), "",
                   [this, device, serial, operation](DmResult<js::value> executed) {
                     if (!executed && executed.error().coap_code == "4.05") {
                       return OnExecuteRefused(device, serial, executed.error());
                     }
                     if (!executed) {
                       return FailRequest(device, serial, executed.error(),
                                          "execute Update /5/0/2");
                     }
                     if (Current(device, serial)) {
                       listener_.OnProgress(device, operation, Json({{"stage", "updating"}}));
                     }
                   });
}

void Lwm2mFirmwareUpdates::OnExecuteRefused(core::DeviceId device, std::uint64_t serial,
                                            const DmError& refusal) {
  // A device that took a first Execute whose answer was lost refuses the retransmission
  // when it keeps no record of answered requests: its State tells.
  devices_.Read(
      device, Path::Instance(5, 0), std::nullopt,
      [this, device, serial, refusal](DmResult<js::value> read) {
        const Object5Values values = read ? Object5In(*read) : Object5Values{};
        if (values.state == kFirmwareUpdating) return;  // the reboot follows
        if (values.state == kFirmwareIdle && values.update_result == kUpdateResultSuccess) {
          if (auto flow = Current(device, serial)) Confirm(device, *flow);
          return;
        }
        FailRequest(device, serial, refusal, "execute Update /5/0/2");
      });
}

void Lwm2mFirmwareUpdates::OnContact(core::DeviceId device) {
  std::optional<Flow> flow;
  std::optional<core::Operation> resume;
  {
    std::lock_guard lock(mu_);
    if (auto it = resume_.find(device); it != resume_.end() && !stopped_) {
      resume = std::move(it->second);
      resume_.erase(it);
    }
  }
  if (resume) {
    core::Device known;  // the firmware version unknown: a redelivery reads /3/0/3 itself
    known.id = device;
    Begin(*resume, known);
    return;
  }
  {
    std::lock_guard lock(mu_);
    auto it = flows_.find(device);
    if (stopped_ || it == flows_.end()) return;
    flow = it->second;
  }
  if (flow->stage == FirmwareStage::kUpdating) return Confirm(device, *flow);
  if (flow->stage != FirmwareStage::kDownloading || flow->observation.empty()) return;
  // A new registration drops the device's observations: observe Object 5 again.
  const js::value listed = devices_.ListObservations(device);
  if (const auto* o = listed.if_object()) {
    if (const auto* list = o->if_contains("observations"); list && list->is_array()) {
      for (const auto& observation : list->as_array()) {
        const auto* id =
            observation.is_object() ? observation.as_object().if_contains("id") : nullptr;
        if (id && id->is_string() && id->as_string() == flow->observation) return;
      }
    }
  }
  Observe(device, flow->serial, false, false, false);
}

void Lwm2mFirmwareUpdates::Confirm(core::DeviceId device, const Flow& flow) {
  const std::uint64_t serial = flow.serial;
  auto image = ImageOf(flow.image);
  const std::string version = image ? image->version : "";
  devices_.Read(
      device, Path::Resource(3, 0, 3), std::nullopt,
      [this, device, serial, version](DmResult<js::value> read) {
        if (!read) return;  // asked again at the next contact
        const js::value* v = read->is_object() ? read->as_object().if_contains("value") : nullptr;
        const std::string running = v && v->is_string() ? std::string(v->as_string()) : "";
        if (running == version) {
          return Finish(device, serial, ops::DeviceOutcome::kSucceeded,
                        Json({{"stage", "done"},
                              {"firmware_version", version},
                              {"update_result", kUpdateResultSuccess}}));
        }
        devices_.Read(device, Path::Resource(5, 0, 5), std::nullopt,
                      [this, device, serial, version, running](DmResult<js::value> result) {
                        if (!result) return;
                        const auto code = Object5In(*result).update_result.value_or(0);
                        if (!UpdateResultMeaning(code).empty()) {
                          return FailWithResult(device, serial, code);
                        }
                        if (code != kUpdateResultSuccess) return;  // still updating
                        Finish(device, serial, ops::DeviceOutcome::kFailed,
                               Json({{"reason", "version_mismatch"},
                                     {"firmware_version", running},
                                     {"message", fmt::format("the device reports firmware {} after "
                                                             "the update, not the image's {}",
                                                             running, version)}}));
                      });
      });
}

void Lwm2mFirmwareUpdates::Finish(core::DeviceId device, std::uint64_t serial,
                                  ops::DeviceOutcome outcome, std::string result_json) {
  std::int64_t operation = 0;
  std::string observation;
  {
    std::lock_guard lock(mu_);
    auto it = flows_.find(device);
    if (stopped_ || it == flows_.end() || it->second.serial != serial) return;
    operation = it->second.operation_id;
    observation = std::move(it->second.observation);
    flows_.erase(it);
  }
  if (!observation.empty()) {
    // Passive: no request; the device's next notification of it is refused.
    devices_.CancelObservation(device, observation, false, [](auto) {});
  }
  listener_.OnResult(device, operation, outcome, std::move(result_json));
}

void Lwm2mFirmwareUpdates::FailWithResult(core::DeviceId device, std::uint64_t serial,
                                          std::int64_t update_result) {
  Finish(device, serial, ops::DeviceOutcome::kFailed,
         Json({{"reason", "update_result"},
               {"update_result", update_result},
               {"message", UpdateResultMeaning(update_result)}}));
}

void Lwm2mFirmwareUpdates::FailRequest(core::DeviceId device, std::uint64_t serial,
                                       const DmError& error, const char* step) {
  js::object o{{"reason", error.reason}, {"message", fmt::format("{}: {}", step, error.message)}};
  if (!error.coap_code.empty()) o["code"] = error.coap_code;
  Finish(device, serial, ops::DeviceOutcome::kFailed, Json(std::move(o)));
}

void Lwm2mFirmwareUpdates::Run() {
  // Dropped notifications are made up for by reading Object 5 of every running flow, at
  // most this often, so that a burst of them does not become a burst of reads.
  constexpr auto kResyncEvery = std::chrono::seconds(10);
  constexpr auto kStalledAfter = std::chrono::seconds(30);
  auto last_resync = std::chrono::steady_clock::now() - kResyncEvery;
  auto last_stall_check = std::chrono::steady_clock::now();
  bool dropped = false;
  for (;;) {
    {
      std::unique_lock lock(pump_mu_);
      pump_cv_.wait_for(lock, kResyncEvery, [&] { return pump_stopping_ || pump_woken_; });
      if (pump_stopping_) return;
      pump_woken_ = false;
    }
    while (auto event = notifications_->Next(0)) OnNotification(*event);
    dropped = notifications_->TakeDropped() > 0 || dropped;
    if (dropped && std::chrono::steady_clock::now() - last_resync >= kResyncEvery) {
      dropped = false;
      last_resync = std::chrono::steady_clock::now();
      Resync();
    }
    if (std::chrono::steady_clock::now() - last_stall_check >= kResyncEvery) {
      last_stall_check = std::chrono::steady_clock::now();
      ReadStalled(kStalledAfter);
    }
  }
}

void Lwm2mFirmwareUpdates::OnNotification(const core::Event& event) {
  {
    std::lock_guard lock(mu_);
    auto it = flows_.find(event.device_id);
    if (stopped_ || it == flows_.end()) return;  // most notifications: not ours, not parsed
  }
  boost::system::error_code ec;
  js::value data = js::parse(event.data_json, ec);
  if (ec || !data.is_object()) return;
  const js::value* value = data.as_object().if_contains("value");
  const js::value* paths = data.as_object().if_contains("paths");
  // Only a notification of Object 5 is the flow's: the device's other observations (its
  // battery, say) go on while a State 2 notification may be lost.
  const bool object5 =
      paths != nullptr && paths->is_array() &&
      std::any_of(paths->as_array().begin(), paths->as_array().end(), [](const js::value& p) {
        return p.is_string() && p.as_string().starts_with("/5/0");
      });
  if (value == nullptr || !object5) return;
  std::uint64_t serial = 0;
  {
    std::lock_guard lock(mu_);
    auto it = flows_.find(event.device_id);
    if (stopped_ || it == flows_.end()) return;
    serial = it->second.serial;
    it->second.heard = std::chrono::steady_clock::now();
  }
  OnValues(event.device_id, serial, Object5In(*value));
}

void Lwm2mFirmwareUpdates::Resync() {
  std::vector<std::pair<core::DeviceId, std::uint64_t>> running;
  {
    std::lock_guard lock(mu_);
    for (const auto& [device, flow] : flows_) {
      if (flow.stage != FirmwareStage::kStarting) running.emplace_back(device, flow.serial);
    }
  }
  spdlog::warn("firmware updates: notifications were dropped; reading Object 5 of {} devices",
               running.size());
  ReadObject5(running);
}

void Lwm2mFirmwareUpdates::ReadStalled(std::chrono::steady_clock::duration quiet) {
  std::vector<std::pair<core::DeviceId, std::uint64_t>> stalled;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    for (auto& [device, flow] : flows_) {
      const bool waits =
          flow.stage == FirmwareStage::kDownloading || flow.stage == FirmwareStage::kUpdating;
      if (!waits || now - flow.heard < quiet) continue;
      flow.heard = now;  // read again after another quiet spell, not at every check
      stalled.emplace_back(device, flow.serial);
    }
  }
  if (stalled.empty()) return;
  spdlog::info(
      "firmware updates: nothing heard from {} updating devices for {} s; reading "
      "their Object 5",
      stalled.size(), std::chrono::duration_cast<std::chrono::seconds>(quiet).count());
  ReadObject5(stalled);
}

void Lwm2mFirmwareUpdates::ReadObject5(
    const std::vector<std::pair<core::DeviceId, std::uint64_t>>& flows) {
  for (const auto& [device, serial] : flows) {
    devices_.Read(
        device, Path::Instance(5, 0), std::nullopt,
        [this, device, serial](DmResult<js::value> read) {
          if (!read) return;
          const Object5Values values = Object5In(*read);
          if (values.state == kFirmwareIdle && values.update_result == kUpdateResultSuccess) {
            // Updated and rebooted, but the confirmation after its new Register
            // did not get through.
            auto flow = Current(device, serial);
            if (flow && flow->stage == FirmwareStage::kUpdating) Confirm(device, *flow);
            return;
          }
          OnValues(device, serial, values);
        });
  }
}

}  // namespace custos::app
