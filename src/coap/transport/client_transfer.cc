#include "coap/transport/client_transfer.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace custos::coap::transport {

ClientTransfer::ClientTransfer(OutgoingRequest request, Limits limits)
    : peer_(request.peer),
      request_(std::move(request.message)),
      options_(std::move(request.options)),
      done_(std::move(request.done)),
      limits_(limits) {}

ClientTransfer::~ClientTransfer() = default;

core::Result<Message> ClientTransfer::StartUpload() {
  if (options_.upload_file) {
    auto file = FileBody::Open(*options_.upload_file);
    if (!file) return tl::unexpected(file.error());
    upload_body_ = std::move(*file);
  } else {
    upload_body_ = std::make_unique<MemoryBody>(std::move(request_.payload));
  }
  request_.payload.clear();
  UploadOptions upload;
  upload.szx = std::min(options_.block_szx, limits_.szx);
  upload_.emplace(request_, *upload_body_, upload);
  return upload_->FirstRequest();
}

core::Result<void> ClientTransfer::StartDownload() {
  DownloadOptions download;
  download.szx = std::min(options_.block_szx, limits_.szx);
  if (options_.download_file) {
    auto file = FileSink::Create(*options_.download_file);
    if (!file) return tl::unexpected(file.error());
    sink_ = std::move(*file);
  } else {
    auto memory = std::make_unique<MemorySink>(limits_.max_body_in_memory);
    memory_sink_ = memory.get();
    sink_ = std::move(memory);
    download.max_body = limits_.max_body_in_memory;
  }
  download_.emplace(request_, *sink_, download);
  return {};
}

BlockwiseStep ClientTransfer::OnResponse(const Message& response) {
  if (download_) return download_->OnResponse(response);
  BlockwiseStep step = upload_->OnResponse(response);
  if (step.kind != BlockwiseStep::Kind::kDone) return step;
  // The upload is complete; its final response may open the response body's transfer.
  auto block2 = GetBlock2(step.message.options);
  const bool more = block2 && *block2 && (*block2)->more;
  if (!more && !options_.download_file) return step;
  upload_.reset();
  upload_body_.reset();
  if (auto started = StartDownload(); !started) return BlockwiseStep::Failed(started.error());
  return download_->OnResponse(response);
}

core::Result<Message> ClientTransfer::Outcome(BlockwiseStep step) {
  switch (step.kind) {
    case BlockwiseStep::Kind::kDone:
      if (memory_sink_ != nullptr) step.message.payload = memory_sink_->TakeBody();
      return std::move(step.message);
    case BlockwiseStep::Kind::kFailed:
      if (step.message.code.IsResponse() && step.message.code.Class() >= 4) {
        return std::move(step.message);
      }
      return tl::unexpected(std::move(step.error));
    case BlockwiseStep::Kind::kSend:
      break;
  }
  return core::MakeError(core::ErrorCode::kInternal, "the transfer has not ended");
}

RequestOptions ClientTransfer::StepOptions() const {
  RequestOptions options;
  options.confirmable = options_.confirmable;
  options.response_timeout = options_.response_timeout;
  options.block_szx = options_.block_szx;
  return options;
}

}  // namespace custos::coap::transport
