#include "core/store.h"

namespace custos::core {

bool IsSortableDeviceField(std::string_view field) {
  static constexpr std::string_view kFields[] = {
      "id", "name", "created_at", "updated_at", "last_seen",
      "manufacturer", "model", "firmware_version", "state"};
  for (auto f : kFields) {
    if (f == field) return true;
  }
  return false;
}

// Campaigns are optional for a store: these answer for one that does not keep them.
namespace {
tl::unexpected<Error> NoCampaigns() {
  return MakeError(ErrorCode::kUnavailable, "campaigns are not supported by this store");
}
}  // namespace

Result<CampaignRecord> Store::CreateCampaign(CampaignRecord, std::vector<CampaignMember>,
                                             AuditEntry) {
  return NoCampaigns();
}
Result<CampaignRecord> Store::GetCampaign(std::int64_t) { return NoCampaigns(); }
Result<std::vector<CampaignRecord>> Store::ListCampaigns(std::int64_t, std::size_t) {
  return NoCampaigns();
}
Result<CampaignRecord> Store::UpdateCampaign(CampaignRecord, std::vector<CampaignEvent>,
                                             std::optional<AuditEntry>) {
  return NoCampaigns();
}
Result<std::vector<CampaignEvent>> Store::ListCampaignTimeline(std::int64_t) {
  return NoCampaigns();
}
Result<void> Store::SaveCampaignMembers(std::vector<CampaignMember>) { return NoCampaigns(); }
Result<std::vector<CampaignMember>> Store::ListCampaignMembers(std::int64_t, DeviceId,
                                                               std::size_t) {
  return NoCampaigns();
}

}  // namespace custos::core
