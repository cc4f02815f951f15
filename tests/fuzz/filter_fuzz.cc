// Parses any bytes as a filter. Whatever parses must print to canonical text that parses
// again to text that prints the same, and must evaluate against a device without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/core.h"

namespace {

const custos::core::Device& SampleDevice() {
  static const custos::core::Device d = [] {
    custos::core::Device d;
    d.id = 7;
    d.name = "sensor-7";
    d.protocol = "mqtt";
    d.state = custos::core::LifecycleState::kActive;
    d.identity.manufacturer = "Acme";
    d.identity.firmware_version = "2.0.3-rc1";
    d.labels = {{"region", "eu"}, {"site", "berlin-3"}};
    d.connectivity.online = true;
    d.connectivity.last_seen = 1793491200000;
    d.health.battery_level = 40;
    d.created_at = 1790000000000;
    d.updated_at = 1793000000000;
    return d;
  }();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace filter = custos::core::filter;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expr = filter::Parse(text);
  if (!expr) {
    if (!expr.error().position || *expr.error().position > text.size()) std::abort();
    return 0;
  }
  const std::string canonical = filter::ToString(*expr);
  auto again = filter::Parse(canonical);
  if (!again) std::abort();
  if (filter::ToString(*again) != canonical) std::abort();
  if (filter::Matches(*expr, SampleDevice()) != filter::Matches(*again, SampleDevice())) {
    std::abort();
  }
  custos::core::Device bare;  // every optional unset, no labels
  (void)filter::Matches(*expr, bare);
  return 0;
}
