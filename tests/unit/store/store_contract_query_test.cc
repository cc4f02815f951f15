// Store contract: filtered listings, counts and keyset pagination.
#include <fmt/format.h>

#include <algorithm>

#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::DeviceQuery;
using core::ErrorCode;
using core::LifecycleState;

// A varied fleet: ties in every sort field, absent labels, unset health, never-seen devices.
std::vector<Device> CreateFleet(core::Store& store, core::FakeClock& clock) {
  const char* makers[] = {"Acme", "Bolt", "acme", ""};
  const char* models[] = {"TH-1", "TH-2", "GW-2"};
  const char* firmware[] = {"2.9", "2.10", "1.0-rc1", "1.0", "1.0.0", "10.0", ""};
  const LifecycleState states[] = {LifecycleState::kProvisioned, LifecycleState::kActive,
                                   LifecycleState::kDisabled, LifecycleState::kRetired,
                                   LifecycleState::kActive};
  std::vector<Device> fleet;
  for (int i = 0; i < 43; ++i) {
    Device d;
    d.name = fmt::format("dev-{:02}", i);
    d.protocol = i % 3 == 0 ? "mqtt" : "lwm2m";
    d.identity.manufacturer = makers[i % 4];
    d.identity.model = models[i % 3];
    d.identity.serial = i % 6 == 0 ? "sx1" : "s";
    d.identity.firmware_version = firmware[i % 7];
    d.identity.hardware_version = i % 2 ? "1.2" : "1.10";
    d.state = states[i % 5];
    if (i % 3 != 2) d.labels["region"] = i % 2 ? "eu" : "us";
    if (i % 4 == 0) d.labels["site"] = fmt::format("berlin-{}", i);
    if (i % 5 == 1) d.labels["tier"] = i % 10 == 1 ? "a[1]" : "a1";
    if (i % 3 == 0) d.health.battery_level = (i * 7) % 100;
    if (i % 4 == 1) d.health.signal_strength = -60 - i;
    if (i % 2 == 0) d.health.free_memory = 512 * (i % 5);
    d.connectivity.online = i % 2 == 0;
    d.connectivity.queue_mode = i % 5 == 0;
    d.connectivity.lifetime_s = i % 2 ? 300 : 60;
    d.connectivity.last_seen = i % 4 == 3 ? 0 : kStart - (i % 9) * 1000;
    if (i % 3 == 0) clock.Advance(1000);  // created_at ties in threes
    core::AuditEntry audit;
    audit.action = "device.create";
    auto created = store.CreateDevice(d, audit);
    EXPECT_TRUE(created) << created.error().message;
    if (created) fleet.push_back(*created);
  }
  return fleet;
}

// The names of the devices of `fleet` that the core's own evaluation selects.
std::vector<std::string> Expected(core::Store& store, const std::vector<Device>& fleet,
                                  const core::filter::Expr* expr) {
  std::vector<std::string> names;
  for (const Device& d : fleet) {
    auto stored = store.GetDevice(d.id);
    EXPECT_TRUE(stored);
    if (stored && (expr == nullptr || core::filter::Matches(*expr, *stored))) {
      names.push_back(d.name);
    }
  }
  return names;
}

