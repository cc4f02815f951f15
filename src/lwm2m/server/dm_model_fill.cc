// After a registration: the device model filled from the profile's paths, and the profile's
// observations started (docs/lwm2m.md, "The device model from LwM2M").
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lwm2m/server/device_manager.h"
#include "lwm2m/server/dm_request.h"

namespace custos::lwm2m::server {

void DeviceManager::OnRegistered(const Registration& registration) {
  NoteContact(registration);
  Forget(observations_.RemoveDevice(registration.device_id));
  FillModel(registration);
}

void DeviceManager::OnUpdated(const Registration& before, const Registration& after) {
  NoteContact(after);
  if (before.objects != after.objects) FillModel(after);
}

void DeviceManager::OnDeregistered(core::DeviceId device) {
  Forget(observations_.RemoveDevice(device));
}

void DeviceManager::FillModel(const Registration& registration) {
  // The profile may need the store (the device's labels): find it on the writer thread.
  writer_.Post([this, registration] {
    const core::DeviceId device = registration.device_id;
    DeviceProfile profile = hooks_.profile ? hooks_.profile(device) : DefaultProfile();
    for (const Path& path : profile.read) {
      if (!dm::Declares(registration, path)) continue;
      ReadRecords(device, path, std::nullopt, [this, device, path](DmResult<TargetRecords> read) {
        if (!read) {
          spdlog::info("lwm2m: reading {} of device {} for its model: {}", ToString(path), device,
                       read.error().message);
          return;
        }
        ApplyRecords(device, read->records);
      });
    }
    for (const Path& path : profile.observe) {
      if (!dm::Declares(registration, path) || observations_.Observes(device, path)) continue;
      Observe(device, {path}, [device, path](DmResult<boost::json::value> started) {
        if (!started) {
          spdlog::info("lwm2m: observing {} of device {}: {}", ToString(path), device,
                       started.error().message);
        }
      });
    }
  });
}

void DeviceManager::Drain() {
  writer_.Drain();
  saves_writer_.Drain();
}

}  // namespace custos::lwm2m::server
