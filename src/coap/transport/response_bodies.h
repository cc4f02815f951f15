// The bodies of block-wise responses (RFC 7959 Block2) being fetched, kept between the
// requests for their blocks: ServeBlock2 is stateless, so the body a handler produced for
// block 0 must still be there when the same peer asks the same URI for block 1, 2, ...
// (§2.4; Figure 8 for the body of a Block1 upload's response). A bounded, expiring cache
// on one I/O thread: losing an entry only means the handler is asked again.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "coap/coap.h"

namespace custos::coap::transport {

// The method and URI (Uri-Host, Uri-Port, Uri-Path, Uri-Query) of `request` as one string,
// the key of its body: short enough for most LwM2M paths to need no allocation.
std::string ResourceKey(const Message& request);

struct ResponseBodyLimits {
  std::size_t max_entries = 1024;  // over all peers; FileBody entries hold a descriptor each
  std::size_t max_per_peer = 4;
  Duration lifetime = std::chrono::seconds(247);  // after the latest block served
};

class ResponseBodies {
 public:
  struct Entry {
    Message head;  // the handler's response without its body: code and options
    std::shared_ptr<const BodySource> body;
  };

  explicit ResponseBodies(ResponseBodyLimits limits = {}) : limits_(limits) {}

  // Keeps `head` and `body` for follow-up requests of `peer` for `resource` (ResourceKey),
  // replacing an earlier one. The least recently used entry of the peer, or of all, goes
  // when a limit is reached.
  void Put(const Peer& peer, const std::string& resource, Message head,
           std::shared_ptr<const BodySource> body, TimePoint now);
  // The entry for `resource` from `peer`, its lifetime renewed at `now`; nullptr if none.
  const Entry* Find(const Peer& peer, const std::string& resource, TimePoint now);
  void Erase(const Peer& peer, const std::string& resource);
  // Drops the entries whose lifetime ended at `now`; returns how many.
  std::size_t Expire(TimePoint now);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Key {
    Peer peer;
    std::string resource;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  using Order = std::list<Key>;  // least recently used first: also the order of expiry
  struct Slot {
    Entry entry;
    TimePoint expires;
    Order::iterator in_order;
  };
  using Map = std::unordered_map<Key, Slot, KeyHash>;

  void Erase(Map::iterator it);
  void EvictOldestOf(const Peer& peer);

  ResponseBodyLimits limits_;
  Map entries_;
  Order order_;
  std::unordered_map<Peer, std::size_t> per_peer_;
};

}  // namespace custos::coap::transport
