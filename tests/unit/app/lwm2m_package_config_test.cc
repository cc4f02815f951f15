// lwm2m.package_base_url: empty by default, a coap:// or coaps:// base without its trailing
// slash, anything else refused naming the key.
#include <gtest/gtest.h>

#include "app/config.h"

namespace custos::app {
namespace {

TEST(Lwm2mPackageConfigTest, DefaultsToTheListenerTheDeviceUses) {
  auto defaults = ResolveConfig({}, {}, {});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->lwm2m_package_base_url, "");
}

TEST(Lwm2mPackageConfigTest, TakesACoapBaseWithoutItsTrailingSlash) {
  auto c = ResolveConfig({}, {}, {{"lwm2m.package_base_url", "coap://fw.example:5683/"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->lwm2m_package_base_url, "coap://fw.example:5683");
  auto secure = ResolveConfig({}, {}, {{"lwm2m.package_base_url", "coaps://fw.example"}});
  ASSERT_TRUE(secure) << secure.error().message;
  EXPECT_EQ(secure->lwm2m_package_base_url, "coaps://fw.example");
}

TEST(Lwm2mPackageConfigTest, RefusesWhatIsNotACoapUrl) {
  for (const char* bad : {"http://fw.example", "fw.example:5683", "coap://"}) {
    auto c = ResolveConfig({}, {}, {{"lwm2m.package_base_url", bad}});
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().message.find("lwm2m.package_base_url"), std::string::npos)
        << c.error().message;
  }
}

}  // namespace
}  // namespace custos::app
