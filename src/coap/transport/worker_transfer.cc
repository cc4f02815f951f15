// The client side of block-wise transfer (RFC 7959) on a worker: a request body too large
// for one datagram (or a file) goes up with Block1, a response with more blocks to come
// (or any response whose body goes to a file) is followed with Block2. Each block is an
// exchange of its own through StartRequest, on the peer's thread; the caller's callback
// runs once, at the end.
#include <utility>

#include "coap/transport/client_transfer.h"
#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

// Room in a message for what a block-wise request or response adds to its head: the
// token, Block1 or Block2 (3 bytes each), Size1 or Size2 (4), an ETag (8), the option
// headers of all of them and the payload marker.
constexpr std::size_t kBlockOverhead = kMaxTokenLength + 40;

}  // namespace

std::uint8_t Worker::SzxFitting(std::size_t head_size) const {
  std::uint8_t szx = kMaxSzx;
  while (szx > 0 && (std::size_t{16} << szx) + head_size + kBlockOverhead > max_message_) --szx;
  return szx;
}

bool Worker::NeedsUpload(const OutgoingRequest& request) const {
  if (request.transfer_step) return false;
  if (request.options.upload_file) return true;
  // The token is not chosen yet: count the longest.
  return EncodedSize(request.message) + kMaxTokenLength > max_message_;
}

bool Worker::NeedsDownload(const Exchange& exchange, const Message& response) const {
  if (exchange.options.download_file) return true;
  auto block2 = GetBlock2(response.options);
  return block2 && *block2 && (*block2)->more;
}

ClientTransfer::Limits Worker::TransferLimits(const Message& request) const {
  Message head = request;
  head.payload.clear();
  return {config_.options.max_body_in_memory, SzxFitting(EncodedSize(head))};
}

void Worker::StartUpload(OutgoingRequest request) {
  const ClientTransfer::Limits limits = TransferLimits(request.message);
  auto transfer = std::make_shared<ClientTransfer>(std::move(request), limits);
  auto first = transfer->StartUpload();
  if (!first) {
    Deliver(transfer->done(), tl::unexpected(first.error()));
    return;
  }
  SendStep(transfer, std::move(*first));
}

void Worker::StartDownload(Exchange exchange, Message response) {
  const ClientTransfer::Limits limits = TransferLimits(exchange.request);
  auto transfer = std::make_shared<ClientTransfer>(
      OutgoingRequest{exchange.peer, std::move(exchange.request), std::move(exchange.options),
                      std::move(exchange.done)},
      limits);
  if (auto started = transfer->StartDownload(); !started) {
    Deliver(transfer->done(), tl::unexpected(started.error()));
    return;
  }
  ContinueTransfer(transfer, std::move(response));
}

void Worker::SendStep(const std::shared_ptr<ClientTransfer>& transfer, Message request) {
  OutgoingRequest step{transfer->peer(), std::move(request), transfer->StepOptions(),
                       [this, transfer](core::Result<Message> result) {
                         ContinueTransfer(transfer, std::move(result));
                       },
                       true};
  StartRequest(std::move(step));
}

void Worker::ContinueTransfer(const std::shared_ptr<ClientTransfer>& transfer,
                              core::Result<Message> result) {
  if (!result) {
    // The sink is dropped with the transfer: a file download leaves no file behind.
    Deliver(transfer->done(), std::move(result));
    return;
  }
  BlockwiseStep step = transfer->OnResponse(*result);
  if (step.kind == BlockwiseStep::Kind::kSend) {
    SendStep(transfer, std::move(step.message));
    return;
  }
  Deliver(transfer->done(), transfer->Outcome(std::move(step)));
}

}  // namespace custos::coap::transport
