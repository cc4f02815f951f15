// A program an end-to-end test runs beside the server (a subscriber that waits for
// messages, say), its stdout and stderr collected; killed and reaped when dropped.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace custos::testing {

class Background {
 public:
  // Starts argv (argv[0] found on PATH).
  explicit Background(std::vector<std::string> argv);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // What it has written so far.
  std::string Output() const;
  // Whether the program has ended (reaped here).
  bool Exited();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string output_;
};

}  // namespace custos::testing
