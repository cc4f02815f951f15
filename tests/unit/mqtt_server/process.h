// Other programs run from a test (mosquitto_pub, mosquitto_sub, openssl): to completion with a
// time limit, or in the background with their output kept.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace custos::mqtt::testing {

struct ProcessResult {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;  // -1 unless it exited normally
  std::string out;     // stdout and stderr together
};

// Runs argv (argv[0] found on PATH), killing it after `timeout`.
ProcessResult Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Whether `name` is an executable on PATH.
bool OnPath(const std::string& name);

// A program in the background, stdout and stderr going to a file; killed and reaped when this
// goes out of scope.
class Background {
 public:
  Background(const std::vector<std::string>& argv, std::filesystem::path output);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // What it printed so far.
  std::string Output() const;
  // Waits up to `timeout` for it to exit; its exit code, or -1.
  int Wait(std::chrono::milliseconds timeout);
  bool running();
  // Ends it with SIGKILL (no chance to say goodbye) and reaps it.
  void Kill();

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path output_;
};

// Polls `done` every 10 ms until it holds or `timeout` passes; whether it held.
template <class F>
bool WaitFor(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    struct timespec pause {
      0, 10'000'000
    };
    ::nanosleep(&pause, nullptr);
  }
}

}  // namespace custos::mqtt::testing
