#include "lwm2m/server/model_writer.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace custos::lwm2m::server {

ModelWriter::ModelWriter() : thread_([this] { Run(); }) {}

ModelWriter::~ModelWriter() { Stop(); }

void ModelWriter::Post(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    queue_.push_back(std::move(work));
    ++posted_;
  }
  cv_.notify_all();
}

void ModelWriter::Drain() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = posted_;
  cv_.wait(lock, [&] { return done_ >= target || (stopping_ && queue_.empty()); });
}

void ModelWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void ModelWriter::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;
    auto work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      work();
    } catch (const std::exception& e) {
      spdlog::error("lwm2m: device model work failed: {}", e.what());
    }
    lock.lock();
    ++done_;
    cv_.notify_all();
  }
}

}  // namespace custos::lwm2m::server
