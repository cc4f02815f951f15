// Shared by the benchmark servers' main functions: they serve until SIGINT or SIGTERM.
#pragma once

#include <csignal>

namespace custos::coap_bench {

// Blocks SIGINT and SIGTERM in this thread and in the threads it starts from now on, so that
// WaitForStopSignal below receives them. Call before starting any thread.
inline void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// Returns when SIGINT or SIGTERM arrives.
inline void WaitForStopSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
}

}  // namespace custos::coap_bench
