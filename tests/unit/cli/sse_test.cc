#include "cli/sse.h"

#include <gtest/gtest.h>

#include <vector>

namespace custos::cli {
namespace {

std::vector<SseEvent> Parse(const std::vector<std::string>& pieces) {
  SseParser parser;
  std::vector<SseEvent> events;
  for (const auto& piece : pieces) {
    parser.Feed(piece, [&](const SseEvent& e) { events.push_back(e); });
  }
  return events;
}

TEST(SseTest, ParsesEventsWithIdTypeAndData) {
  auto events = Parse({"id: 1042\nevent: device.retired\ndata: {\"seq\":1042}\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "1042");
  EXPECT_EQ(events[0].event, "device.retired");
  EXPECT_EQ(events[0].data, "{\"seq\":1042}");
}

TEST(SseTest, PiecesMaySplitAnywhere) {
  const std::string stream = "id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\rdata: y\r\r";
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  auto events = Parse(bytes);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "x");
  EXPECT_EQ(events[1].id, "2");
  EXPECT_EQ(events[1].event, "message");
  EXPECT_EQ(events[1].data, "y");
}

TEST(SseTest, SkipsCommentsAndJoinsDataLines) {
  auto events = Parse({": keep-alive\n\n", "data: a\ndata:b\nretry: 10\n\n"});
  ASSERT_EQ(events.size(), 1u) << "a comment alone dispatches nothing";
  EXPECT_EQ(events[0].data, "a\nb");
}

TEST(SseTest, RemembersTheLastIdForReconnecting) {
  SseParser parser;
  parser.Feed("id: 7\ndata: x\n\nid: 8\ndata: y\n\n", [](const SseEvent&) {});
  EXPECT_EQ(parser.LastEventId(), "8");
}

}  // namespace
}  // namespace custos::cli
