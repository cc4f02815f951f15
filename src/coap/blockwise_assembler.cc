#include "coap/blockwise_assembler.h"

#include <algorithm>
#include <string_view>

#include "coap/code.h"
#include "coap/typed_options.h"

namespace custos::coap {
namespace {

Message Response(const Message& request, Code code, std::string_view diagnostic = {}) {
  Message response;
  response.code = code;
  response.token = request.token;
  response.payload.assign(diagnostic.begin(), diagnostic.end());
  return response;
}

Block1Step Respond(Message response) {
  return {Block1Step::Kind::kRespond, std::move(response), {}};
}

Block1Step TooLarge(const Message& request, std::size_t max_body) {
  Message response = Response(request, codes::kRequestEntityTooLarge,
                              "the body exceeds " + std::to_string(max_body) + " bytes");
  SetSize1(response.options,
           static_cast<std::uint32_t>(std::min<std::size_t>(max_body, UINT32_MAX)));
  return Respond(std::move(response));
}

Block1Step Incomplete(const Message& request, std::string_view why) {
  return Respond(Response(request, codes::kRequestEntityIncomplete, why));
}

// The request URI as far as the options carry it: what tells two transfers of one peer
// apart.
std::string TransferUri(const OptionList& options) {
  std::string uri = options.GetString(option::kUriHost).value_or("");
  if (auto port = options.GetUint(option::kUriPort)) uri += ":" + std::to_string(*port);
  uri += UriPath(options);
  const std::string query = UriQuery(options);
  if (!query.empty()) uri += "?" + query;
  return uri;
}

Message Assemble(const Message& last, const OptionList& first_options,
                 std::vector<std::uint8_t> body) {
  Message request = last;
  request.options.Remove(option::kBlock1);
  request.options.Remove(option::kSize1);
  if (!request.options.Has(option::kBlock2)) {
    if (const Option* block2 = first_options.Find(option::kBlock2)) {
      request.options.Add(*block2);
    }
  }
  request.payload = std::move(body);
  return request;
}

}  // namespace

std::size_t Block1Assembler::KeyHash::operator()(const Key& key) const noexcept {
  return std::hash<Peer>{}(key.peer) ^ (std::hash<std::string>{}(key.uri) * 31);
}

Block1Assembler::Block1Assembler(Block1Limits limits, std::uint8_t preferred_szx)
    : limits_(limits), preferred_szx_(std::min(preferred_szx, kMaxSzx)) {}

Block1Step Block1Assembler::Feed(const Peer& peer, const Message& request, TimePoint now) {
  Expire(now);
  auto decoded = GetBlock1(request.options);
  if (!decoded) {
    // As for Block2: SZX 7 is a 4.00 (§2.2), an over-long value a bad critical option.
    const bool too_long = request.options.Find(option::kBlock1)->value.size() > 3;
    return Respond(Response(request, too_long ? codes::kBadOption : codes::kBadRequest,
                            decoded.error().message));
  }
  if (!*decoded) return {};
  const Block block = **decoded;
  const std::size_t length = request.payload.size();
  Key key{peer, TransferUri(request.options)};

  if (block.more ? length != block.Size() : length > block.Size()) {
    Drop(key);
    return Respond(Response(request, codes::kBadRequest,
                            "block " + std::to_string(block.num) + " carries " +
                                std::to_string(length) + " bytes for a block size of " +
                                std::to_string(block.Size())));
  }
  if (auto size1 = Size1(request.options); size1 && *size1 > limits_.max_body) {
    Drop(key);
    return TooLarge(request, limits_.max_body);
  }

  if (block.num == 0) {
    Drop(key);  // §2.5: a new sequence overwrites an old one
    if (length > limits_.max_body) return TooLarge(request, limits_.max_body);
    if (!block.more) {
      return {Block1Step::Kind::kAssembled, Assemble(request, {}, request.payload), block};
    }
    if (transfers_.size() >= limits_.max_transfers ||
        SizeFor(peer) >= limits_.max_transfers_per_peer) {
      return Respond(Response(request, codes::kRequestEntityTooLarge,
                              "too many block-wise transfers in progress"));
    }
    order_.push_back(key);
    OptionList first_options = request.options;
    first_options.Remove(option::kBlock1);
    first_options.Remove(option::kSize1);
    transfers_.emplace(std::move(key),
                       Transfer{request.code, std::move(first_options), request.payload,
                                now + limits_.lifetime, std::prev(order_.end())});
    ++per_peer_[peer];
    return Continue(request, block);
  }

  auto it = transfers_.find(key);
  if (it == transfers_.end()) {
    return Incomplete(request, "no transfer in progress for block " + std::to_string(block.num));
  }
  Transfer& transfer = it->second;
  if (transfer.method != request.code || block.Offset() != transfer.body.size()) {
    const std::size_t expected = transfer.body.size();
    Erase(it);
    return Incomplete(request, "expected the block at offset " + std::to_string(expected) +
                                   ", got block " + std::to_string(block.num) + " at offset " +
                                   std::to_string(block.Offset()));
  }
  if (length > limits_.max_body - transfer.body.size()) {
    Erase(it);
    return TooLarge(request, limits_.max_body);
  }
  transfer.body.insert(transfer.body.end(), request.payload.begin(), request.payload.end());
  if (!block.more) {
    Message assembled = Assemble(request, transfer.first_options, std::move(transfer.body));
    Erase(it);
    return {Block1Step::Kind::kAssembled, std::move(assembled), block};
  }
  transfer.expires = now + limits_.lifetime;
  order_.splice(order_.end(), order_, transfer.in_order);
  return Continue(request, block);
}

Block1Step Block1Assembler::Continue(const Message& request, const Block& block) const {
  Message response = Response(request, codes::kContinue);
  // §2.5: the server's SZX in the 2.31 is its preference for the blocks still to come.
  (void)SetBlock1(response.options, Block{block.num, true, std::min(block.szx, preferred_szx_)});
  return Respond(std::move(response));
}

void Block1Assembler::EchoBlock1(Message& response, const Block1Step& step) {
  (void)SetBlock1(response.options, Block{step.last_block.num, false, step.last_block.szx});
}

std::size_t Block1Assembler::Expire(TimePoint now) {
  std::size_t expired = 0;
  while (!order_.empty()) {
    auto it = transfers_.find(order_.front());
    if (it->second.expires > now) break;
    Erase(it);
    ++expired;
  }
  return expired;
}

std::size_t Block1Assembler::SizeFor(const Peer& peer) const {
  auto it = per_peer_.find(peer);
  return it == per_peer_.end() ? 0 : it->second;
}

void Block1Assembler::Drop(const Key& key) {
  auto it = transfers_.find(key);
  if (it != transfers_.end()) Erase(it);
}

void Block1Assembler::Erase(Transfers::iterator it) {
  auto count = per_peer_.find(it->first.peer);
  if (--count->second == 0) per_peer_.erase(count);
  order_.erase(it->second.in_order);
  transfers_.erase(it);
}

}  // namespace custos::coap
