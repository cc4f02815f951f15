// One thread that runs store work for the LwM2M server in the order it was posted, so that
// CoAP I/O threads hand it over instead of waiting on the store.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace custos::lwm2m::server {

class ModelWriter {
 public:
  ModelWriter();
  ~ModelWriter();  // runs what is queued, then stops

  // Queues `work`; never blocks for long. Work posted after Stop is dropped.
  void Post(std::function<void()> work);
  // Waits until everything posted before this call has run.
  void Drain();
  void Stop();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::uint64_t posted_ = 0;
  std::uint64_t done_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace custos::lwm2m::server
