#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "campaign/manager_impl.h"

namespace custos::campaign {

namespace json = boost::json;
using core::ErrorCode;

namespace {

json::object CountsJson(const std::map<std::string, std::int64_t>& counts) {
  json::object o;
  for (const auto& [outcome, n] : counts) o[outcome] = n;
  return o;
}

core::AuditEntry AuditOf(const core::Actor& actor, std::string action, std::int64_t id,
                         std::string details_json) {
  core::AuditEntry audit;
  audit.actor = actor.name;
  audit.actor_token_id = actor.token_id;
  audit.action = std::move(action);
  audit.target_type = "campaign";
  audit.target_id = id ? std::to_string(id) : "";
  audit.details_json = std::move(details_json);
  return audit;
}

// Builds the in-memory view of a stored campaign from its members.
core::Result<std::unique_ptr<Live>> MakeLive(core::CampaignRecord record, core::Clock& clock) {
  auto spec = ParseSpec(record.spec_json);
  if (!spec) return tl::unexpected(spec.error());
  auto state = ParseState(record.state);
  if (!state) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("campaign {}: stored state '{}'", record.id, record.state));
  }
  auto live = std::make_unique<Live>();
  live->record = std::move(record);
  live->spec = std::move(*spec);
  live->state = *state;
  for (const std::string& text : live->spec.order_by) {
    auto expr = core::filter::Parse(text);
    if (!expr) return tl::unexpected(expr.error());
    live->stages.push_back(std::move(*expr));
  }
  if (!live->spec.selector.group && !live->spec.selector.filter.empty()) {
    auto expr = core::filter::Parse(live->spec.selector.filter);
    if (!expr) return tl::unexpected(expr.error());
    live->selector_filter = std::move(*expr);
  }
  live->tokens_at = clock.Now();
  if (live->spec.rollout.rate_per_minute) {
    live->tokens = std::max(1.0, *live->spec.rollout.rate_per_minute / 60.0);
  }
  live->last_rescan = clock.Now();
  return live;
}

}  // namespace

// ---- Impl helpers

core::Result<std::vector<core::DeviceId>> Manager::Impl::Resolve(const Spec& spec) {
  core::ListDevicesRequest request;
  request.filter = spec.selector.group ? "" : spec.selector.filter;
  request.group = spec.selector.group;
  request.limit = 1000;
  std::vector<core::DeviceId> out;
  while (true) {
    auto page = services_.registry.ListDevices(request);
    if (!page) return tl::unexpected(page.error());
    for (const core::Device& d : page->devices) {
      if (d.state != core::LifecycleState::kRetired) out.push_back(d.id);
    }
    if (page->next_cursor.empty()) return out;
    request.cursor = page->next_cursor;
  }
}

int Manager::Impl::StageOf(const Live& live, const core::Device& device) const {
  for (std::size_t i = 0; i < live.stages.size(); ++i) {
    if (core::filter::Matches(live.stages[i], device)) return static_cast<int>(i);
  }
  return static_cast<int>(live.stages.size());
}

void Manager::Impl::AddMember(Live& live, core::CampaignMember member) {
  if (member.operation_id) live.by_operation[*member.operation_id] = member.device_id;
  const std::string outcome = member.outcome;
  CountOutcome(live, "", outcome);
  if (outcome == "queued") {
    live.queued.insert({member.stage, member.device_id});
  } else if (!IsFinalOutcome(outcome)) {
    ++live.in_flight;
  }
  if (member.batch >= 0) {
    BatchTally& tally = live.batches[member.batch];
    tally.stage = member.stage;
    ++tally.admitted;
    live.batch = std::max(live.batch, member.batch);
    if (IsFinalOutcome(outcome)) {
      ++tally.final;
      ++live.final_count;
      if (IsFailure(outcome)) {
        ++tally.failed;
        ++live.failures;
      }
      if (outcome == "succeeded") ++tally.succeeded;
    }
  }
  live.members[member.device_id] = std::move(member);
}

