// Block-wise transfer (RFC 7959) between our endpoint and libcoap 4.3 (Debian
// libcoap3-bin): coap-client uploading (-b, -f) to and downloading (-o) from our server
// role, a 5 MiB file served by RespondWithFile among them, and our client role uploading
// to and downloading from coap-server's /example_data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "child_process.h"
#include "coap/transport/endpoint.h"
#include "libcoap_support.h"

namespace custos::coap {
namespace {

using custos::testing::BackgroundProcess;
using custos::testing::OnPath;
using custos::testing::RunProcess;
using namespace std::chrono_literals;

constexpr const char* kClientTool = "coap-client-notls";
constexpr const char* kServerTool = "coap-server-notls";

std::vector<std::uint8_t> Pattern(std::size_t size, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<std::uint8_t>((i * 131 + seed + (i >> 12)) % 256);
  }
  return bytes;
}

std::filesystem::path TempPath(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         ("custos-interop-" + std::string(name) + "-" + std::to_string(::getpid()));
}

void WriteFile(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// coap-client-notls against our endpoint: GET /data answers kData from memory, GET /file
// answers the file with RespondWithFile, PUT keeps the body and answers its size.
class CoapClientBlockwiseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath(kClientTool)) GTEST_SKIP() << kClientTool << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.max_body_in_memory = 4 << 20;
    auto started = Endpoint::Start(options, [this](IncomingRequest request, Responder responder) {
      Message response;
      response.code = codes::kContent;
      SetContentFormat(response.options, content_format::kOctetStream);
      const std::string path = UriPath(request.message.options);
      if (path == "/file") {
        responder.RespondWithFile(std::move(response), served_file_);
        return;
      }
      if (request.message.code == codes::kPut) {
        std::lock_guard lock(mutex_);
        uploaded_ = request.message.payload;
        response.code = codes::kChanged;
        const std::string size = std::to_string(uploaded_.size());
        response.payload.assign(size.begin(), size.end());
      } else {
        response.payload = data_;
      }
      responder.Respond(std::move(response));
    });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  void TearDown() override {
    endpoint_.reset();
    for (const auto& path : cleanup_) std::filesystem::remove(path);
  }

