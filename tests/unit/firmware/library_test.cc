// The firmware library against a real SQLite store in a temporary data directory: streamed
// uploads with their digest, the checks that refuse an upload, one image per content,
// deletion refused while an operation needs the image, and the clean-up after a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "firmware/firmware.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::firmware {
namespace {

using core::ErrorCode;

// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
constexpr const char* kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class LibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-firmware-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    OpenAll();
  }
  void TearDown() override {
    library_.reset();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }

  void OpenAll(std::uint64_t max_size = 1 << 20) {
    library_.reset();
    if (store_) store_->Close();
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    auto store = store::OpenSqliteStore(options);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto library = Library::Open(LibraryOptions{dir_, max_size}, *store_);
    ASSERT_TRUE(library) << library.error().message;
    library_ = std::move(*library);
  }

  static UploadRequest Request(std::optional<std::string> sha256 = std::nullopt) {
    UploadRequest r;
    r.name = "pump-controller";
    r.version = "2.4.1";
    r.models = {"P-100"};
    r.sha256 = std::move(sha256);
    r.actor.name = "ops";
    r.actor.token_id = 3;
    return r;
  }

  // Uploads `bytes` in pieces of `piece` bytes.
  core::Result<core::FirmwareImage> UploadBytes(const std::string& bytes, UploadRequest request,
                                                std::size_t piece = 7) {
    auto upload = library_->BeginUpload(std::move(request));
    if (!upload) return tl::unexpected(upload.error());
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      auto written = (*upload)->Write(std::string_view(bytes).substr(at, piece));
      if (!written) return tl::unexpected(written.error());
    }
    return (*upload)->Finish();
  }

  std::size_t FilesInDirectory() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_ / "firmware")) {
      ++n;
    }
    return n;
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<Library> library_;
};

TEST_F(LibraryTest, UploadStoresTheBytesUnderTheirDigestWithSizeAndRow) {
  auto image = UploadBytes("abc", Request(), 1);
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->sha256, kAbcSha256);
  EXPECT_EQ(image->size, 3u);
  EXPECT_EQ(image->file, std::string("firmware/") + kAbcSha256);
  EXPECT_EQ(image->uploaded_by, "ops");
  EXPECT_EQ(ReadFile(dir_ / "firmware" / kAbcSha256), "abc");
  auto file = library_->FileOf(image->id);
  ASSERT_TRUE(file);
  EXPECT_EQ(*file, dir_ / "firmware" / kAbcSha256);
  auto got = library_->Get(image->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->models, std::vector<std::string>{"P-100"});
  EXPECT_EQ(FilesInDirectory(), 1u);  // no temporary file left
}

TEST_F(LibraryTest, ExpectedDigestInAnyCaseIsAcceptedAndAWrongOneRefusedLeavingNothing) {
  std::string upper = kAbcSha256;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto ok = UploadBytes("abc", Request(upper));
  ASSERT_TRUE(ok) << ok.error().message;

  auto wrong = UploadBytes("abd", Request(std::string(kAbcSha256)));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(FilesInDirectory(), 1u);
  auto listed = library_->List(0, 100);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(LibraryTest, UploadOverTheMaximumSizeIsRefusedAndDiscarded) {
  OpenAll(/*max_size=*/10);
  auto upload = library_->BeginUpload(Request());
  ASSERT_TRUE(upload) << upload.error().message;
  ASSERT_TRUE((*upload)->Write("0123456789"));
  auto over = (*upload)->Write("x");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_FALSE((*upload)->Finish());
  EXPECT_EQ(FilesInDirectory(), 0u);
}

TEST_F(LibraryTest, BadRequestsAreRefusedBeforeAnyFileIsMade) {
  UploadRequest no_version = Request();
  no_version.version.clear();
  UploadRequest bad_digest = Request("xyz");
  UploadRequest comma_model = Request();
  comma_model.models = {"a,b"};
  for (auto* r : {&no_version, &bad_digest, &comma_model}) {
    auto upload = library_->BeginUpload(*r);
    ASSERT_FALSE(upload);
    EXPECT_EQ(upload.error().code, ErrorCode::kInvalidArgument);
  }
  auto empty = UploadBytes("", Request());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(FilesInDirectory(), 0u);
}

TEST_F(LibraryTest, TheSameContentTwiceIsAlreadyExistsAndKeepsTheFirstFile) {
  auto first = UploadBytes("abc", Request());
  ASSERT_TRUE(first) << first.error().message;
  auto again = UploadBytes("abc", Request());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find(std::to_string(first->id)), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "firmware" / kAbcSha256), "abc");
  EXPECT_EQ(FilesInDirectory(), 1u);
}

