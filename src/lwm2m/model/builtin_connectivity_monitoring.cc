// Object 4, Connectivity Monitoring: the bearer, signal and addresses of the device's
// current connection.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kMonitoring13{4,
                               "Connectivity Monitoring",
                               {1, 3},
                               {1, 1},
                               "urn:oma:lwm2m:oma:4:1.3",
                               kSingle,
                               kOptional,
                               "Parameters of the device's current network connection: bearer, "
                               "signal, link quality, addresses, cell."};
constexpr Header kMonitoring12{4,       "",        {1, 2}, {1, 1}, "urn:oma:lwm2m:oma:4:1.2",
                               kSingle, kOptional, ""};
constexpr Header kMonitoring11{4,       "",        {1, 1}, {1, 0}, "urn:oma:lwm2m:oma:4:1.1",
                               kSingle, kOptional, ""};
constexpr Header kMonitoring10{4,       "",        {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:4",
                               kSingle, kOptional, ""};

constexpr Row kRows[] = {
    {0, "Network Bearer", kR, kSingle, kMandatory, kInteger, "0..50", "",
     "Bearer in use: 0-20 cellular (0 GSM, 2 WCDMA, 5 LTE-TDD, 6 LTE-FDD, 7 NB-IoT...), 21-40 "
     "wireless (21 WLAN, 22 Bluetooth, 23 IEEE 802.15.4), 41-50 wireline (41 Ethernet, 42 DSL, "
     "43 PLC)."},
    {1, "Available Network Bearer", kR, kMultiple, kMandatory, kInteger, "0..50", "",
     "Bearers currently available, from the same list."},
    {2, "Radio Signal Strength", kR, kSingle, kMandatory, kInteger, "", "dBm",
     "Average received signal strength (RSSI, RSCP, RSRP or NRSRP by bearer)."},
    {3, "Link Quality", kR, kSingle, kOptional, kInteger, "", "",
     "Received link quality (LQI, RxQual, RSRQ or NRSRQ by bearer)."},
    {4, "IP Addresses", kR, kMultiple, kMandatory, kString, "", "",
     "IP addresses of the connectivity interface."},
    {5, "Router IP Addresses", kR, kMultiple, kOptional, kString, "", "",
     "Next-hop router address on each interface."},
    {6, "Link Utilization", kR, kSingle, kOptional, kInteger, "0..100", "/100",
     "Average utilisation of the link to the next-hop router, in percent."},
    {7, "APN", kR, kMultiple, kOptional, kString, "", "",
     "Access point names, on a cellular bearer."},
    {8, "Cell ID", kR, kSingle, kOptional, kInteger, "", "", "Serving cell id."},
    {9, "SMNC", kR, kSingle, kOptional, kInteger, "0..999", "", "Serving mobile network code."},
    {10, "SMCC", kR, kSingle, kOptional, kInteger, "0..999", "", "Serving mobile country code."},
    {11, "SignalSNR", kR, kSingle, kOptional, kInteger, "", "dB",
     "Signal to interference plus noise ratio."},
    {12, "LAC", kR, kSingle, kOptional, kInteger, "", "", "Location area code."},
    {13, "Coverage Enhancement Level", kR, kSingle, kOptional, kInteger, "0..4", "",
     "Coverage enhancement level of the cell (NB-IoT, LTE-M)."},
};

}  // namespace

void AddConnectivityMonitoring(std::vector<ObjectDefinition>& out) {
  const auto v13 = Make(kMonitoring13, kRows);
  // Each version added resources at the end: 1.1 SignalSNR, 1.2 LAC, 1.3 the coverage level.
  auto v12 = Older(v13, kMonitoring12, Ids(0, 12));
  auto v11 = Older(v13, kMonitoring11, Ids(0, 11));
  auto v10 = Older(v13, kMonitoring10, Ids(0, 10));
  for (auto* old : {&v11, &v10}) Resource(*old, 6).units = "%";
  out.push_back(std::move(v10));
  out.push_back(std::move(v11));
  out.push_back(std::move(v12));
  out.push_back(v13);
}

}  // namespace custos::lwm2m::builtin
