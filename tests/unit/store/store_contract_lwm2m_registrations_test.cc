// Store contract: the LwM2M server's registrations, kept across a restart.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::Lwm2mRegistrationChange;
using core::Lwm2mRegistrationRecord;

Lwm2mRegistrationRecord Record(std::string id, const Device& d) {
  Lwm2mRegistrationRecord r;
  r.id = std::move(id);
  r.endpoint = d.name;
  r.device_id = d.id;
  r.peer = "127.0.0.1:40000";
  r.version = "1.1";
  r.lifetime_s = 60;
  r.binding = "U";
  r.object_links = "</1>,</3/0>";
  r.registered_at = r.updated_at = kStart;
  r.deadline = kStart + 62'000;
  return r;
}

std::vector<Lwm2mRegistrationRecord> All(core::Store& store) {
  std::vector<Lwm2mRegistrationRecord> out;
  std::string after;
  for (;;) {
    auto page = store.ListLwm2mRegistrations(after, 2);
    EXPECT_TRUE(page) << page.error().message;
    if (!page || page->empty()) return out;
    after = page->back().endpoint;
    out.insert(out.end(), page->begin(), page->end());
  }
}

TEST_P(StoreContractTest, Lwm2mRegistrationsSurviveReopenWithEveryField) {
  Device a = Create("ep-a");
  Device b = Create("ep-b");
  Device c = Create("ep-c");
  Lwm2mRegistrationRecord ra = Record("id-a", a);
  ra.secure = true;
  ra.identity = "psk-a";
  ra.sms = "+123";
  ra.queue_mode = true;
  ra.peer = "[2001:db8:0:0:0:0:0:1]:5684";
  ra.object_links = R"(</>;rt="oma.lwm2m";ct="60 110",</1>;ver=1.1,</3/0>)";
  std::vector<Lwm2mRegistrationChange> changes = {
      Lwm2mRegistrationChange::Put(Record("id-c", c)), Lwm2mRegistrationChange::Put(ra),
      Lwm2mRegistrationChange::Put(Record("id-b", b))};
  ASSERT_TRUE(store().SaveLwm2mRegistrations(changes));
  Reopen();
  auto all = All(store());
  ASSERT_EQ(all.size(), 3u);  // paged two at a time, in endpoint order
  EXPECT_EQ(all[0], ra);
  EXPECT_EQ(all[1].id, "id-b");
  EXPECT_EQ(all[2], Record("id-c", c));
}

TEST_P(StoreContractTest, Lwm2mRegistrationPutReplacesAndRemovalDeletesById) {
  Device a = Create("ep-a");
  Device b = Create("ep-b");
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(Record("old", a)),
                                              Lwm2mRegistrationChange::Put(Record("b1", b))}));
  // Registering again: a new id for the same endpoint; then an Update of the new one, in
  // one batch; a removal of the old id afterwards leaves the new registration alone.
  Lwm2mRegistrationRecord fresh = Record("new", a);
  Lwm2mRegistrationRecord updated = fresh;
  updated.lifetime_s = 300;
  updated.deadline = kStart + 302'000;
  ASSERT_TRUE(store().SaveLwm2mRegistrations(
      {Lwm2mRegistrationChange::Put(fresh), Lwm2mRegistrationChange::Put(updated),
       Lwm2mRegistrationChange::Remove("old"), Lwm2mRegistrationChange::Remove("b1"),
       Lwm2mRegistrationChange::Remove("never-issued")}));
  auto all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], updated);
}

TEST_P(StoreContractTest, Lwm2mRegistrationOfAnUnknownOrDeletedDeviceIsNotKept) {
  Device a = Create("ep-a");
  Device ghost;
  ghost.id = 999;
  ghost.name = "ghost";
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(Record("g", ghost)),
                                              Lwm2mRegistrationChange::Put(Record("a", a))}));
  ASSERT_EQ(All(store()).size(), 1u);
  ASSERT_TRUE(store().DeleteDevice(a.id, Audit("device.delete", "device", std::to_string(a.id))));
  EXPECT_TRUE(All(store()).empty());
}

TEST_P(StoreContractTest, Lwm2mRegistrationOnePerDevice) {
  // A device renamed into a new endpoint name keeps one registration.
  Device a = Create("ep-a");
  Lwm2mRegistrationRecord first = Record("one", a);
  Lwm2mRegistrationRecord second = Record("two", a);
  second.endpoint = "ep-renamed";
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(first)}));
  ASSERT_TRUE(store().SaveLwm2mRegistrations({Lwm2mRegistrationChange::Put(second)}));
  auto all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], second);
}

}  // namespace
}  // namespace custos::store::contract
