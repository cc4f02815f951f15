// Observe on the client side (RFC 7641): the order of notifications and the table of
// observations, with the exchange of RFC 7641 Figure 3 byte for byte.
#include <gtest/gtest.h>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using std::chrono::seconds;
using testing::Bytes;
using testing::Concat;
using testing::Parse;
using testing::Text;
using testing::Wire;
using Verdict = ObservationTable::Verdict;

const Peer kServer = Peer::V4({192, 0, 2, 5}, 5683);
const Peer kOther = Peer::V4({192, 0, 2, 6}, 5683);
const TimePoint kStart = TimePoint{} + std::chrono::hours(1);
constexpr std::uint32_t k2To23 = 1u << 23;

TEST(ObservationOrderTest, SerialArithmeticIn24Bits) {
  EXPECT_TRUE(IsNewerSequence(9, 16));
  EXPECT_FALSE(IsNewerSequence(16, 9));
  EXPECT_FALSE(IsNewerSequence(16, 16));
  // V1 < V2 and V2 - V1 < 2^23.
  EXPECT_TRUE(IsNewerSequence(5, 5 + k2To23 - 1));
  EXPECT_FALSE(IsNewerSequence(5, 5 + k2To23));  // exactly half the space: neither is newer
  EXPECT_FALSE(IsNewerSequence(5 + k2To23, 5));
  // V1 > V2 and V1 - V2 > 2^23: V2 has wrapped around past 2^24 - 1.
  EXPECT_TRUE(IsNewerSequence(0xffffff, 0));
  EXPECT_TRUE(IsNewerSequence(0xfffff0, 0x00000f));
  EXPECT_FALSE(IsNewerSequence(0, 0xffffff));
  EXPECT_TRUE(IsNewerSequence(k2To23 + 2, 1));
  EXPECT_FALSE(IsNewerSequence(k2To23 + 1, 1));
  // Only the low 24 bits count.
  EXPECT_TRUE(IsNewerSequence(0x1ffffff, 0x1000000));
}

// §3.4: after 128 s the sequence numbers no longer matter.
TEST(ObservationOrderTest, MoreThan128SecondsLaterIsFresher) {
  EXPECT_FALSE(IsFresher(16, kStart, 9, kStart + seconds(128)));
  EXPECT_TRUE(IsFresher(16, kStart, 9, kStart + seconds(128) + std::chrono::milliseconds(1)));
  EXPECT_TRUE(IsFresher(16, kStart, 17, kStart));
}

// RFC 7641 Figure 3: the GET registers (Token 0x4a, Observe 0, Uri-Path "temperature"),
// the piggybacked 2.05 carries Observe 9 and "18.5 Cel", the NON notification Observe 16
// and "19.2 Cel". The headers are the figure's: 0x41011633, 0x61451633, 0x51457b50.
const std::vector<std::uint8_t> kRegistration =
    Concat(Bytes({0x41, 0x01, 0x16, 0x33, 0x4a, 0x60, 0x5b}), Text("temperature"));
const std::vector<std::uint8_t> kFirstResponse =
    Concat(Bytes({0x61, 0x45, 0x16, 0x33, 0x4a, 0x61, 0x09, 0x81, 0x0f, 0xff}), Text("18.5 Cel"));
const std::vector<std::uint8_t> kNotification =
    Concat(Bytes({0x51, 0x45, 0x7b, 0x50, 0x4a, 0x61, 0x10, 0x81, 0x0f, 0xff}), Text("19.2 Cel"));

