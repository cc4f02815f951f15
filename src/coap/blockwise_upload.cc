#include "coap/blockwise_upload.h"

#include <algorithm>
#include <string>

#include "coap/typed_options.h"

namespace custos::coap {

using core::ErrorCode;

BlockwiseUpload::BlockwiseUpload(Message request, const BodySource& body, UploadOptions options)
    : base_(std::move(request)), body_(body), options_(options) {
  options_.szx = std::min(options_.szx, kMaxSzx);
  base_.payload.clear();
  base_.options.Remove(option::kBlock1);
  base_.options.Remove(option::kSize1);
}

core::Result<Message> BlockwiseUpload::FirstRequest() {
  const std::size_t size = body_.Size();
  if (size <= (std::size_t{16} << options_.szx)) {
    auto bytes = body_.Read(0, size);
    if (!bytes) return tl::unexpected(bytes.error());
    Message request = base_;
    request.payload = std::move(*bytes);
    blockwise_ = false;
    sent_length_ = request.payload.size();
    return request;
  }
  if (((size - 1) >> (options_.szx + 4)) > kMaxBlockNum) {
    const std::string what = "a body of " + std::to_string(size) + " bytes";
    return core::MakeError(ErrorCode::kPayloadTooLarge, what + " needs more than 2^20 blocks");
  }
  blockwise_ = true;
  auto request = BlockRequest(0, options_.szx);
  if (request && options_.announce_size) {
    SetSize1(request->options, static_cast<std::uint32_t>(size));
  }
  return request;
}

core::Result<Message> BlockwiseUpload::BlockRequest(std::size_t offset, std::uint8_t szx) {
  const std::size_t block_size = std::size_t{16} << szx;
  auto bytes = body_.Read(offset, block_size);
  if (!bytes) return tl::unexpected(bytes.error());
  const bool more = offset + bytes->size() < body_.Size();
  if (more && bytes->size() != block_size) {
    return core::MakeError(ErrorCode::kConflict, "the body ended early: it changed");
  }
  Message request = base_;
  sent_ = Block{static_cast<std::uint32_t>(offset >> (szx + 4)), more, szx};
  sent_length_ = bytes->size();
  request.payload = std::move(*bytes);
  (void)SetBlock1(request.options, sent_);  // NUM < 2^20: checked in FirstRequest
  return request;
}

BlockwiseStep BlockwiseUpload::OnResponse(const Message& response) {
  if (ended_) return BlockwiseStep::Failed({ErrorCode::kFailedPrecondition, "upload ended", {}});
  const bool success = response.code.Class() == 2;
  if (!success) {
    ended_ = true;
    return FailedByResponse(response);
  }
  acknowledged_ = (blockwise_ ? sent_.Offset() : 0) + sent_length_;
  if (!blockwise_ || !sent_.more) {
    if (response.code == codes::kContinue) {
      return Fail({ErrorCode::kInvalidArgument, "2.31 Continue after the last block", {}});
    }
    ended_ = true;
    return BlockwiseStep::Done(response);
  }
  auto echoed = GetBlock1(response.options);
  if (!echoed) return Fail({ErrorCode::kInvalidArgument, echoed.error().message, {}});
  if (!*echoed) {
    return Fail({ErrorCode::kInvalidArgument,
                 "the server answered block " + std::to_string(sent_.num) + " with " +
                     ToString(response.code) + " and no Block1",
                 {}});
  }
  if ((*echoed)->num != sent_.num) {
    return Fail({ErrorCode::kInvalidArgument,
                 "the server acknowledged block " + std::to_string((*echoed)->num) + "; block " +
                     std::to_string(sent_.num) + " was sent",
                 {}});
  }
  // §2.5: heed the server's smaller size for the blocks still to come; never grow.
  const std::uint8_t szx = std::min((*echoed)->szx, sent_.szx);
  auto next = BlockRequest(sent_.Offset() + sent_length_, szx);
  if (!next) return Fail(next.error());
  return BlockwiseStep::Send(std::move(*next));
}

BlockwiseStep BlockwiseUpload::Fail(core::Error error) {
  ended_ = true;
  return BlockwiseStep::Failed(std::move(error));
}

}  // namespace custos::coap
