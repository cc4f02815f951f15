// Observations that survive a restart (docs/lwm2m.md, "What survives a restart"): each one
// written when the device accepts it and removed when it ends, all of them once more with their
// last values when the server stops; at the next start they are taken back under their ids and
// the endpoint adopts each by peer and token, so the device's next notification is routed as
// before instead of being answered with RST.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iterator>
#include <utility>

#include "core/store.h"
#include "lwm2m/server/device_manager.h"
#include "lwm2m/server/observation_record.h"

namespace custos::lwm2m::server {

void DeviceManager::SaveObservations(std::vector<core::Lwm2mObservationChange> changes) {
  core::Store* store = hooks_.observation_store;
  if (store == nullptr || changes.empty() || !saving_observations_.load()) return;
  QueueObservationSaves(std::move(changes), {});
}

void DeviceManager::QueueObservationSaves(std::vector<core::Lwm2mObservationChange> changes,
                                          std::function<void()> then) {
  bool post = false;
  {
    std::lock_guard lock(saves_mu_);
    pending_saves_.insert(pending_saves_.end(), std::make_move_iterator(changes.begin()),
                          std::make_move_iterator(changes.end()));
    if (then) after_saves_.push_back(std::move(then));
    post = !std::exchange(saves_posted_, true);
  }
  if (post) saves_writer_.Post([this] { WritePendingObservationSaves(); });
}

void DeviceManager::WritePendingObservationSaves() {
  std::vector<core::Lwm2mObservationChange> changes;
  std::vector<std::function<void()>> then;
  {
    std::lock_guard lock(saves_mu_);
    changes.swap(pending_saves_);
    then.swap(after_saves_);
    saves_posted_ = false;
  }
  if (!changes.empty()) {
    if (auto saved = hooks_.observation_store->SaveLwm2mObservations(changes); !saved) {
      spdlog::warn("lwm2m: {} observation changes not saved: {}", changes.size(),
                   saved.error().message);
    }
  }
  for (auto& f : then) f();
}

void DeviceManager::SaveAccepted(const Observation& observation, std::function<void()> then) {
  core::Store* store = hooks_.observation_store;
  auto record = ToRecord(observation);
  if (store == nullptr || !record || !saving_observations_.load()) {
    if (!record) spdlog::warn("lwm2m: observation not saved: {}", record.error().message);
    then();
    return;
  }
  QueueObservationSaves({core::Lwm2mObservationChange::Put(std::move(*record))}, std::move(then));
}

void DeviceManager::SaveRemoved(const std::string& id) {
  Observation key;
  key.id = id;
  auto record = ToRecord(key);
  if (record) SaveObservations({core::Lwm2mObservationChange::Remove(record->id)});
}

void DeviceManager::SaveObservationsForRestart() {
  std::vector<core::Lwm2mObservationChange> changes;
  for (const Observation& o : observations_.All()) {
    if (!o.accepted || o.token.empty()) continue;  // not answered yet: nothing to adopt
    if (auto record = ToRecord(o)) changes.push_back(core::Lwm2mObservationChange::Put(*record));
  }
  SaveObservations(std::move(changes));
  saving_observations_.store(false);
  saves_writer_.Drain();
}

core::Result<std::size_t> DeviceManager::RestoreObservations() {
  core::Store* store = hooks_.observation_store;
  if (store == nullptr) return 0;
  auto last = store->LastLwm2mObservationId();
  if (!last) return tl::unexpected(last.error());
  observations_.Reserve(static_cast<std::uint64_t>(*last));
  std::vector<core::Lwm2mObservationRecord> records;
  for (std::int64_t after = 0;;) {
    auto page = store->ListLwm2mObservations(after, 1000);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    after = page->back().id;
    records.insert(records.end(), page->begin(), page->end());
  }
  std::size_t restored = 0;
  std::vector<core::Lwm2mObservationChange> dropped;
  for (const core::Lwm2mObservationRecord& record : records) {
    auto observation = FromRecord(record);
    std::optional<Target> target;
    std::optional<coap::Message> request;
    std::string why = "its registration is gone or on the other listener";
    if (!observation) {
      why = observation.error().message;
    } else if (auto resolved = Resolve(record.device_id);
               resolved && resolved->registration.secure == observation->secure) {
      if (auto built = ObserveRequest(*resolved, observation->paths)) {
        request = std::move(*built);
        target = std::move(*resolved);
      } else {
        why = built.error().message;
      }
    }
    if (!request) {
      spdlog::info("lwm2m: stored observation {} of device {} dropped: {}", record.id,
                   record.device_id, why);
      dropped.push_back(core::Lwm2mObservationChange::Remove(record.id));
      continue;
    }
    // The same Accept as before, so notifications come in the format they came in.
    if (observation->paths.size() == 1 && observation->content_format) {
      coap::SetAccept(request->options, *observation->content_format);
    }
    request->token = observation->token;
    const std::string id = observation->id;
    const coap::Peer peer = observation->peer;
    if (!observations_.Restore(std::move(*observation))) continue;
    auto first = std::make_shared<Reply>();  // the REST caller was answered before the restart
    auto notify = [this, t = *target, id, first](core::Result<coap::Message> m) {
      OnNotification(t, id, *first, std::move(m));
    };
    observations_.SetCoapId(id, target->endpoint->Adopt(peer, std::move(*request), notify));
    ++restored;
  }
  SaveObservations(std::move(dropped));
  spdlog::info("lwm2m: {} observations restored, {} dropped", restored,
               records.size() - restored);
  return restored;
}

}  // namespace custos::lwm2m::server
