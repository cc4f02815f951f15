#include "core/device.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

TEST(DeviceNameTest, AcceptsProtocolNames) {
  for (const char* name : {"sensor-001", "urn:imei:490154203237518", "00D09E-GW.12", "a@b_c"}) {
    EXPECT_TRUE(ValidateDeviceName(name)) << name;
  }
}

TEST(DeviceNameTest, RejectsWithPosition) {
  auto r = ValidateDeviceName("bad name");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "name: character ' ' not allowed at 3");
  EXPECT_FALSE(ValidateDeviceName(""));
  EXPECT_FALSE(ValidateDeviceName(std::string(129, 'a')));
  EXPECT_TRUE(ValidateDeviceName(std::string(128, 'a')));
}

TEST(LabelsTest, Rules) {
  EXPECT_TRUE(ValidateLabels({{"region", "eu"}, {"k8s.io/zone", "a"}}));
  EXPECT_FALSE(ValidateLabels({{"", "x"}}));
  EXPECT_FALSE(ValidateLabels({{"-lead", "x"}}));
  EXPECT_FALSE(ValidateLabels({{"a b", "x"}}));
  EXPECT_FALSE(ValidateLabels({{"ok", "line\nbreak"}}));
  EXPECT_FALSE(ValidateLabels({{"ok", std::string(257, 'v')}}));
  Labels many;
  for (int i = 0; i < 65; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_FALSE(ValidateLabels(many));
}

TEST(NewDeviceTest, ProtocolMustBeKnown) {
  Device d;
  d.name = "x";
  d.protocol = "lwm2m";
  EXPECT_TRUE(ValidateNewDevice(d));
  d.protocol = "zigbee";
  auto r = ValidateNewDevice(d);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("zigbee"), std::string::npos);
}

TEST(LifecycleTest, Transitions) {
  using S = LifecycleState;
  EXPECT_TRUE(IsAllowedTransition(S::kProvisioned, S::kActive));
  EXPECT_TRUE(IsAllowedTransition(S::kActive, S::kDisabled));
  EXPECT_TRUE(IsAllowedTransition(S::kDisabled, S::kActive));
  EXPECT_TRUE(IsAllowedTransition(S::kDisabled, S::kRetired));
  EXPECT_TRUE(IsAllowedTransition(S::kActive, S::kRetired));
  for (S to : {S::kProvisioned, S::kActive, S::kDisabled, S::kRetired}) {
    EXPECT_FALSE(IsAllowedTransition(S::kRetired, to)) << "retired is final";
  }
  EXPECT_FALSE(IsAllowedTransition(S::kActive, S::kProvisioned));
}

TEST(LifecycleTest, NamesRoundTrip) {
  for (auto s : {LifecycleState::kProvisioned, LifecycleState::kActive,
                 LifecycleState::kDisabled, LifecycleState::kRetired}) {
    EXPECT_EQ(ParseLifecycleState(ToString(s)), s);
  }
  EXPECT_FALSE(ParseLifecycleState("gone"));
}

}  // namespace
}  // namespace custos::core
