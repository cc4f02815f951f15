// The decisions of the LwM2M firmware update flow (app/lwm2m_firmware_update.h) that need no
// device: what an operation asks for, what a device's Object 5 (TS Core Appendix E.6) says
// to do next, and what its Update Result means. Pure: no I/O, no threads.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"

namespace custos::app {

// Object 5 State (/5/0/3) and Update Result (/5/0/5).
inline constexpr std::int64_t kFirmwareIdle = 0;
inline constexpr std::int64_t kFirmwareDownloading = 1;
inline constexpr std::int64_t kFirmwareDownloaded = 2;
inline constexpr std::int64_t kFirmwareUpdating = 3;
inline constexpr std::int64_t kUpdateResultSuccess = 1;

// The meaning of a failing Update Result, 2 to 9 ("integrity check failure for the new
// downloaded package" for 5, ...); "" for every other value (0 initial, 1 success).
std::string UpdateResultMeaning(std::int64_t result);

// How the image reaches the device: it fetches the Package URI /5/0/1 ("pull") or the server
// writes the bytes to Package /5/0/0 with Block1 ("push").
enum class FirmwareMethod { kPull, kPush };

struct FirmwareRequest {
  core::FirmwareId firmware_id = 0;
  FirmwareMethod method = FirmwareMethod::kPull;
};

// The parameters of a firmware_update for an LwM2M device: {"firmware_id": N} (a positive
// integer, required) and "method": "pull" (the default) or "push". kInvalidArgument naming
// what is wrong otherwise.
core::Result<FirmwareRequest> ParseFirmwareRequest(std::string_view parameters_json);

// Whether an operation's result so far (core::Operation::result_json) shows that an earlier
// delivery of it reached the device: the flow reported a "stage". Such a delivery is a
// redelivery, resumed from the device's State and never applied again.
bool ReachedDevice(std::string_view result_json);

// What the flow does first once it knows the device's State and Update Result.
enum class FirmwareStep {
  kSendPackage,    // write the Package URI (pull) or the Package (push)
  kAwaitDownload,  // a redelivery finds the download running: wait for State 2
  kExecute,        // a redelivery finds the package downloaded: Execute Update
  kAwaitReboot,    // State 3: Execute was sent; wait for the device to register again
  kSucceed,        // idle, already running the image's version
  kFail,           // a redelivery finds the earlier Update failed (Update Result 2..9)
};

// The rule on delivery and redelivery (docs/remote-operations.md, "LwM2M firmware update"):
// Updating waits for the reboot whatever else; an idle device already running the image's
// version succeeds; a first delivery otherwise sends the package afresh. A redelivery goes on
// from where the device is: Downloading waits, Downloaded executes unless its Update Result
// says the earlier Update failed (then the operation fails: never applied twice), Idle sends
// the package again (a failed or lost download is not an Update).
FirmwareStep FirstStep(std::int64_t state, std::int64_t update_result, bool runs_image_version,
                       bool redelivery);

// Where a running flow is.
enum class FirmwareStage {
  kStarting,     // waiting for the first look at Object 5
  kDownloading,  // the package is on its way; State 2 triggers the Execute
  kUpdating,     // Execute sent; the re-registration and /3/0/3 decide
};

enum class FirmwareReaction { kNone, kExecute, kFail };

// What a notification or read of Object 5 means for a flow at `stage`: a failing Update
// Result fails it (once past kStarting), State 2 while downloading executes.
FirmwareReaction ReactionTo(FirmwareStage stage, std::optional<std::int64_t> state,
                            std::optional<std::int64_t> update_result);

// State and Update Result found in a typed JSON node as the device manager answers and
// notifies (lwm2m/model: the top node names its "path", nested ones their "id"): a resource,
// the instance /5/0 or anything above.
struct Object5Values {
  std::optional<std::int64_t> state;
  std::optional<std::int64_t> update_result;
};
Object5Values Object5In(const boost::json::value& node);

}  // namespace custos::app
