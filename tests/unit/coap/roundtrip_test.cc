// Property: every valid message encodes to bytes that decode to an equal message, and every
// byte string that decodes encodes back to itself.
#include <gtest/gtest.h>

#include <random>

#include "coap/coap.h"

namespace custos::coap {
namespace {

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::vector<std::uint8_t> RandomBytes(int max) {
    std::vector<std::uint8_t> bytes(Uniform(0, max));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(Uniform(0, 255));
    return bytes;
  }

  // Lengths biased towards the boundaries of the extended forms.
  std::size_t OptionLength() {
    static constexpr std::size_t kLengths[] = {0, 1, 12, 13, 14, 268, 269, 270, 1034};
    return Uniform(0, 3) == 0 ? kLengths[Uniform(0, 8)] : Uniform(0, 20);
  }

  std::uint16_t OptionNumber(std::uint16_t previous) {
    static constexpr int kDeltas[] = {0, 1, 12, 13, 14, 268, 269, 270, 5000};
    const int delta = Uniform(0, 2) == 0 ? kDeltas[Uniform(0, 8)] : Uniform(0, 30);
    return static_cast<std::uint16_t>(std::min(65535, previous + delta));
  }

  Message RandomMessage() {
    Message m;
    m.message_id = static_cast<std::uint16_t>(Uniform(0, 65535));
    m.type = static_cast<Type>(Uniform(0, 3));
    if (m.type == Type::kReset || (m.type != Type::kNonConfirmable && Uniform(0, 5) == 0)) {
      return m;  // Empty
    }
    const bool request = m.type != Type::kAcknowledgement && Uniform(0, 1) == 0;
    m.code = request ? Code::Of(0, Uniform(1, 31)) : Code::Of(Uniform(2, 5), Uniform(0, 31));
    m.token = RandomBytes(8);
    std::uint16_t number = 0;
    for (int i = Uniform(0, 8); i > 0; --i) {
      number = OptionNumber(number);
      std::vector<std::uint8_t> value(OptionLength());
      for (auto& b : value) b = static_cast<std::uint8_t>(Uniform(0, 255));
      m.options.Add(number, std::move(value));
    }
    if (Uniform(0, 1) == 0) m.payload = RandomBytes(64);
    return m;
  }

 private:
  std::mt19937 rng_;
};

TEST(RoundTripTest, GeneratedMessages) {
  Generator gen(7252);
  for (int i = 0; i < 5000; ++i) {
    const Message m = gen.RandomMessage();
    ASSERT_TRUE(Validate(m)) << i << ": " << Validate(m).error().message;
    const auto wire = Encode(m);
    ASSERT_EQ(wire.size(), EncodedSize(m));
    auto decoded = Decode(wire);
    ASSERT_TRUE(decoded) << i << ": " << decoded.error().message;
    ASSERT_EQ(*decoded, m) << i;
  }
}

TEST(RoundTripTest, MutatedBytesThatDecodeEncodeToThemselves) {
  Generator gen(7959);
  int decoded_count = 0;
  for (int i = 0; i < 5000; ++i) {
    auto wire = Encode(gen.RandomMessage());
    for (int flips = gen.Uniform(1, 3); flips > 0; --flips) {
      const int at = gen.Uniform(0, static_cast<int>(wire.size()) - 1);
      wire[at] = static_cast<std::uint8_t>(gen.Uniform(0, 255));
    }
    if (gen.Uniform(0, 3) == 0) wire.resize(gen.Uniform(0, static_cast<int>(wire.size())));
    auto decoded = Decode(wire);
    if (!decoded) {
      ASSERT_TRUE(decoded.error().position.has_value());
      ASSERT_LE(*decoded.error().position, wire.size());
      continue;
    }
    ++decoded_count;
    ASSERT_TRUE(Validate(*decoded)) << i;
    ASSERT_EQ(Encode(*decoded), wire) << i;
  }
  EXPECT_GT(decoded_count, 0);
}

}  // namespace
}  // namespace custos::coap
