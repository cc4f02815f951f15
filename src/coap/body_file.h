// Bodies on disk. FileBody serves a file with pread, one block at a time, never holding the
// whole of it. FileSink writes to "<path>.part" and renames it to <path> only when the
// body is complete, so a reader of <path> never sees half a body, and an aborted transfer
// leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "coap/body_sink.h"
#include "coap/body_source.h"

namespace custos::coap {

class FileBody final : public BodySource {
 public:
  // Opens a regular file for reading. kNotFound if it does not exist, kInvalidArgument if it
  // is not a regular file, kInternal on any other failure.
  static core::Result<std::unique_ptr<FileBody>> Open(const std::filesystem::path& path);
  ~FileBody() override;
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;

  // The size when the file was opened.
  std::size_t Size() const override { return size_; }
  // kConflict when the file's size or modification time is no longer what it was when it
  // was opened: the bytes read may mix two versions.
  core::Result<std::vector<std::uint8_t>> Read(std::size_t offset,
                                               std::size_t length) const override;
  // Derived from the device, inode, size and modification time at opening, so that it is
  // cheap (no pass over the bytes) and changes when the file is rewritten or replaced.
  std::vector<std::uint8_t> ETag() const override { return etag_; }

 private:
  FileBody(int fd, std::size_t size, std::timespec mtime, std::vector<std::uint8_t> etag)
      : fd_(fd), size_(size), mtime_(mtime), etag_(std::move(etag)) {}

  int fd_;
  std::size_t size_;
  std::timespec mtime_;
  std::vector<std::uint8_t> etag_;
};

class FileSink final : public BodySink {
 public:
  // Creates "<path>.part", truncating any earlier one, for a body of at most `limit` bytes.
  // kInternal if it cannot be created.
  static core::Result<std::unique_ptr<FileSink>> Create(
      std::filesystem::path path, std::size_t limit = std::numeric_limits<std::size_t>::max());
  // Aborts unless finished: an abandoned transfer leaves no file.
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  core::Result<void> Write(std::size_t offset, std::span<const std::uint8_t> bytes) override;
  // Cuts the file to `size`, flushes it to disk and renames it to the final path, replacing
  // any file there.
  core::Result<void> Finish(std::size_t size) override;
  // Closes and removes "<path>.part".
  void Abort() override;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& part_path() const { return part_path_; }

 private:
  FileSink(int fd, std::filesystem::path path, std::filesystem::path part_path, std::size_t limit)
      : fd_(fd), path_(std::move(path)), part_path_(std::move(part_path)), limit_(limit) {}

  int fd_;  // -1 once finished or aborted
  std::filesystem::path path_;
  std::filesystem::path part_path_;
  std::size_t limit_;
  std::size_t extent_ = 0;  // the furthest byte written
};

}  // namespace custos::coap
