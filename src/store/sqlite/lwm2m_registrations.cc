// The LwM2M server's registrations (`lwm2m_registrations`, migration 5): a batch of puts and
// removals in one unit of the writer (so a registration storm costs one transaction per
// batch), and a paged listing for the reload at start.
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::Lwm2mRegistrationChange;
using core::Lwm2mRegistrationRecord;

// OR REPLACE: a put drops whatever row holds the same id, endpoint or device (a device that
// registers again, or a device renamed into another's endpoint). The device must exist.
constexpr std::string_view kPut =
    "INSERT OR REPLACE INTO lwm2m_registrations (id, endpoint, device_id, peer, secure, "
    "identity, version, lifetime_s, binding, sms, queue_mode, object_links, registered_at, "
    "updated_at, deadline) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15 WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?3)";

core::Result<void> Put(Statement& put, const Lwm2mRegistrationRecord& r) {
  put.BindView(1, r.id)
      .BindView(2, r.endpoint)
      .Bind(3, r.device_id)
      .BindView(4, r.peer)
      .Bind(5, std::int64_t{r.secure ? 1 : 0})
      .BindView(6, r.identity)
      .BindView(7, r.version)
      .Bind(8, r.lifetime_s)
      .BindView(9, r.binding)
      .BindView(10, r.sms)
      .Bind(11, std::int64_t{r.queue_mode ? 1 : 0})
      .BindView(12, r.object_links)
      .Bind(13, r.registered_at)
      .Bind(14, r.updated_at)
      .Bind(15, r.deadline);
  auto done = put.Run();
  put.Reset();
  return done;
}

Lwm2mRegistrationRecord ReadRecord(const Statement& s) {
  Lwm2mRegistrationRecord r;
  r.id = s.Text(0);
  r.endpoint = s.Text(1);
  r.device_id = s.Int(2);
  r.peer = s.Text(3);
  r.secure = s.Int(4) != 0;
  r.identity = s.Text(5);
  r.version = s.Text(6);
  r.lifetime_s = s.Int(7);
  r.binding = s.Text(8);
  r.sms = s.Text(9);
  r.queue_mode = s.Int(10) != 0;
  r.object_links = s.Text(11);
  r.registered_at = s.Int(12);
  r.updated_at = s.Int(13);
  r.deadline = s.Int(14);
  return r;
}

}  // namespace

core::Result<void> SqliteStore::SaveLwm2mRegistrations(
    const std::vector<Lwm2mRegistrationChange>& changes) {
  if (changes.empty()) return {};
  return Write([&](Connection& db) -> Result<void> {
    auto put = db.Prepare(kPut);
    if (!put) return tl::unexpected(put.error());
    auto remove = db.Prepare("DELETE FROM lwm2m_registrations WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    // The device's observations end with its registration (de-registered, expired, dropped).
    auto unobserve = db.Prepare(
        "DELETE FROM lwm2m_observations WHERE device_id = "
        "(SELECT device_id FROM lwm2m_registrations WHERE id = ?)");
    if (!unobserve) return tl::unexpected(unobserve.error());
    for (const Lwm2mRegistrationChange& change : changes) {
      if (change.is_removal()) {
        unobserve->BindView(1, change.removed_id);
        auto gone = unobserve->Run();
        unobserve->Reset();
        if (!gone) return gone;
        remove->BindView(1, change.removed_id);
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

core::Result<std::vector<Lwm2mRegistrationRecord>> SqliteStore::ListLwm2mRegistrations(
    std::string_view after, std::size_t limit) {
  return Read([&](Connection& db) -> Result<std::vector<Lwm2mRegistrationRecord>> {
    auto select = db.Prepare(
        "SELECT id, endpoint, device_id, peer, secure, identity, version, lifetime_s, binding, "
        "sms, queue_mode, object_links, registered_at, updated_at, deadline "
        "FROM lwm2m_registrations WHERE endpoint > ? ORDER BY endpoint LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<Lwm2mRegistrationRecord> out;
    for (;;) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(ReadRecord(*select));
    }
  });
}

}  // namespace custos::store::sqlite
