// Store contract: the LwM2M server's observations, kept across a restart.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::Lwm2mObservationChange;
using core::Lwm2mObservationRecord;
using core::Lwm2mRegistrationChange;
using core::Lwm2mRegistrationRecord;

Lwm2mObservationRecord Observation(std::int64_t id, const Device& d) {
  Lwm2mObservationRecord r;
  r.id = id;
  r.device_id = d.id;
  r.paths = {"/3/0/9"};
  r.token = {0x01, 0x00, 0xfe, 0x7a};  // a zero byte inside: a blob, not text
  r.peer = "127.0.0.1:40000";
  r.content_format = 11542;
  r.started_at = kStart;
  r.last_value_json = R"({"path":"/3/0/9","value":80})";
  r.last_notified_at = kStart + 5'000;
  return r;
}

Lwm2mRegistrationRecord Registration(std::string id, const Device& d) {
  Lwm2mRegistrationRecord r;
  r.id = std::move(id);
  r.endpoint = d.name;
  r.device_id = d.id;
  r.peer = "127.0.0.1:40000";
  r.lifetime_s = 60;
  r.binding = "U";
  r.object_links = "</3/0>";
  r.registered_at = r.updated_at = kStart;
  r.deadline = kStart + 62'000;
  return r;
}

std::vector<Lwm2mObservationRecord> All(core::Store& store) {
  std::vector<Lwm2mObservationRecord> out;
  std::int64_t after = 0;
  for (;;) {
    auto page = store.ListLwm2mObservations(after, 2);
    EXPECT_TRUE(page) << page.error().message;
    if (!page || page->empty()) return out;
    after = page->back().id;
    out.insert(out.end(), page->begin(), page->end());
  }
}

TEST_P(StoreContractTest, Lwm2mObservationsSurviveReopenWithEveryField) {
  Device a = Create("ep-a");
  Device b = Create("ep-b");
  Lwm2mObservationRecord composite = Observation(2, a);
  composite.paths = {"/3/0/9", "/3/0/11", "/4/0"};
  composite.secure = true;
  composite.peer = "[2001:db8:0:0:0:0:0:1]:5684";
  composite.content_format = -1;
  composite.last_value_json.clear();
  composite.last_notified_at = 0;
  ASSERT_TRUE(store().SaveLwm2mObservations(
      {Lwm2mObservationChange::Put(Observation(7, b)), Lwm2mObservationChange::Put(composite),
       Lwm2mObservationChange::Put(Observation(3, a))}));
  Reopen();
  auto all = All(store());
  ASSERT_EQ(all.size(), 3u);  // paged two at a time, by id
  EXPECT_EQ(all[0], composite);
  EXPECT_EQ(all[1], Observation(3, a));
  EXPECT_EQ(all[2], Observation(7, b));
}

TEST_P(StoreContractTest, Lwm2mObservationPutReplacesAndRemovalDeletesById) {
  Device a = Create("ep-a");
  Device ghost;
  ghost.id = 999;
  Lwm2mObservationRecord later = Observation(1, a);
  later.last_value_json = R"({"path":"/3/0/9","value":42})";
  later.last_notified_at = kStart + 9'000;
  ASSERT_TRUE(store().SaveLwm2mObservations(
      {Lwm2mObservationChange::Put(Observation(1, a)), Lwm2mObservationChange::Put(later),
       Lwm2mObservationChange::Put(Observation(2, a)), Lwm2mObservationChange::Put(
                                                           Observation(3, ghost)),
       Lwm2mObservationChange::Remove(2), Lwm2mObservationChange::Remove(55)}));
  auto all = All(store());
  ASSERT_EQ(all.size(), 1u);  // the ghost device's put skipped, o2 removed
  EXPECT_EQ(all[0], later);
  ASSERT_TRUE(store().DeleteDevice(a.id, Audit("device.delete", "device", std::to_string(a.id))));
  EXPECT_TRUE(All(store()).empty());
}

TEST_P(StoreContractTest, Lwm2mObservationLastIdOutlivesItsRow) {
  auto none = store().LastLwm2mObservationId();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0);
  Device a = Create("ep-a");
  ASSERT_TRUE(store().SaveLwm2mObservations({Lwm2mObservationChange::Put(Observation(4, a)),
                                             Lwm2mObservationChange::Put(Observation(9, a))}));
  ASSERT_TRUE(store().SaveLwm2mObservations({Lwm2mObservationChange::Remove(9)}));
  Reopen();
  auto last = store().LastLwm2mObservationId();
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(*last, 9);
  EXPECT_EQ(All(store()).size(), 1u);
}

TEST_P(StoreContractTest, Lwm2mObservationsEndWithTheRegistrationNotWithItsUpdate) {
  Device a = Create("ep-a");
  Device b = Create("ep-b");
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(Registration("ra", a)),
                                              Lwm2mRegistrationChange::Put(Registration("rb", b))}));
  ASSERT_TRUE(store().SaveLwm2mObservations({Lwm2mObservationChange::Put(Observation(1, a)),
                                             Lwm2mObservationChange::Put(Observation(2, b))}));
  Lwm2mRegistrationRecord updated = Registration("ra", a);
  updated.updated_at = kStart + 30'000;
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(updated)}));
  EXPECT_EQ(All(store()).size(), 2u);
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Remove("rb")}));
  auto all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, 1);
}

}  // namespace
}  // namespace custos::store::contract
