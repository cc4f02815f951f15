// The library of firmware images: the directory of files, the index of which digest belongs to
// which image, and the store rows, kept in step under one mutex.
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "firmware/firmware.h"

namespace custos::firmware {
namespace {

using core::ErrorCode;

constexpr std::string_view kTempPrefix = ".upload-";
constexpr std::size_t kMaxText = 200;

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

core::Result<void> CheckText(std::string_view what, std::string_view text) {
  if (text.empty() || text.size() > kMaxText) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("{} must be 1 to {} characters", what, kMaxText));
  }
  return {};
}

// Makes a rename in `dir` durable.
void SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

core::AuditEntry AuditOf(const core::Actor& actor, std::string action, core::FirmwareId id,
                         const core::FirmwareImage& image) {
  core::AuditEntry entry;
  entry.actor = actor.name;
  entry.actor_token_id = actor.token_id;
  entry.action = std::move(action);
  entry.target_type = "firmware";
  entry.target_id = id == 0 ? "" : std::to_string(id);
  boost::json::object details{{"name", image.name},
                              {"version", image.version},
                              {"size", image.size},
                              {"sha256", image.sha256}};
  entry.details_json = boost::json::serialize(details);
  return entry;
}

}  // namespace

Library::Library(LibraryOptions options, core::Store& store)
    : options_(std::move(options)), store_(store), directory_(options_.data_dir / "firmware") {}

core::Result<std::unique_ptr<Library>> Library::Open(LibraryOptions options, core::Store& store) {
  std::unique_ptr<Library> library(new Library(std::move(options), store));
  std::error_code ec;
  std::filesystem::create_directories(library->directory_, ec);
  if (ec) {
    return core::MakeError(
        ErrorCode::kUnavailable,
        fmt::format("cannot create {}: {}", library->directory_.string(), ec.message()));
  }
  for (const auto& entry : std::filesystem::directory_iterator(library->directory_, ec)) {
    if (entry.path().filename().string().starts_with(kTempPrefix)) {
      std::error_code remove_ec;
      std::filesystem::remove(entry.path(), remove_ec);
    }
  }
  core::FirmwareId after = 0;
  while (true) {
    auto page = store.ListFirmware(after, 1000);
    if (!page) return tl::unexpected(page.error());
    for (const auto& image : *page) {
      library->index_[image.id] = image.sha256;  // before any other thread sees it
      after = image.id;
      if (!std::filesystem::exists(library->directory_ / image.sha256)) {
        spdlog::warn("firmware {} ({} {}): its file {} is missing", image.id, image.name,
                     image.version, image.file);
      }
    }
    if (page->size() < 1000) break;
  }
  return library;
}

core::Result<std::unique_ptr<Upload>> Library::BeginUpload(UploadRequest request) {
  if (auto ok = CheckText("name", request.name); !ok) return tl::unexpected(ok.error());
  if (auto ok = CheckText("version", request.version); !ok) return tl::unexpected(ok.error());
  for (const auto& model : request.models) {
    if (auto ok = CheckText("a model", model); !ok) return tl::unexpected(ok.error());
    if (model.find(',') != std::string::npos) {
      return core::MakeError(ErrorCode::kInvalidArgument, "a model cannot contain a comma");
    }
  }
  if (request.sha256 && !IsHex64(*request.sha256)) {
    return core::MakeError(ErrorCode::kInvalidArgument, "sha256 must be 64 hex digits");
  }
  std::string temp = (directory_ / (std::string(kTempPrefix) + "XXXXXX")).string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return core::MakeError(
        ErrorCode::kUnavailable,
        fmt::format("cannot create a file in {}: {}", directory_.string(), std::strerror(errno)));
  }
  EVP_MD_CTX* digest = EVP_MD_CTX_new();
  if (digest == nullptr || EVP_DigestInit_ex(digest, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(digest);
    ::close(fd);
    ::unlink(temp.c_str());
    return core::MakeError(ErrorCode::kInternal, "sha256 unavailable");
  }
  return std::unique_ptr<Upload>(new Upload(*this, std::move(request), temp, fd, digest));
}

core::Result<core::FirmwareImage> Library::Commit(const std::filesystem::path& temp,
                                                  core::FirmwareImage image,
                                                  const core::Actor& actor) {
  std::lock_guard lock(files_mu_);
  if (auto existing = IdOfContent(image.sha256)) {
    return core::MakeError(
        ErrorCode::kAlreadyExists,
        fmt::format("firmware {} has the same content (sha256 {})", *existing, image.sha256));
  }
  const std::filesystem::path target = directory_ / image.sha256;
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("cannot rename the firmware file: {}", ec.message()));
  }
  SyncDirectory(directory_);
  auto stored = store_.CreateFirmware(image, AuditOf(actor, "firmware.upload", 0, image));
  if (!stored) {
    // No row refers to the file (the index said no other image has this digest).
    std::filesystem::remove(target, ec);
    return tl::unexpected(stored.error());
  }
  std::lock_guard index_lock(index_mu_);
  index_[stored->id] = stored->sha256;
  return stored;
}

core::Result<core::FirmwareImage> Library::Get(core::FirmwareId id) {
  return store_.GetFirmware(id);
}

core::Result<std::vector<core::FirmwareImage>> Library::List(core::FirmwareId after,
                                                             std::size_t limit) {
  return store_.ListFirmware(after, limit);
}

core::Result<void> Library::Delete(core::FirmwareId id, const core::Actor& actor) {
  std::lock_guard lock(files_mu_);
  auto image = store_.GetFirmware(id);
  if (!image) return tl::unexpected(image.error());
  auto used = InUse(*image);
  if (!used) return tl::unexpected(used.error());
  if (*used) {
    return core::MakeError(
        ErrorCode::kConflict,
        fmt::format("firmware {} is in use by an operation that is not final", id));
  }
  if (auto removed = store_.DeleteFirmware(id, AuditOf(actor, "firmware.delete", id, *image));
      !removed) {
    return removed;
  }
  {
    std::lock_guard index_lock(index_mu_);
    index_.erase(id);
  }
  std::error_code ec;
  std::filesystem::remove(directory_ / image->sha256, ec);
  if (ec) spdlog::warn("firmware {}: cannot remove its file: {}", id, ec.message());
  return {};
}

std::optional<core::FirmwareId> Library::IdOfContent(std::string_view sha256) const {
  std::lock_guard lock(index_mu_);
  for (const auto& [id, digest] : index_) {
    if (digest == sha256) return id;
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> Library::FileOf(core::FirmwareId id) const {
  std::lock_guard lock(index_mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return directory_ / it->second;
}

void Library::SetBaseUrls(std::string http, std::string coap) {
  std::lock_guard lock(urls_mu_);
  http_base_ = std::move(http);
  coap_base_ = std::move(coap);
}

ImageUrls Library::UrlsOf(core::FirmwareId id) const {
  std::lock_guard lock(urls_mu_);
  ImageUrls urls;
  if (!http_base_.empty()) urls.http = fmt::format("{}/api/v1/firmware/{}/content", http_base_, id);
  if (!coap_base_.empty()) urls.coap = fmt::format("{}/fw/{}", coap_base_, id);
  return urls;
}

}  // namespace custos::firmware
