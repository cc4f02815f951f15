// The firmware handlers through RestApi (no sockets): the image as JSON with its URLs, pages,
// the content as a file slice with ETag, one Range (206, 416, several ranges ignored),
// If-None-Match, roles, delete refused while an operation needs the image, and 503 without a
// library. The streamed upload is the socket side's (tests/integration/firmware_test.cc).
#include "api_fixture.h"
#include "firmware/firmware.h"

namespace custos::api {
namespace {

class FirmwareHandlersTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    auto library = firmware::Library::Open(firmware::LibraryOptions{dir_, 1 << 20}, *store_);
    ASSERT_TRUE(library) << library.error().message;
    library_ = std::move(*library);
    library_->SetBaseUrls("http://127.0.0.1:8080", "coap://127.0.0.1:5683");
    Services with_firmware = services();
    with_firmware.firmware = library_.get();
    api_ = std::make_unique<RestApi>(with_firmware);
  }
  void TearDown() override {
    api_.reset();
    library_.reset();
    ApiFixture::TearDown();
  }

  core::FirmwareImage Upload(const std::string& bytes, const std::string& version = "1.0") {
    firmware::UploadRequest request;
    request.name = "pump";
    request.version = version;
    request.models = {"P-100"};
    request.actor.name = "ops";
    auto upload = library_->BeginUpload(request);
    EXPECT_TRUE(upload);
    EXPECT_TRUE((*upload)->Write(bytes));
    auto image = (*upload)->Finish();
    EXPECT_TRUE(image) << image.error().message;
    return *image;
  }

  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  std::unique_ptr<firmware::Library> library_;
};

TEST_F(FirmwareHandlersTest, AnImageIsShownWithItsUrlsAndListedInPages) {
  auto first = Upload("first image", "1.0");
  Upload("second image", "2.0");
  Upload("third image", "3.0");
  Response got = Call("GET", "/api/v1/firmware/" + std::to_string(first.id), "", viewer_);
  ASSERT_EQ(got.status, 200) << got.body;
  auto body = Json(got);
  EXPECT_EQ(body.at("version").as_string(), "1.0");
  EXPECT_EQ(body.at("size").to_number<std::int64_t>(), 11);
  EXPECT_EQ(body.at("models").as_array().size(), 1u);
  EXPECT_EQ(body.at("urls").at("coap").as_string(),
            "coap://127.0.0.1:5683/fw/" + std::to_string(first.id));
  EXPECT_EQ(HeaderOf(got, "ETag"), "\"" + first.sha256 + "\"");

  Response page = Call("GET", "/api/v1/firmware?limit=2", "", viewer_);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Json(page).at("firmware").as_array().size(), 2u);
  std::string cursor(Json(page).at("next_cursor").as_string());
  Response rest = Call("GET", "/api/v1/firmware?limit=2&cursor=" + cursor, "", viewer_);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(Json(rest).at("firmware").as_array().size(), 1u);
  EXPECT_TRUE(Json(rest).at("next_cursor").is_null());
  EXPECT_EQ(Call("GET", "/api/v1/firmware?cursor=x", "", viewer_).status, 400);
}

TEST_F(FirmwareHandlersTest, ContentIsTheFileWithOneRangeAtMost) {
  auto image = Upload("0123456789");
  const std::string path = "/api/v1/firmware/" + std::to_string(image.id) + "/content";
  Response whole = Call("GET", path, "", viewer_);
  ASSERT_EQ(whole.status, 200) << whole.body;
  ASSERT_TRUE(whole.file);
  EXPECT_EQ(whole.file->path, dir_ / "firmware" / image.sha256);
  EXPECT_EQ(whole.file->offset, 0u);
  EXPECT_EQ(whole.file->length, 10u);
  EXPECT_EQ(whole.content_type, "application/octet-stream");
  EXPECT_EQ(HeaderOf(whole, "Accept-Ranges"), "bytes");

  struct Case {
    std::string range;
    int status;
    std::uint64_t offset, length;
    std::string content_range;
  };
  for (const Case& c : std::vector<Case>{
           {"bytes=2-4", 206, 2, 3, "bytes 2-4/10"},
           {"bytes=7-", 206, 7, 3, "bytes 7-9/10"},
           {"bytes=-4", 206, 6, 4, "bytes 6-9/10"},
           {"bytes=5-100", 206, 5, 5, "bytes 5-9/10"},
           {"bytes=-100", 206, 0, 10, "bytes 0-9/10"},
           {"bytes=0-1,4-5", 200, 0, 10, ""},  // several ranges: the whole image
           {"items=0-1", 200, 0, 10, ""},
       }) {
    Response r = Call("GET", path, "", viewer_, {{"range", c.range}});
    EXPECT_EQ(r.status, c.status) << c.range;
    ASSERT_TRUE(r.file) << c.range;
    EXPECT_EQ(r.file->offset, c.offset) << c.range;
    EXPECT_EQ(r.file->length, c.length) << c.range;
    EXPECT_EQ(HeaderOf(r, "Content-Range"), c.content_range) << c.range;
  }
  Response past = Call("GET", path, "", viewer_, {{"range", "bytes=10-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_FALSE(past.file);
  EXPECT_EQ(HeaderOf(past, "Content-Range"), "bytes */10");

  Response same = Call("GET", path, "", viewer_, {{"if-none-match", "\"" + image.sha256 + "\""}});
  EXPECT_EQ(same.status, 304);
  EXPECT_FALSE(same.file);
}

TEST_F(FirmwareHandlersTest, DeleteNeedsAnOperatorAndIsRefusedWhileAnOperationNeedsTheImage) {
  auto image = Upload("in use");
  const std::string path = "/api/v1/firmware/" + std::to_string(image.id);
  EXPECT_EQ(Call("DELETE", path, "", viewer_).status, 403);

  core::Operation op;
  op.device_id = CreateDevice("pump-1");
  op.kind = core::OperationKind::kFirmwareUpdate;
  op.parameters_json = R"({"firmware_id":")" + std::to_string(image.id) + R"("})";
  auto created = store_->CreateOperation(op, core::AuditEntry{});
  ASSERT_TRUE(created) << created.error().message;
  Response refused = Call("DELETE", path, "", operator_);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(ErrorCode(refused), "conflict");

  core::Operation cancelled = *created;
  cancelled.state = core::OperationState::kCancelled;
  ASSERT_TRUE(store_->UpdateOperation(cancelled, core::OperationState::kPending, std::nullopt));
  EXPECT_EQ(Call("DELETE", path, "", operator_).status, 204);
  EXPECT_EQ(Call("GET", path, "", viewer_).status, 404);
  EXPECT_EQ(Call("GET", path + "/content", "", viewer_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/firmware/abc", "", viewer_).status, 404);
}

TEST_F(FirmwareHandlersTest, WithoutALibraryTheRoutesAnswer503) {
  api_ = std::make_unique<RestApi>(services());
  Response r = Call("GET", "/api/v1/firmware", "", viewer_);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ErrorCode(r), "unavailable");
}

}  // namespace
}  // namespace custos::api