// Every filter operator, checked against the core's own evaluation of the same filter.
TEST_P(StoreContractTest, FiltersAgreeWithCoreMatches) {
  const std::vector<Device> fleet = CreateFleet(store(), clock_);
  const char* filters[] = {
      R"(name = "dev-03")",
      R"(name != "dev-03")",
      R"(name < "dev-10")",
      R"(name >= "dev-30")",
      R"(name in ("dev-01", "dev-02", "nope"))",
      R"(name not in ("dev-01"))",
      R"(name ~ "dev-1*")",
      R"(name ~ "*-1?")",
      R"(name ~ "dev-?5")",
      R"(name ~ "*")",
      R"(name ~ "dev-07")",
      R"(manufacturer = "Acme")",
      R"(manufacturer = "")",
      R"(manufacturer > "Acme")",
      R"(model in ("TH-1", "GW-2"))",
      R"(serial ~ "*x*")",
      R"(protocol = "mqtt")",
      R"(firmware_version > "2.9")",
      R"(firmware_version = "1.0")",
      R"(firmware_version < "1.0")",
      R"(firmware_version >= "2.10")",
      R"(firmware_version != "1.0.0")",
      R"(firmware_version in ("1.0", "2.9"))",
      R"(firmware_version not in ("1.0", "2.9"))",
      R"(firmware_version ~ "1.*")",
      R"(hardware_version > "1.9")",
      R"(software_version = "")",
      R"(state = "active")",
      R"(state in ("active", "disabled"))",
      R"(state != "retired")",
      R"(state not in ("retired", "provisioned"))",
      R"(not (state = "retired"))",
      R"(online = true)",
      R"(queue_mode = false)",
      R"(online != true)",
      R"(battery_level <= 20)",
      R"(battery_level != 49)",
      R"(battery_level not in (0, 21))",
      R"(battery_level in (0, 21))",
      R"(not (battery_level <= 20))",
      R"(signal_strength > -80)",
      R"(free_memory >= 1024)",
      R"(lifetime = 300)",
      R"(lifetime > 60)",
      R"(last_seen < "2023-11-14T22:13:16Z")",
      R"(last_seen >= 1699999995000)",
      R"(last_seen != 1700000000000)",
      R"(not (last_seen < 1800000000000))",
      R"(created_at > 1700000005000)",
      R"(updated_at <= "2023-11-14T22:13:30Z")",
      R"(id <= 10)",
      R"(id in (1, 5, 99))",
      R"(labels.region = "eu")",
      R"(labels.region != "eu")",
      R"(labels.region in ("eu", "us"))",
      R"(labels.region not in ("eu"))",
      R"(labels.region exists)",
      R"(not labels.region exists)",
      R"(labels.region < "f")",
      R"(labels.region >= "f")",
      R"(labels.site ~ "berlin-*")",
      R"(labels.site ~ "*2")",
      R"(labels.site ~ "*")",
      R"(labels.tier ~ "a[1]*")",
      R"(labels.tier = "a[1]")",
      R"(labels.tier ~ "a?1?")",
      R"(labels.nothing != "x")",
      R"(labels.nothing = "x")",
      R"((labels.region = "eu" or battery_level <= 20) and not (state = "retired"))",
      R"(manufacturer = "Acme" and firmware_version < "2.10" and labels.region in ("eu", "us"))",
      R"(not (not (online = true) or labels.site exists))",
  };
  for (const char* text : filters) {
    const core::filter::Expr* expr = Filter(text);
    DeviceQuery q;
    q.filter = expr;
    q.limit = 1000;
    std::vector<std::string> want = Expected(store(), fleet, expr);
    EXPECT_EQ(ListAllNames(q), want) << text;
    auto count = store().CountDevices(expr);
    ASSERT_TRUE(count) << text << ": " << count.error().message;
    EXPECT_EQ(*count, static_cast<std::int64_t>(want.size())) << text;
  }
}

TEST_P(StoreContractTest, VersionsCompareByVersionOrder) {
  for (const char* v : {"2.9", "2.10", "1.0-rc1", "1.0"}) {
    Device d = NewDevice(std::string("fw-") + v);
    d.identity.firmware_version = v;
    Create(d);
  }
  DeviceQuery q;
  q.filter = Filter(R"(firmware_version > "2.9")");
  EXPECT_EQ(ListAllNames(q), std::vector<std::string>{"fw-2.10"});
  q.filter = Filter(R"(firmware_version < "1.0")");
  EXPECT_EQ(ListAllNames(q), std::vector<std::string>{"fw-1.0-rc1"});
  q.filter = Filter(R"(firmware_version = "1.0.0")");
  EXPECT_EQ(ListAllNames(q), std::vector<std::string>{"fw-1.0"});
  q.filter = nullptr;
  q.sort = "firmware_version";
  EXPECT_EQ(ListAllNames(q),
            (std::vector<std::string>{"fw-1.0-rc1", "fw-1.0", "fw-2.9", "fw-2.10"}));
}

TEST_P(StoreContractTest, AbsentLabelSatisfiesOnlyNegations) {
  Create("with", {{"region", "eu"}});
  Create("without");
  DeviceQuery q;
  q.filter = Filter(R"(labels.region != "eu")");
  EXPECT_EQ(ListAllNames(q), std::vector<std::string>{"without"});
  q.filter = Filter(R"(labels.region not in ("eu", "us"))");
  EXPECT_EQ(ListAllNames(q), std::vector<std::string>{"without"});
  q.filter = Filter(R"(labels.region = "us")");
  EXPECT_TRUE(ListAllNames(q).empty());
  q.filter = Filter(R"(not (labels.region = "us"))");
  EXPECT_EQ(ListAllNames(q), (std::vector<std::string>{"with", "without"}));
}

// Whether `a` may come before `b` when sorting ascending by `field`: (value, id) order.
bool SortsBefore(const std::string& field, const Device& a, const Device& b) {
  int c = 0;
  if (field == "name") c = a.name.compare(b.name);
  if (field == "manufacturer") c = a.identity.manufacturer.compare(b.identity.manufacturer);
  if (field == "model") c = a.identity.model.compare(b.identity.model);
  if (field == "firmware_version") {
    c = core::filter::CompareVersions(a.identity.firmware_version, b.identity.firmware_version);
  }
  auto cmp = [](std::int64_t x, std::int64_t y) { return (x > y) - (x < y); };
  if (field == "created_at") c = cmp(a.created_at, b.created_at);
  if (field == "updated_at") c = cmp(a.updated_at, b.updated_at);
  if (field == "last_seen") c = cmp(a.connectivity.last_seen, b.connectivity.last_seen);
  if (field == "state") c = cmp(static_cast<int>(a.state), static_cast<int>(b.state));
  if (c != 0) return c < 0;
  return a.id < b.id;
}

