// The behaviour knobs with a fake clock: a device that goes offline falls silent and
// registers again, low-battery devices drain without charging, --loss drops datagrams, and
// the report's text and JSON carry the counters.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "sim.h"

namespace custos::sim {
namespace {

constexpr Address kServer{0x7f000001, 5683};

class CountingOutbox : public Outbox {
 public:
  void Send(std::uint32_t device, Address, std::span<const std::uint8_t> bytes) override {
    auto message = coap::Decode(bytes);
    ASSERT_TRUE(message.has_value());
    sent.emplace_back(device, *message);
  }
  std::vector<std::pair<std::uint32_t, coap::Message>> sent;
};

Lwm2mConfig Config(std::uint32_t devices) {
  Lwm2mConfig config;
  config.server = kServer;
  config.devices = devices;
  config.ramp_per_s = 1000;
  config.lifetime_s = 300;
  config.step_s = 30;
  return config;
}

// Answers every Register in `outbox` with a piggybacked 2.01.
void AcceptRegisters(Fleet& fleet, CountingOutbox& outbox, TimeMs now) {
  auto sent = std::exchange(outbox.sent, {});
  for (const auto& [device, message] : sent) {
    if (coap::UriPath(message.options) != "/rd") continue;
    coap::Message created;
    created.type = coap::Type::kAcknowledgement;
    created.code = coap::codes::kCreated;
    created.message_id = message.message_id;
    created.token = message.token;
    coap::SetLocationPath(created.options, "/rd/x" + std::to_string(device));
    fleet.OnDatagram(device, kServer, coap::Encode(created), now);
  }
}

TEST(FleetKnobsTest, AnOfflineDeviceFallsSilentThenRegistersAgain) {
  CountingOutbox outbox;
  Lwm2mConfig config = Config(1);
  config.offline_share = 1;
  config.offline_s = 100;
  Fleet fleet(config, outbox);
  TimeMs now = 0;
  fleet.Start(now);
  fleet.RunDue(now);
  AcceptRegisters(fleet, outbox, now);
  ASSERT_EQ(fleet.device(0).phase, Phase::kRegistered);
  // Within its first lifetime it goes offline, once.
  while (fleet.device(0).phase == Phase::kRegistered && now < 300'000) fleet.RunDue(now += 100);
  ASSERT_EQ(fleet.device(0).phase, Phase::kOffline);
  EXPECT_EQ(fleet.Stats().offline, 1u);
  outbox.sent.clear();
  coap::Message read;
  read.code = coap::codes::kGet;
  read.message_id = 1;
  coap::SetUriPath(read.options, "/3/0/9");
  fleet.OnDatagram(0, kServer, coap::Encode(read), now);
  EXPECT_TRUE(outbox.sent.empty());  // silent
  const TimeMs went = now;
  while (outbox.sent.empty() && now < went + 200'000) fleet.RunDue(now += 100);
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(coap::UriPath(outbox.sent[0].second.options), "/rd");
  EXPECT_GE(now - went, 100'000);
  AcceptRegisters(fleet, outbox, now);
  EXPECT_EQ(fleet.Stats().registrations, 2u);
  // Not again.
  const TimeMs back = now;
  while (now < back + 600'000) fleet.RunDue(now += 1000);
  EXPECT_NE(fleet.device(0).phase, Phase::kOffline);
}

TEST(FleetKnobsTest, LowBatteryDevicesDrainWithoutCharging) {
  Device device;
  device.low_battery = true;
  InitBattery(device, 3);
  EXPECT_LE(device.battery, 20);
  for (int i = 0; i < 200; ++i) StepBattery(device);
  EXPECT_EQ(device.battery, 1);
  EXPECT_FALSE(device.charging);

  Device normal;
  InitBattery(normal, 3);
  std::uint8_t lowest = 100;
  bool charged = false;
  for (int i = 0; i < 200; ++i) {
    StepBattery(normal);
    lowest = std::min(lowest, normal.battery);
    if (lowest == 10 && normal.battery > 10) charged = true;
  }
  EXPECT_EQ(lowest, 10);
  EXPECT_TRUE(charged);
}

TEST(FleetKnobsTest, LossOneDropsEveryDatagram) {
  CountingOutbox outbox;
  Lwm2mConfig config = Config(5);
  config.loss = 1;
  Fleet fleet(config, outbox);
  fleet.Start(0);
  fleet.RunDue(10'000);
  EXPECT_TRUE(outbox.sent.empty());
  EXPECT_GE(fleet.Stats().lost, 5u);
  EXPECT_EQ(fleet.Stats().registers_sent, 5u);
}

TEST(FleetKnobsTest, SharesPickTheSameDevicesEveryRun) {
  CountingOutbox outbox;
  Lwm2mConfig config = Config(1000);
  config.queue_share = 0.25;
  Fleet a(config, outbox), b(config, outbox);
  std::size_t queued = 0;
  for (std::uint32_t d = 0; d < 1000; ++d) {
    EXPECT_EQ(a.device(d).queue_mode, b.device(d).queue_mode);
    queued += a.device(d).queue_mode ? 1 : 0;
  }
  EXPECT_GT(queued, 150u);
  EXPECT_LT(queued, 350u);
}

TEST(FleetKnobsTest, ReportCarriesTheCounters) {
  Lwm2mStats stats;
  stats.devices = 10;
  stats.registered = 7;
  stats.reads = 3;
  stats.firmware_updates = 2;
  stats.handshakes = 4;
  const std::string line = FormatLine(stats, 12.5);
  EXPECT_NE(line.find("t=12.5s"), std::string::npos) << line;
  EXPECT_NE(line.find("registered=7/10"), std::string::npos) << line;
  EXPECT_NE(line.find("read=3"), std::string::npos) << line;
  const auto json = boost::json::parse(FormatJson(stats, 12.5, 224));
  EXPECT_EQ(json.at("registered").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(json.at("requests").at("read").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(json.at("firmware").at("updates_done").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(json.at("dtls").at("handshakes").to_number<std::uint64_t>(), 4u);
  EXPECT_EQ(json.at("bytes_per_device").to_number<std::uint64_t>(), 224u);
}

}  // namespace
}  // namespace custos::sim