void Manager::Impl::Rescan(Live& live) {
  live.rescan_wanted = false;
  live.last_rescan = services_.clock.Now();
  auto devices = Resolve(live.spec);
  if (!devices) {
    spdlog::warn("campaign {}: rescan: {}", live.record.id, devices.error().message);
    return;
  }
  std::vector<core::CampaignMember> joined;
  for (core::DeviceId id : *devices) {
    if (live.members.count(id) > 0) continue;
    auto device = services_.registry.GetDevice(id);
    if (!device) continue;
    core::CampaignMember m;
    m.campaign_id = live.record.id;
    m.device_id = id;
    m.stage = StageOf(live, *device);
    joined.push_back(m);
  }
  if (joined.empty()) return;
  if (auto saved = services_.store.SaveCampaignMembers(joined); !saved) {
    spdlog::warn("campaign {}: rescan: {}", live.record.id, saved.error().message);
    return;
  }
  live.new_events.push_back({services_.clock.Now(), "devices_joined",
                             fmt::format(R"({{"devices":{}}})", joined.size())});
  for (core::CampaignMember& m : joined) AddMember(live, std::move(m));
  live.counts_dirty = true;
}

CampaignView Manager::Impl::ViewOf(const Live& live) const {
  CampaignView view;
  view.record = live.record;
  view.spec = live.spec;
  view.state = live.state;
  view.total = static_cast<std::int64_t>(live.members.size());
  view.batches_started = live.batch + 1;
  for (const auto& [outcome, n] : live.counts) view.counts[outcome] = n;
  return view;
}

core::Result<CampaignView> Manager::Impl::StoredView(const core::CampaignRecord& record) {
  auto live = MakeLive(record, services_.clock);
  if (!live) return tl::unexpected(live.error());
  core::DeviceId after = 0;
  while (true) {
    auto page = services_.store.ListCampaignMembers(record.id, after, 1000);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    after = page->back().device_id;
    for (core::CampaignMember& m : *page) AddMember(**live, std::move(m));
  }
  return ViewOf(**live);
}

void Manager::Impl::Publish(const char* type, const CampaignView& view) {
  json::object data;
  data["id"] = view.record.id;
  data["name"] = view.record.name;
  data["state"] = ToString(view.state);
  data["total"] = view.total;
  data["batches_started"] = view.batches_started;
  data["counts"] = CountsJson(view.counts);
  core::Event event;
  event.type = type;
  event.data_json = json::serialize(data);
  services_.events.Publish(std::move(event));
}

void Manager::Impl::TakeEvents() {
  if (!events_) return;
  bool resync = events_->TakeDropped() > 0;
  while (auto event = events_->Next(0)) {
    if (event->type.starts_with("operation.")) {
      boost::system::error_code ec;
      json::value data = json::parse(event->data_json, ec);
      if (ec || !data.is_object()) continue;
      const json::object& o = data.as_object();
      const json::value* id = o.if_contains("id");
      const json::value* state = o.if_contains("state");
      if (!id || !id->is_int64() || !state || !state->is_string()) continue;
      for (auto& [campaign, live] : live_) {
        auto it = live->by_operation.find(id->as_int64());
        if (it == live->by_operation.end()) continue;
        SetOutcome(*live, it->second, std::string(state->as_string()), std::nullopt);
        break;
      }
    } else {
      for (auto& [campaign, live] : live_) live->rescan_wanted = true;
    }
  }
  if (resync || events_->TakeDropped() > 0) {
    // Events were lost: the store says where each operation is.
    for (auto& [campaign, live] : live_) {
      if (auto r = Resync(*live); !r) {
        spdlog::warn("campaign {}: resync: {}", campaign, r.error().message);
      }
    }
  }
}

void Manager::Impl::PollLocked() {
  TakeEvents();
  const core::TimeMs now = services_.clock.Now();
  for (auto it = live_.begin(); it != live_.end();) {
    Live& live = *it->second;
    if (live.spec.selector.continuous &&
        (live.state == State::kRunning || live.state == State::kPaused) &&
        ((live.rescan_wanted && now - live.last_rescan >= 1000) ||
         now - live.last_rescan >= options_.rescan_ms)) {
      Rescan(live);
    }
    live.rescan_wanted = false;
    CheckThresholds(live);
    Step(live);
    Flush(live);
    const bool finished = live.state == State::kAborted || live.state == State::kCompleted;
    if (finished && live.in_flight == 0 && live.dirty.empty()) {
      it = live_.erase(it);
    } else {
      ++it;
    }
  }
}

void Manager::Impl::DriverLoop() {
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, std::chrono::milliseconds(options_.driver_tick_ms),
                        [&] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    std::lock_guard lock(mu_);
    PollLocked();
  }
}

