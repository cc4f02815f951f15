// Property: every valid packet encodes to bytes that decode to an equal packet, and every
// byte string that decodes is valid and survives encoding and decoding again.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "mqtt/mqtt.h"

namespace custos::mqtt {
namespace {

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int one_in) { return Uniform(1, one_in) == 1; }

  // Printable ASCII with some two-, three- and four-byte characters.
  std::string Text(int max, const char* exclude = "") {
    static const char* const kWide[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    std::string s;
    for (int n = Uniform(0, max); n > 0; --n) {
      if (Chance(8)) {
        s += kWide[Uniform(0, 2)];
        continue;
      }
      char c = static_cast<char>(Uniform(0x20, 0x7e));
      while (std::string_view(exclude).find(c) != std::string_view::npos) c = 'x';
      s += c;
    }
    return s;
  }

  std::vector<std::uint8_t> Binary(int max) {
    std::vector<std::uint8_t> b(Uniform(0, max));
    for (auto& x : b) x = static_cast<std::uint8_t>(Uniform(0, 255));
    return b;
  }

  std::string TopicName() {
    std::string name;
    for (int levels = Uniform(1, 4); levels > 0; --levels) {
      if (!name.empty()) name += '/';
      name += Text(6, "/+#");
    }
    return name.empty() ? "t" : name;
  }

  std::string TopicFilter(bool v5) {
    if (v5 && Chance(6)) return "$share/" + Text(4, "/+#") + "g/" + TopicFilter(false);
    std::string filter;
    const int levels = Uniform(1, 4);
    for (int i = 0; i < levels; ++i) {
      if (i > 0) filter += '/';
      if (Chance(4)) {
        filter += '+';
      } else if (i == levels - 1 && Chance(4)) {
        filter += '#';
      } else {
        filter += Text(5, "/+#");
      }
    }
    return filter.empty() ? "f" : filter;
  }

  QoS AnyQos() { return static_cast<QoS>(Uniform(0, 2)); }

  ReasonCode CodeFor(PacketType type) {
    std::vector<ReasonCode> codes;
    for (int c = 0; c < 256; ++c) {
      if (ValidFor(static_cast<ReasonCode>(c), type)) codes.push_back(static_cast<ReasonCode>(c));
    }
    return codes[Uniform(0, static_cast<int>(codes.size()) - 1)];
  }

  // Properties allowed in `type` (or in the Will), each with a value of its type and range.
  Properties AnyProperties(PacketType type, bool will = false) {
    Properties properties;
    for (int n = Uniform(0, 4); n > 0; --n) {
      const auto id = static_cast<PropertyId>(Uniform(1, 0x2a));
      const auto kind = PropertyTypeOf(static_cast<std::uint32_t>(id));
      if (!kind || !(will ? AllowedInWill(id) : AllowedIn(id, type))) continue;
      if (properties.Has(id) && !MayRepeat(id, type)) continue;
      properties.Add(Property{id, Value(id, *kind)});
      if (id == PropertyId::kAuthenticationData &&
          !properties.Has(PropertyId::kAuthenticationMethod)) {
        properties.SetAuthenticationMethod(Text(8));
      }
    }
    return properties;
  }

  Packet AnyPacket(Version v) {
    const bool v5 = v == Version::kV5;
    const Properties none;
    switch (Uniform(1, v5 ? 15 : 14)) {
      case 1: {
        Connect c;
        c.version = v;
        c.clean_start = Chance(2);
        c.keep_alive = static_cast<std::uint16_t>(Uniform(0, 65535));
        c.client_id = Text(23);
        if (v5) c.properties = AnyProperties(PacketType::kConnect);
        if (Chance(2)) {
          c.will = Will{TopicName(), Binary(20), AnyQos(), Chance(2),
                        v5 ? AnyProperties(PacketType::kConnect, true) : none};
        }
        if (Chance(2)) c.username = Text(10);
        if ((c.username || v5) && Chance(2)) c.password = Binary(10);
        return c;
      }
      case 2: {
        Connack c;
        c.reason_code = v5 ? CodeFor(PacketType::kConnack)
                           : FromConnectReturnCode(static_cast<ConnectReturnCode>(Uniform(0, 5)));
        c.session_present = !IsFailure(c.reason_code) && Chance(2);
        if (v5) c.properties = AnyProperties(PacketType::kConnack);
        return c;
      }
      case 3: {
        Publish p;
        p.qos = AnyQos();
        p.dup = p.qos != QoS::kAtMostOnce && Chance(3);
        p.retain = Chance(2);
        p.packet_id = p.qos == QoS::kAtMostOnce ? 0 : static_cast<std::uint16_t>(Uniform(1, 65535));
        if (v5) p.properties = AnyProperties(PacketType::kPublish);
        p.topic = v5 && p.properties.TopicAlias() && Chance(2) ? "" : TopicName();
        p.payload = Binary(Chance(10) ? 400 : 20);
        return p;
      }
      case 4:
        return Response<PacketType::kPuback>(v);
      case 5:
        return Response<PacketType::kPubrec>(v);
      case 6:
        return Response<PacketType::kPubrel>(v);
      case 7:
        return Response<PacketType::kPubcomp>(v);
      case 8: {
        Subscribe s;
        s.packet_id = static_cast<std::uint16_t>(Uniform(1, 65535));
        if (v5) s.properties = AnyProperties(PacketType::kSubscribe);
        for (int n = Uniform(1, 4); n > 0; --n) {
          Subscription sub{TopicFilter(v5), AnyQos()};
          if (v5) {
            sub.no_local = !ParseSharedSubscription(sub.filter) && Chance(2);
            sub.retain_as_published = Chance(2);
            sub.retain_handling = static_cast<RetainHandling>(Uniform(0, 2));
          }
          s.subscriptions.push_back(std::move(sub));
        }
        return s;
      }
      case 9: {
        Suback s;
        s.packet_id = static_cast<std::uint16_t>(Uniform(1, 65535));
        if (v5) s.properties = AnyProperties(PacketType::kSuback);
        for (int n = Uniform(1, 4); n > 0; --n) {
          static constexpr ReasonCode kV311[] = {ReasonCode::kGrantedQos0, ReasonCode::kGrantedQos1,
                                                 ReasonCode::kGrantedQos2,
                                                 ReasonCode::kUnspecifiedError};
          s.reason_codes.push_back(v5 ? CodeFor(PacketType::kSuback) : kV311[Uniform(0, 3)]);
        }
        return s;
      }
      case 10: {
        Unsubscribe u;
        u.packet_id = static_cast<std::uint16_t>(Uniform(1, 65535));
        if (v5) u.properties = AnyProperties(PacketType::kUnsubscribe);
        for (int n = Uniform(1, 4); n > 0; --n) u.filters.push_back(TopicFilter(v5));
        return u;
      }
      case 11: {
        Unsuback u;
        u.packet_id = static_cast<std::uint16_t>(Uniform(1, 65535));
        if (v5) {
          u.properties = AnyProperties(PacketType::kUnsuback);
          for (int n = Uniform(1, 4); n > 0; --n)
            u.reason_codes.push_back(CodeFor(PacketType::kUnsuback));
        }
        return u;
      }
      case 12:
        return Pingreq{};
      case 13:
        return Pingresp{};
      case 14: {
        Disconnect d;
        if (v5 && Chance(2)) {
          d.reason_code = CodeFor(PacketType::kDisconnect);
          d.properties = AnyProperties(PacketType::kDisconnect);
        }
        return d;
      }
      default: {
        Auth a;
        if (Chance(3)) return a;
        a.reason_code = CodeFor(PacketType::kAuth);
        a.properties = AnyProperties(PacketType::kAuth);
        return a;
      }
    }
  }

 private:
  PropertyValue Value(PropertyId id, PropertyType kind) {
    switch (kind) {
      case PropertyType::kByte:
        return std::uint32_t(Uniform(0, 1));  // every Byte property is a flag
      case PropertyType::kTwoByteInteger:
        return std::uint32_t(Uniform(1, 65535));
      case PropertyType::kFourByteInteger:
        return std::uint32_t(Chance(4) ? 0xffffffffu : Uniform(1, 1 << 30));
      case PropertyType::kVariableByteInteger:
        return std::uint32_t(Chance(4) ? kMaxVariableByteInteger : Uniform(1, 20000));
      case PropertyType::kUtf8String:
        return id == PropertyId::kResponseTopic ? TopicName() : Text(12);
      case PropertyType::kBinaryData:
        return Binary(12);
      case PropertyType::kUtf8StringPair:
        return StringPair{Text(6), Text(6)};
    }
    return std::uint32_t{0};
  }

  template <PacketType T>
  PublishResponse<T> Response(Version v) {
    PublishResponse<T> r;
    r.packet_id = static_cast<std::uint16_t>(Uniform(1, 65535));
    if (v == Version::kV5 && Chance(2)) {
      r.reason_code = CodeFor(T);
      if (Chance(2)) r.properties = AnyProperties(T);
    }
    return r;
  }

  std::mt19937 rng_;
};

TEST(RoundTripTest, GeneratedPackets) {
  Generator gen(311);
  for (Version v : {Version::kV311, Version::kV5}) {
    for (int i = 0; i < 5000; ++i) {
      const Packet packet = gen.AnyPacket(v);
      auto valid = Validate(packet, v);
      ASSERT_TRUE(valid) << i << ": " << valid.error().message;
      const auto wire = Encode(packet, v);
      ASSERT_EQ(wire.size(), EncodedSize(packet, v));
      auto decoded = Decode(wire, v);
      ASSERT_TRUE(decoded) << i << ": " << decoded.error().message;
      ASSERT_EQ(*decoded, packet) << i << ": " << ToString(TypeOf(packet));
    }
  }
}

TEST(RoundTripTest, GeneratedStreamThroughTheFramer) {
  Generator gen(5);
  std::vector<std::uint8_t> stream;
  std::vector<Packet> sent;
  for (int i = 0; i < 2000; ++i) {
    Packet p = gen.AnyPacket(Version::kV5);
    if (!SentByServer(TypeOf(p))) continue;
    EncodeTo(p, Version::kV5, stream);
    sent.push_back(std::move(p));
  }
  Framer framer = Framer::ForClient(Version::kV5);
  std::vector<Packet> received;
  for (std::size_t at = 0; at < stream.size(); at += 7) {
    framer.Feed(std::span(stream).subspan(at, std::min<std::size_t>(7, stream.size() - at)));
    for (auto next = framer.Next(); next && *next; next = framer.Next()) {
      received.push_back(std::move(**next));
    }
    ASSERT_FALSE(framer.failed()) << framer.Next().error().message;
  }
  EXPECT_EQ(received, sent);
}

TEST(RoundTripTest, MutatedBytesThatDecodeAreValidAndStable) {
  Generator gen(1883);
  int decoded_count = 0;
  for (Version v : {Version::kV311, Version::kV5}) {
    for (int i = 0; i < 5000; ++i) {
      auto wire = Encode(gen.AnyPacket(v), v);
      for (int flips = gen.Uniform(1, 3); flips > 0; --flips) {
        const int at = gen.Uniform(0, static_cast<int>(wire.size()) - 1);
        wire[at] = static_cast<std::uint8_t>(gen.Uniform(0, 255));
      }
      auto decoded = Decode(wire, v);
      if (!decoded) {
        ASSERT_TRUE(decoded.error().position.has_value()) << decoded.error().message;
        ASSERT_LE(*decoded.error().position, wire.size());
        continue;
      }
      ++decoded_count;
      auto valid = Validate(*decoded, v);
      ASSERT_TRUE(valid) << valid.error().message;
      auto again = Decode(Encode(*decoded, v), v);
      ASSERT_TRUE(again) << again.error().message;
      ASSERT_EQ(*again, *decoded);
    }
  }
  EXPECT_GT(decoded_count, 500);
}

}  // namespace
}  // namespace custos::mqtt
