#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/core.h"

namespace custos::core::filter {
namespace {

int Sign(int x) { return (x > 0) - (x < 0); }

int MemcmpOrder(const std::string& ka, const std::string& kb) {
  const int c = std::memcmp(ka.data(), kb.data(), std::min(ka.size(), kb.size()));
  if (c != 0) return Sign(c);
  return ka.size() == kb.size() ? 0 : (ka.size() < kb.size() ? -1 : 1);
}

int KeyOrder(std::string_view a, std::string_view b) {
  return MemcmpOrder(VersionSortKey(a), VersionSortKey(b));
}

struct Case {
  const char* a;
  const char* b;
  int order;  // sign of CompareVersions(a, b)
};

TEST(VersionTest, CompareVersionsTable) {
  const Case cases[] = {
      {"2.10", "2.9", 1},
      {"1.0-rc1", "1.0", -1},
      {"1.0-beta", "1.0-rc1", -1},
      {"1.0-rc1", "1.0-rc2", -1},
      {"1.0-rc2", "1.0-rc10", -1},
      {"1.0", "1.0.0", 0},
      {"1.0.0.0", "1", 0},
      {"1.00", "1.0", 0},
      {"01.2", "1.2", 0},
      {"1_2", "1.2", 0},
      {"1-2", "1+2", 0},
      {"1.0rc1", "1.0-rc1", 0},
      {"1.0.1", "1.0-rc1", 1},
      {"1.0.1", "1.0", 1},
      {"1.0-rc1", "0.9", 1},
      {"1.0.0-rc1", "1.0", -1},
      {"2.0.3", "2.1", -1},
      {"10", "9", 1},
      {"123456789012345678901234567890", "123456789012345678901234567889", 1},
      {"", "0", 0},
      {"", "0.0.1", -1},
      {"", "a", 1},
      {"a", "b", -1},
      {"B", "a", -1},  // bytewise
      {"v2", "v10", -1},
      {"1.a", "1.b", -1},
      {"1.0.a", "1.a", 1},
      {"2.0.3", "2.0.3", 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Sign(CompareVersions(c.a, c.b)), c.order) << c.a << " vs " << c.b;
    EXPECT_EQ(Sign(CompareVersions(c.b, c.a)), -c.order) << c.b << " vs " << c.a;
    EXPECT_EQ(KeyOrder(c.a, c.b), c.order) << "key " << c.a << " vs " << c.b;
  }
}

// Versions made of the pieces that matter: digit runs with leading zeros and zeros alone,
// short text runs (including NUL and 0xff bytes), every separator, runs of separators.
std::string RandomVersion(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"0",    "00",
                                                   "1",    "2",
                                                   "9",    "10",
                                                   "01",   "99999999999999999999",
                                                   "a",    "b",
                                                   "rc",   "beta",
                                                   "x",    std::string(1, '\0'),
                                                   "\xff", "A",
                                                   ".",    ".",
                                                   ".",    "-",
                                                   "+",    "_",
                                                   ".."};
  std::uniform_int_distribution<int> length(0, 8);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::string v;
  for (int n = length(rng); n > 0; --n) v += kPieces[piece(rng)];
  return v;
}

TEST(VersionTest, SortKeyAgreesWithCompareVersionsOnGeneratedVersions) {
  std::mt19937 rng(20261127);
  std::vector<std::string> versions;
  std::vector<std::string> keys;
  for (int i = 0; i < 700; ++i) {
    versions.push_back(RandomVersion(rng));
    keys.push_back(VersionSortKey(versions.back()));
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    for (std::size_t j = 0; j < versions.size(); ++j) {
      const std::string& a = versions[i];
      const std::string& b = versions[j];
      const int order = Sign(CompareVersions(a, b));
      ASSERT_EQ(MemcmpOrder(keys[i], keys[j]), order) << "'" << a << "' vs '" << b << "'";
      ASSERT_EQ(Sign(CompareVersions(b, a)), -order) << "'" << a << "' vs '" << b << "'";
      ++checked;
    }
  }
  EXPECT_EQ(checked, versions.size() * versions.size());
}

// A total order: sorting by key leaves every adjacent pair in CompareVersions order and
// every pair further apart too (transitivity over the sorted sequence).
TEST(VersionTest, SortingByKeyIsConsistentWithCompareVersions) {
  std::mt19937 rng(7);
  std::vector<std::string> versions;
  for (int i = 0; i < 400; ++i) versions.push_back(RandomVersion(rng));
  // std::string's operator< is memcmp order.
  std::sort(versions.begin(), versions.end(), [](const std::string& a, const std::string& b) {
    return VersionSortKey(a) < VersionSortKey(b);
  });
  for (std::size_t i = 0; i < versions.size(); ++i) {
    for (std::size_t j = i + 1; j < versions.size(); ++j) {
      ASSERT_LE(CompareVersions(versions[i], versions[j]), 0)
          << "'" << versions[i] << "' before '" << versions[j] << "'";
    }
  }
}

TEST(VersionTest, EqualVersionsHaveEqualKeys) {
  EXPECT_EQ(VersionSortKey("1.0"), VersionSortKey("1.0.0"));
  EXPECT_EQ(VersionSortKey("1.00-rc01"), VersionSortKey("1.0.rc1"));
  EXPECT_NE(VersionSortKey("1.0"), VersionSortKey("1.0.1"));
}

}  // namespace
}  // namespace custos::core::filter
