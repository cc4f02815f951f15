// The SQLite store's cache of whole devices by id, so that reading one device costs no SQLite
// read. Internal to the SQLite store.
//
// It is kept true by the writer connection's hooks (Attach): every devices row the writer
// inserts, updates or deletes is dropped from the cache as the statement runs and again once
// its transaction has committed (SQLite's WAL hook runs after the commit, when readers can
// see it). A reader that missed fills the cache only if no write to that device was seen
// since it began: it takes a Ticket before its read transaction starts and hands it to Put,
// so a read from a snapshot older than a commit can never be cached after that commit.
//
// device_labels is a WITHOUT ROWID table, for which SQLite's update hook does not fire: every
// write of a device's labels must come with a write of its devices row (as InsertDevice and
// OverwriteDevice do), or the cache would keep the old labels.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/device.h"

namespace custos::store::sqlite {

class DeviceCache {
 public:
  // Holds at most `capacity` devices (0: caches nothing); when full, the oldest entry of a
  // shard makes room. `wal_autocheckpoint_pages` replaces SQLite's automatic checkpoint,
  // which the WAL hook displaces (0: never checkpoint automatically).
  DeviceCache(std::size_t capacity, int wal_autocheckpoint_pages);

  // What Put needs to know that nothing changed the device since the read began.
  struct Ticket {
    std::uint64_t generation = 0;
  };

  // A copy of the cached device, if any.
  std::optional<core::Device> Get(core::DeviceId id) const;
  // Call before the read transaction that may fill the cache for `id` begins.
  Ticket Begin(core::DeviceId id) const;
  // Caches `device` unless a write to it was seen since `ticket` was taken.
  void Put(const core::Device& device, Ticket ticket);
  // Drops `id` (and makes tickets taken before this call for it worthless).
  void Invalidate(core::DeviceId id);

  // Installs the update, WAL and rollback hooks on the writer's connection. The cache must
  // outlive the connection (or the hooks must be removed first).
  void Attach(sqlite3* writer);

  std::size_t Size() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<core::DeviceId, std::shared_ptr<const core::Device>> entries;
    std::vector<core::DeviceId> ring;  // insertion order, for eviction
    std::size_t next_victim = 0;
    std::uint64_t generation = 0;  // bumped by every invalidation in this shard
  };

  Shard& ShardOf(core::DeviceId id) const {
    return shards_[static_cast<std::uint64_t>(id) % kShards];
  }
  // The writer's side: the devices rows of the open transaction.
  static void OnUpdate(void* self, int op, const char* db, const char* table,
                       sqlite3_int64 rowid);
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  static void OnRollback(void* self);
  void InvalidateTransaction();

  const std::size_t shard_capacity_;
  const int wal_autocheckpoint_pages_;
  mutable std::array<Shard, kShards> shards_;
  std::vector<core::DeviceId> transaction_ids_;  // writer thread only
};

}  // namespace custos::store::sqlite
