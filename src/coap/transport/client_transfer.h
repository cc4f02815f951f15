// A request of ours whose body or response body goes in blocks (RFC 7959): first the
// upload (Block1) of the request body from memory or a file, then the download (Block2) of
// the response body into memory or a file, each block one exchange of its own. This holds
// the state machines and the bodies between those exchanges; the worker sends the steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "coap/coap.h"
#include "coap/transport/client_exchanges.h"
#include "coap/transport/endpoint.h"

namespace custos::coap::transport {

class ClientTransfer {
 public:
  struct Limits {
    std::size_t max_body_in_memory = 1 << 20;  // a response body kept in memory
    std::uint8_t szx = kMaxSzx;                // the largest block that fits our datagrams
  };

  // Takes the caller's request (its peer, message, options and callback); nothing starts.
  ClientTransfer(OutgoingRequest request, Limits limits);
  ~ClientTransfer();
  ClientTransfer(const ClientTransfer&) = delete;
  ClientTransfer& operator=(const ClientTransfer&) = delete;

  // Starts the upload of the request body (the file options.upload_file, or else the
  // payload) and returns its first block to send, or the whole body when it fits one
  // block. Errors: FileBody::Open's, BlockwiseUpload::FirstRequest's.
  core::Result<Message> StartUpload();
  // Starts a download whose first response (to the request as it was sent) is to be fed
  // to OnResponse: into options.download_file when set, else into memory. Errors:
  // FileSink::Create's.
  core::Result<void> StartDownload();
  // Takes the response to the latest request: kSend the next one, or the end. An upload's
  // final response that carries Block2 with more to come, or any final response when the
  // body goes to a file, goes on as a download (RFC 7959 Figure 8).
  BlockwiseStep OnResponse(const Message& response);
  // What the caller gets for the final step: the response (its body whole in the payload
  // when kept in memory, none when written to the file); for a failure, the 4.xx or 5.xx
  // response that ended it, or else the error.
  core::Result<Message> Outcome(BlockwiseStep step);

  const Peer& peer() const { return peer_; }
  // The options of each block's exchange: the caller's reliability, no files.
  RequestOptions StepOptions() const;
  // The caller's callback, for the outcome.
  ResponseCallback& done() { return done_; }

 private:
  Peer peer_;
  Message request_;
  RequestOptions options_;
  ResponseCallback done_;
  Limits limits_;
  std::unique_ptr<BodySource> upload_body_;
  std::optional<BlockwiseUpload> upload_;
  std::unique_ptr<BodySink> sink_;
  MemorySink* memory_sink_ = nullptr;  // sink_ when the body stays in memory
  std::optional<BlockwiseDownload> download_;
};

}  // namespace custos::coap::transport
