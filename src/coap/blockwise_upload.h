// The client side of Block1 (RFC 7959 §2.5): sends a request body from a BodySource one
// block per request, following the server's 2.31 Continue.
#pragma once

#include <cstddef>
#include <cstdint>

#include "coap/block.h"
#include "coap/blockwise_step.h"
#include "coap/body_source.h"
#include "coap/message.h"
#include "core/error.h"

namespace custos::coap {

struct UploadOptions {
  // The largest block size to send; the server may ask for smaller ones.
  std::uint8_t szx = kMaxSzx;
  // Whether the first block carries Size1 = the body's size (§4), so that a server that
  // cannot take that much refuses at once with 4.13 instead of after many blocks.
  bool announce_size = true;
};

// Drive it with FirstRequest() and then OnResponse() for each response; every kSend step
// is the next request (the caller fills in type, message id and token). Each request is
// the original one (its payload ignored) with Block1 and a slice of the body.
//
// A body that fits one block goes whole in the first request, without Block1, and any
// response ends the upload. Otherwise each 2.31 Continue (or other 2.xx, from a server that
// stores blocks as they come) echoing the block just sent brings the next block; when its
// SZX is smaller, the rest goes in blocks of that size from the offset reached, NUM counted
// in the new size (§2.5, Figure 7). The response to the last block (M = 0) ends it: kDone
// for 2.xx, which may carry Block2 M = 1 for a block-wise response body to fetch with a
// BlockwiseDownload (Figure 8). A 4.xx or 5.xx ends it with FailedByResponse (4.13 with its
// Size1 → kPayloadTooLarge, 4.08 → kFailedPrecondition); a response that echoes another
// block, a 2.31 to the last block, or a 2.xx without Block1 to an earlier one is
// kInvalidArgument; a body read error ends it with that error.
class BlockwiseUpload {
 public:
  // `body` must outlive the upload.
  BlockwiseUpload(Message request, const BodySource& body, UploadOptions options = {});

  // Errors: the body's read errors; kPayloadTooLarge for a body that would need more than
  // 2^20 blocks.
  core::Result<Message> FirstRequest();
  BlockwiseStep OnResponse(const Message& response);

  // Bytes sent in requests the server has answered.
  std::size_t acknowledged() const { return acknowledged_; }

 private:
  core::Result<Message> BlockRequest(std::size_t offset, std::uint8_t szx);
  BlockwiseStep Fail(core::Error error);

  Message base_;
  const BodySource& body_;
  UploadOptions options_;
  bool blockwise_ = false;
  Block sent_;                   // the Block1 of the request in flight
  std::size_t sent_length_ = 0;  // its payload size
  std::size_t acknowledged_ = 0;
  bool ended_ = false;
};

}  // namespace custos::coap