TEST(ObservationTableTest, Rfc7641Figure3) {
  Message get;
  get.code = codes::kGet;
  get.token = Bytes({0x4a});
  SetObserve(get.options, 0);
  SetUriPath(get.options, "/temperature");
  ASSERT_EQ(Wire(get, Type::kConfirmable, 0x1633), kRegistration);

  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, get));
  EXPECT_EQ(table.OnResponse(kServer, Parse(kFirstResponse), kStart + seconds(9)),
            Verdict::kDeliver);
  EXPECT_EQ(table.OnResponse(kServer, Parse(kNotification), kStart + seconds(16)),
            Verdict::kDeliver);
  // A copy of the first response arriving late is older by its sequence number.
  EXPECT_EQ(table.OnResponse(kServer, Parse(kFirstResponse), kStart + seconds(20)),
            Verdict::kStale);
  // §3.6: the same token from another endpoint is no observation of ours.
  EXPECT_EQ(table.OnResponse(kOther, Parse(kNotification), kStart + seconds(21)),
            Verdict::kUnknown);
}

TEST(ObservationTableTest, ReorderedNotificationsAreStale) {
  Message get;
  get.code = codes::kGet;
  get.token = Bytes({1, 2, 3, 4});
  SetObserve(get.options, 0);
  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, get));
  auto notification = [&](std::uint32_t sequence) {
    Message n;
    n.type = Type::kNonConfirmable;
    n.code = codes::kContent;
    n.token = get.token;
    SetObserve(n.options, sequence);
    return n;
  };
  EXPECT_EQ(table.OnResponse(kServer, notification(0xfffffe), kStart), Verdict::kDeliver);
  EXPECT_EQ(table.OnResponse(kServer, notification(1), kStart + seconds(1)), Verdict::kDeliver);
  EXPECT_EQ(table.OnResponse(kServer, notification(0xffffff), kStart + seconds(2)),
            Verdict::kStale);  // sent before 1, across the wrap
  EXPECT_EQ(table.OnResponse(kServer, notification(1), kStart + seconds(3)),
            Verdict::kStale);  // a duplicate
  EXPECT_EQ(table.OnResponse(kServer, notification(0), kStart + seconds(129)),
            Verdict::kStale);  // 128 s after the freshest: not more than 128 s
  EXPECT_EQ(table.OnResponse(kServer, notification(0), kStart + seconds(130)),
            Verdict::kDeliver);  // 129 s: the numbers no longer count
  EXPECT_EQ(table.OnResponse(kServer, notification(2), kStart + seconds(131)), Verdict::kDeliver);
}

Message Registration(std::vector<std::uint8_t> token) {
  Message get;
  get.code = codes::kGet;
  get.token = std::move(token);
  SetObserve(get.options, 0);
  SetUriPath(get.options, "/3/0/9");
  return get;
}

// RFC 8132 §2.4: a FETCH is observed as a GET is; other methods are not.
TEST(ObservationTableTest, RegistersAFetchButNotAPost) {
  ObservationTable table;
  Message fetch = Registration(Bytes({3}));
  fetch.code = codes::kFetch;
  EXPECT_TRUE(table.Register(kServer, fetch));
  Message post = Registration(Bytes({4}));
  post.code = codes::kPost;
  auto refused = table.Register(kServer, post);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(ActiveCancelRequest(fetch).code, codes::kFetch);
}

TEST(ObservationTableTest, AResponseWithoutObserveOrAnErrorEndsIt) {
  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({1}))));
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({2}))));
  Message plain;
  plain.code = codes::kContent;
  plain.token = Bytes({1});  // the server answered but did not register us
  EXPECT_EQ(table.OnResponse(kServer, plain, kStart), Verdict::kEnded);
  EXPECT_FALSE(table.Contains(kServer, Bytes({1})));
  Message gone;
  gone.code = codes::kNotFound;
  gone.token = Bytes({2});
  SetObserve(gone.options, 7);  // an error ends it, Observe or not (§3.2)
  EXPECT_EQ(table.OnResponse(kServer, gone, kStart), Verdict::kEnded);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.OnResponse(kServer, gone, kStart), Verdict::kUnknown);
}

