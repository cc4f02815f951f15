// A CoAP message (RFC 7252 §3): always version 1, so the version is not stored.
#pragma once

#include <cstdint>
#include <vector>

#include "coap/code.h"
#include "coap/option.h"

namespace custos::coap {

enum class Type : std::uint8_t {
  kConfirmable = 0,
  kNonConfirmable = 1,
  kAcknowledgement = 2,
  kReset = 3,
};

// "CON", "NON", "ACK", "RST".
const char* ToString(Type type);

inline constexpr std::size_t kMaxTokenLength = 8;

struct Message {
  Type type = Type::kConfirmable;
  Code code = codes::kEmpty;
  std::uint16_t message_id = 0;
  std::vector<std::uint8_t> token;  // 0..8 bytes
  OptionList options;
  std::vector<std::uint8_t> payload;

  bool operator==(const Message&) const = default;
};

}  // namespace custos::coap
