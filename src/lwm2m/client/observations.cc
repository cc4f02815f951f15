// Information Reporting (TS Core §6.4): observations of single paths and composite ones,
// each accepted on the CoAP transport (coap::Notifier), notified when a value under it
// changes and pmin has passed (and gt, lt or st let it through), or when pmax runs out.
// Write-Attributes set the periods and thresholds per path; the nearest path above a
// resource that has one decides, then the Server object's defaults.
#include <cmath>
#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {

std::optional<double> NumberOf(const std::optional<Value>& value) {
  if (!value) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&*value)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&*value)) return static_cast<double>(*u);
  if (const auto* d = std::get_if<double>(&*value)) return *d;
  return std::nullopt;
}

bool Overlaps(const Path& a, const Path& b) { return a.Contains(b) || b.Contains(a); }

}  // namespace

coap::Notifier ClientImpl::Accept(coap::Responder& responder, Observation observation) {
  const std::uint64_t id = next_observation_++;
  // Runs on an I/O thread, never inside a handler of ours: it may lock.
  observation.notifier = responder.AcceptObservation([this, id](core::Error why) {
    std::lock_guard lock(mu_);
    if (observations_.erase(id) > 0) Log("observation ended: " + why.message);
  });
  observation.last_sent = clock_.Now();
  if (observation.paths.size() == 1) {
    observation.last_value = NumberOf(store_.Get(observation.paths.front()));
  }
  coap::Notifier notifier = observation.notifier;
  observations_.emplace(id, std::move(observation));
  return notifier;
}

void ClientImpl::OnValueChanged(const Path& path) {
  for (auto& [id, observation] : observations_) {
    for (const Path& observed : observation.paths) {
      if (Overlaps(observed, path)) observation.dirty = true;
    }
  }
  // Called with mu_ held by whoever changed the value.
  if (!sleeping_ && !observations_.empty()) ProcessObservations(clock_.Now());
}

format::Attributes ClientImpl::EffectiveAttributes(const Path& path) const {
  format::Attributes merged;
  // From the object down to the path: the deeper level overrides (TS Core §5.1.2).
  std::vector<Path> levels;
  for (Path p = path; !p.IsRoot(); p = p.Parent()) levels.insert(levels.begin(), p);
  for (const Path& level : levels) {
    auto it = attributes_.find(level);
    if (it == attributes_.end()) continue;
    const format::Attributes& a = it->second;
    if (a.pmin) merged.pmin = a.pmin;
    if (a.pmax) merged.pmax = a.pmax;
    if (a.epmin) merged.epmin = a.epmin;
    if (a.epmax) merged.epmax = a.epmax;
    if (level == path) {  // thresholds apply to the resource they were written on
      merged.gt = a.gt;
      merged.lt = a.lt;
      merged.st = a.st;
    }
  }
  const auto server_default = [this](std::uint16_t resource) -> std::optional<std::uint32_t> {
    auto value = NumberOf(store_.Get(Path::Resource(1, 0, resource)));
    if (!value || *value <= 0) return std::nullopt;
    return static_cast<std::uint32_t>(*value);
  };
  if (!merged.pmin) merged.pmin = server_default(2);
  if (!merged.pmax) merged.pmax = server_default(3);
  return merged;
}

bool ClientImpl::Due(Observation& observation, core::TimeMs now) {
  const format::Attributes attributes = observation.composite
                                            ? EffectiveAttributes(Path::Root())
                                            : EffectiveAttributes(observation.paths.front());
  const core::TimeMs since = now - observation.last_sent;
  if (attributes.pmax && *attributes.pmax > 0 && since >= core::TimeMs{*attributes.pmax} * 1000) {
    return true;
  }
  if (!observation.dirty) return false;
  if (attributes.pmin && since < core::TimeMs{*attributes.pmin} * 1000) return false;
  if (observation.composite || (!attributes.gt && !attributes.lt && !attributes.st)) return true;
  const auto value = NumberOf(store_.Get(observation.paths.front()));
  const auto last = observation.last_value;
  if (!value || !last) return true;
  const auto crossed = [&](std::optional<double> threshold) {
    return threshold && ((*last <= *threshold) != (*value <= *threshold));
  };
  const bool step = attributes.st && std::fabs(*value - *last) >= *attributes.st;
  if (crossed(attributes.gt) || crossed(attributes.lt) || step) return true;
  observation.dirty = false;  // a change the thresholds filter out
  return false;
}

void ClientImpl::ProcessObservations(core::TimeMs now) {
  for (auto& [id, observation] : observations_) {
    if (!observation.notifier.active() || !Due(observation, now)) continue;
    auto payload = Encode(observation.format, observation.paths, observation.composite);
    coap::Message notification = Reply(coap::codes::kContent);
    if (payload) {
      coap::SetContentFormat(notification.options, IdOf(observation.format));
      notification.payload = std::move(*payload);
    } else {
      // The path went away (a deleted instance): the observation ends with the error.
      notification = Reply(CodeFor(payload.error()));
    }
    observation.last_sent = now;
    observation.dirty = false;
    if (observation.paths.size() == 1) {
      observation.last_value = NumberOf(store_.Get(observation.paths.front()));
    }
    Log("notify " + ToString(observation.paths.front()));
    // Posted to the I/O thread; its callbacks never run here.
    observation.notifier.Notify(std::move(notification), options_.confirmable_notifications);
  }
}

void ClientImpl::EndObservations() {
  for (auto& [id, observation] : observations_) observation.notifier.End();
  observations_.clear();
}

}  // namespace custos::lwm2m::client
