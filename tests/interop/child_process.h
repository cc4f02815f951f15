// Other programs run from a test: to completion with a time limit, or in the background
// for the length of a test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace custos::testing {

struct ProcessOutput {
  bool started = false;
  bool timed_out = false;  // killed at the time limit
  int exit_code = -1;      // -1 unless it exited normally
  std::string out;
  std::string err;
};

// Runs argv (argv[0] found on PATH) with stdout and stderr captured; kills it when it runs
// longer than `timeout`.
ProcessOutput RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Whether `name` is an executable on PATH.
bool OnPath(const std::string& name);

// A program running in the background, its output discarded; killed and reaped when this
// goes out of scope.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Whether it is still running (it has not exited, say for a port in use).
  bool running();

 private:
  pid_t pid_ = -1;
};

}  // namespace custos::testing
