// Firmware images end to end with the real binary: a 3 MiB upload streamed over HTTP, its
// digest and size, the bytes back over HTTP (whole and a range) and over CoAP block-wise with
// Debian's coap-client, the refusals (size limit, wrong digest, unknown id), delete with its
// file gone, and the CLI.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

#include "core/token.h"
#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

std::string Sha256Hex(const std::string& data) { return core::Sha256Hex(data); }

// Bytes that differ from block to block, so a misplaced block shows.
std::string Image(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class FirmwareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"--firmware-max-size", "4194304"});
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  HttpResponse Upload(const std::string& query, const std::string& bytes) {
    return admin_->Request("POST", "/api/v1/firmware?" + query, bytes,
                           {{"Content-Type", "application/octet-stream"}});
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(FirmwareTest, UploadedImageComesBackByteIdenticalOverHttpAndCoap) {
  const std::string image = Image(3 << 20, 1);
  const std::string sha256 = Sha256Hex(image);
  auto created = Upload("version=2.4.1&name=pump&models=P-100,P-200&sha256=" + sha256, image);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto& body = created.Json().as_object();
  EXPECT_EQ(body.at("sha256").as_string(), sha256);
  EXPECT_EQ(body.at("size").to_number<std::int64_t>(), 3 << 20);
  EXPECT_EQ(body.at("version").as_string(), "2.4.1");
  EXPECT_EQ(body.at("models").as_array().size(), 2u);
  const std::string id = std::to_string(body.at("id").as_int64());
  const std::string coap_url = std::string(body.at("urls").at("coap").as_string());
  EXPECT_EQ(coap_url, server_->coap_url() + "/fw/" + id);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "firmware" / sha256));

  auto got = admin_->Get("/api/v1/firmware/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Json().at("name").as_string(), "pump");
  auto list = admin_->Get("/api/v1/firmware");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("firmware").as_array().size(), 1u);

  auto content = admin_->Get("/api/v1/firmware/" + id + "/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.headers["content-length"], std::to_string(image.size()));
  EXPECT_EQ(content.headers["etag"], "\"" + sha256 + "\"");
  EXPECT_TRUE(content.body == image) << "HTTP content differs";

  auto range = admin_->Request("GET", "/api/v1/firmware/" + id + "/content", "",
                               {{"Range", "bytes=1000-1999"}});
  ASSERT_EQ(range.status, 206);
  EXPECT_EQ(range.headers["content-range"], "bytes 1000-1999/" + std::to_string(image.size()));
  EXPECT_TRUE(range.body == image.substr(1000, 1000));
  auto past = admin_->Request("GET", "/api/v1/firmware/" + id + "/content", "",
                              {{"Range", "bytes=999999999-"}});
  EXPECT_EQ(past.status, 416);

  const auto out = dir_.path() / "pulled.bin";
  auto pulled =
      RunProgram({"coap-client-notls", "-B", "60", "-m", "get", coap_url, "-o", out.string()}, {},
                 std::chrono::seconds(120));
  ASSERT_EQ(pulled.exit_code, 0) << pulled.out << pulled.err;
  const std::string coap_bytes = ReadFile(out);
  EXPECT_EQ(coap_bytes.size(), image.size());
  EXPECT_TRUE(coap_bytes == image) << "CoAP content differs";
}

TEST_F(FirmwareTest, OversizedWrongDigestDuplicateAndUnknownAreRefused) {
  auto big = Upload("version=1", Image((4 << 20) + 1, 2));
  EXPECT_EQ(big.status, 413) << big.body;
  auto wrong = Upload("version=1&sha256=" + std::string(64, '0'), Image(1000, 3));
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  auto no_version = Upload("name=x", Image(1000, 3));
  EXPECT_EQ(no_version.status, 400) << no_version.body;
  auto json = admin_->Request("POST", "/api/v1/firmware?version=1", "{}",
                              {{"Content-Type", "application/json"}});
  EXPECT_EQ(json.status, 415) << json.body;

  auto first = Upload("version=1", Image(1000, 4));
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = Upload("version=1-again", Image(1000, 4));
  EXPECT_EQ(again.status, 409) << again.body;

  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir_.path() / "firmware")) {
    ++files;
  }
  EXPECT_EQ(files, 1u);  // refused uploads leave nothing behind

  EXPECT_EQ(admin_->Get("/api/v1/firmware/999").status, 404);
  EXPECT_EQ(admin_->Get("/api/v1/firmware/999/content").status, 404);
  EXPECT_EQ(admin_->Delete("/api/v1/firmware/999").status, 404);
  auto coap =
      RunProgram({"coap-client-notls", "-B", "5", "-m", "get", server_->coap_url() + "/fw/999"}, {},
                 std::chrono::seconds(30));
  EXPECT_NE((coap.out + coap.err).find("4.04"), std::string::npos) << coap.out << coap.err;
}

TEST_F(FirmwareTest, DeleteAnswers204AndRemovesTheFileAndViewersCannotUpload) {
  const std::string image = Image(5000, 5);
  auto created = Upload("version=1", image);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(created.Json().at("id").as_int64());
  const auto file = dir_.path() / "firmware" / Sha256Hex(image);
  ASSERT_TRUE(std::filesystem::exists(file));

  auto token = admin_->Post("/api/v1/tokens", R"({"name":"watcher","role":"viewer"})");
  ASSERT_EQ(token.status, 201) << token.body;
  HttpClient viewer(server_->host(), server_->port(),
                    std::string(token.Json().at("secret").as_string()));
  EXPECT_EQ(viewer.Get("/api/v1/firmware/" + id).status, 200);
  EXPECT_EQ(viewer.Delete("/api/v1/firmware/" + id).status, 403);
  EXPECT_EQ(viewer
                .Request("POST", "/api/v1/firmware?version=2", "x",
                         {{"Content-Type", "application/octet-stream"}})
                .status,
            403);

  auto removed = admin_->Delete("/api/v1/firmware/" + id);
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(admin_->Get("/api/v1/firmware/" + id).status, 404);

  auto audit = admin_->Get("/api/v1/audit?target_type=firmware");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("firmware.delete"), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find("firmware.upload"), std::string::npos) << audit.body;
}

TEST_F(FirmwareTest, TheCliUploadsListsGetsAndDeletes) {
  const std::string image = Image(200'000, 6);
  const auto file = dir_.path() / "pump.bin";
  std::ofstream(file, std::ios::binary) << image;
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server_->url(), "--token", kAdminToken});
    return RunCustos(args);
  };
  auto uploaded = cli({"firmware", "upload", file.string(), "--version", "3.1", "--models",
                       "P-100,P-200", "-o", "json"});
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.err;
  auto body = boost::json::parse(uploaded.out).as_object();
  EXPECT_EQ(body.at("sha256").as_string(), Sha256Hex(image));
  EXPECT_EQ(body.at("name").as_string(), "pump.bin");
  EXPECT_EQ(body.at("models").as_array().size(), 2u);
  const std::string id = std::to_string(body.at("id").as_int64());

  auto list = cli({"firmware", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("pump.bin"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("P-100,P-200"), std::string::npos) << list.out;
  auto got = cli({"firmware", "get", id, "-o", "json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(boost::json::parse(got.out).at("version").as_string(), "3.1");

  auto wrong = cli(
      {"firmware", "upload", file.string(), "--version", "3.2", "--sha256", std::string(64, 'a')});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("failed_precondition"), std::string::npos) << wrong.err;

  auto deleted = cli({"firmware", "delete", id, "--yes"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(cli({"firmware", "get", id}).exit_code, 1);
}

}  // namespace
}  // namespace custos::testing
