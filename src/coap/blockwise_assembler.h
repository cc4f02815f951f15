// The server side of Block1 (RFC 7959 §2.5): a request body arriving in blocks, assembled
// in memory into one request for the handler ("atomic" in the RFC's words: the handler sees
// nothing until the last block).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "coap/block.h"
#include "coap/message.h"
#include "coap/peer.h"
#include "coap/transmission.h"

namespace custos::coap {

struct Block1Limits {
  // Largest request body; a larger one gets 4.13 with Size1 = max_body.
  std::size_t max_body = 1 << 20;
  // Transfers in progress at once, over all peers and for one peer; one more gets 4.13,
  // which §2.9.3 allows "at any time" to a server without the resources to store blocks.
  std::size_t max_transfers = 4096;
  std::size_t max_transfers_per_peer = 8;
  // A transfer is dropped this long after its latest block: §2.5 lets a server discard a
  // partial body after EXCHANGE_LIFETIME (247 s by default) and no sooner is needed.
  Duration lifetime = std::chrono::seconds(247);
};

// The outcome of one request fed to a Block1Assembler.
struct Block1Step {
  enum class Kind {
    kPassThrough,  // no Block1: hand the request fed in to the handler unchanged
    kRespond,      // answer with `message` (2.31 Continue or an error); no handler call
    kAssembled,    // hand `message`, the whole request, to the handler; then put
                   // EchoBlock1 on its response
  };

  Kind kind = Kind::kPassThrough;
  // kRespond: the response (its token copied from the request; type and message id are the
  // caller's). kAssembled: the request of the last block without Block1 and Size1, with
  // the whole body as payload (and the first block's Block2, if the last had none, for a
  // response size the client asked for early, RFC 7959 Figure 9). Empty for kPassThrough.
  Message message;
  Block last_block;  // kAssembled: NUM and SZX of the last block, M = 0
};

// Transfers are told apart by peer and request URI (Uri-Host, Uri-Port, Uri-Path,
// Uri-Query): §2.4 says a server "may identify the sequence by the combination of the
// requesting endpoint and the URI", and §2.5 that a new sequence to the same resource from
// the same endpoint "simply overwrites the context" of an old one. Block 0 therefore always
// starts afresh. Blocks must come in order, each at the offset where the body so far ends:
// anything else, or a block with no transfer to continue, gets 4.08 Request Entity
// Incomplete, which §2.5 allows for "any (final or non-final) Block1 transfer that is not in
// sequence", and ends the transfer. Retransmissions (same message id) never get here: the
// Deduplicator answers them.
class Block1Assembler {
 public:
  // `preferred_szx` is the largest block size this server wants; a client sending larger
  // blocks is asked, in the 2.31 Continue, to use this size for the rest (§2.5).
  explicit Block1Assembler(Block1Limits limits = {}, std::uint8_t preferred_szx = kMaxSzx);

  // Takes one request from `peer`. Expires ended transfers first; `now` must not decrease
  // from one call to the next.
  //
  // Answers (kRespond): 2.31 Continue with Block1 (NUM as received, M = 1, SZX = min(the
  // block's, preferred)) for every block but the last; 4.13 Request Entity Too Large with
  // Size1 = max_body as soon as Size1 in any block or the body so far exceeds max_body, and
  // without Size1 when the transfer limits are reached; 4.08 as above; 4.00 Bad Request
  // for a block whose payload does not fit its SZX (exactly one block when M = 1, at most
  // one when M = 0) and for SZX 7 (§2.2); 4.02 Bad Option for a Block1 value over 3 bytes.
  // A single block (NUM 0, M 0) is assembled at once, keeping no state.
  Block1Step Feed(const Peer& peer, const Message& request, TimePoint now);

  // Adds Block1 (the last block's NUM, M = 0, SZX) to the handler's response to an
  // assembled request, as §2.3 asks of the response to the final block.
  static void EchoBlock1(Message& response, const Block1Step& step);

  // Drops the transfers whose lifetime ended at `now`; returns how many.
  std::size_t Expire(TimePoint now);

  std::size_t size() const { return transfers_.size(); }
  std::size_t SizeFor(const Peer& peer) const;

 private:
  struct Key {
    Peer peer;
    std::string uri;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  using Order = std::list<Key>;
  struct Transfer {
    Code method;
    OptionList first_options;  // of block 0, for the Block2 it may carry
    std::vector<std::uint8_t> body;
    TimePoint expires;
    Order::iterator in_order;
  };
  using Transfers = std::unordered_map<Key, Transfer, KeyHash>;

  Block1Step Continue(const Message& request, const Block& block) const;
  void Drop(const Key& key);
  void Erase(Transfers::iterator it);

  Block1Limits limits_;
  std::uint8_t preferred_szx_;
  Transfers transfers_;
  Order order_;  // by latest block, oldest first: also the order of expiry
  std::unordered_map<Peer, std::size_t> per_peer_;
};

}  // namespace custos::coap
