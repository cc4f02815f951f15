#include "core/credential.h"
#include "core/token.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

TEST(TokenSecretTest, ShapeAndUniqueness) {
  auto a = GenerateTokenSecret();
  auto b = GenerateTokenSecret();
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_EQ(a.rfind("cst_", 0), 0u);
  EXPECT_NE(a, b);
  for (char c : a.substr(4)) {
    EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << a;
  }
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ConstantTimeEqualsTest, Compares) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(RoleTest, NamesRoundTrip) {
  for (auto r : {Role::kViewer, Role::kOperator, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(ToString(r)), r);
  }
  EXPECT_FALSE(ParseRole("root"));
}

TEST(DevicePasswordTest, SaltedAndVerified) {
  auto h1 = HashDevicePassword("correct horse");
  auto h2 = HashDevicePassword("correct horse");
  EXPECT_NE(h1, h2) << "salted";
  EXPECT_TRUE(VerifyDevicePassword(h1, "correct horse"));
  EXPECT_FALSE(VerifyDevicePassword(h1, "correct horsE"));
  EXPECT_FALSE(VerifyDevicePassword("garbage", "x"));
  EXPECT_EQ(h1.find("correct"), std::string::npos);
}

}  // namespace
}  // namespace custos::core
