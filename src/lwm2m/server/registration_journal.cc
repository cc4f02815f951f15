#include "lwm2m/server/registration_journal.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <future>

namespace custos::lwm2m::server {
namespace {

// Callbacks answer devices; none may take the journal's thread down.
template <class F, class... Args>
void RunGuarded(const F& f, Args&&... args) {
  if (!f) return;
  try {
    f(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    spdlog::error("lwm2m: a registration callback failed: {}", e.what());
  } catch (...) {
    spdlog::error("lwm2m: a registration callback failed");
  }
}

}  // namespace

RegistrationJournal::RegistrationJournal(core::Store& store, ProvisionBatch provision,
                                         std::size_t max_batch)
    : store_(store),
      provision_(std::move(provision)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      thread_([this] { Loop(); }) {}

RegistrationJournal::~RegistrationJournal() { Close(); }

void RegistrationJournal::Write(core::Lwm2mRegistrationChange change, Written written) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      entries_.push_back(Entry{std::move(change), std::move(written)});
      wake_.notify_one();
      return;
    }
  }
  RunGuarded(written, core::Result<void>(
                          core::MakeError(core::ErrorCode::kUnavailable, "the server is stopping")));
}

void RegistrationJournal::Provision(std::string endpoint, Provisioned then) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      requests_.push_back(Request{std::move(endpoint), std::move(then)});
      wake_.notify_one();
      return;
    }
  }
  RunGuarded(then, core::Result<core::Device>(
                       core::MakeError(core::ErrorCode::kUnavailable, "the server is stopping")));
}

void RegistrationJournal::Sync() {
  std::promise<void> done;
  auto wait = done.get_future();
  {
    std::lock_guard lock(mu_);
    if (closing_) return;  // Close drains everything queued before it
    entries_.push_back(Entry{std::nullopt, [&done](const core::Result<void>&) { done.set_value(); }});
  }
  wake_.notify_one();
  wait.wait();
}

void RegistrationJournal::Close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RegistrationJournal::Loop() {
  std::vector<Request> requests;
  std::vector<Entry> entries;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return closing_ || !entries_.empty() || !requests_.empty(); });
      if (entries_.empty() && requests_.empty()) return;  // closing and drained
      requests.swap(requests_);
      while (!entries_.empty() && entries.size() < max_batch_) {
        entries.push_back(std::move(entries_.front()));
        entries_.pop_front();
      }
    }
    // Provisioning first: its callbacks queue their registrations behind this batch.
    if (!requests.empty()) ProvisionAll(requests);
    if (!entries.empty()) WriteAll(entries);
    requests.clear();
    entries.clear();
  }
}

void RegistrationJournal::ProvisionAll(std::vector<Request>& requests) {
  std::vector<std::string> endpoints;
  endpoints.reserve(requests.size());
  for (const Request& r : requests) endpoints.push_back(r.endpoint);
  std::vector<core::Result<core::Device>> devices;
  try {
    devices = provision_(endpoints);
  } catch (const std::exception& e) {
    devices.clear();
    spdlog::error("lwm2m: provisioning failed: {}", e.what());
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    core::Result<core::Device> device =
        i < devices.size() ? std::move(devices[i])
                           : core::Result<core::Device>(core::MakeError(
                                 core::ErrorCode::kInternal, "provisioning failed"));
    RunGuarded(requests[i].then, std::move(device));
  }
}

void RegistrationJournal::WriteAll(std::vector<Entry>& entries) {
  std::vector<core::Lwm2mRegistrationChange> changes;
  changes.reserve(entries.size());
  for (Entry& e : entries) {
    if (e.change) changes.push_back(std::move(*e.change));
  }
  core::Result<void> written = store_.SaveLwm2mRegistrations(changes);
  if (!written) {
    spdlog::error("lwm2m: {} registration changes not saved: {}", changes.size(),
                  written.error().message);
  }
  for (Entry& e : entries) RunGuarded(e.written, written);
}

}  // namespace custos::lwm2m::server
