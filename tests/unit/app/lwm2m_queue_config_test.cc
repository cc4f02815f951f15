// lwm2m.queue_max_per_device and lwm2m.queue_deadline_s: defaults, layering, refused values.
#include <gtest/gtest.h>

#include "app/config.h"

namespace custos::app {
namespace {

TEST(Lwm2mQueueConfigTest, DefaultsAre64RequestsAndADay) {
  auto defaults = ResolveConfig({}, {}, {});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->lwm2m_queue_max_per_device, 64);
  EXPECT_EQ(defaults->lwm2m_queue_deadline_s, 86400);
}

TEST(Lwm2mQueueConfigTest, FlagsWinOverTheEnvironmentAndTheFile) {
  auto c = ResolveConfig(
      {{"lwm2m.queue_max_per_device", "10"}, {"lwm2m.queue_deadline_s", "100"}},
      {{"lwm2m.queue_max_per_device", "20"}}, {{"lwm2m.queue_deadline_s", "300"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->lwm2m_queue_max_per_device, 20);
  EXPECT_EQ(c->lwm2m_queue_deadline_s, 300);
}

TEST(Lwm2mQueueConfigTest, OutOfRangeValuesAreRefusedNamingTheKey) {
  for (const auto& [key, bad] : std::vector<std::pair<std::string, std::string>>{
           {"lwm2m.queue_max_per_device", "0"},
           {"lwm2m.queue_max_per_device", "1001"},
           {"lwm2m.queue_deadline_s", "0"},
           {"lwm2m.queue_deadline_s", "1d"}}) {
    auto c = ResolveConfig({{key, bad}}, {}, {});
    ASSERT_FALSE(c) << key << "=" << bad;
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace custos::app
