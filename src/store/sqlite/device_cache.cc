#include "store/sqlite/device_cache.h"

#include <cstring>

namespace custos::store::sqlite {

DeviceCache::DeviceCache(std::size_t capacity, int wal_autocheckpoint_pages)
    : shard_capacity_(capacity == 0 ? 0 : (capacity + kShards - 1) / kShards),
      wal_autocheckpoint_pages_(wal_autocheckpoint_pages) {}

std::optional<core::Device> DeviceCache::Get(core::DeviceId id) const {
  Shard& shard = ShardOf(id);
  std::shared_ptr<const core::Device> found;
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.entries.find(id);
    if (it == shard.entries.end()) return std::nullopt;
    found = it->second;
  }
  return *found;  // copied outside the lock
}

DeviceCache::Ticket DeviceCache::Begin(core::DeviceId id) const {
  Shard& shard = ShardOf(id);
  std::lock_guard lock(shard.mu);
  return Ticket{shard.generation};
}

void DeviceCache::Put(const core::Device& device, Ticket ticket) {
  if (shard_capacity_ == 0) return;
  auto copy = std::make_shared<const core::Device>(device);
  Shard& shard = ShardOf(device.id);
  std::lock_guard lock(shard.mu);
  if (shard.generation != ticket.generation) return;  // a write came in between
  auto [it, inserted] = shard.entries.try_emplace(device.id, copy);
  if (!inserted) {
    it->second = std::move(copy);
    return;
  }
  if (shard.ring.size() < shard_capacity_) {
    shard.ring.push_back(device.id);
    return;
  }
  // Full: the oldest entry goes (it may already have been invalidated, then nothing goes).
  shard.entries.erase(shard.ring[shard.next_victim]);
  shard.ring[shard.next_victim] = device.id;
  shard.next_victim = (shard.next_victim + 1) % shard.ring.size();
}

void DeviceCache::Invalidate(core::DeviceId id) {
  Shard& shard = ShardOf(id);
  std::lock_guard lock(shard.mu);
  ++shard.generation;
  shard.entries.erase(id);
}

std::size_t DeviceCache::Size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.entries.size();
  }
  return n;
}

void DeviceCache::Attach(sqlite3* writer) {
  sqlite3_update_hook(writer, &DeviceCache::OnUpdate, this);
  sqlite3_wal_hook(writer, &DeviceCache::OnWalCommit, this);
  sqlite3_rollback_hook(writer, &DeviceCache::OnRollback, this);
}

void DeviceCache::OnUpdate(void* self, int op, const char* /*db*/, const char* table,
                           sqlite3_int64 rowid) {
  // A new row cannot be cached yet (ids are AUTOINCREMENT, never reused): an import pays
  // nothing here.
  if (op == SQLITE_INSERT || std::strcmp(table, "devices") != 0) return;
  auto* cache = static_cast<DeviceCache*>(self);
  cache->Invalidate(rowid);
  cache->transaction_ids_.push_back(rowid);
}

int DeviceCache::OnWalCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* cache = static_cast<DeviceCache*>(self);
  // The commit is visible to readers now: a read that began before it may have been about to
  // fill the cache with the old row; the generation bump refuses it.
  cache->InvalidateTransaction();
  // What sqlite3_wal_autocheckpoint would have done, since this hook replaces it.
  if (cache->wal_autocheckpoint_pages_ > 0 && pages >= cache->wal_autocheckpoint_pages_) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

void DeviceCache::OnRollback(void* self) {
  // Nothing changed, but the rows were dropped already; forget them.
  static_cast<DeviceCache*>(self)->InvalidateTransaction();
}

void DeviceCache::InvalidateTransaction() {
  for (core::DeviceId id : transaction_ids_) Invalidate(id);
  transaction_ids_.clear();
}

}  // namespace custos::store::sqlite
