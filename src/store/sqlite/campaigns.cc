// Staged campaigns (migration 9): `campaigns`, `campaign_members` keyed by (campaign, device),
// and the append-only `campaign_timeline`.
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::CampaignEvent;
using core::CampaignMember;
using core::CampaignRecord;
using core::ErrorCode;

constexpr std::string_view kColumns =
    "id, name, spec_json, state, created_by, created_at, updated_at";

CampaignRecord ReadCampaign(const Statement& s) {
  CampaignRecord c;
  c.id = s.Int(0);
  c.name = s.Text(1);
  c.spec_json = s.Text(2);
  c.state = s.Text(3);
  c.created_by = s.Text(4);
  c.created_at = s.Int(5);
  c.updated_at = s.Int(6);
  return c;
}

core::Result<CampaignRecord> SelectCampaign(Connection& db, std::int64_t id) {
  auto select = db.Prepare(fmt::format("SELECT {} FROM campaigns WHERE id = ?", kColumns));
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, id);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return NotFound("campaign", id);
  return ReadCampaign(*select);
}

core::Result<void> UpsertMembers(Connection& db, const std::vector<CampaignMember>& members,
                                 core::TimeMs now) {
  // INSERT .. SELECT from devices skips members whose device is gone.
  auto upsert = db.Prepare(
      "INSERT INTO campaign_members (campaign_id, device_id, stage, batch, operation_id, "
      "outcome, updated_at) SELECT ?1, id, ?3, ?4, ?5, ?6, ?7 FROM devices WHERE id = ?2 "
      "ON CONFLICT (campaign_id, device_id) DO UPDATE SET stage = excluded.stage, "
      "batch = excluded.batch, operation_id = excluded.operation_id, "
      "outcome = excluded.outcome, updated_at = excluded.updated_at");
  if (!upsert) return tl::unexpected(upsert.error());
  for (const CampaignMember& m : members) {
    upsert->Reset();
    upsert->Bind(1, m.campaign_id)
        .Bind(2, m.device_id)
        .Bind(3, std::int64_t{m.stage})
        .Bind(4, std::int64_t{m.batch});
    if (m.operation_id) {
      upsert->Bind(5, *m.operation_id);
    } else {
      upsert->BindNull(5);
    }
    upsert->Bind(6, std::string_view(m.outcome)).Bind(7, m.updated_at ? m.updated_at : now);
    if (auto r = upsert->Run(); !r) return r;
  }
  return {};
}

core::Result<void> AppendTimeline(Connection& db, std::int64_t campaign,
                                  const std::vector<CampaignEvent>& timeline, core::TimeMs now) {
  if (timeline.empty()) return {};
  auto insert = db.Prepare(
      "INSERT INTO campaign_timeline (campaign_id, at, kind, details_json) VALUES (?, ?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  for (const CampaignEvent& e : timeline) {
    insert->Reset();
    insert->Bind(1, campaign)
        .Bind(2, e.at ? e.at : now)
        .Bind(3, std::string_view(e.kind))
        .Bind(4, std::string_view(e.details_json));
    if (auto r = insert->Run(); !r) return r;
  }
  return {};
}

core::Result<void> CheckLimit(std::size_t limit) {
  if (limit < 1 || limit > 1000) {
    return core::MakeError(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000");
  }
  return {};
}

}  // namespace

