// Decodes any bytes as a CoAP message. Whatever decodes must be valid, must encode back to
// exactly the input (the encoding is unique), and must decode again to an equal message.
// Whatever does not decode must name an offset inside the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "coap/coap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace coap = custos::coap;
  const std::span<const std::uint8_t> bytes(data, size);
  auto message = coap::Decode(bytes);
  if (!message) {
    if (!message.error().position || *message.error().position > size) std::abort();
    (void)coap::ShouldReset(bytes);
    return 0;
  }
  if (coap::ShouldReset(bytes)) std::abort();
  if (!coap::Validate(*message)) std::abort();
  const auto wire = coap::Encode(*message);
  if (wire.size() != size || !std::equal(wire.begin(), wire.end(), bytes.begin())) std::abort();
  auto again = coap::Decode(wire);
  if (!again || !(*again == *message)) std::abort();
  (void)coap::UnrecognisedCritical(message->options, coap::option::kKnown);
  (void)coap::InvalidLengthOptions(message->options);
  (void)coap::GetBlock1(message->options);
  (void)coap::GetBlock2(message->options);
  return 0;
}
