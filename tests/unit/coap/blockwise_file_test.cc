// Block-wise transfer of real files: a 5 MiB file served block by block from a FileBody and
// downloaded into a FileSink, and uploaded from a FileBody through a Block1Assembler.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "blockwise_fixtures.h"
#include "coap/coap.h"

namespace custos::coap {
namespace {

using testing::TempDir;
using Kind = BlockwiseStep::Kind;

constexpr std::size_t kFileSize = 5 << 20;

std::vector<std::uint8_t> RandomBytes(std::size_t size) {
  std::mt19937_64 random(7959);
  std::vector<std::uint8_t> bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  return bytes;
}

void WriteFile(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(BlockwiseFileTest, AFiveMebibyteFileServedAndDownloadedIsTheSame) {
  TempDir dir;
  const auto original = RandomBytes(kFileSize);
  WriteFile(dir.path() / "firmware.bin", original);
  auto body = FileBody::Open(dir.path() / "firmware.bin");
  ASSERT_TRUE(body) << body.error().message;
  auto sink = FileSink::Create(dir.path() / "downloaded.bin");
  ASSERT_TRUE(sink) << sink.error().message;

  Message get;
  get.code = codes::kGet;
  SetUriPath(get.options, "/fw/firmware.bin");
  BlockwiseDownload download(get, **sink);
  Message head;
  head.code = codes::kContent;
  SetContentFormat(head.options, content_format::kOctetStream);

  Message request = download.FirstRequest();
  std::size_t exchanges = 0;
  BlockwiseStep step;
  do {
    auto response = ServeBlock2(request, head, **body, 6);
    ASSERT_TRUE(response) << response.error().message;
    step = download.OnResponse(*response);
    request = step.message;
    ++exchanges;
  } while (step.kind == Kind::kSend);
  ASSERT_EQ(step.kind, Kind::kDone) << step.error.message;
  EXPECT_EQ(exchanges, kFileSize / 1024);
  EXPECT_EQ(download.announced_size(), kFileSize);
  EXPECT_EQ(ContentFormat(step.message.options), content_format::kOctetStream);
  EXPECT_FALSE(std::filesystem::exists((*sink)->part_path()));
  EXPECT_TRUE(ReadFile(dir.path() / "downloaded.bin") == original);
}

TEST(BlockwiseFileTest, AFiveMebibyteFileUploadedIsAssembledWhole) {
  TempDir dir;
  const auto original = RandomBytes(kFileSize);
  WriteFile(dir.path() / "upload.bin", original);
  auto body = FileBody::Open(dir.path() / "upload.bin");
  ASSERT_TRUE(body);
  const Peer peer = Peer::V4({192, 0, 2, 9}, 5683);
  const TimePoint now = TimePoint{} + std::chrono::hours(1);

  Message put;
  put.code = codes::kPut;
  SetUriPath(put.options, "/5/0/0");
  BlockwiseUpload upload(put, **body);
  Block1Assembler assembler({.max_body = 8 << 20}, 5);  // the server prefers 512 bytes
  auto first = upload.FirstRequest();
  ASSERT_TRUE(first);
  Message request = *first;
  while (true) {
    auto fed = assembler.Feed(peer, request, now);
    if (fed.kind == Block1Step::Kind::kAssembled) {
      EXPECT_TRUE(fed.message.payload == original);
      Message changed;
      changed.code = codes::kChanged;
      Block1Assembler::EchoBlock1(changed, fed);
      EXPECT_EQ(upload.OnResponse(changed).kind, Kind::kDone);
      break;
    }
    ASSERT_EQ(fed.kind, Block1Step::Kind::kRespond);
    ASSERT_EQ(fed.message.code, codes::kContinue);
    auto step = upload.OnResponse(fed.message);
    ASSERT_EQ(step.kind, Kind::kSend) << step.error.message;
    request = std::move(step.message);
  }
  EXPECT_EQ(upload.acknowledged(), kFileSize);
}

}  // namespace
}  // namespace custos::coap
