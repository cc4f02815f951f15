// What an idle connected client costs the server in resident memory. The clients here are
// bare sockets (no client-side state in this process), so the growth of the process is the
// server's: socket, strand, coroutine frame, framer, connection and session objects.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "fixture.h"

namespace custos::mqtt::server {
namespace {

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

class MemoryTest : public ServerFixture {
 protected:
  // Opens `n` connections logged in as operators; their descriptors go to fds_.
  void Connect(int n) {
    for (int i = 0; i < n; ++i) {
      auto connect = RawClient::MakeConnect(Version::kV311, "idle-" + std::to_string(fds_.size()),
                                            "operator", secret_);
      connect.keep_alive = 0;
      const Bytes bytes = Encode(connect, Version::kV311);
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      ASSERT_GE(fd, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(port_);
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
      ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
      std::uint8_t ack[4];
      pollfd p{fd, POLLIN, 0};
      ASSERT_EQ(::poll(&p, 1, 5000), 1);
      ASSERT_EQ(::recv(fd, ack, sizeof ack, MSG_WAITALL), 4);
      ASSERT_EQ(ack[3], 0);  // accepted
      fds_.push_back(fd);
    }
  }

  void TearDown() override {
    for (int fd : fds_) ::close(fd);
    ServerFixture::TearDown();
  }

  std::string secret_;
  std::vector<int> fds_;
};

TEST_F(MemoryTest, IdleConnectionsCostLittleResidentMemory) {
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  constexpr int kMeasured = 2000;
  if (files.rlim_cur < 2 * (kMeasured + 300) + 100) GTEST_SKIP() << "too few open files allowed";
  StartServer();
  secret_ = AddToken("idle", core::Role::kViewer);
  Connect(300);  // warm up: thread caches, hash tables, the token cache
  const long before = ResidentBytes();
  Connect(kMeasured);
  ASSERT_TRUE(WaitFor([&] { return server_->stats().connections_open == fds_.size(); }, 10s));
  const long per_connection = (ResidentBytes() - before) / kMeasured;
  std::printf("resident memory per idle connection: %ld bytes\n", per_connection);
  RecordProperty("bytes_per_idle_connection", static_cast<int>(per_connection));
  // The budget of docs/mqtt.md ("Limits"), with room for the allocator's rounding.
  EXPECT_LE(per_connection, 2048);
}

}  // namespace
}  // namespace custos::mqtt::server
