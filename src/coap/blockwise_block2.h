// The server side of Block2 (RFC 7959 §2.4): one block of a response body per request. It
// keeps no state: each request names the block it wants, and the body (a BodySource) is
// read at that block's offset.
#pragma once

#include <cstdint>

#include "coap/body_source.h"
#include "coap/message.h"
#include "core/error.h"

namespace custos::coap {

// The response to `request` carrying the block of `body` it asks for, built on `head` (the
// handler's response without its body: code, options; type, id and token are copied and
// left to the caller).
//
// - A request without Block2 whose body fits one block of `preferred_szx` gets the whole
//   body and no Block2 option; Size2 only when the request carried Size2 (0), the "size
//   request" of §4.
// - A request without Block2 for a larger body gets block 0 of `preferred_szx` with M=1
//   ("late negotiation": the client learns the body is block-wise from that response).
// - A request with Block2 gets block NUM at SZX = min(requested SZX, `preferred_szx`); when
//   the server's SZX is smaller, NUM is converted so the block starts at the offset the
//   client asked for (§2.4: the server may answer with a smaller block).
// - Every block-wise response carries Block2 (NUM, M = more bytes follow, SZX), Size2 (the
//   body's size) and, unless `head` has one, ETag = body.ETag(), so that a client notices a
//   body that changed between two blocks (§2.4).
// - A block that starts at or past the end of the body (other than block 0 of an empty
//   body) gets 4.02 Bad Option with a diagnostic payload, and so does a Block2 value longer
//   than 3 bytes; SZX 7 gets 4.00 Bad Request (§2.2).
//
// Errors (to be answered 5.00 by the caller): the body's read errors, and kPayloadTooLarge
// for a body too large to be numbered in 2^20 blocks of the chosen size.
core::Result<Message> ServeBlock2(const Message& request, const Message& head,
                                  const BodySource& body, std::uint8_t preferred_szx);

}  // namespace custos::coap
