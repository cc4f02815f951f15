// Two endpoints moving large bodies both ways with block-wise transfer (RFC 7959): in
// memory and through files, on UDP and over DTLS.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using namespace std::chrono_literals;

std::vector<std::uint8_t> Pattern(std::size_t size, std::uint8_t seed = 0) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<std::uint8_t>((i * 31 + seed + (i >> 10)) % 256);
  }
  return bytes;
}

std::filesystem::path TempPath(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         ("custos-" + std::string(name) + "-" + std::to_string(::getpid()));
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

constexpr std::string_view kIdentity = "blockwise-client";
constexpr std::string_view kKey = "blockwise-key";

struct Pair {
  std::unique_ptr<Endpoint> server;
  std::unique_ptr<Endpoint> client;
};

class BlockwiseEndpointsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    served_ = Pattern(20'000, 7);
    file_ = TempPath("served");
    WriteFile(file_, Pattern(300'000, 3));
    EndpointOptions server_options = Options();
    server_options.max_body_in_memory = 200'000;
    EndpointOptions client_options = Options();
    client_options.max_body_in_memory = 100'000;
    if (GetParam()) {
      DtlsSettings server_dtls;
      server_dtls.psk_lookup = [](std::string_view) { return std::optional(Bytes(kKey)); };
      server_options.dtls = server_dtls;
      DtlsSettings client_dtls;
      client_dtls.client_identity = kIdentity;
      client_dtls.client_key = Bytes(kKey);
      client_options.dtls = client_dtls;
    }
    auto server =
        Endpoint::Start(server_options, [this](IncomingRequest request, Responder responder) {
          const std::string path = UriPath(request.message.options);
          Message response;
          response.code = codes::kContent;
          if (path == "/file") {
            responder.RespondWithFile(std::move(response), file_);
            return;
          }
          if (request.message.code != codes::kGet) {
            std::lock_guard lock(mutex_);
            uploaded_ = request.message.payload;
            response.code = codes::kChanged;
            response.payload = Bytes(std::to_string(uploaded_.size()));
            if (path == "/echo") response.payload = uploaded_;
          } else {
            response.payload = served_;
          }
          responder.Respond(std::move(response));
        });
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    auto client = Endpoint::Start(client_options, nullptr);
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::move(*client);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    std::filesystem::remove(file_);
    for (const auto& path : cleanup_) std::filesystem::remove(path);
  }

  static EndpointOptions Options() {
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    return options;
  }

  core::Result<Message> Call(Message request, RequestOptions options = {}) {
    auto promise = std::make_shared<std::promise<core::Result<Message>>>();
    auto future = promise->get_future();
    client_->Request(Peer::V4({127, 0, 0, 1}, server_->port()), std::move(request),
                     std::move(options),
                     [promise](core::Result<Message> result) { promise->set_value(result); });
    if (future.wait_for(30s) != std::future_status::ready) {
      return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
    }
    return future.get();
  }
  std::vector<std::uint8_t> Uploaded() {
    std::lock_guard lock(mutex_);
    return uploaded_;
  }

  std::vector<std::uint8_t> served_;
  std::filesystem::path file_;
  std::vector<std::filesystem::path> cleanup_;
  std::unique_ptr<Endpoint> server_;
  std::unique_ptr<Endpoint> client_;
  std::mutex mutex_;
  std::vector<std::uint8_t> uploaded_;
};

TEST_P(BlockwiseEndpointsTest, DownloadsALargeBodyIntoMemory) {
  auto response = Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/data"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(response->payload, served_);
}

TEST_P(BlockwiseEndpointsTest, DownloadsAFileServedFromAFileIntoAFile) {
  RequestOptions options;
  options.download_file = TempPath("downloaded");
  cleanup_.push_back(*options.download_file);
  auto response = Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/file"), options);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_TRUE(response->payload.empty());
  EXPECT_EQ(ReadFile(*options.download_file), ReadFile(file_));
}

TEST_P(BlockwiseEndpointsTest, FailsADownloadOverTheClientsMemoryLimit) {
  auto response = Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/file"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, core::ErrorCode::kPayloadTooLarge);
}

TEST_P(BlockwiseEndpointsTest, UploadsALargePayload) {
  const std::vector<std::uint8_t> body = Pattern(50'000, 9);
  Message put = MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/up");
  put.payload = body;
  auto response = Call(put);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kChanged);
  EXPECT_EQ(response->payload, Bytes("50000"));
  EXPECT_EQ(Uploaded(), body);
}

TEST_P(BlockwiseEndpointsTest, UploadsAFileAndDownloadsTheLargeAnswer) {
  const std::vector<std::uint8_t> body = Pattern(40'000, 5);
  RequestOptions options;
  options.upload_file = TempPath("upload");
  cleanup_.push_back(*options.upload_file);
  WriteFile(*options.upload_file, body);
  auto response = Call(MakeMessage(Type::kConfirmable, codes::kPost, 0, {}, "/echo"), options);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kChanged);
  EXPECT_EQ(response->payload, body);
  EXPECT_EQ(Uploaded(), body);
}

TEST_P(BlockwiseEndpointsTest, DeliversTheServers413ForAnUploadOverItsLimit) {
  Message put = MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/up");
  put.payload = Pattern(250'000);
  auto response = Call(put);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kRequestEntityTooLarge);
  EXPECT_EQ(Size1(response->options), 200'000u);
}

INSTANTIATE_TEST_SUITE_P(Transport, BlockwiseEndpointsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Dtls" : "Udp"; });

}  // namespace
}  // namespace custos::coap
