// Front door of the firmware module (library custos_firmware): the firmware images an
// operator uploads, kept as files under <data-dir>/firmware/<sha256> with their description in
// the store, and their delivery to devices over CoAP (GET /fw/{id}, block-wise). Other
// modules include only this header.
//
// An upload streams: each piece goes to a temporary file in the same directory and into a
// SHA-256 (OpenSSL EVP) as it arrives, so an image of any allowed size costs one buffer of
// memory. Finishing checks the digest the caller expected, fsyncs the file, renames it to its
// digest (atomic on one file system) and fsyncs the directory, and only then stores the row:
// an image the store lists always has its bytes on disk. A crash leaves at most a temporary
// file, removed the next time the library opens.
//
// One image per content: uploading bytes already stored is kAlreadyExists naming the image.
// Deleting an image that a remote operation not yet final refers to (its parameters name the
// image's id as "firmware_id" or its digest as "sha256") is kConflict.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace custos::coap {
struct IncomingRequest;
class Responder;
}  // namespace custos::coap

namespace custos::firmware {

inline constexpr std::uint64_t kDefaultMaxSize = std::uint64_t{256} << 20;  // 256 MiB

struct LibraryOptions {
  std::filesystem::path data_dir;  // images go to data_dir / "firmware"
  std::uint64_t max_size = kDefaultMaxSize;
};

struct UploadRequest {
  std::string name;
  std::string version;
  std::vector<std::string> models;
  std::optional<std::string> sha256;  // expected digest (hex, any case); checked on Finish
  core::Actor actor;
};

// Where a device or an operator fetches an image; "" when that listener does not run.
struct ImageUrls {
  std::string http;  // .../api/v1/firmware/{id}/content (needs a token)
  std::string coap;  // coap://host:port/fw/{id}
};

class Library;

// One upload in progress. Destroying it before Finish discards what was written.
class Upload {
 public:
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  // Appends `piece` to the file and the digest. kPayloadTooLarge once the image would exceed
  // the library's max_size; kInternal on a write error. After an error the upload is dead.
  core::Result<void> Write(std::string_view piece);
  // Ends the upload: kFailedPrecondition when the digest differs from the expected one,
  // kInvalidArgument for an empty image, kAlreadyExists when the content is stored already;
  // otherwise the stored image.
  core::Result<core::FirmwareImage> Finish();

  std::uint64_t size() const { return size_; }

 private:
  friend class Library;
  Upload(Library& library, UploadRequest request, std::filesystem::path temp, int fd, void* digest);
  void Discard();

  Library& library_;
  UploadRequest request_;
  std::filesystem::path temp_;
  int fd_ = -1;
  void* digest_ = nullptr;  // EVP_MD_CTX, kept out of this header
  std::uint64_t size_ = 0;
  bool failed_ = false;
};

class Library {
 public:
  // Creates <data_dir>/firmware if needed, removes temporary files left by a crash, and
  // loads the index of stored images. kUnavailable when the directory cannot be made.
  static core::Result<std::unique_ptr<Library>> Open(LibraryOptions options, core::Store& store);

  // Checks the request (name and version non-empty, at most 200 characters, models
  // without commas, the expected digest 64 hex digits) and opens the temporary file.
  core::Result<std::unique_ptr<Upload>> BeginUpload(UploadRequest request);

  core::Result<core::FirmwareImage> Get(core::FirmwareId id);
  core::Result<std::vector<core::FirmwareImage>> List(core::FirmwareId after, std::size_t limit);
  // Removes the image (audited as `actor`) and then its file; kConflict while an operation
  // that is not final refers to it, kNotFound for an unknown id.
  core::Result<void> Delete(core::FirmwareId id, const core::Actor& actor);

  // The absolute path of a stored image's bytes, from the in-memory index (no store call:
  // safe on I/O threads); nullopt for an unknown id.
  std::optional<std::filesystem::path> FileOf(core::FirmwareId id) const;

  // The base URLs of the listeners ("http://127.0.0.1:8080", "coap://127.0.0.1:5683"), set
  // once they are bound; "" for one that does not run.
  void SetBaseUrls(std::string http, std::string coap);
  ImageUrls UrlsOf(core::FirmwareId id) const;

  std::uint64_t max_size() const { return options_.max_size; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  friend class Upload;
  Library(LibraryOptions options, core::Store& store);
  // Renames the finished temporary file to its digest and stores the row, under files_mu_.
  core::Result<core::FirmwareImage> Commit(const std::filesystem::path& temp,
                                           core::FirmwareImage image, const core::Actor& actor);
  // Whether an operation that is not final names the image.
  core::Result<bool> InUse(const core::FirmwareImage& image);

  LibraryOptions options_;
  core::Store& store_;
  std::filesystem::path directory_;
  // The image with this digest, from the index.
  std::optional<core::FirmwareId> IdOfContent(std::string_view sha256) const;

  // Serialises creates and deletes (file and row together); held across store calls.
  std::mutex files_mu_;
  // The stored images' digests by id: the authority on which files belong to a row, since
  // every create and delete goes through this library. Held only for lookups.
  mutable std::mutex index_mu_;
  std::map<core::FirmwareId, std::string> index_;
  mutable std::mutex urls_mu_;
  std::string http_base_;
  std::string coap_base_;
};

// Whether a CoAP request path is the firmware resource's ("/fw/..."), for the CoAP service's
// dispatch.
bool ClaimsCoapPath(std::string_view path);
// Answers GET /fw/{id} with the image's bytes, block-wise (Block2) from the file: 2.05 with
// Content-Format application/octet-stream; 4.04 for an unknown id; 4.05 for other methods.
// Does not block: safe on the endpoint's I/O thread.
void AnswerCoap(const Library& library, const coap::IncomingRequest& request,
                coap::Responder responder);

}  // namespace custos::firmware