  custos::testing::ProcessOutput Client(std::vector<std::string> arguments,
                                        const std::string& path) {
    std::vector<std::string> argv = {kClientTool, "-B", "60"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back("coap://127.0.0.1:" + std::to_string(endpoint_->port()) + path);
    auto output = RunProcess(argv, 90s);
    EXPECT_FALSE(output.timed_out);
    EXPECT_EQ(output.exit_code, 0) << output.err;
    return output;
  }
  std::filesystem::path Temp(std::string_view name) {
    cleanup_.push_back(TempPath(name));
    return cleanup_.back();
  }
  std::vector<std::uint8_t> Uploaded() {
    std::lock_guard lock(mutex_);
    return uploaded_;
  }

  const std::vector<std::uint8_t> data_ = Pattern(100'000, 1);
  std::filesystem::path served_file_;
  std::vector<std::filesystem::path> cleanup_;
  std::unique_ptr<Endpoint> endpoint_;
  std::mutex mutex_;
  std::vector<std::uint8_t> uploaded_;
};

TEST_F(CoapClientBlockwiseTest, UploadsALargeBodyInSmallBlocks) {
  const std::vector<std::uint8_t> body = Pattern(30'000, 2);
  const auto file = Temp("upload");
  WriteFile(file, body);
  auto output = Client({"-m", "put", "-b", "64", "-f", file.string()}, "/up");
  EXPECT_EQ(output.out, "30000\n");
  EXPECT_EQ(Uploaded(), body);
}

TEST_F(CoapClientBlockwiseTest, UploadsALargeBodyInLargeBlocks) {
  const std::vector<std::uint8_t> body = Pattern(200'000, 3);
  const auto file = Temp("upload");
  WriteFile(file, body);
  auto output = Client({"-m", "put", "-b", "1024", "-f", file.string()}, "/up");
  EXPECT_EQ(output.out, "200000\n");
  EXPECT_EQ(Uploaded(), body);
}

TEST_F(CoapClientBlockwiseTest, DownloadsALargeBodyFromMemory) {
  const auto out = Temp("download");
  Client({"-o", out.string()}, "/data");
  EXPECT_EQ(ReadFile(out), data_);
}

TEST_F(CoapClientBlockwiseTest, DownloadsALargeBodyInTheBlockSizeItAsksFor) {
  const auto out = Temp("download");
  Client({"-b", "128", "-o", out.string()}, "/data");
  EXPECT_EQ(ReadFile(out), data_);
}

TEST_F(CoapClientBlockwiseTest, DownloadsAFiveMebibyteFileServedFromAFile) {
  served_file_ = Temp("served");
  WriteFile(served_file_, Pattern(5 << 20, 4));
  const auto out = Temp("download");
  Client({"-o", out.string()}, "/file");
  ASSERT_EQ(std::filesystem::file_size(out), std::size_t{5} << 20);
  EXPECT_EQ(ReadFile(out), ReadFile(served_file_));
}

// Our client against coap-server-notls, whose /example_data takes a body with PUT (Block1)
// and gives it back with GET (Block2).
class UsAgainstCoapServerBlockwiseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath(kServerTool)) GTEST_SKIP() << kServerTool << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.transmission.ack_timeout = 200ms;
    options.transmission.max_retransmit = 2;
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      const std::uint16_t port = testing::FreePort();
      auto server = std::make_unique<BackgroundProcess>(
          std::vector<std::string>{kServerTool, "-A", "127.0.0.1", "-p", std::to_string(port)});
      ASSERT_TRUE(server->started());
      peer_ = Peer::V4({127, 0, 0, 1}, port);
      if (WaitForServer(*server)) server_ = std::move(server);
    }
    ASSERT_TRUE(server_) << kServerTool << " did not answer";
  }
  void TearDown() override {
    endpoint_.reset();
    for (const auto& path : cleanup_) std::filesystem::remove(path);
  }

  bool WaitForServer(BackgroundProcess& server) {
    return testing::PollUntil([&] {
             if (!server.running()) return true;  // gave up: the port was taken meanwhile
             Message ping;
             ping.code = codes::kGet;
             return testing::Call(*endpoint_, peer_, ping, {}, 5s).has_value();
           }) &&
           server.running();
  }
  core::Result<Message> Call(Code method, std::vector<std::uint8_t> payload,
                             RequestOptions options = {}) {
    Message request;
    request.code = method;
    SetUriPath(request.options, "/example_data");
    request.payload = std::move(payload);
    options.response_timeout = 10s;
    return testing::Call(*endpoint_, peer_, std::move(request), std::move(options), 60s);
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<BackgroundProcess> server_;
  Peer peer_;
  std::vector<std::filesystem::path> cleanup_;
};

TEST_F(UsAgainstCoapServerBlockwiseTest, UploadsWithBlock1AndDownloadsWithBlock2) {
  const std::vector<std::uint8_t> body = Pattern(40'000, 5);
  auto put = Call(codes::kPut, body);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->code.Class(), 2) << ToString(put->code);

  auto get = Call(codes::kGet, {});
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->code, codes::kContent);
  EXPECT_EQ(get->payload, body);
}

TEST_F(UsAgainstCoapServerBlockwiseTest, UploadsAFileAndDownloadsIntoAFileInSmallBlocks) {
  const std::vector<std::uint8_t> body = Pattern(25'000, 6);
  RequestOptions upload;
  upload.upload_file = TempPath("upload");
  cleanup_.push_back(*upload.upload_file);
  WriteFile(*upload.upload_file, body);
  upload.block_szx = 2;  // 64-byte blocks
  auto put = Call(codes::kPut, {}, upload);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->code.Class(), 2) << ToString(put->code);

  RequestOptions download;
  download.download_file = TempPath("download");
  cleanup_.push_back(*download.download_file);
  download.block_szx = 2;
  auto get = Call(codes::kGet, {}, download);
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->code, codes::kContent);
  EXPECT_EQ(ReadFile(*download.download_file), body);
}

}  // namespace
}  // namespace custos::coap
