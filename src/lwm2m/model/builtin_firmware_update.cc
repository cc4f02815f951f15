// Object 5, Firmware Update: a package pushed (Package) or pulled (Package URI), the Update
// trigger, and the State / Update Result pair a server observes to follow it.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kFirmware12{5,
                             "Firmware Update",
                             {1, 2},
                             {1, 1},
                             "urn:oma:lwm2m:oma:5:1.2",
                             kSingle,
                             kOptional,
                             "Firmware update: the package is written to Package or fetched "
                             "from Package URI, installed by executing Update; State and Update "
                             "Result report the progress."};
constexpr Header kFirmware11{5,       "",        {1, 1}, {1, 1}, "urn:oma:lwm2m:oma:5:1.1",
                             kSingle, kOptional, ""};
constexpr Header kFirmware10{5, "", {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:5", kSingle, kOptional, ""};

constexpr Row kRows[] = {
    {0, "Package", kW, kSingle, kMandatory, kOpaque, "", "",
     "The firmware package, pushed by the server (block-wise)."},
    {1, "Package URI", kRW, kSingle, kMandatory, kString, "0..255", "",
     "URI the client downloads the package from; an empty string resets the update."},
    {2, "Update", kE, kSingle, kMandatory, kNone, "", "",
     "Installs the downloaded package; only in the Downloaded state."},
    {3, "State", kR, kSingle, kMandatory, kInteger, "0..3", "",
     "0 idle, 1 downloading, 2 downloaded, 3 updating."},
    {5, "Update Result", kR, kSingle, kMandatory, kInteger, "0..11", "",
     "0 initial, 1 success, 2 not enough flash, 3 out of RAM, 4 connection lost, 5 integrity "
     "check failure, 6 unsupported package type, 7 invalid URI, 8 update failed, 9 unsupported "
     "protocol, 10 cancelled, 11 deferred."},
    {6, "PkgName", kR, kSingle, kOptional, kString, "0..255", "", "Name of the package."},
    {7, "PkgVersion", kR, kSingle, kOptional, kString, "0..255", "", "Version of the package."},
    {8, "Firmware Update Protocol Support", kR, kMultiple, kOptional, kInteger, "0..5", "",
     "Protocols the client can download with: 0 CoAP, 1 CoAPS, 2 HTTP 1.1, 3 HTTPS 1.1, "
     "4 CoAP over TCP, 5 CoAP over TLS."},
    {9, "Firmware Update Delivery Method", kR, kSingle, kMandatory, kInteger, "0..2", "",
     "0 pull only (Package URI), 1 push only (Package), 2 both."},
    {10, "Cancel", kE, kSingle, kOptional, kNone, "", "",
     "Cancels the download or a deferred update."},
    {11, "Severity", kRW, kSingle, kOptional, kInteger, "0..2", "",
     "0 critical, 1 mandatory, 2 optional."},
    {12, "Last State Change Time", kR, kSingle, kOptional, kTime, "", "",
     "When State last changed."},
    {13, "Maximum Defer Period", kRW, kSingle, kOptional, kUnsignedInteger, "", "s",
     "How long the user may defer the update; 0 not at all."},
    {14, "Automatic Upgrade at Download", kRW, kSingle, kOptional, kBoolean, "", "",
     "Whether the client installs as soon as the download completes, without Update."},
};

}  // namespace

void AddFirmwareUpdate(std::vector<ObjectDefinition>& out) {
  const auto v12 = Make(kFirmware12, kRows);
  // 1.1 added Cancel, Severity, Last State Change Time and Maximum Defer Period; 1.2 the
  // automatic upgrade. Resource 4 has been unused since 1.0.
  auto v11 = Older(v12, kFirmware11, {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13});
  auto v10 = Older(v12, kFirmware10, {0, 1, 2, 3, 5, 6, 7, 8, 9});
  Resource(v10, 5).range = "0..9";
  out.push_back(std::move(v10));
  out.push_back(std::move(v11));
  out.push_back(v12);
}

}  // namespace custos::lwm2m::builtin
