#include "coap/blockwise_block2.h"

#include <algorithm>
#include <limits>
#include <string>

#include "coap/block.h"
#include "coap/code.h"
#include "coap/typed_options.h"

namespace custos::coap {
namespace {

// An error response with a diagnostic payload (RFC 7252 §5.5.2) and none of the head's
// options: they describe a representation this response does not carry.
Message ErrorResponse(const Message& head, Code code, std::string_view diagnostic) {
  Message response;
  response.type = head.type;
  response.message_id = head.message_id;
  response.token = head.token;
  response.code = code;
  response.payload.assign(diagnostic.begin(), diagnostic.end());
  return response;
}

}  // namespace

core::Result<Message> ServeBlock2(const Message& request, const Message& head,
                                  const BodySource& body, std::uint8_t preferred_szx) {
  preferred_szx = std::min(preferred_szx, kMaxSzx);
  auto requested = GetBlock2(request.options);
  if (!requested) {
    // §2.2: SZX 7 "MUST lead to a 4.00 Bad Request response code upon reception in a
    // request"; a value over 3 bytes is an option of invalid length, which RFC 7252 §5.4.3
    // treats as an unrecognised option, and Block2 is critical: 4.02.
    const bool too_long = request.options.Find(option::kBlock2)->value.size() > 3;
    return ErrorResponse(head, too_long ? codes::kBadOption : codes::kBadRequest,
                         requested.error().message);
  }
  const std::size_t size = body.Size();
  Message response = head;
  response.payload.clear();
  response.options.Remove(option::kBlock2);

  if (!*requested && size <= (std::size_t{16} << preferred_szx)) {
    auto bytes = body.Read(0, size);
    if (!bytes) return tl::unexpected(bytes.error());
    response.payload = std::move(*bytes);
    if (Size2(request.options)) SetSize2(response.options, static_cast<std::uint32_t>(size));
    return response;
  }

  Block block{0, false, preferred_szx};
  if (const std::optional<Block>& asked = *requested) {
    block.szx = std::min(asked->szx, preferred_szx);
    // A smaller block than asked for starts at the same offset: NUM scales by the ratio.
    block.num = asked->num << (asked->szx - block.szx);
  }
  if (size > 0 && ((size - 1) >> (block.szx + 4)) > kMaxBlockNum) {
    const std::string what = "a body of " + std::to_string(size) + " bytes";
    return core::MakeError(
        core::ErrorCode::kPayloadTooLarge,
        what + " needs more than 2^20 blocks of " + std::to_string(block.Size()) + " bytes");
  }
  const std::size_t offset = block.Offset();
  if (offset >= size && !(block.num == 0 && size == 0)) {
    // RFC 7959 defines no code of its own for a NUM past the end. §2.2 makes NUM the number
    // of the block being requested and §2.4 has the client ask for "additional blocks of
    // the resource representation"; a block the representation does not have is a value of
    // a critical option the server cannot act on, which RFC 7252 §5.9.2.3 answers with
    // 4.02 Bad Option ("unrecognized or malformed options"; the client "SHOULD NOT repeat
    // the request without modification").
    return ErrorResponse(head, codes::kBadOption,
                         "block " + std::to_string(block.num) + " starts past the end of a " +
                             std::to_string(size) + "-byte body");
  }
  auto bytes = body.Read(offset, block.Size());
  if (!bytes) return tl::unexpected(bytes.error());
  block.more = offset + bytes->size() < size;
  response.payload = std::move(*bytes);
  (void)SetBlock2(response.options, block);  // num and szx are in range, checked above
  SetSize2(response.options, static_cast<std::uint32_t>(size));
  if (!response.options.Has(option::kETag)) AddETag(response.options, body.ETag());
  return response;
}

}  // namespace custos::coap
