// One streamed upload: pieces into a temporary file and a SHA-256 at once; Finish checks the
// digest, makes the bytes durable and hands over to Library::Commit.
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "firmware/firmware.h"

namespace custos::firmware {
namespace {

using core::ErrorCode;

EVP_MD_CTX* Digest(void* p) { return static_cast<EVP_MD_CTX*>(p); }

std::string Hex(const unsigned char* bytes, unsigned length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

}  // namespace

Upload::Upload(Library& library, UploadRequest request, std::filesystem::path temp, int fd,
               void* digest)
    : library_(library),
      request_(std::move(request)),
      temp_(std::move(temp)),
      fd_(fd),
      digest_(digest) {}

Upload::~Upload() { Discard(); }

void Upload::Discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    temp_.clear();
  }
  if (digest_ != nullptr) {
    EVP_MD_CTX_free(Digest(digest_));
    digest_ = nullptr;
  }
}

core::Result<void> Upload::Write(std::string_view piece) {
  if (failed_ || fd_ < 0) return core::MakeError(ErrorCode::kInternal, "the upload has ended");
  if (size_ + piece.size() > library_.max_size()) {
    failed_ = true;
    Discard();
    return core::MakeError(ErrorCode::kPayloadTooLarge,
                           fmt::format("firmware image over {} bytes", library_.max_size()));
  }
  if (EVP_DigestUpdate(Digest(digest_), piece.data(), piece.size()) != 1) {
    failed_ = true;
    Discard();
    return core::MakeError(ErrorCode::kInternal, "sha256 update failed");
  }
  const char* data = piece.data();
  std::size_t left = piece.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      failed_ = true;
      Discard();
      return core::MakeError(ErrorCode::kInternal,
                             fmt::format("cannot write the firmware file: {}", std::strerror(err)));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  size_ += piece.size();
  return {};
}

core::Result<core::FirmwareImage> Upload::Finish() {
  if (failed_ || fd_ < 0) return core::MakeError(ErrorCode::kInternal, "the upload has ended");
  failed_ = true;  // whatever happens below, this upload is over
  if (size_ == 0) {
    Discard();
    return core::MakeError(ErrorCode::kInvalidArgument, "the firmware image is empty");
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_length = 0;
  if (EVP_DigestFinal_ex(Digest(digest_), md, &md_length) != 1) {
    Discard();
    return core::MakeError(ErrorCode::kInternal, "sha256 failed");
  }
  const std::string sha256 = Hex(md, md_length);
  if (request_.sha256 && Lower(*request_.sha256) != sha256) {
    Discard();
    return core::MakeError(
        ErrorCode::kFailedPrecondition,
        fmt::format("the image's sha256 is {}, not {}", sha256, Lower(*request_.sha256)));
  }
  if (::fsync(fd_) != 0) {
    const int err = errno;
    Discard();
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("cannot sync the firmware file: {}", std::strerror(err)));
  }
  ::close(fd_);
  fd_ = -1;

  core::FirmwareImage image;
  image.name = request_.name;
  image.version = request_.version;
  image.size = size_;
  image.sha256 = sha256;
  image.models = request_.models;
  image.file = "firmware/" + sha256;
  image.uploaded_by = request_.actor.name;
  auto stored = library_.Commit(temp_, std::move(image), request_.actor);
  Discard();  // the temporary file is gone if Commit renamed it; otherwise remove it
  return stored;
}

}  // namespace custos::firmware