core::Result<CampaignRecord> SqliteStore::CreateCampaign(CampaignRecord campaign,
                                                         std::vector<CampaignMember> members,
                                                         core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (campaign.created_at == 0) campaign.created_at = now;
  if (campaign.updated_at == 0) campaign.updated_at = campaign.created_at;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto insert = db.Prepare(
        "INSERT INTO campaigns (name, spec_json, state, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, std::string_view(campaign.name))
        .Bind(2, std::string_view(campaign.spec_json))
        .Bind(3, std::string_view(campaign.state))
        .Bind(4, std::string_view(campaign.created_by))
        .Bind(5, campaign.created_at)
        .Bind(6, campaign.updated_at);
    if (auto r = insert->Run(); !r) return r;
    campaign.id = db.LastInsertId();
    for (CampaignMember& m : members) m.campaign_id = campaign.id;
    if (auto r = UpsertMembers(db, members, now); !r) return r;
    if (audit.target_id.empty()) audit.target_id = std::to_string(campaign.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return campaign;
}

core::Result<CampaignRecord> SqliteStore::GetCampaign(std::int64_t id) {
  return Read([&](Connection& db) { return SelectCampaign(db, id); });
}

core::Result<std::vector<CampaignRecord>> SqliteStore::ListCampaigns(std::int64_t after,
                                                                     std::size_t limit) {
  if (auto r = CheckLimit(limit); !r) return tl::unexpected(r.error());
  return Read([&](Connection& db) -> Result<std::vector<CampaignRecord>> {
    auto select = db.Prepare(
        fmt::format("SELECT {} FROM campaigns WHERE id > ? ORDER BY id LIMIT ?", kColumns));
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<CampaignRecord> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(ReadCampaign(*select));
    }
  });
}

core::Result<CampaignRecord> SqliteStore::UpdateCampaign(CampaignRecord campaign,
                                                         std::vector<CampaignEvent> timeline,
                                                         std::optional<core::AuditEntry> audit) {
  const core::TimeMs now = clock_.Now();
  CampaignRecord saved;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto update = db.Prepare(
        "UPDATE campaigns SET name = ?, spec_json = ?, state = ?, updated_at = ? WHERE id = ?");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view(campaign.name))
        .Bind(2, std::string_view(campaign.spec_json))
        .Bind(3, std::string_view(campaign.state))
        .Bind(4, now)
        .Bind(5, campaign.id);
    if (auto r = update->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("campaign", campaign.id);
    if (auto r = AppendTimeline(db, campaign.id, timeline, now); !r) return r;
    if (audit) {
      if (audit->target_id.empty()) audit->target_id = std::to_string(campaign.id);
      if (auto r = InsertAudit(db, *audit, now); !r) return r;
    }
    auto stored = SelectCampaign(db, campaign.id);
    if (!stored) return tl::unexpected(stored.error());
    saved = std::move(*stored);
    return {};
  });
  if (!written) return tl::unexpected(written.error());
  return saved;
}

core::Result<std::vector<CampaignEvent>> SqliteStore::ListCampaignTimeline(std::int64_t id) {
  return Read([&](Connection& db) -> Result<std::vector<CampaignEvent>> {
    auto select = db.Prepare(
        "SELECT at, kind, details_json FROM campaign_timeline WHERE campaign_id = ? ORDER BY id");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, id);
    std::vector<CampaignEvent> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back({select->Int(0), select->Text(1), select->Text(2)});
    }
  });
}

core::Result<void> SqliteStore::SaveCampaignMembers(std::vector<CampaignMember> members) {
  if (members.empty()) return {};
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) { return UpsertMembers(db, members, now); });
}

core::Result<std::vector<CampaignMember>> SqliteStore::ListCampaignMembers(std::int64_t campaign,
                                                                           core::DeviceId after,
                                                                           std::size_t limit) {
  if (auto r = CheckLimit(limit); !r) return tl::unexpected(r.error());
  return Read([&](Connection& db) -> Result<std::vector<CampaignMember>> {
    auto select = db.Prepare(
        "SELECT campaign_id, device_id, stage, batch, operation_id, outcome, updated_at "
        "FROM campaign_members WHERE campaign_id = ? AND device_id > ? ORDER BY device_id "
        "LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, campaign).Bind(2, after).Bind(3, static_cast<std::int64_t>(limit));
    std::vector<CampaignMember> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      CampaignMember m;
      m.campaign_id = select->Int(0);
      m.device_id = select->Int(1);
      m.stage = static_cast<int>(select->Int(2));
      m.batch = static_cast<int>(select->Int(3));
      if (!select->IsNull(4)) m.operation_id = select->Int(4);
      m.outcome = select->Text(5);
      m.updated_at = select->Int(6);
      out.push_back(std::move(m));
    }
  });
}

}  // namespace custos::store::sqlite
