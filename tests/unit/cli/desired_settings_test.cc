// `devices desire` settings as a merge patch.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/command.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

TEST(DesiredSettingsTest, ValuesAreJsonWhenTheyReadAsJsonAndDotsNest) {
  auto patch = ParseDesiredSettings({"interval=30", "mode=eco", "enabled=true", "gone=null",
                                     "valve.open=false", "valve.limit=2.5", "label=\"42\"",
                                     "net={\"apn\":\"iot\"}", "note=a=b"});
  ASSERT_TRUE(patch) << patch.error().message;
  EXPECT_EQ(json::value(*patch), json::parse(R"({"interval":30,"mode":"eco","enabled":true,
      "gone":null,"valve":{"open":false,"limit":2.5},"label":"42","net":{"apn":"iot"},
      "note":"a=b"})"));
}

TEST(DesiredSettingsTest, MalformedSettingsAreUsageErrors) {
  for (const char* bad : {"interval", "=3", "a..b=1", ".a=1", "a.=1"}) {
    auto patch = ParseDesiredSettings({bad});
    ASSERT_FALSE(patch) << bad;
    EXPECT_EQ(patch.error().exit_code, kExitUsage) << bad;
  }
}

}  // namespace
}  // namespace custos::cli
