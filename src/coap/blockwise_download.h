// The client side of Block2 (RFC 7959 §2.4): follows a block-wise response to the end,
// writing the body into a BodySink, one request per block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "coap/block.h"
#include "coap/blockwise_step.h"
#include "coap/body_sink.h"
#include "coap/message.h"

namespace custos::coap {

struct DownloadOptions {
  // The largest block size wanted. Later requests use min(this, the server's SZX).
  std::uint8_t szx = kMaxSzx;
  // Whether the first request already carries Block2 (NUM 0, SZX) ("early negotiation");
  // otherwise the server picks the size of the first block ("late negotiation").
  bool early_negotiation = false;
  // A larger body fails with kPayloadTooLarge as soon as Size2 announces it or the bytes
  // reach past it.
  std::size_t max_body = std::numeric_limits<std::size_t>::max();
  // How many times to start over from block 0 when the ETag changes mid-transfer (the
  // body changed on the server) before failing with kConflict.
  int max_restarts = 2;
};

// Drive it with FirstRequest() and then OnResponse() for each response; every kSend step
// is the next request. The requests repeat the original request's options with a new
// Block2; Observe, Block1 and Size1 are left out of every request after the first, as are
// the payload (§2.7: the Block2 phase after a Block1 upload "leaves out the Block1
// Options"; but a FETCH repeats its body, RFC 8132 §2.3.2) and Observe (§2.6: the rest of a
// notification is retrieved with requests that do not observe).
//
// Ends with kDone when a block with M = 0 arrives: the sink is finished with the whole body
// and the step carries the last response without its payload and Block2. Ends with
// kFailed, the sink aborted, on a 4.xx or 5.xx response (FailedByResponse), on a block at
// another offset than asked for (kInvalidArgument), on a payload that does not fill its
// block while M = 1 (kInvalidArgument), on a body over max_body (kPayloadTooLarge), on an
// ETag that keeps changing (kConflict) and on sink errors.
class BlockwiseDownload {
 public:
  BlockwiseDownload(Message request, BodySink& sink, DownloadOptions options = {});

  // The first request: the original one, with Block2 (0, SZX) under early negotiation.
  Message FirstRequest() const;
  // Takes the response to the latest request. A response that is not block-wise ends the
  // transfer at once, its payload being the whole body. The first response may also come
  // from elsewhere, such as the final response of a Block1 upload (RFC 7959 Figure 8).
  BlockwiseStep OnResponse(const Message& response);

  // The body size the server announced in Size2 (an estimate, §4), if it did.
  std::optional<std::size_t> announced_size() const { return announced_size_; }
  // Bytes received of the current version of the body.
  std::size_t received() const { return next_offset_; }
  int restarts() const { return restarts_; }

 private:
  BlockwiseStep Fail(core::ErrorCode code, std::string message);
  BlockwiseStep Finish(const Message& response, std::size_t size);
  Message NextRequest(std::uint32_t num, std::uint8_t szx) const;

  Message base_;  // the follow-up request without Block2
  Message first_;
  BodySink& sink_;
  DownloadOptions options_;
  std::size_t next_offset_ = 0;
  // The SZX of the Block2 in the latest request; none when it carried no Block2, and then
  // the server may choose any size.
  std::optional<std::uint8_t> asked_szx_;
  bool started_ = false;            // a block of the current version has arrived
  std::vector<std::uint8_t> etag_;  // that block's ETag; empty when it had none
  std::optional<std::size_t> announced_size_;
  int restarts_ = 0;
  bool ended_ = false;
};

}  // namespace custos::coap
