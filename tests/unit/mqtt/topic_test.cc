// Topic Names, Topic Filters and matching (v5 §4.7, §4.8.2; v3.1.1 §4.7).
#include <gtest/gtest.h>

#include <string>

#include "mqtt/mqtt.h"

namespace custos::mqtt {
namespace {

TEST(TopicTest, ValidNames) {
  for (const char* name : {"a", "/", "a/b", "//", "$SYS/broker", " ", "sport/tennis/player1"}) {
    EXPECT_TRUE(IsValidTopicName(name)) << name;
  }
}

TEST(TopicTest, InvalidNames) {
  const std::string nul("a\0b", 3);
  const std::string too_long(65536, 'a');
  for (const std::string& name : {std::string(""), std::string("a/+"), std::string("a/#"),
                                  std::string("+"), nul, std::string("\xc0\xaf"), too_long}) {
    EXPECT_FALSE(IsValidTopicName(name)) << name.substr(0, 10);
  }
  EXPECT_TRUE(IsValidTopicName(std::string(65535, 'a')));
}

TEST(TopicTest, ValidFilters) {
  for (const char* filter : {"#", "+", "sport/#", "+/tennis/#", "sport/+/player1", "/", "+/+", "/+",
                             "a//b", "$SYS/#", "$share/g/a/#", "$share/g/+"}) {
    EXPECT_TRUE(IsValidTopicFilter(filter)) << filter;
  }
}

// v5 §4.7.1.2, §4.7.1.3, §4.8.2.
TEST(TopicTest, InvalidFilters) {
  for (const char* filter :
       {"", "sport/tennis#", "sport/tennis/#/ranking", "sport+", "a/b+/c", "##", "#/", "+a",
        "$share/g", "$share//a", "$share/g/", "$share/g+/a", "$share/#/a", "$share/g/a/#/b"}) {
    EXPECT_FALSE(IsValidTopicFilter(filter)) << filter;
  }
}

TEST(TopicTest, SharedSubscriptionsAreOrdinaryFiltersIn311) {
  EXPECT_TRUE(IsValidTopicFilter("$share/g", /*shared_subscriptions=*/false));
  EXPECT_TRUE(IsValidTopicFilter("$share//a", false));
  EXPECT_FALSE(IsValidTopicFilter("$share/g/#/a", false));
}

TEST(TopicTest, ParseSharedSubscription) {
  auto shared = ParseSharedSubscription("$share/consumers/sport/+/score");
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->share_name, "consumers");
  EXPECT_EQ(shared->filter, "sport/+/score");
  EXPECT_FALSE(ParseSharedSubscription("sport/+"));
  EXPECT_FALSE(ParseSharedSubscription("$shared/x/y"));
}

struct MatchCase {
  const char* filter;
  const char* name;
  bool matches;
};

// The examples of v5 §4.7.1.2, §4.7.1.3 and §4.7.2, and the edges around empty levels.
TEST(TopicTest, MatchTable) {
  const MatchCase cases[] = {
      {"sport/tennis/player1/#", "sport/tennis/player1", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
      {"sport/tennis/player1/#", "sport/tennis/player2", false},
      {"sport/#", "sport", true},
      {"#", "sport/tennis", true},
      {"#", "/", true},
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player2", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},
      {"+", "sport", true},
      {"+", "/finance", false},
      {"+/+", "/finance", true},
      {"/+", "/finance", true},
      {"a/+/b", "a//b", true},
      {"a/+/#", "a/b", true},
      {"a/+/#", "a/b/c/d", true},
      {"a/+/#", "a", false},
      {"+/#", "a", true},
      {"a/#", "a/", true},
      {"a/b", "a/b", true},
      {"a/b", "a/b/", false},
      {"a/b", "a", false},
      {"a/b/", "a/b", false},
      {"a", "ab", false},
      {"ab", "a", false},
      // §4.7.2: wildcards at the first level do not match '$' topics.
      {"#", "$SYS/monitor/Clients", false},
      {"+/monitor/Clients", "$SYS/monitor/Clients", false},
      {"$SYS/#", "$SYS/monitor/Clients", true},
      {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
      {"a/#", "a/$b", true},
  };
  for (const MatchCase& c : cases) {
    EXPECT_EQ(TopicMatches(c.filter, c.name), c.matches) << c.filter << " vs " << c.name;
  }
}

}  // namespace
}  // namespace custos::mqtt
