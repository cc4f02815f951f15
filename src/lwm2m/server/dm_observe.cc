// Observe, Observe-Composite and Cancel-Observation (TS Core §6.4): the observation table,
// and every notification on the event stream and in the device model.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <utility>

#include "lwm2m/server/device_manager.h"
#include "lwm2m/server/device_model.h"
#include "lwm2m/server/dm_request.h"

namespace custos::lwm2m::server {

using core::ErrorCode;

void DeviceManager::Observe(core::DeviceId device, std::vector<Path> paths, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (paths.empty()) {
    return reply(MakeDmError(ErrorCode::kInvalidArgument, "bad_path", "no path given"));
  }
  auto request = ObserveRequest(*target, paths);
  if (!request) return reply(tl::unexpected(request.error()));
  Observation observation =
      observations_.Add(device, paths, target->registration.secure, clock_.Now(),
                        target->registration.peer, coap::Accept(request->options));
  auto first = std::make_shared<Reply>(std::move(reply));
  auto notify = [this, t = *target, id = observation.id, first](core::Result<coap::Message> m) {
    OnNotification(t, id, *first, std::move(m));
  };
  coap::ObservationId coap_id =
      target->endpoint->Observe(target->registration.peer, std::move(*request), std::move(notify));
  observations_.SetCoapId(observation.id, coap_id);
}

DmResult<coap::Message> DeviceManager::ObserveRequest(const Target& target,
                                                      const std::vector<Path>& paths) const {
  coap::Message request;
  if (paths.size() == 1) {
    const Path& base = paths[0];
    auto format = dm::FormatFor(target.registration, base,
                                dm::ShapeOf(base, objects_, target.versions), objects_);
    if (!format) return tl::unexpected(format.error());
    request.code = coap::codes::kGet;
    coap::SetUriPath(request.options, dm::UriPathOf(target.registration, base));
    coap::SetAccept(request.options, format::IdOf(*format));
  } else {
    auto composite = CompositeRequest(target, paths);
    if (!composite) return tl::unexpected(composite.error());
    request = std::move(*composite);
  }
  coap::SetObserve(request.options, 0);
  return request;
}

void DeviceManager::OnNotification(const Target& target, const std::string& id, Reply& first,
                                   core::Result<coap::Message> message) {
  const core::DeviceId device = target.registration.device_id;
  const bool ends =
      !message || message->code.Class() != 2 || !coap::Observe(message->options).has_value();
  DmResult<std::vector<Record>> records = std::vector<Record>{};
  auto base_of = [&]() -> Path {
    auto o = observations_.Find(id);
    if (o && o->paths.size() == 1) return o->paths[0];
    return Path::Root();
  };
  const Path base = base_of();
  if (!message) {
    records = tl::unexpected(dm::FromTransport(message.error()));
  } else if (message->code.Class() != 2) {
    records = tl::unexpected(dm::FromAnswer(*message));
  } else {
    records = DecodeRecords(target, base, *message);
  }

  if (first) {  // the answer to the registration
    Reply reply = std::move(first);
    first = nullptr;
    if (!records) {
      observations_.Remove(id);
      return reply(tl::unexpected(records.error()));
    }
    boost::json::value value = Typed(target, base, *records);
    ApplyRecords(device, *records);
    if (ends) {
      observations_.Remove(id);
      return reply(MakeDmError(ErrorCode::kFailedPrecondition, "not_observed",
                               "the device answered without accepting the observation"));
    }
    observations_.SetToken(id, message->token);
    auto observation = observations_.Notified(id, std::move(value), clock_.Now());
    if (!observation) {
      return reply(MakeDmError(ErrorCode::kUnavailable, "observation_ended",
                               "the observation was cancelled before it started"));
    }
    // Answered once written: an observation acknowledged to the caller survives a crash.
    return SaveAccepted(*observation,
                        [reply = std::move(reply), json = ToJson(*observation)] { reply(json); });
  }

  if (ends) {
    if (observations_.Remove(id)) {
      SaveRemoved(id);
      spdlog::info("lwm2m: observation {} of device {} ended: {}", id, device,
                   records ? "the device stopped it" : records.error().message);
    }
    if (!records || message->payload.empty()) return;
  }
  if (!records) {
    spdlog::warn("lwm2m: notification {} of device {}: {}", id, device, records.error().message);
    return;
  }
  boost::json::value value = Typed(target, base, *records);
  auto observation = observations_.Notified(id, value, clock_.Now());
  if (!observation) return;  // cancelled meanwhile
  boost::json::array paths;
  for (const auto& p : observation->paths) paths.emplace_back(ToString(p));
  core::Event event;
  event.type = "lwm2m.notification";
  event.device_id = device;
  event.data_json = boost::json::serialize(boost::json::object{
      {"observation", id}, {"paths", std::move(paths)}, {"value", std::move(value)}});
  events_.Publish(std::move(event));
  ApplyRecords(device, *records);
}

void DeviceManager::CancelObservation(core::DeviceId device, const std::string& id, bool active,
                                      Reply reply) {
  auto observation = observations_.Find(id);
  if (!observation || observation->device != device) {
    return reply(MakeDmError(ErrorCode::kNotFound, "observation_not_found",
                             fmt::format("device {} has no observation '{}'", device, id)));
  }
  if (observations_.Remove(id)) SaveRemoved(id);
  if (coap::Endpoint* endpoint = endpoints_ ? endpoints_(observation->secure) : nullptr) {
    endpoint->CancelObservation(observation->coap_id, active);
  }
  reply(boost::json::object{{"id", id}, {"cancelled", true}, {"active", active}});
}

boost::json::value DeviceManager::ListObservations(core::DeviceId device) const {
  boost::json::array out;
  for (const Observation& o : observations_.OfDevice(device)) out.push_back(ToJson(o));
  return boost::json::object{{"observations", std::move(out)}};
}

void DeviceManager::Forget(std::vector<Observation> observations) {
  for (const Observation& o : observations) {
    SaveRemoved(o.id);
    if (coap::Endpoint* endpoint = endpoints_ ? endpoints_(o.secure) : nullptr) {
      endpoint->CancelObservation(o.coap_id, false);
    }
  }
}

namespace {

// `later` merged into `into`: objects member by member, anything else replaced.
void MergeInto(boost::json::object& into, boost::json::object later) {
  for (auto& [key, value] : later) {
    auto* mine = into.if_contains(key);
    if (mine != nullptr && mine->is_object() && value.is_object()) {
      MergeInto(mine->as_object(), std::move(value.as_object()));
    } else {
      into[key] = std::move(value);
    }
  }
}

}  // namespace

void DeviceManager::ApplyRecords(core::DeviceId device, const std::vector<Record>& records) {
  if (!hooks_.apply_reported) return;
  boost::json::object patch = ReportedPatch(records);
  if (patch.empty()) return;
  bool post = false;
  {
    std::lock_guard lock(models_mu_);
    MergeInto(pending_models_[device], std::move(patch));
    post = !std::exchange(models_posted_, true);
  }
  if (post) writer_.Post([this] { ApplyPendingModels(); });
}

void DeviceManager::ApplyPendingModels() {
  std::map<core::DeviceId, boost::json::object> pending;
  {
    std::lock_guard lock(models_mu_);
    pending.swap(pending_models_);
    models_posted_ = false;
  }
  for (const auto& [device, patch] : pending) hooks_.apply_reported(device, patch);
}

}  // namespace custos::lwm2m::server
