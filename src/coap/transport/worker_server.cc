// The server role of a worker: requests from peers, and our answers to them (RFC 7252
// §5.2: piggybacked in the ACK, or separate after an empty ACK).
#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

Message Reply(Code code, std::string diagnostic = {}) {
  Message response;
  response.code = code;
  response.payload.assign(diagnostic.begin(), diagnostic.end());  // §5.5.2 diagnostic payload
  return response;
}

}  // namespace

void Worker::OnRequest(const Peer& peer, Message request) {
  // §5.4.1, §5.4.3: an unrecognised or malformed critical option refuses the request;
  // a malformed elective one is ignored as if it were not there.
  std::vector<std::uint16_t> bad = UnrecognisedCritical(request.options, option::kKnown);
  for (std::uint16_t number : InvalidLengthOptions(request.options)) {
    if (IsCritical(number)) {
      bad.push_back(number);
    } else {
      request.options.Remove(number);
    }
  }
  if (!bad.empty()) {
    counters_.Add(Counter::kBadOptionResponses);
    AnswerAtOnce(peer, request.type, request.message_id, request.token,
                 Reply(codes::kBadOption, "bad option " + std::to_string(bad.front())));
    return;
  }
  DispatchRequest(peer, std::move(request));
}

void Worker::OnOversizedDatagram(const Peer& peer, std::span<const std::uint8_t> bytes) {
  // Only the header and token are needed to refuse a request that is too large (§5.9.2.9).
  auto header = DecodeHeader(bytes);
  const bool answerable =
      header && header->code.IsRequest() && header->token_length <= 8 &&
      bytes.size() >= 4u + header->token_length &&
      (header->type == Type::kConfirmable || header->type == Type::kNonConfirmable);
  if (!answerable) {
    counters_.Add(Counter::kMalformedDropped);
    return;
  }
  if (!AdmitPeer(peer)) return;
  auto seen = deduplicator_.Check(peer, header->message_id, header->type, now_);
  if (seen.verdict == Deduplicator::Verdict::kDuplicate) {
    counters_.Add(Counter::kDuplicates);
    if (seen.response) SendDatagram(peer, *seen.response);
    return;
  }
  const std::vector<std::uint8_t> token(bytes.begin() + 4,
                                        bytes.begin() + 4 + header->token_length);
  Message response = Reply(codes::kRequestEntityTooLarge);
  SetSize1(response.options, static_cast<std::uint32_t>(config_.options.max_datagram));
  counters_.Add(Counter::kTooLargeResponses);
  AnswerAtOnce(peer, header->type, header->message_id, token, std::move(response));
}

// The one place where a request reaches the application: a request for a later block of
// a body kept from an earlier one is answered from it, Block1 uploads are assembled
// first, and the answer is shaped (Block2, Block1) on its way out.
void Worker::DispatchRequest(const Peer& peer, Message request) {
  if (ServeFromCache(peer, request)) return;
  std::optional<Block> last_block1;
  if (!AssembleBlock1(peer, request, last_block1)) return;
  CheckDeregistration(peer, request);
  auto state = std::make_shared<Responder::State>(weak_from_this(), peer, request);
  state->last_block1 = last_block1;
  try {
    (*config_.handler)(IncomingRequest{peer, std::move(request), IdentityOf(peer)},
                       Responder(state));
  } catch (const std::exception& e) {
    spdlog::error("coap: the request handler failed for {}: {}", ToString(peer), e.what());
  } catch (...) {
    spdlog::error("coap: the request handler failed for {}", ToString(peer));
  }
  state->in_handler = false;
  if (state->ignored.load()) return;  // as if the request never arrived

  if (state->immediate) {
    Message response =
        ShapeResponse(*state, std::move(*state->immediate), std::move(state->immediate_body));
    state->immediate.reset();
    AnswerAtOnce(peer, state->request_type, state->request_id, state->token, std::move(response));
    return;
  }
  if (!state->answered.load() && state.use_count() == 1) {
    // Nobody holds the Responder any more (the handler dropped it, or threw): nobody else
    // can answer, so say so now rather than let the peer wait.
    state->answered = true;
    spdlog::warn("coap: the request handler left a request from {} unanswered; sending 5.00",
                 ToString(peer));
    AnswerAtOnce(peer, state->request_type, state->request_id, state->token,
                 Reply(codes::kInternalServerError));
    return;
  }
  // §5.2.2: acknowledge a CON at once, so the client stops retransmitting while the
  // application works; the response follows as a separate CON.
  if (state->request_type == Type::kConfirmable) {
    SendEmpty(peer, Type::kAcknowledgement, state->request_id, true);
  }
}

void Worker::AnswerAtOnce(const Peer& peer, Type request_type, std::uint16_t request_id,
                          const std::vector<std::uint8_t>& token, Message response) {
  if (request_type == Type::kConfirmable) {
    const Message ack =
        FinishResponse(std::move(response), Type::kAcknowledgement, request_id, token);
    std::vector<std::uint8_t> bytes = Encode(ack);
    SendDatagram(peer, bytes);
    deduplicator_.RememberResponse(peer, request_id, std::move(bytes));
    return;
  }
  // §5.2.3: a NON request gets a NON response, with an id of its own.
  const Message reply =
      FinishResponse(std::move(response), Type::kNonConfirmable, NextMessageId(peer), token);
  SendDatagram(peer, Encode(reply));
}

void Worker::SendSeparateResponse(const Peer& peer, Type request_type,
                                  const std::vector<std::uint8_t>& token, Message response) {
  if (peers_.Touch(peer, now_) == PeerTable::Touched::kNew) {
    counters_.Set(Counter::kPeers, peers_.size());
  }
  const std::uint16_t id = NextMessageId(peer);
  if (request_type != Type::kConfirmable) {
    SendDatagram(peer,
                 Encode(FinishResponse(std::move(response), Type::kNonConfirmable, id, token)));
    return;
  }
  std::vector<std::uint8_t> bytes =
      Encode(FinishResponse(std::move(response), Type::kConfirmable, id, token));
  SendDatagram(peer, bytes);
  retransmissions_.Add(peer, id, std::move(bytes), now_, random_.Fraction());
}

Message Worker::FinishResponse(Message response, Type type, std::uint16_t message_id,
                               const std::vector<std::uint8_t>& token) const {
  if (!response.code.IsResponse()) {
    spdlog::error("coap: a handler answered with code {}, which is not a response; sending 5.00",
                  ToString(response.code));
    response = Reply(codes::kInternalServerError);
  }
  response.type = type;
  response.message_id = message_id;
  response.token = token;
  if (auto valid = Validate(response); !valid) {
    spdlog::error("coap: a handler's response cannot be encoded ({}); sending 5.00",
                  valid.error().message);
    response.options.Clear();
    response.payload.clear();
    response.code = codes::kInternalServerError;
  }
  // A large body went block-wise (ShapeResponse); what is left too large is its options.
  if (const std::size_t size = EncodedSize(response); size > max_message_) {
    spdlog::error(
        "coap: a response of {} bytes does not fit in one datagram ({} bytes); "
        "sending 5.00",
        size, max_message_);
    response.options.Clear();
    response.payload.clear();
    response.code = codes::kInternalServerError;
  }
  return response;
}

}  // namespace custos::coap::transport
