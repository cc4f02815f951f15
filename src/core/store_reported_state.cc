// Store::UpdateReportedState for a store without an asynchronous path: done on the caller's
// thread.
#include "core/store.h"

namespace custos::core {
namespace {

// Another writer may store a document between the read and the write: read and change again.
constexpr int kConflictRetries = 5;

Result<DeviceState> UpdateNow(Store& store, DeviceId device,
                              const Store::ReportedChangeFn& change) {
  for (int attempt = 0;; ++attempt) {
    auto current = store.GetDeviceState(device);
    if (!current) return current;
    auto next = change(*current);
    if (!next) return tl::unexpected(next.error());
    if (!*next) return current;
    auto stored = store.SaveReportedState(device, std::move((*next)->json),
                                          current->reported_version,
                                          (*next)->desired_acknowledged);
    if (!stored && stored.error().code == ErrorCode::kConflict && attempt < kConflictRetries) {
      continue;
    }
    return stored;
  }
}

}  // namespace

void Store::UpdateReportedState(DeviceId device, ReportedChangeFn change, StateCompletion done) {
  done(UpdateNow(*this, device, change));
}

}  // namespace custos::core
