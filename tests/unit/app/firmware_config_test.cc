// firmware.max_size: its default, its three spellings, and the values it refuses.
#include <gtest/gtest.h>

#include "app/config.h"

namespace custos::app {
namespace {

TEST(FirmwareConfigTest, MaxSizeDefaultsTo256MiBAndFlagsWinOverTheFileAndEnvironment) {
  auto defaults = ResolveConfig({}, {}, {});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->firmware_max_size, std::uint64_t{256} << 20);

  auto layered = ResolveConfig({{"firmware.max_size", "1000"}}, {{"firmware.max_size", "2000"}},
                               {{"firmware.max_size", "3000"}});
  ASSERT_TRUE(layered) << layered.error().message;
  EXPECT_EQ(layered->firmware_max_size, 3000u);
}

TEST(FirmwareConfigTest, MaxSizeMustBeAPositiveWholeNumber) {
  for (const char* bad : {"0", "-1", "1MiB", ""}) {
    auto c = ResolveConfig({{"firmware.max_size", bad}}, {}, {});
    EXPECT_FALSE(c) << bad;
  }
}

}  // namespace
}  // namespace custos::app