// §3.6: a passive cancel forgets the token; the next notification is unknown (RST).
TEST(ObservationTableTest, PassiveCancel) {
  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({9, 9}))));
  EXPECT_TRUE(table.Cancel(kServer, Bytes({9, 9})));
  EXPECT_FALSE(table.Cancel(kServer, Bytes({9, 9})));
  Message notification;
  notification.code = codes::kContent;
  notification.token = Bytes({9, 9});
  SetObserve(notification.options, 3);
  EXPECT_EQ(table.OnResponse(kServer, notification, kStart), Verdict::kUnknown);
}

// §3.6: an active cancel is a GET with the same token and options and Observe 1: here the
// Figure 3 registration, CON GET 0x1634, Token 0x4a, Observe 1, Uri-Path "temperature".
TEST(ObservationTableTest, ActiveCancelRequest) {
  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, Parse(kRegistration)));
  auto cancel = table.CancelRequest(kServer, Bytes({0x4a}));
  ASSERT_TRUE(cancel);
  EXPECT_EQ(Wire(*cancel, Type::kConfirmable, 0x1634),
            Concat(Bytes({0x41, 0x01, 0x16, 0x34, 0x4a, 0x61, 0x01, 0x5b}), Text("temperature")));
  EXPECT_FALSE(table.CancelRequest(kServer, Bytes({0x4b})));
  // Notifications crossing the cancel still count; the answer to it, without Observe,
  // ends the observation.
  EXPECT_EQ(table.OnResponse(kServer, Parse(kNotification), kStart), Verdict::kDeliver);
  Message answer;
  answer.code = codes::kContent;
  answer.token = Bytes({0x4a});
  EXPECT_EQ(table.OnResponse(kServer, answer, kStart), Verdict::kEnded);
  EXPECT_FALSE(table.Contains(kServer, Bytes({0x4a})));
}

TEST(ObservationTableTest, RegisterRefusesWhatIsNotARegistration) {
  ObservationTable table;
  Message put = Registration(Bytes({1}));
  put.code = codes::kPut;
  EXPECT_EQ(table.Register(kServer, put).error().code, core::ErrorCode::kInvalidArgument);
  Message deregister = Registration(Bytes({1}));
  SetObserve(deregister.options, 1);
  EXPECT_EQ(table.Register(kServer, deregister).error().code, core::ErrorCode::kInvalidArgument);
  Message plain = Registration(Bytes({1}));
  plain.options.Remove(option::kObserve);
  EXPECT_EQ(table.Register(kServer, plain).error().code, core::ErrorCode::kInvalidArgument);
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({1}))));
  EXPECT_EQ(table.Register(kServer, Registration(Bytes({1}))).error().code,
            core::ErrorCode::kAlreadyExists);
  EXPECT_TRUE(table.Register(kOther, Registration(Bytes({1}))));  // tokens are per peer
}

TEST(ObservationTableTest, TokensDifferingOnlyInLengthAreDifferent) {
  ObservationTable table;
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({0, 1}))));
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({1}))));
  ASSERT_TRUE(table.Register(kServer, Registration({})));
  EXPECT_EQ(table.size(), 3u);
  EXPECT_TRUE(table.Cancel(kServer, Bytes({1})));
  EXPECT_TRUE(table.Contains(kServer, Bytes({0, 1})));
  EXPECT_TRUE(table.Contains(kServer, {}));
}

TEST(ObservationTableTest, LimitsPerPeerAndInAll) {
  ObservationTable table({.per_peer = 2, .total = 3});
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({1}))));
  ASSERT_TRUE(table.Register(kServer, Registration(Bytes({2}))));
  EXPECT_EQ(table.Register(kServer, Registration(Bytes({3}))).error().code,
            core::ErrorCode::kUnavailable);
  ASSERT_TRUE(table.Register(kOther, Registration(Bytes({1}))));
  EXPECT_EQ(table.Register(kOther, Registration(Bytes({2}))).error().code,
            core::ErrorCode::kUnavailable);
  EXPECT_EQ(table.SizeFor(kServer), 2u);
  table.Cancel(kServer, Bytes({1}));
  EXPECT_TRUE(table.Register(kOther, Registration(Bytes({2}))));
}

}  // namespace
}  // namespace custos::coap
