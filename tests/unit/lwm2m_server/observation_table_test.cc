// The server's table of observations: ids, per-device lookups and removals, restore.
#include <gtest/gtest.h>

#include "lwm2m/server/observations.h"

namespace custos::lwm2m::server {
namespace {

TEST(ObservationTable, PerDeviceLookupsSeeOnlyThatDevicesObservations) {
  ObservationTable table;
  const Observation a = table.Add(1, {Path::Resource(3, 0, 9)}, false, 0);
  const Observation b = table.Add(2, {Path::Resource(3, 0, 9)}, false, 0);
  const Observation c = table.Add(1, {Path::Instance(5, 0)}, false, 0);
  auto of_one = table.OfDevice(1);
  ASSERT_EQ(of_one.size(), 2u);
  EXPECT_EQ(of_one[0].id, a.id);
  EXPECT_EQ(of_one[1].id, c.id);
  EXPECT_TRUE(table.Observes(1, Path::Instance(5, 0)));
  EXPECT_FALSE(table.Observes(2, Path::Instance(5, 0)));
  EXPECT_TRUE(table.OfDevice(3).empty());

  ASSERT_TRUE(table.Remove(a.id));
  EXPECT_EQ(table.OfDevice(1).size(), 1u);
  auto removed = table.RemoveDevice(1);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].id, c.id);
  EXPECT_TRUE(table.OfDevice(1).empty());
  EXPECT_FALSE(table.Find(c.id));
  EXPECT_EQ(table.All().size(), 1u) << "device 2's is still there";
  EXPECT_EQ(table.OfDevice(2)[0].id, b.id);
}

TEST(ObservationTable, RestoredObservationsAreFoundByDeviceAndIdsAreNotReused) {
  ObservationTable table;
  Observation kept;
  kept.id = "o7";
  kept.device = 4;
  kept.paths = {Path::Resource(5, 0, 3)};
  ASSERT_TRUE(table.Restore(kept));
  EXPECT_FALSE(table.Restore(kept)) << "the id is taken";
  table.Reserve(7);
  EXPECT_EQ(table.Add(4, {Path::Resource(3, 0, 9)}, false, 0).id, "o8");
  EXPECT_EQ(table.OfDevice(4).size(), 2u);
  EXPECT_EQ(table.RemoveAll().size(), 2u);
  EXPECT_TRUE(table.OfDevice(4).empty());
}

}  // namespace
}  // namespace custos::lwm2m::server
