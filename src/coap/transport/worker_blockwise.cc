// The server side of block-wise transfer (RFC 7959) on a worker: Block1 request bodies
// assembled before the handler sees them, and response bodies too large for one datagram
// (or served from a file) sliced with Block2, the body kept between the requests for its
// blocks.
#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

Message InternalError() {
  Message response;
  response.code = codes::kInternalServerError;
  return response;
}

bool MoreBlocks(const Message& response) {
  auto block2 = GetBlock2(response.options);
  return block2 && *block2 && (*block2)->more;
}

// Room for a typical request's options around a Block1 block; a client sending larger
// blocks is asked for smaller ones in the 2.31 Continue.
constexpr std::size_t kRequestHeadRoom = 128;

}  // namespace

Block1Assembler Worker::MakeAssembler() const {
  Block1Limits limits;
  limits.max_body = config_.options.max_body_in_memory;
  limits.lifetime = config_.options.transmission.ExchangeLifetime();
  return Block1Assembler(limits, SzxFitting(kRequestHeadRoom));
}

bool Worker::ServeFromCache(const Peer& peer, const Message& request) {
  auto block2 = GetBlock2(request.options);
  if (!block2 || !*block2 || (*block2)->num == 0) return false;
  const std::string resource = ResourceKey(request);
  const ResponseBodies::Entry* entry = bodies_.Find(peer, resource, now_);
  if (entry == nullptr) return false;  // the handler is asked again for the body
  auto served =
      ServeBlock2(request, entry->head, *entry->body, SzxFitting(EncodedSize(entry->head)));
  if (!served) {
    spdlog::error("coap: cannot serve block {} to {}: {}", (*block2)->num, ToString(peer),
                  served.error().message);
    served = InternalError();
  }
  // The last block served: the client has the body (a retransmission of its request is
  // answered by the deduplicator).
  if (!MoreBlocks(*served)) bodies_.Erase(peer, resource);
  AnswerAtOnce(peer, request.type, request.message_id, request.token, std::move(*served));
  return true;
}

bool Worker::AssembleBlock1(const Peer& peer, Message& request, std::optional<Block>& last_block) {
  if (!request.options.Has(option::kBlock1)) return true;
  Block1Step step = assembler_.Feed(peer, request, now_);
  switch (step.kind) {
    case Block1Step::Kind::kPassThrough:
      return true;
    case Block1Step::Kind::kRespond:
      if (step.message.code == codes::kRequestEntityTooLarge) {
        counters_.Add(Counter::kTooLargeResponses);
      }
      AnswerAtOnce(peer, request.type, request.message_id, request.token, std::move(step.message));
      return false;
    case Block1Step::Kind::kAssembled: {
      Message whole = std::move(step.message);
      whole.type = request.type;
      whole.message_id = request.message_id;
      whole.token = std::move(request.token);
      request = std::move(whole);
      last_block = step.last_block;
      return true;
    }
  }
  return true;
}

Message Worker::ShapeResponse(const Responder::State& state, Message response,
                              std::shared_ptr<const BodySource> body) {
  if (!response.code.IsResponse()) return response;  // FinishResponse refuses it
  const bool block2_asked = state.block_options.Has(option::kBlock2);
  if (!body) {
    const std::size_t size = EncodedSize(response) + state.token.size();
    if (!block2_asked && size <= max_message_) {
      if (state.last_block1) {
        Block1Assembler::EchoBlock1(response, Block1Step{{}, {}, *state.last_block1});
      }
      return response;
    }
    body = std::make_shared<MemoryBody>(std::move(response.payload));
  }
  response.payload.clear();
  // ServeBlock2 reads only the request's Block2 and Size2.
  Message request;
  request.options = state.block_options;
  auto served = ServeBlock2(request, response, *body, SzxFitting(EncodedSize(response)));
  if (!served) {
    spdlog::error("coap: cannot serve a body of {} bytes to {}: {}", body->Size(),
                  ToString(state.peer), served.error().message);
    return InternalError();
  }
  if (MoreBlocks(*served)) {
    // The later blocks answer requests that do not observe (RFC 7959 §2.6).
    response.options.Remove(option::kObserve);
    bodies_.Put(state.peer, state.resource, std::move(response), std::move(body), now_);
  } else {
    bodies_.Erase(state.peer, state.resource);
  }
  if (state.last_block1) {
    Block1Assembler::EchoBlock1(*served, Block1Step{{}, {}, *state.last_block1});
  }
  return std::move(*served);
}

}  // namespace custos::coap::transport
