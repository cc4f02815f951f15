// Object 9, Software Management: software packages installed, activated and removed one
// instance per package.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kSoftware10{9,
                             "LWM2M Software Management",
                             {1, 0},
                             {1, 0},
                             "urn:oma:lwm2m:oma:9",
                             kMultiple,
                             kOptional,
                             "Installation, activation and removal of software packages, one "
                             "instance per package."};

constexpr Row kRows[] = {
    {0, "PkgName", kR, kSingle, kMandatory, kString, "0..255 bytes", "", "Name of the package."},
    {1, "PkgVersion", kR, kSingle, kMandatory, kString, "0..255 bytes", "",
     "Version of the package."},
    {2, "Package", kW, kSingle, kOptional, kOpaque, "", "", "The package, pushed by the server."},
    {3, "Package URI", kW, kSingle, kOptional, kString, "0..255 bytes", "",
     "URI the client downloads the package from."},
    {4, "Install", kE, kSingle, kMandatory, kNone, "", "", "Installs the delivered package."},
    {5, "Checkpoint", kR, kSingle, kOptional, kObjectLink, "", "",
     "Link to a checkpoint object allowing the installation to be resumed."},
    {6, "Uninstall", kE, kSingle, kMandatory, kNone, "", "",
     "Removes the package (argument 0) or prepares it for an update (argument 1)."},
    {7, "Update State", kR, kSingle, kMandatory, kInteger, "0..4", "",
     "0 initial, 1 downloading, 2 downloaded, 3 delivered, 4 installed."},
    {8, "Update Supported Objects", kRW, kSingle, kOptional, kBoolean, "", "",
     "Whether the client registers again when the installed software adds objects."},
    {9, "Update Result", kR, kSingle, kMandatory, kInteger, "0..200", "",
     "Result of the last download or installation: 0 initial, 1 downloading, 2 installed, "
     "3 downloaded and verified, 50-200 failures."},
    {10, "Activate", kE, kSingle, kMandatory, kNone, "", "", "Activates the installed software."},
    {11, "Deactivate", kE, kSingle, kMandatory, kNone, "", "",
     "Deactivates the installed software."},
    {12, "Activation State", kR, kSingle, kMandatory, kBoolean, "", "",
     "Whether the software is active."},
    {13, "Package Settings", kRW, kSingle, kOptional, kObjectLink, "", "",
     "Link to an object instance holding the package's settings."},
    {14, "User Name", kW, kSingle, kOptional, kString, "0..255 bytes", "",
     "User name for the Package URI download."},
    {15, "Password", kW, kSingle, kOptional, kString, "0..255 bytes", "",
     "Password for the Package URI download."},
    {16, "Status Reason", kR, kSingle, kOptional, kString, "", "",
     "Why the last operation ended as it did."},
    {17, "Software Component Link", kR, kMultiple, kOptional, kObjectLink, "", "",
     "Links to the software components of the package (object 14)."},
    {18, "Software Component tree length", kR, kSingle, kOptional, kInteger, "0..255", "",
     "Number of software components in the tree."},
};

}  // namespace

void AddSoftwareManagement(std::vector<ObjectDefinition>& out) {
  out.push_back(Make(kSoftware10, kRows));
}

}  // namespace custos::lwm2m::builtin
