// What a client-side block-wise state machine (BlockwiseDownload, BlockwiseUpload) asks of
// its caller after each response: send the next request, or take the final response, or
// give up with an error.
#pragma once

#include "coap/code.h"
#include "coap/message.h"
#include "core/error.h"

namespace custos::coap {

struct BlockwiseStep {
  enum class Kind {
    kSend,    // send `message` (the caller fills in type, message id and token)
    kDone,    // the transfer is complete; `message` is the final response
    kFailed,  // the transfer ended with `error`; `message` is the response that ended it,
              // if one did (a 4.xx or 5.xx), or an empty Message
  };

  Kind kind = Kind::kFailed;
  Message message;
  core::Error error;

  static BlockwiseStep Send(Message request) { return {Kind::kSend, std::move(request), {}}; }
  static BlockwiseStep Done(Message response) { return {Kind::kDone, std::move(response), {}}; }
  static BlockwiseStep Failed(core::Error error, Message response = {}) {
    return {Kind::kFailed, std::move(response), std::move(error)};
  }
};

// The protocol-neutral code for an error response (class 4 or 5): 4.04 → kNotFound,
// 4.13 → kPayloadTooLarge, 5.03 → kUnavailable and so on; kInternal for a code it does not
// map.
core::ErrorCode ErrorCodeForResponse(Code code);

// A Failed step for the error response `response`, its message naming the code, the Size1
// of a 4.13 (the most the server accepts) and the start of any diagnostic payload.
BlockwiseStep FailedByResponse(Message response);

}  // namespace custos::coap