core::Result<CampaignView> Manager::Impl::Control(const core::Actor& actor, std::int64_t id,
                                                  std::string_view action) {
  std::lock_guard lock(mu_);
  TakeEvents();
  auto it = live_.find(id);
  if (it == live_.end()) {
    auto record = services_.store.GetCampaign(id);
    if (!record) return tl::unexpected(record.error());
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           fmt::format("campaign {} is {}", id, record->state));
  }
  Live& live = *it->second;
  const std::string by = fmt::format(R"({{"by":{}}})", json::serialize(json::string(actor.name)));
  if (action == "pause") {
    if (live.state != State::kRunning) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             fmt::format("campaign {} is {}, not running", id, live.record.state));
    }
    ChangeState(live, State::kPaused, "paused", by);
  } else if (action == "resume") {
    if (live.state != State::kPaused) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             fmt::format("campaign {} is {}, not paused", id, live.record.state));
    }
    ChangeState(live, State::kRunning, "resumed", by);
    live.tokens_at = services_.clock.Now();
  } else {
    if (live.state != State::kRunning && live.state != State::kPaused) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             fmt::format("campaign {} is {}", id, live.record.state));
    }
    ChangeState(live, State::kAborted, "aborted", by);
    StopWork(live, actor);
  }
  Flush(live, AuditOf(actor, fmt::format("campaign.{}", action), id, "{}"));
  if (action == "resume") {
    Step(live);
    Flush(live);
  }
  return ViewOf(live);
}

// ---- Manager

Manager::Manager(ManagerServices services, ManagerOptions options)
    : impl_(std::make_unique<Impl>(services, options)) {}

Manager::~Manager() { Stop(); }

core::Result<void> Manager::Start() {
  std::lock_guard lock(impl_->mu_);
  core::EventFilter filter;
  filter.types = {"operation.updated", "device.created", "device.updated", "device.imported",
                  "group.*"};
  impl_->events_ = impl_->services_.events.Subscribe(filter);
  impl_->events_->SetNotifier([impl = impl_.get()] {
    std::lock_guard wake(impl->wake_mu_);
    impl->woken_ = true;
    impl->wake_cv_.notify_one();
  });
  std::int64_t after = 0;
  while (true) {
    auto page = impl_->services_.store.ListCampaigns(after, 1000);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    after = page->back().id;
    for (core::CampaignRecord& record : *page) {
      if (record.state != "running" && record.state != "paused") continue;
      const std::int64_t id = record.id;
      auto live = MakeLive(std::move(record), impl_->services_.clock);
      if (!live) {
        spdlog::error("campaign {}: not resumed: {}", id, live.error().message);
        continue;
      }
      core::DeviceId device_after = 0;
      while (true) {
        auto members = impl_->services_.store.ListCampaignMembers(id, device_after, 1000);
        if (!members) return tl::unexpected(members.error());
        if (members->empty()) break;
        device_after = members->back().device_id;
        for (core::CampaignMember& m : *members) impl_->AddMember(**live, std::move(m));
      }
      // Operations made before the stop (including those whose member row still says
      // planned) are found by campaign and device; only members without one get one now.
      if (auto r = impl_->Resync(**live); !r) return tl::unexpected(r.error());
      std::vector<core::DeviceId> planned;
      for (const auto& [device, m] : (*live)->members) {
        if (m.outcome == "planned" && !m.operation_id) planned.push_back(device);
      }
      if ((*live)->state == State::kRunning && !planned.empty()) {
        impl_->CreateOperations(**live, planned);
      }
      spdlog::info("campaign {} resumed ({}): {} devices, {} in flight, {} queued", id,
                   (*live)->record.state, (*live)->members.size(), (*live)->in_flight,
                   (*live)->queued.size());
      impl_->Flush(**live);
      impl_->live_[id] = std::move(*live);
    }
  }
  if (impl_->options_.driver_thread) {
    impl_->stopping_ = false;
    impl_->driver_ = std::thread([impl = impl_.get()] { impl->DriverLoop(); });
  }
  return {};
}

void Manager::Stop() {
  {
    std::lock_guard wake(impl_->wake_mu_);
    impl_->stopping_ = true;
    impl_->wake_cv_.notify_one();
  }
  if (impl_->driver_.joinable()) impl_->driver_.join();
  std::lock_guard lock(impl_->mu_);
  if (impl_->events_) impl_->events_->SetNotifier({});
  impl_->events_.reset();
}

