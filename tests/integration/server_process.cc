#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>
#include <random>

namespace custos::testing {
namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  return out;
}

}  // namespace

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("custos-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(const std::filesystem::path& data_dir,
                             std::vector<std::string> extra, bool admin_from_env) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe failed";
    return;
  }
  std::vector<std::string> args = {CUSTOS_BINARY, "serve", "--data-dir", data_dir.string(),
                                   "--http-listen", "127.0.0.1:0", "--log-level", "warn"};
  // CoAP and MQTT listeners on free ports too, unless the test chose its own.
  for (const char* flag : {"--coap-listen", "--coaps-listen", "--mqtt-listen"}) {
    if (std::find(extra.begin(), extra.end(), flag) == extra.end()) {
      args.insert(args.end(), {flag, "127.0.0.1:0"});
    }
  }
  for (auto& e : extra) args.push_back(std::move(e));
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    if (admin_from_env) {
      ::setenv("CUSTOS_ADMIN_TOKEN", kAdminToken, 1);
    } else {
      ::unsetenv("CUSTOS_ADMIN_TOKEN");
    }
    auto argv = Argv(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  out_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { ReadOutput(); });

  // The "REST API" line comes after every "listening on" line.
  auto line_after = [this](const std::string& marker) -> std::string {
    auto at = output_.find(marker);
    if (at == std::string::npos) return "";
    auto eol = output_.find('\n', at);
    return output_.substr(at + marker.size(), eol - at - marker.size());
  };
  bool ready = WaitUntil(
      [&] {
        std::lock_guard lock(mu_);
        auto api = output_.find("custos: REST API ");
        if (api == std::string::npos || output_.find('\n', api) == std::string::npos) {
          return false;
        }
        url_ = line_after("http listening on ");
        coap_url_ = line_after("coap listening on ");
        coaps_url_ = line_after("coaps listening on ");
        mqtt_url_ = line_after("mqtt listening on ");
        mqtts_url_ = line_after("mqtts listening on ");
        port_ = static_cast<unsigned short>(std::stoi(url_.substr(url_.rfind(':') + 1)));
        return true;
      },
      std::chrono::seconds(60));
  if (!ready) ADD_FAILURE() << "custos serve did not become ready; output:\n" << Output();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
}

void ServerProcess::ReadOutput() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n > 0) {
      std::lock_guard lock(mu_);
      output_.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

std::string ServerProcess::Output() const {
  std::lock_guard lock(mu_);
  return output_;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
}

CommandResult RunProgram(const std::vector<std::string>& args,
                         const std::vector<std::string>& env, std::chrono::milliseconds timeout) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) return {};
  std::vector<std::string> argv_s = args;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    auto argv = Argv(argv_s);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult r;
  std::thread err_reader([&] { r.err = ReadAll(err_pipe[0]); });
  std::thread out_reader([&] { r.out = ReadAll(out_pipe[0]); });
  int status = 0;
  if (!WaitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    r.timed_out = true;
  }
  out_reader.join();
  err_reader.join();
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CommandResult RunCustos(const std::vector<std::string>& args,
                        const std::vector<std::string>& env) {
  std::vector<std::string> argv = {CUSTOS_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env, std::chrono::minutes(10));
}

}  // namespace custos::testing
