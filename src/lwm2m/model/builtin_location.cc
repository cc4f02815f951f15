// Object 6, Location: where the device is, and how fast it moves.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kLocation10{6,
                             "Location",
                             {1, 0},
                             {1, 0},
                             "urn:oma:lwm2m:oma:6",
                             kSingle,
                             kOptional,
                             "The device's position, with its accuracy and velocity."};

constexpr Row kRows[] = {
    {0, "Latitude", kR, kSingle, kMandatory, kFloat, "", "lat", "Latitude in degrees (WGS84)."},
    {1, "Longitude", kR, kSingle, kMandatory, kFloat, "", "lon", "Longitude in degrees (WGS84)."},
    {2, "Altitude", kR, kSingle, kOptional, kFloat, "", "m", "Altitude in metres."},
    {3, "Radius", kR, kSingle, kOptional, kFloat, "", "m",
     "Radius of the circle of uncertainty, in metres."},
    {4, "Velocity", kR, kSingle, kOptional, kOpaque, "", "",
     "Velocity as the 3GPP TS 23.032 GAD encoding."},
    {5, "Timestamp", kR, kSingle, kMandatory, kTime, "", "", "When the position was measured."},
    {6, "Speed", kR, kSingle, kOptional, kFloat, "", "m/s", "Speed in metres per second."},
};

}  // namespace

void AddLocation(std::vector<ObjectDefinition>& out) { out.push_back(Make(kLocation10, kRows)); }

}  // namespace custos::lwm2m::builtin