// Keyset pagination: every sort field, both directions, small pages, with and without a
// filter: every matching device exactly once, in (value, id) order. States sort in lifecycle
// order (provisioned, active, disabled, retired).
TEST_P(StoreContractTest, PaginationVisitsEveryDeviceOnceInOrder) {
  const std::vector<Device> fleet = CreateFleet(store(), clock_);
  for (const char* filter : {"", R"(labels.region exists or battery_level < 50)"}) {
    for (const char* field : {"id", "name", "created_at", "updated_at", "last_seen", "manufacturer",
                              "model", "firmware_version", "state"}) {
      for (bool descending : {false, true}) {
        SCOPED_TRACE(
            fmt::format("sort {} {} filter '{}'", field, descending ? "desc" : "asc", filter));
        DeviceQuery q;
        q.filter = *filter ? Filter(filter) : nullptr;
        q.sort = field;
        q.descending = descending;
        q.limit = 4;
        std::vector<Device> seen;
        for (int page = 0; page < 100; ++page) {
          auto listed = store().ListDevices(q);
          ASSERT_TRUE(listed) << listed.error().message;
          ASSERT_LE(listed->devices.size(), 4u);
          for (Device& d : listed->devices) seen.push_back(std::move(d));
          if (listed->next_cursor.empty()) break;
          q.after = listed->next_cursor;
        }
        std::vector<std::string> want = Expected(store(), fleet, q.filter);
        std::vector<std::string> got;
        for (const Device& d : seen) got.push_back(d.name);
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, want);  // each exactly once: duplicates would show here
        for (std::size_t i = 1; i < seen.size(); ++i) {
          const Device& prev = seen[i - 1];
          const Device& cur = seen[i];
          EXPECT_TRUE(descending ? SortsBefore(field, cur, prev) : SortsBefore(field, prev, cur))
              << prev.name << " then " << cur.name;
        }
      }
    }
  }
}

TEST_P(StoreContractTest, PaginationIsStableWhileRowsChangeBetweenPages) {
  for (int i = 0; i < 10; ++i) Create(fmt::format("m-{}", i));
  DeviceQuery q;
  q.sort = "name";
  q.limit = 5;
  auto first = store().ListDevices(q);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->devices.size(), 5u);
  ASSERT_FALSE(first->next_cursor.empty());
  Create("a-before-the-cursor");
  Create("z-after-the-cursor");
  q.after = first->next_cursor;
  std::vector<std::string> names;
  for (const Device& d : first->devices) names.push_back(d.name);
  for (const std::string& n : ListAllNames(q)) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"m-0", "m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7",
                                             "m-8", "m-9", "z-after-the-cursor"}));
}

TEST_P(StoreContractTest, LastPageHasNoCursor) {
  Create("a");
  Create("b");
  DeviceQuery q;
  q.limit = 2;
  auto page = store().ListDevices(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->devices.size(), 2u);
  EXPECT_TRUE(page->next_cursor.empty());
  EXPECT_EQ(page->devices[0].labels, core::Labels{});
}

TEST_P(StoreContractTest, BadListingArgumentsAreInvalid) {
  Create("a");
  Create("b");
  DeviceQuery q;
  q.limit = 1;
  q.sort = "name";
  auto page = store().ListDevices(q);
  ASSERT_TRUE(page);
  ASSERT_FALSE(page->next_cursor.empty());

  DeviceQuery other = q;
  other.sort = "model";
  other.after = page->next_cursor;
  EXPECT_EQ(store().ListDevices(other).error().code, ErrorCode::kInvalidArgument);
  other = q;
  other.after = "not a cursor!";
  EXPECT_EQ(store().ListDevices(other).error().code, ErrorCode::kInvalidArgument);
  other = q;
  other.limit = 0;
  EXPECT_EQ(store().ListDevices(other).error().code, ErrorCode::kInvalidArgument);
  other.limit = 1001;
  EXPECT_EQ(store().ListDevices(other).error().code, ErrorCode::kInvalidArgument);
  other = q;
  other.sort = "colour";
  EXPECT_EQ(store().ListDevices(other).error().code, ErrorCode::kInvalidArgument);
  other = q;
  other.limit = 1000;
  EXPECT_EQ(store().ListDevices(other)->devices.size(), 2u);
}

TEST_P(StoreContractTest, UnknownStaticGroupIsNotFound) {
  DeviceQuery q;
  q.static_group = 4242;
  EXPECT_EQ(store().ListDevices(q).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
