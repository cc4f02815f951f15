// Helpers shared by the block-wise and body tests.
#pragma once

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "coap/coap.h"

namespace custos::coap::testing {

// `size` bytes that differ from block to block, so a misplaced block shows.
inline std::vector<std::uint8_t> Pattern(std::size_t size, std::uint8_t seed = 0) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<std::uint8_t>((i * 7 + i / 251 + seed) & 0xff);
  }
  return bytes;
}

inline std::vector<std::uint8_t> Slice(const std::vector<std::uint8_t>& bytes, std::size_t from,
                                       std::size_t to) {
  return std::vector<std::uint8_t>(bytes.begin() + from, bytes.begin() + to);
}

// A body whose ETag is fixed, so that expected messages can be written byte by byte.
class FixedETagBody final : public BodySource {
 public:
  FixedETagBody(std::vector<std::uint8_t> bytes, std::vector<std::uint8_t> etag)
      : inner_(std::move(bytes)), etag_(std::move(etag)) {}
  std::size_t Size() const override { return inner_.Size(); }
  core::Result<std::vector<std::uint8_t>> Read(std::size_t offset,
                                               std::size_t length) const override {
    return inner_.Read(offset, length);
  }
  std::vector<std::uint8_t> ETag() const override { return etag_; }

 private:
  MemoryBody inner_;
  std::vector<std::uint8_t> etag_;
};

// `message` as it goes on the wire with the type and id the caller of a state machine
// fills in.
inline std::vector<std::uint8_t> Wire(Message message, Type type, std::uint16_t message_id) {
  message.type = type;
  message.message_id = message_id;
  return Encode(message);
}

inline Message Parse(const std::vector<std::uint8_t>& bytes) {
  auto message = Decode(bytes);
  if (!message) throw std::runtime_error(message.error().message);
  return *message;
}

// A fresh directory under the system's temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "custos-coap-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace custos::coap::testing
