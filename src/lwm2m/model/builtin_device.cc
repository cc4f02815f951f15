// Object 3, Device: identity, power, memory, time and errors of the device, and the reboot
// and factory reset the whole fleet relies on.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kDevice12{3,
                           "Device",
                           {1, 2},
                           {1, 1},
                           "urn:oma:lwm2m:oma:3:1.2",
                           kSingle,
                           kMandatory,
                           "Device information a server can query (manufacturer, model, "
                           "versions, power, memory, time, errors) and the reboot and factory "
                           "reset functions."};
constexpr Header kDevice11{3,       "",         {1, 1}, {1, 1}, "urn:oma:lwm2m:oma:3:1.1",
                           kSingle, kMandatory, ""};
constexpr Header kDevice10{3, "", {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:3", kSingle, kMandatory, ""};

constexpr Row kRows[] = {
    {0, "Manufacturer", kR, kSingle, kOptional, kString, "", "",
     "Human-readable manufacturer name."},
    {1, "Model Number", kR, kSingle, kOptional, kString, "", "",
     "Model identifier, as the manufacturer names it."},
    {2, "Serial Number", kR, kSingle, kOptional, kString, "", "", "Serial number."},
    {3, "Firmware Version", kR, kSingle, kOptional, kString, "", "", "Current firmware version."},
    {4, "Reboot", kE, kSingle, kMandatory, kNone, "", "", "Reboots the device."},
    {5, "Factory Reset", kE, kSingle, kOptional, kNone, "", "",
     "Resets the device to its factory state, to be bootstrapped again."},
    {6, "Available Power Sources", kR, kMultiple, kOptional, kInteger, "0..7", "",
     "0 DC, 1 internal battery, 2 external battery, 3 fuel cell, 4 PoE, 5 USB, 6 AC mains, "
     "7 solar; instance ids pair with Power Source Voltage and Current."},
    {7, "Power Source Voltage", kR, kMultiple, kOptional, kInteger, "", "",
     "Present voltage of each power source, in mV."},
    {8, "Power Source Current", kR, kMultiple, kOptional, kInteger, "", "",
     "Present current of each power source, in mA."},
    {9, "Battery Level", kR, kSingle, kOptional, kInteger, "0..100", "/100",
     "Internal battery level in percent."},
    {10, "Memory Free", kR, kSingle, kOptional, kInteger, "", "",
     "Free storage for data and software, in KiB."},
    {11, "Error Code", kR, kMultiple, kMandatory, kInteger, "0..32", "",
     "Current errors: 0 none, 1 low battery, 2 external power off, 3 GPS failure, 4 low "
     "signal, 5 out of memory, 6 SMS failure, 7 IP connectivity failure, 8 peripheral "
     "malfunction, 9-15 reserved, 16-32 device specific."},
    {12, "Reset Error Code", kE, kSingle, kOptional, kNone, "", "",
     "Clears the error codes and evaluates them again."},
    {13, "Current Time", kRW, kSingle, kOptional, kTime, "", "",
     "The device's clock (Unix time); a server may set it."},
    {14, "UTC Offset", kRW, kSingle, kOptional, kString, "", "",
     "UTC offset in effect, ISO 8601 (\"UTC+X\")."},
    {15, "Timezone", kRW, kSingle, kOptional, kString, "", "", "Time zone, IANA tz database name."},
    {16, "Supported Binding and Modes", kR, kSingle, kMandatory, kString, "", "",
     "The transport bindings and modes the client supports."},
    {17, "Device Type", kR, kSingle, kOptional, kString, "", "",
     "Kind of device, as the manufacturer names it."},
    {18, "Hardware Version", kR, kSingle, kOptional, kString, "", "", "Current hardware version."},
    {19, "Software Version", kR, kSingle, kOptional, kString, "", "",
     "Current software version (above the firmware)."},
    {20, "Battery Status", kR, kSingle, kOptional, kInteger, "0..6", "",
     "0 normal, 1 charging, 2 charge complete, 3 damaged, 4 low, 5 not installed, 6 unknown."},
    {21, "Memory Total", kR, kSingle, kOptional, kInteger, "", "",
     "Total storage for data and software, in KiB."},
    {22, "ExtDevInfo", kR, kMultiple, kOptional, kObjectLink, "", "",
     "Links to object instances describing external devices (a host device, for instance)."},
};

}  // namespace

void AddDevice(std::vector<ObjectDefinition>& out) {
  const auto v12 = Make(kDevice12, kRows);
  // 1.0 and 1.1 have the same resources; error codes stopped at 8 and units were not yet
  // SenML's.
  auto v11 = Older(v12, kDevice11, Ids(0, 22));
  Resource(v11, 9).units = "%";
  Resource(v11, 11).range = "0..8";
  auto v10 = Older(v12, kDevice10, Ids(0, 22));
  Resource(v10, 7).units = "mV";
  Resource(v10, 8).units = "mA";
  Resource(v10, 9).units = "%";
  Resource(v10, 10).units = "KB";
  Resource(v10, 11).range = "0..8";
  out.push_back(std::move(v10));
  out.push_back(std::move(v11));
  out.push_back(v12);
}

}  // namespace custos::lwm2m::builtin