TEST_F(LibraryTest, DeleteRemovesRowAndFileButNotWhileAnUnfinishedOperationNamesTheImage) {
  auto image = UploadBytes("abc", Request());
  ASSERT_TRUE(image) << image.error().message;
  core::Device d;
  d.name = "pump-1";
  d.protocol = "lwm2m";
  auto device = store_->CreateDevice(d, core::AuditEntry{});
  ASSERT_TRUE(device) << device.error().message;
  core::Operation op;
  op.device_id = device->id;
  op.kind = core::OperationKind::kFirmwareUpdate;
  op.parameters_json = R"({"firmware_id":)" + std::to_string(image->id) + "}";
  auto created = store_->CreateOperation(op, core::AuditEntry{});
  ASSERT_TRUE(created) << created.error().message;

  core::Actor actor{3, "ops", core::Role::kOperator};
  auto refused = library_->Delete(image->id, actor);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "firmware" / kAbcSha256));

  core::Operation done = *created;
  done.state = core::OperationState::kSucceeded;
  ASSERT_TRUE(store_->UpdateOperation(done, core::OperationState::kPending, std::nullopt));
  auto removed = library_->Delete(image->id, actor);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "firmware" / kAbcSha256));
  EXPECT_FALSE(library_->FileOf(image->id));
  auto gone = library_->Delete(image->id, actor);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(LibraryTest, AnOperationNamingTheDigestAlsoHoldsTheImage) {
  auto image = UploadBytes("abc", Request());
  ASSERT_TRUE(image) << image.error().message;
  core::Device d;
  d.name = "pump-2";
  d.protocol = "mqtt";
  auto device = store_->CreateDevice(d, core::AuditEntry{});
  ASSERT_TRUE(device) << device.error().message;
  core::Operation op;
  op.device_id = device->id;
  op.kind = core::OperationKind::kFirmwareUpdate;
  op.parameters_json = std::string(R"({"url":"x","sha256":")") + kAbcSha256 + "\"}";
  ASSERT_TRUE(store_->CreateOperation(op, core::AuditEntry{}));
  auto refused = library_->Delete(image->id, core::Actor{3, "ops", core::Role::kOperator});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
}

TEST_F(LibraryTest, ReopeningRemovesLeftTemporaryFilesAndKnowsStoredImages) {
  auto image = UploadBytes("abc", Request());
  ASSERT_TRUE(image) << image.error().message;
  std::ofstream(dir_ / "firmware" / ".upload-crashed") << "partial";  // as after a crash
  EXPECT_EQ(FilesInDirectory(), 2u);
  OpenAll();
  EXPECT_EQ(FilesInDirectory(), 1u);
  auto file = library_->FileOf(image->id);
  ASSERT_TRUE(file);
  EXPECT_EQ(ReadFile(*file), "abc");
}

TEST_F(LibraryTest, UrlsFollowTheListenersAndAreEmptyForOneThatDoesNotRun) {
  EXPECT_EQ(library_->UrlsOf(7).coap, "");
  library_->SetBaseUrls("http://127.0.0.1:8080", "coap://127.0.0.1:5683");
  EXPECT_EQ(library_->UrlsOf(7).http, "http://127.0.0.1:8080/api/v1/firmware/7/content");
  EXPECT_EQ(library_->UrlsOf(7).coap, "coap://127.0.0.1:5683/fw/7");
}

}  // namespace
}  // namespace custos::firmware
