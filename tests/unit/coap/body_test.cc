#include <gtest/gtest.h>

#include <fstream>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using core::ErrorCode;
using testing::Bytes;
using testing::Pattern;
using testing::TempDir;
using testing::Text;

std::vector<std::uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// FNV-1a 64 of "" and of "a", the published test values, big-endian.
TEST(BodyTest, DeriveETagIsFnv1a64) {
  EXPECT_EQ(DeriveETag({}), Bytes({0xcb, 0xf2, 0x9c, 0xe4, 0x84, 0x22, 0x23, 0x25}));
  EXPECT_EQ(DeriveETag(Text("a")), Bytes({0xaf, 0x63, 0xdc, 0x4c, 0x86, 0x01, 0xec, 0x8c}));
}

TEST(BodyTest, MemoryBodyReadsSlices) {
  const MemoryBody body(Text("0123456789"));
  EXPECT_EQ(body.Size(), 10u);
  EXPECT_EQ(*body.Read(0, 4), Text("0123"));
  EXPECT_EQ(*body.Read(8, 4), Text("89"));
  EXPECT_TRUE(body.Read(10, 4)->empty());
  EXPECT_TRUE(body.Read(99, 4)->empty());
  EXPECT_EQ(body.ETag(), DeriveETag(Text("0123456789")));
  EXPECT_NE(body.ETag(), MemoryBody(Text("0123456780")).ETag());
}

TEST(BodyTest, MemorySinkTakesWritesInAnyOrderAndCutsAtFinish) {
  MemorySink sink;
  ASSERT_TRUE(sink.Write(4, Text("4567")));
  ASSERT_TRUE(sink.Write(0, Text("0123")));
  ASSERT_TRUE(sink.Write(8, Text("89ab")));
  auto too_far = sink.Finish(13);
  ASSERT_FALSE(too_far);
  EXPECT_EQ(too_far.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(sink.Finish(10));
  EXPECT_TRUE(sink.finished());
  EXPECT_EQ(sink.body(), Text("0123456789"));
  auto late = sink.Write(0, Text("x"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  sink.Abort();  // a no-op once finished
  EXPECT_EQ(sink.TakeBody(), Text("0123456789"));
}

TEST(BodyTest, MemorySinkRefusesBytesPastItsLimit) {
  MemorySink sink(8);
  ASSERT_TRUE(sink.Write(0, Text("01234567")));
  auto over = sink.Write(6, Text("678"));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(sink.body(), Text("01234567"));  // nothing of the refused write
  sink.Abort();
  EXPECT_TRUE(sink.body().empty());
  EXPECT_FALSE(sink.Finish(0));
}

TEST(BodyTest, FileBodyReadsSlicesOfAFile) {
  TempDir dir;
  const auto bytes = Pattern(3000);
  WriteFile(dir.path() / "f", bytes);
  auto body = FileBody::Open(dir.path() / "f");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ((*body)->Size(), 3000u);
  EXPECT_EQ(*(*body)->Read(1024, 1024), testing::Slice(bytes, 1024, 2048));
  EXPECT_EQ(*(*body)->Read(2048, 1024), testing::Slice(bytes, 2048, 3000));
  EXPECT_TRUE((*body)->Read(3000, 1024)->empty());
  EXPECT_EQ((*body)->ETag().size(), 8u);
}

TEST(BodyTest, FileBodyRefusesWhatItCannotServe) {
  TempDir dir;
  auto missing = FileBody::Open(dir.path() / "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto directory = FileBody::Open(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code, ErrorCode::kInvalidArgument);
}

// A body rewritten while it is served must not mix versions: the next read says so, and a
// body opened afterwards has another ETag.
TEST(BodyTest, FileBodyNoticesAChangedFile) {
  TempDir dir;
  const auto path = dir.path() / "f";
  WriteFile(path, Pattern(2048));
  auto body = FileBody::Open(path);
  ASSERT_TRUE(body);
  WriteFile(path, Pattern(2100, 1));
  auto read = (*body)->Read(0, 1024);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kConflict);
  auto reopened = FileBody::Open(path);
  ASSERT_TRUE(reopened);
  EXPECT_NE((*reopened)->ETag(), (*body)->ETag());
}

TEST(BodyTest, FileSinkRenamesOnFinish) {
  TempDir dir;
  const auto path = dir.path() / "out.bin";
  auto sink = FileSink::Create(path);
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->part_path(), dir.path() / "out.bin.part");
  EXPECT_TRUE(std::filesystem::exists((*sink)->part_path()));
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE((*sink)->Write(0, Text("hello world, and more")));
  ASSERT_TRUE((*sink)->Write(0, Text("HELLO")));
  ASSERT_TRUE((*sink)->Finish(11));
  EXPECT_EQ(ReadFile(path), Text("HELLO world"));
  EXPECT_FALSE(std::filesystem::exists((*sink)->part_path()));
  sink->reset();  // destroying a finished sink leaves the file
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(BodyTest, FileSinkLeavesNothingOnAbort) {
  TempDir dir;
  const auto path = dir.path() / "out.bin";
  auto sink = FileSink::Create(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->Write(0, Pattern(5000)));
  (*sink)->Abort();
  (*sink)->Abort();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  auto late = (*sink)->Write(0, Text("x"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE((*sink)->Finish(0));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(BodyTest, AnAbandonedFileSinkLeavesNothing) {
  TempDir dir;
  {
    auto sink = FileSink::Create(dir.path() / "out.bin");
    ASSERT_TRUE(sink);
    ASSERT_TRUE((*sink)->Write(0, Pattern(100)));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(BodyTest, FileSinkRefusesBytesPastItsLimit) {
  TempDir dir;
  auto sink = FileSink::Create(dir.path() / "out.bin", 100);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->Write(0, Pattern(100)));
  auto over = (*sink)->Write(100, Pattern(1));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(BodyTest, FileSinkReportsADirectoryItCannotWriteIn) {
  TempDir dir;
  auto sink = FileSink::Create(dir.path() / "no-such-dir" / "out.bin");
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace custos::coap
