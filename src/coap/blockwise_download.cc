#include "coap/blockwise_download.h"

#include <algorithm>
#include <string>

#include "coap/typed_options.h"

namespace custos::coap {
namespace {

std::vector<std::uint8_t> FirstETag(const Message& response) {
  const Option* etag = response.options.Find(option::kETag);
  return etag == nullptr ? std::vector<std::uint8_t>() : etag->value;
}

}  // namespace

BlockwiseDownload::BlockwiseDownload(Message request, BodySink& sink, DownloadOptions options)
    : base_(request), first_(std::move(request)), sink_(sink), options_(options) {
  options_.szx = std::min(options_.szx, kMaxSzx);
  // A FETCH's body says what is fetched, so every block's request repeats it (RFC 8132
  // §2.3.2); a GET has none, and the body of a Block1 upload is not sent again (§2.7).
  if (base_.code != codes::kFetch) base_.payload.clear();
  for (std::uint16_t number :
       {option::kObserve, option::kBlock1, option::kSize1, option::kBlock2}) {
    base_.options.Remove(number);
  }
  if (options_.early_negotiation) {
    (void)SetBlock2(first_.options, Block{0, false, options_.szx});
    asked_szx_ = options_.szx;
  } else if (auto block2 = GetBlock2(first_.options); block2 && *block2) {
    asked_szx_ = (*block2)->szx;
  }
}

Message BlockwiseDownload::FirstRequest() const { return first_; }

BlockwiseStep BlockwiseDownload::OnResponse(const Message& response) {
  using core::ErrorCode;
  if (ended_) return BlockwiseStep::Failed({ErrorCode::kFailedPrecondition, "transfer ended", {}});
  if (response.code.Class() != 2) {
    sink_.Abort();
    ended_ = true;
    return FailedByResponse(response);
  }
  auto decoded = GetBlock2(response.options);
  if (!decoded) return Fail(ErrorCode::kInvalidArgument, decoded.error().message);
  const std::size_t length = response.payload.size();
  if (!*decoded) {
    // Not block-wise (or no longer): the payload is the whole body.
    if (length > options_.max_body) {
      return Fail(ErrorCode::kPayloadTooLarge, "the body exceeds the limit");
    }
    if (auto written = sink_.Write(0, response.payload); !written) {
      return Fail(written.error().code, written.error().message);
    }
    return Finish(response, length);
  }
  const Block block = **decoded;
  if (asked_szx_ && block.szx > *asked_szx_) {
    return Fail(ErrorCode::kInvalidArgument,
                "the server sent a block of " + std::to_string(block.Size()) + " bytes; at most " +
                    std::to_string(16u << *asked_szx_) + " were asked for");
  }
  if (block.Offset() != next_offset_) {
    return Fail(ErrorCode::kInvalidArgument, "the server sent the block at offset " +
                                                 std::to_string(block.Offset()) + "; the one at " +
                                                 std::to_string(next_offset_) + " was asked for");
  }
  std::vector<std::uint8_t> etag = FirstETag(response);
  if (!started_) {
    etag_ = std::move(etag);
    started_ = true;
  } else if (etag != etag_) {
    // §2.4: the blocks are of another version of the body; fetch the new one from the start.
    if (restarts_ >= options_.max_restarts) {
      return Fail(ErrorCode::kConflict, "the body kept changing during the transfer");
    }
    ++restarts_;
    started_ = false;
    next_offset_ = 0;
    announced_size_.reset();
    const std::uint8_t szx = std::min(block.szx, options_.szx);
    asked_szx_ = szx;
    return BlockwiseStep::Send(NextRequest(0, szx));
  }
  if (auto size2 = Size2(response.options)) {
    announced_size_ = *size2;
    if (*size2 > options_.max_body) {
      return Fail(ErrorCode::kPayloadTooLarge,
                  "the server announced " + std::to_string(*size2) + " bytes, over the limit");
    }
  }
  if (block.more ? length != block.Size() : length > block.Size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "block " + std::to_string(block.num) + " carries " + std::to_string(length) +
                    " bytes for a block size of " + std::to_string(block.Size()));
  }
  if (length > options_.max_body - std::min(next_offset_, options_.max_body)) {
    return Fail(ErrorCode::kPayloadTooLarge, "the body exceeds the limit");
  }
  if (auto written = sink_.Write(next_offset_, response.payload); !written) {
    return Fail(written.error().code, written.error().message);
  }
  next_offset_ += length;
  if (!block.more) return Finish(response, next_offset_);

  // Blocks only shrink (the server answers with the size asked for or less), so the next
  // offset is a whole number of blocks of the new size.
  const std::uint8_t szx = std::min(block.szx, options_.szx);
  const std::size_t num = next_offset_ >> (szx + 4);
  if (num > kMaxBlockNum) {
    return Fail(ErrorCode::kPayloadTooLarge, "the body needs more than 2^20 blocks");
  }
  asked_szx_ = szx;
  return BlockwiseStep::Send(NextRequest(static_cast<std::uint32_t>(num), szx));
}

BlockwiseStep BlockwiseDownload::Fail(core::ErrorCode code, std::string message) {
  sink_.Abort();
  ended_ = true;
  return BlockwiseStep::Failed({code, std::move(message), std::nullopt});
}

BlockwiseStep BlockwiseDownload::Finish(const Message& response, std::size_t size) {
  if (auto finished = sink_.Finish(size); !finished) {
    return Fail(finished.error().code, finished.error().message);
  }
  ended_ = true;
  Message last = response;
  last.payload.clear();
  last.options.Remove(option::kBlock2);
  return BlockwiseStep::Done(std::move(last));
}

Message BlockwiseDownload::NextRequest(std::uint32_t num, std::uint8_t szx) const {
  Message request = base_;
  (void)SetBlock2(request.options, Block{num, false, szx});
  return request;
}

}  // namespace custos::coap
