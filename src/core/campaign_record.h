// Staged campaigns as the store keeps them. The campaign module (campaign/campaign.h) owns the
// meaning: the store keeps a campaign's definition as JSON text and its state as a name, and
// one row per device the campaign covers, so that its accounting survives a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

struct CampaignRecord {
  std::int64_t id = 0;
  std::string name;
  std::string spec_json = "{}";  // the campaign module's definition (a JSON object's text)
  std::string state;             // the campaign module's state name
  std::string created_by;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// One device of a campaign. `outcome` is "queued" (not admitted yet), "planned" (admitted,
// its operation about to be created), "skipped", or the name of its operation's state.
struct CampaignMember {
  std::int64_t campaign_id = 0;
  DeviceId device_id = 0;
  int stage = 0;
  int batch = -1;  // -1 until admitted
  std::optional<std::int64_t> operation_id;
  std::string outcome = "queued";
  TimeMs updated_at = 0;
};

// One entry of a campaign's timeline.
struct CampaignEvent {
  TimeMs at = 0;
  std::string kind;
  std::string details_json = "{}";
};

}  // namespace custos::core
