#include "coap/body_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace custos::coap {
namespace {

using core::ErrorCode;
using core::MakeError;

tl::unexpected<core::Error> ErrnoError(const std::string& what, const std::filesystem::path& path,
                                       int error) {
  const ErrorCode code = error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInternal;
  return MakeError(code, what + " " + path.string() + ": " + std::strerror(error));
}

template <class T>
void AppendBytes(std::vector<std::uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

// Writes all of `bytes` at `offset`, resuming after short writes and EINTR.
bool WriteAll(int fd, std::span<const std::uint8_t> bytes, std::size_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

core::Result<std::unique_ptr<FileBody>> FileBody::Open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoError("cannot stat", path, error);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kInvalidArgument, path.string() + " is not a regular file");
  }
  std::vector<std::uint8_t> identity;
  AppendBytes(identity, st.st_dev);
  AppendBytes(identity, st.st_ino);
  AppendBytes(identity, st.st_size);
  AppendBytes(identity, st.st_mtim.tv_sec);
  AppendBytes(identity, st.st_mtim.tv_nsec);
  return std::unique_ptr<FileBody>(
      new FileBody(fd, static_cast<std::size_t>(st.st_size), st.st_mtim, DeriveETag(identity)));
}

FileBody::~FileBody() { ::close(fd_); }

core::Result<std::vector<std::uint8_t>> FileBody::Read(std::size_t offset,
                                                       std::size_t length) const {
  if (offset >= size_) return std::vector<std::uint8_t>();
  std::vector<std::uint8_t> bytes(std::min(length, size_ - offset));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kInternal, std::string("pread: ") + std::strerror(errno));
    }
    if (n == 0) break;  // the file shrank; the check below reports it
    done += static_cast<std::size_t>(n);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    return MakeError(ErrorCode::kInternal, std::string("fstat: ") + std::strerror(errno));
  }
  if (done < bytes.size() || static_cast<std::size_t>(st.st_size) != size_ ||
      st.st_mtim.tv_sec != mtime_.tv_sec || st.st_mtim.tv_nsec != mtime_.tv_nsec) {
    return MakeError(ErrorCode::kConflict, "the file changed while it was being served");
  }
  return bytes;
}

core::Result<std::unique_ptr<FileSink>> FileSink::Create(std::filesystem::path path,
                                                         std::size_t limit) {
  std::filesystem::path part = path;
  part += ".part";
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    return MakeError(ErrorCode::kInternal,
                     "cannot create " + part.string() + ": " + std::strerror(error));
  }
  return std::unique_ptr<FileSink>(new FileSink(fd, std::move(path), std::move(part), limit));
}

FileSink::~FileSink() { Abort(); }

core::Result<void> FileSink::Write(std::size_t offset, std::span<const std::uint8_t> bytes) {
  if (fd_ < 0) return MakeError(ErrorCode::kFailedPrecondition, "sink is closed");
  if (offset > limit_ || bytes.size() > limit_ - offset) {
    return MakeError(ErrorCode::kPayloadTooLarge,
                     "body exceeds the limit of " + std::to_string(limit_) + " bytes");
  }
  if (!WriteAll(fd_, bytes, offset)) {
    return MakeError(ErrorCode::kInternal,
                     "cannot write " + part_path_.string() + ": " + std::strerror(errno));
  }
  extent_ = std::max(extent_, offset + bytes.size());
  return {};
}

core::Result<void> FileSink::Finish(std::size_t size) {
  if (fd_ < 0) return MakeError(ErrorCode::kFailedPrecondition, "sink is closed");
  if (size > extent_) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "finish at " + std::to_string(size) + " but only " + std::to_string(extent_) + " written");
  }
  // fsync before rename: otherwise a crash can leave the final name on an empty file.
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::fsync(fd_) != 0) {
    const int error = errno;
    Abort();
    return MakeError(ErrorCode::kInternal,
                     "cannot complete " + part_path_.string() + ": " + std::strerror(error));
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 || std::rename(part_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(part_path_.c_str());
    return MakeError(ErrorCode::kInternal,
                     "cannot rename to " + path_.string() + ": " + std::strerror(error));
  }
  return {};
}

void FileSink::Abort() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(part_path_.c_str());
}

}  // namespace custos::coap
