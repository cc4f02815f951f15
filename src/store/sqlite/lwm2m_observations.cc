// The LwM2M server's observations (`lwm2m_observations`, migration 7): puts and removals in one
// unit of the writer, a paged listing for the restore at start, and the largest id ever used.
#include <string>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::Lwm2mObservationChange;
using core::Lwm2mObservationRecord;

constexpr std::string_view kPut =
    "INSERT OR REPLACE INTO lwm2m_observations (id, device_id, paths, token, secure, peer, "
    "content_format, started_at, last_value, last_notified_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?2)";

// LwM2M paths hold no line break: one path per line.
std::string JoinPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) {
    if (!out.empty()) out += '\n';
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPaths(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

core::Result<void> Put(Statement& put, const Lwm2mObservationRecord& r) {
  const std::string paths = JoinPaths(r.paths);
  const std::string_view token(reinterpret_cast<const char*>(r.token.data()), r.token.size());
  put.Bind(1, r.id)
      .Bind(2, r.device_id)
      .BindView(3, paths)
      .BindBlobView(4, token)
      .Bind(5, std::int64_t{r.secure ? 1 : 0})
      .BindView(6, r.peer)
      .Bind(7, r.content_format)
      .Bind(8, r.started_at)
      .BindView(9, r.last_value_json)
      .Bind(10, r.last_notified_at);
  auto done = put.Run();
  put.Reset();
  return done;
}

Lwm2mObservationRecord ReadRecord(const Statement& s) {
  Lwm2mObservationRecord r;
  r.id = s.Int(0);
  r.device_id = s.Int(1);
  r.paths = SplitPaths(s.Text(2));
  const std::string token = s.Text(3);
  r.token.assign(token.begin(), token.end());
  r.secure = s.Int(4) != 0;
  r.peer = s.Text(5);
  r.content_format = s.Int(6);
  r.started_at = s.Int(7);
  r.last_value_json = s.Text(8);
  r.last_notified_at = s.Int(9);
  return r;
}

}  // namespace

core::Result<void> SqliteStore::SaveLwm2mObservations(
    const std::vector<Lwm2mObservationChange>& changes) {
  if (changes.empty()) return {};
  return Write([&](Connection& db) -> Result<void> {
    auto put = db.Prepare(kPut);
    if (!put) return tl::unexpected(put.error());
    auto remove = db.Prepare("DELETE FROM lwm2m_observations WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    for (const Lwm2mObservationChange& change : changes) {
      if (change.is_removal()) {
        remove->Bind(1, change.removed_id);
        auto done = remove->Run();
        remove->Reset();
        if (!done) return done;
      } else if (auto done = Put(*put, change.record); !done) {
        return done;
      }
    }
    return {};
  });
}

core::Result<std::vector<Lwm2mObservationRecord>> SqliteStore::ListLwm2mObservations(
    std::int64_t after, std::size_t limit) {
  return Read([&](Connection& db) -> Result<std::vector<Lwm2mObservationRecord>> {
    auto select = db.Prepare(
        "SELECT id, device_id, paths, token, secure, peer, content_format, started_at, "
        "last_value, last_notified_at FROM lwm2m_observations WHERE id > ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<Lwm2mObservationRecord> out;
    for (;;) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(ReadRecord(*select));
    }
  });
}

core::Result<std::int64_t> SqliteStore::LastLwm2mObservationId() {
  return Read([&](Connection& db) -> Result<std::int64_t> {
    auto select = db.Prepare(
        "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'lwm2m_observations'");
    if (!select) return tl::unexpected(select.error());
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    return *row ? select->Int(0) : 0;
  });
}

}  // namespace custos::store::sqlite
