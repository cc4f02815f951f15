// Runs the real `custos serve` as a child process on port 0 with a temporary data directory,
// for end-to-end tests. Readiness is the "http listening on" line on its stdout, polled with
// a deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace custos::testing {

inline constexpr char kAdminToken[] = "cst_integration-admin-secret-0123456789";

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class ServerProcess {
 public:
  // Starts `custos serve --data-dir DIR --http-listen 127.0.0.1:0 EXTRA...` (and CoAP, CoAPS
  // and MQTT on 127.0.0.1:0 unless EXTRA names --coap-listen, --coaps-listen or
  // --mqtt-listen) with
  // CUSTOS_ADMIN_TOKEN=kAdminToken unless `admin_from_env` is false. Fails the test
  // (ADD_FAILURE) and leaves url() empty if it does not become ready within 60 s.
  ServerProcess(const std::filesystem::path& data_dir, std::vector<std::string> extra = {},
                bool admin_from_env = true);
  ~ServerProcess();

  const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"
  // "coap://127.0.0.1:PORT" and "coaps://127.0.0.1:PORT", empty when not listening.
  const std::string& coap_url() const { return coap_url_; }
  const std::string& coaps_url() const { return coaps_url_; }
  // "mqtt://127.0.0.1:PORT" and "mqtts://127.0.0.1:PORT", empty when not listening.
  const std::string& mqtt_url() const { return mqtt_url_; }
  const std::string& mqtts_url() const { return mqtts_url_; }
  std::string host() const { return "127.0.0.1"; }
  unsigned short port() const { return port_; }
  // Everything the process has written to stdout so far.
  std::string Output() const;

  // SIGTERM and wait; returns the exit status (or -1).
  int Stop();
  // SIGKILL and wait.
  void Kill();
  pid_t pid() const { return pid_; }

 private:
  void ReadOutput();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string output_;
  std::string url_;
  std::string coap_url_;
  std::string coaps_url_;
  std::string mqtt_url_;
  std::string mqtts_url_;
  unsigned short port_ = 0;
};

// Runs the custos CLI with `args` and the environment additions; returns exit code and
// captured stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool timed_out = false;  // killed after the time-out
};
CommandResult RunCustos(const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {});
// Runs any program found on PATH (argv[0]) the same way, killed after `timeout`.
CommandResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Polls `done` every 10 ms until it returns true or `timeout` passes.
template <class F>
bool WaitUntil(F done, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace custos::testing
