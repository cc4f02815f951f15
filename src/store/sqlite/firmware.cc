// Firmware images: one row per image in `firmware` and its models in `firmware_models`
// (migration 6). The store knows the file only by its relative path; the firmware module
// writes and removes the bytes.
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::FirmwareImage;

constexpr std::string_view kColumns =
    "id, name, version, size, sha256, file, uploaded_by, created_at";

FirmwareImage ReadImage(const Statement& s) {
  FirmwareImage image;
  image.id = s.Int(0);
  image.name = s.Text(1);
  image.version = s.Text(2);
  image.size = static_cast<std::uint64_t>(s.Int(3));
  image.sha256 = s.Text(4);
  image.file = s.Text(5);
  image.uploaded_by = s.Text(6);
  image.created_at = s.Int(7);
  return image;
}

// Fills the models of every image in `images`, in name order.
core::Result<void> ReadModels(Connection& db, std::vector<FirmwareImage>& images) {
  auto select =
      db.Prepare("SELECT model FROM firmware_models WHERE firmware_id = ? ORDER BY model");
  if (!select) return tl::unexpected(select.error());
  for (auto& image : images) {
    select->Bind(1, image.id);
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      image.models.push_back(select->Text(0));
    }
    select->Reset();
  }
  return {};
}

core::Result<std::vector<FirmwareImage>> ReadImages(Connection& db, Statement& select) {
  std::vector<FirmwareImage> out;
  while (true) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadImage(select));
  }
  if (auto models = ReadModels(db, out); !models) return tl::unexpected(models.error());
  return out;
}

// The id of the image with this content, if one is stored.
core::Result<std::optional<core::FirmwareId>> FindBySha256(Connection& db,
                                                           std::string_view sha256) {
  auto select = db.Prepare("SELECT id FROM firmware WHERE sha256 = ?");
  if (!select) return tl::unexpected(select.error());
  select->BindView(1, sha256);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<core::FirmwareId>();
  return std::optional<core::FirmwareId>(select->Int(0));
}

}  // namespace

core::Result<FirmwareImage> SqliteStore::CreateFirmware(FirmwareImage image,
                                                        core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (image.created_at == 0) image.created_at = now;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto existing = FindBySha256(db, image.sha256);
    if (!existing) return tl::unexpected(existing.error());
    if (*existing) {
      return core::MakeError(
          ErrorCode::kAlreadyExists,
          fmt::format("firmware {} has the same content (sha256 {})", **existing, image.sha256));
    }
    auto insert = db.Prepare(
        "INSERT INTO firmware (name, version, size, sha256, file, uploaded_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->BindView(1, image.name)
        .BindView(2, image.version)
        .Bind(3, static_cast<std::int64_t>(image.size))
        .BindView(4, image.sha256)
        .BindView(5, image.file)
        .BindView(6, image.uploaded_by)
        .Bind(7, image.created_at);
    if (auto r = insert->Run(); !r) return r;
    image.id = db.LastInsertId();
    auto model = db.Prepare(
        "INSERT OR IGNORE INTO firmware_models (firmware_id, model) "
        "VALUES (?, ?)");
    if (!model) return tl::unexpected(model.error());
    for (const auto& m : image.models) {
      model->Bind(1, image.id).BindView(2, m);
      if (auto r = model->Run(); !r) return r;
      model->Reset();
    }
    if (audit.target_id.empty()) audit.target_id = std::to_string(image.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return image;
}

core::Result<FirmwareImage> SqliteStore::GetFirmware(core::FirmwareId id) {
  return Read([&](Connection& db) -> Result<FirmwareImage> {
    auto select = db.Prepare(fmt::format("SELECT {} FROM firmware WHERE id = ?", kColumns));
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, id);
    auto images = ReadImages(db, *select);
    if (!images) return tl::unexpected(images.error());
    if (images->empty()) return NotFound("firmware", id);
    return std::move(images->front());
  });
}

core::Result<std::vector<FirmwareImage>> SqliteStore::ListFirmware(core::FirmwareId after,
                                                                   std::size_t limit) {
  if (limit < 1 || limit > 1000) {
    return core::MakeError(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000");
  }
  return Read([&](Connection& db) -> Result<std::vector<FirmwareImage>> {
    auto select = db.Prepare(
        fmt::format("SELECT {} FROM firmware WHERE id > ? ORDER BY id LIMIT ?", kColumns));
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    return ReadImages(db, *select);
  });
}

core::Result<void> SqliteStore::DeleteFirmware(core::FirmwareId id, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto remove = db.Prepare("DELETE FROM firmware WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->Bind(1, id);
    if (auto r = remove->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("firmware", id);
    if (audit.target_id.empty()) audit.target_id = std::to_string(id);
    return InsertAudit(db, audit, now);
  });
}

}  // namespace custos::store::sqlite