core::Result<CampaignView> Manager::Create(const core::Actor& actor, Spec spec) {
  core::CampaignRecord record;
  record.name = spec.name;
  record.spec_json = SpecToJson(spec);
  record.state = ToString(State::kRunning);
  record.created_by = actor.name;
  auto live = MakeLive(record, impl_->services_.clock);
  if (!live) return tl::unexpected(live.error());
  for (std::int64_t id : spec.operation.window_ids) {
    auto window = impl_->services_.store.GetMaintenanceWindow(id);
    if (!window && window.error().code == ErrorCode::kNotFound) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("window_ids: no maintenance window {}", id));
    }
    if (!window) return tl::unexpected(window.error());
  }
  auto devices = impl_->Resolve(spec);
  if (!devices) return tl::unexpected(devices.error());
  std::vector<core::CampaignMember> members;
  members.reserve(devices->size());
  for (core::DeviceId id : *devices) {
    auto device = impl_->services_.registry.GetDevice(id);
    if (!device) continue;
    core::CampaignMember m;
    m.device_id = id;
    m.stage = impl_->StageOf(**live, *device);
    members.push_back(m);
  }
  std::lock_guard lock(impl_->mu_);
  auto created = impl_->services_.store.CreateCampaign(
      record, members,
      AuditOf(actor, "campaign.create", 0,
              fmt::format(R"({{"name":{},"devices":{}}})",
                          json::serialize(json::string(spec.name)), members.size())));
  if (!created) return tl::unexpected(created.error());
  Live& l = **live;
  l.record = *created;
  for (core::CampaignMember& m : members) {
    m.campaign_id = created->id;
    impl_->AddMember(l, std::move(m));
  }
  l.new_events.push_back({created->created_at, "created",
                          fmt::format(R"({{"devices":{},"by":{}}})", l.members.size(),
                                      json::serialize(json::string(actor.name)))});
  impl_->Publish("campaign.created", impl_->ViewOf(l));
  impl_->Step(l);
  impl_->Flush(l);
  CampaignView view = impl_->ViewOf(l);
  impl_->live_[created->id] = std::move(*live);
  return view;
}

core::Result<CampaignView> Manager::Get(std::int64_t id) {
  core::Result<CampaignView> view = core::MakeError(ErrorCode::kNotFound, "");
  {
    std::lock_guard lock(impl_->mu_);
    if (auto it = impl_->live_.find(id); it != impl_->live_.end()) {
      view = impl_->ViewOf(*it->second);
    }
  }
  if (!view) {
    auto record = impl_->services_.store.GetCampaign(id);
    if (!record) return tl::unexpected(record.error());
    view = impl_->StoredView(*record);
    if (!view) return view;
  }
  auto timeline = impl_->services_.store.ListCampaignTimeline(id);
  if (!timeline) return tl::unexpected(timeline.error());
  view->timeline = std::move(*timeline);
  return view;
}

core::Result<std::vector<CampaignView>> Manager::List(std::int64_t after, std::size_t limit) {
  auto records = impl_->services_.store.ListCampaigns(after, limit);
  if (!records) return tl::unexpected(records.error());
  std::vector<CampaignView> out;
  for (const core::CampaignRecord& record : *records) {
    {
      std::lock_guard lock(impl_->mu_);
      if (auto it = impl_->live_.find(record.id); it != impl_->live_.end()) {
        out.push_back(impl_->ViewOf(*it->second));
        continue;
      }
    }
    auto view = impl_->StoredView(record);
    if (!view) return tl::unexpected(view.error());
    out.push_back(std::move(*view));
  }
  return out;
}

core::Result<std::vector<core::CampaignMember>> Manager::Members(std::int64_t id,
                                                                 core::DeviceId after,
                                                                 std::size_t limit) {
  auto record = impl_->services_.store.GetCampaign(id);
  if (!record) return tl::unexpected(record.error());
  std::lock_guard lock(impl_->mu_);
  if (auto it = impl_->live_.find(id); it != impl_->live_.end()) impl_->Flush(*it->second);
  return impl_->services_.store.ListCampaignMembers(id, after, limit);
}

core::Result<CampaignView> Manager::Pause(const core::Actor& actor, std::int64_t id) {
  return impl_->Control(actor, id, "pause");
}
core::Result<CampaignView> Manager::Resume(const core::Actor& actor, std::int64_t id) {
  return impl_->Control(actor, id, "resume");
}
core::Result<CampaignView> Manager::Abort(const core::Actor& actor, std::int64_t id) {
  return impl_->Control(actor, id, "abort");
}

void Manager::Poll() {
  std::lock_guard lock(impl_->mu_);
  impl_->PollLocked();
}

}  // namespace custos::campaign
