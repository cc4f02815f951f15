// What the interop tests need around the sans-I/O layer: a UDP socket on 127.0.0.1 and a
// child process whose output is read through a pipe. Blocking only in poll(), always with
// a deadline.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "coap/peer.h"

namespace custos::coap::dtls::testing {

inline bool HaveTool(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
    if (access((std::string(dir) + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

class UdpSocket {
 public:
  // Bound to 127.0.0.1:port (0: any free port); nullptr if that fails.
  static std::unique_ptr<UdpSocket> Bind(std::uint16_t port = 0) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return nullptr;
    auto self = std::unique_ptr<UdpSocket>(new UdpSocket(fd));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return nullptr;
    socklen_t size = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return nullptr;
    self->port_ = ntohs(address.sin_port);
    return self;
  }
  ~UdpSocket() { close(fd_); }

  int fd() const { return fd_; }
  std::uint16_t port() const { return port_; }

  void Send(const Peer& peer, std::span<const std::uint8_t> bytes) const {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    std::memcpy(&address.sin_addr, peer.address.data(), 4);
    address.sin_port = htons(peer.port);
    (void)sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&address),
                 sizeof address);
  }

  // One waiting datagram and its sender, or nullopt when none is waiting.
  std::optional<std::pair<Peer, std::vector<std::uint8_t>>> Receive() const {
    std::vector<std::uint8_t> buffer(65'536);
    sockaddr_in address{};
    socklen_t size = sizeof address;
    const ssize_t n = recvfrom(fd_, buffer.data(), buffer.size(), 0,
                               reinterpret_cast<sockaddr*>(&address), &size);
    if (n < 0) return std::nullopt;
    buffer.resize(static_cast<std::size_t>(n));
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &address.sin_addr, 4);
    return std::make_pair(Peer::V4(bytes, ntohs(address.sin_port)), std::move(buffer));
  }

 private:
  explicit UdpSocket(int fd) : fd_(fd) {}
  int fd_;
  std::uint16_t port_ = 0;
};

// A child process with stdout and stderr on one pipe; killed if still running at the end.
class ChildProcess {
 public:
  static std::unique_ptr<ChildProcess> Spawn(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return nullptr;
    const pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      dup2(pipe_fds[1], STDERR_FILENO);
      std::vector<char*> args;
      for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, pipe_fds[0]));
  }

  ~ChildProcess() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(output_fd_);
  }

  int output_fd() const { return output_fd_; }
  const std::string& output() const { return output_; }

  // Appends what the child has written so far to output().
  void ReadOutput() {
    char buffer[4096];
    ssize_t n;
    while ((n = read(output_fd_, buffer, sizeof buffer)) > 0) output_.append(buffer, n);
  }

  // Whether the child has exited (reaping it once).
  bool Exited() {
    if (!exited_ && waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }
  int status() const { return status_; }

 private:
  ChildProcess(pid_t pid, int output_fd) : pid_(pid), output_fd_(output_fd) {}
  pid_t pid_;
  int output_fd_;
  std::string output_;
  bool exited_ = false;
  int status_ = 0;
};

// Milliseconds for poll() until `deadline`, at most `cap`, never negative.
inline int PollTimeout(std::optional<std::chrono::steady_clock::time_point> deadline,
                       std::chrono::milliseconds cap) {
  auto wait = cap;
  if (deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline - std::chrono::steady_clock::now());
    wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
  }
  return static_cast<int>(wait.count());
}

}  // namespace custos::coap::dtls::testing
