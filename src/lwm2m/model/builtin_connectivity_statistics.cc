// Object 7, Connectivity Statistics: traffic counters collected between Start and Stop.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kStatistics10{7,
                               "Connectivity Statistics",
                               {1, 0},
                               {1, 0},
                               "urn:oma:lwm2m:oma:7",
                               kSingle,
                               kOptional,
                               "Traffic statistics of the device's connection, collected while "
                               "started."};

constexpr Row kRows[] = {
    {0, "SMS Tx Counter", kR, kSingle, kOptional, kInteger, "", "", "SMS messages sent."},
    {1, "SMS Rx Counter", kR, kSingle, kOptional, kInteger, "", "", "SMS messages received."},
    {2, "Tx Data", kR, kSingle, kOptional, kInteger, "", "", "Kilobytes sent."},
    {3, "Rx Data", kR, kSingle, kOptional, kInteger, "", "", "Kilobytes received."},
    {4, "Max Message Size", kR, kSingle, kOptional, kInteger, "", "B",
     "Largest message sent or received."},
    {5, "Average Message Size", kR, kSingle, kOptional, kInteger, "", "B",
     "Average size of the messages sent and received."},
    {6, "Start", kE, kSingle, kMandatory, kNone, "", "",
     "Resets the counters and starts collecting."},
    {7, "Stop", kE, kSingle, kMandatory, kNone, "", "", "Stops collecting."},
    {8, "Collection Period", kRW, kSingle, kOptional, kInteger, "", "s",
     "How long to collect after Start; 0 until Stop."},
};

}  // namespace

void AddConnectivityStatistics(std::vector<ObjectDefinition>& out) {
  out.push_back(Make(kStatistics10, kRows));
}

}  // namespace custos::lwm2m::builtin
