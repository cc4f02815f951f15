// The built-in objects of the client with plausible values: 1 Server, 3 Device,
// 4 Connectivity Monitoring, 5 Firmware Update, 6 Location; and the battery that drains to
// 10% and charges back to 100%, one step per ClientOptions::battery_step.
#include <unistd.h>

#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {

using V = Value;

}  // namespace

void ClientImpl::AddBuiltinObjects() {
  const DeviceInfo& device = options_.device;
  const auto set = [this](std::uint16_t o, std::uint16_t r, Value value) {
    (void)store_.Set(Path::Resource(o, 0, r), std::move(value));
  };
  for (std::uint16_t object : {1, 3, 4, 5, 6}) {
    (void)store_.AddObject(object);
    (void)store_.AddInstance(object, 0);
  }
  set(1, 0, V{std::int64_t{1}});  // Short Server ID
  set(1, 1, V{options_.lifetime_s});
  set(1, 6, V{true});  // Notification Storing
  set(1, 7, V{options_.binding + (options_.queue_mode ? "Q" : "")});
  store_.SetAction(Path::Resource(1, 0, 8), [this](std::string_view) -> core::Result<void> {
    update_requested_ = true;  // Registration Update Trigger: the next Tick sends it
    return {};
  });

  set(3, 0, V{device.manufacturer});
  set(3, 1, V{device.model});
  set(3, 2, V{device.serial});
  set(3, 3, V{device.firmware_version});
  (void)store_.SetInstances(Path::Resource(3, 0, 6),
                            {{0, V{std::int64_t{1}}}, {1, V{std::int64_t{5}}}});
  (void)store_.SetInstances(Path::Resource(3, 0, 7),
                            {{0, V{std::int64_t{3700}}}, {1, V{std::int64_t{5000}}}});
  set(3, 9, V{device.battery_level});
  set(3, 10, V{device.memory_free_kib});
  (void)store_.SetInstances(Path::Resource(3, 0, 11), {{0, V{std::int64_t{0}}}});
  set(3, 13, V{TimeValue{clock_.Now() / 1000}});
  set(3, 14, V{std::string("+00:00")});
  set(3, 16, V{std::string(options_.queue_mode ? "UQ" : "U")});
  set(3, 20, V{std::int64_t{0}});
  set(3, 21, V{device.memory_total_kib});
  store_.SetAction(Path::Resource(3, 0, 4), [this](std::string_view) -> core::Result<void> {
    pending_ = PendingRestart::kReboot;
    return {};
  });
  store_.SetAction(Path::Resource(3, 0, 5), [this](std::string_view) -> core::Result<void> {
    pending_ = PendingRestart::kFactoryReset;
    return {};
  });

  set(4, 0, V{std::int64_t{6}});  // LTE-TDD
  (void)store_.SetInstances(Path::Resource(4, 0, 1),
                            {{0, V{std::int64_t{6}}}, {1, V{std::int64_t{7}}}});
  set(4, 2, V{std::int64_t{-71}});
  set(4, 3, V{std::int64_t{80}});
  (void)store_.SetInstances(Path::Resource(4, 0, 4), {{0, V{std::string("127.0.0.1")}}});
  (void)store_.SetInstances(Path::Resource(4, 0, 7), {{0, V{std::string("internet")}}});
  set(4, 8, V{std::int64_t{20481}});

  set(5, 1, V{std::string()});
  set(5, 3, V{std::int64_t{0}});
  set(5, 5, V{std::int64_t{0}});
  (void)store_.SetInstances(Path::Resource(5, 0, 8), {{0, V{std::int64_t{0}}}});  // CoAP
  set(5, 9, V{std::int64_t{2}});                                                  // pull and push
  store_.SetAction(Path::Resource(5, 0, 2), [](std::string_view) -> core::Result<void> {
    return {};  // answered by the firmware state machine before it gets here
  });

  set(6, 0, V{device.latitude});
  set(6, 1, V{device.longitude});
  set(6, 5, V{TimeValue{clock_.Now() / 1000}});

  std::filesystem::path dir = options_.firmware_dir;
  if (dir.empty()) dir = std::filesystem::temp_directory_path();
  package_file_ = dir / ("custos-fw-" + options_.endpoint_name + "-" + std::to_string(::getpid()) +
                         "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".bin");
}

void ClientImpl::StepBattery() {
  auto level = store_.Get(Path::Resource(3, 0, 9));
  std::int64_t battery = level ? std::get<std::int64_t>(*level) : 50;
  if (charging_) {
    battery = std::min<std::int64_t>(100, battery + 5);
    if (battery == 100) charging_ = false;
  } else {
    battery = std::max<std::int64_t>(10, battery - 1);
    if (battery == 10) charging_ = true;
  }
  (void)store_.Set(Path::Resource(3, 0, 9), Value{battery});
  (void)store_.Set(Path::Resource(3, 0, 20), Value{std::int64_t{charging_ ? 1 : 0}});
  auto free = store_.Get(Path::Resource(3, 0, 10));
  const std::int64_t memory = free ? std::get<std::int64_t>(*free) : 0;
  (void)store_.Set(Path::Resource(3, 0, 10),
                   Value{memory + (battery % 2 == 0 ? 4 : -4)});  // a little drift
}

}  // namespace custos::lwm2m::client
