// Object 5, Firmware Update (TS Core Appendix E.6): a package written to /5/0/0 (pushed,
// Block1) or fetched from the Package URI /5/0/1 over CoAP block-wise into a file gives
// State 2 Downloaded; Execute /5/0/2 gives State 3 Updating, and the next Tick "reboots"
// into the new firmware (State 0, Update Result 1, a new Firmware Version /3/0/3, a new
// Register), or fails (ClientOptions::fail_firmware_update: State 2, Update Result 8 or
// ClientOptions::firmware_failure_result).
#include <spdlog/spdlog.h>

#include <fstream>
#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {

// States and results of TS Core E.6.
constexpr std::int64_t kIdle = 0, kDownloading = 1, kDownloaded = 2, kUpdating = 3;
constexpr std::int64_t kSuccess = 1, kConnectionLost = 4, kInvalidUri = 7, kUpdateFailed = 8,
                       kUnsupportedProtocol = 9;

const Path kState = Path::Resource(5, 0, 3);
const Path kResult = Path::Resource(5, 0, 5);

// The version a package declares on its first line ("custos-firmware 2.0.0"), else the
// current version with "-updated".
std::string VersionIn(const std::filesystem::path& file, const std::string& current) {
  std::ifstream in(file);
  std::string word, version;
  if (in >> word >> version && word == "custos-firmware") return version;
  return current + "-updated";
}

}  // namespace

void ClientImpl::SetFirmwareState(std::int64_t state, std::optional<std::int64_t> result) {
  (void)store_.Set(kState, Value{state});
  if (result) (void)store_.Set(kResult, Value{*result});
}

void ClientImpl::StorePackage(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) {  // an empty package resets the state machine
    SetFirmwareState(kIdle, 0);
    return;
  }
  std::ofstream out(package_file_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    SetFirmwareState(kIdle, 2);  // not enough flash
    return;
  }
  SetFirmwareState(kDownloaded, 0);
}

void ClientImpl::StartDownload(const std::string& uri) {
  if (uri.empty()) {
    SetFirmwareState(kIdle, 0);
    return;
  }
  if (!uri.starts_with("coap://") && !uri.starts_with("coaps://")) {
    SetFirmwareState(kIdle,
                     uri.find("://") == std::string::npos ? kInvalidUri : kUnsupportedProtocol);
    return;
  }
  // The path after the authority; the host is the server we registered with, or another
  // CoAP server at that URI.
  const std::size_t start = uri.find("://") + 3;
  const std::size_t slash = uri.find('/', start);
  pending_download_ = uri.substr(0, slash == std::string::npos ? uri.size() : slash);
  pending_download_path_ = slash == std::string::npos ? "/" : uri.substr(slash);
  SetFirmwareState(kDownloading, 0);
}

void ClientImpl::BeginDownload() {
  std::string authority, path;
  {
    std::lock_guard lock(mu_);
    if (pending_download_.empty()) return;
    authority = std::exchange(pending_download_, {});
    path = std::exchange(pending_download_path_, {});
  }
  auto peer = ParseServerUrl(authority);
  if (!peer) {
    std::lock_guard lock(mu_);
    SetFirmwareState(kIdle, kInvalidUri);
    return;
  }
  coap::Message get;
  get.code = coap::codes::kGet;
  coap::SetUriPath(get.options, path);
  coap::RequestOptions request;
  request.download_file = package_file_;
  Log("download " + authority + path);
  endpoint_->Request(peer->first, std::move(get), request,
                     [this](core::Result<coap::Message> response) {
                       std::lock_guard lock(mu_);
                       if (response && response->code == coap::codes::kContent) {
                         Log("downloaded");
                         SetFirmwareState(kDownloaded, 0);
                       } else {
                         Log("download failed");
                         SetFirmwareState(kIdle, response ? kInvalidUri : kConnectionLost);
                       }
                     });
}

core::Result<void> ClientImpl::ExecuteFirmwareUpdate() {
  const auto state = store_.Get(kState);
  if (!state || std::get<std::int64_t>(*state) != kDownloaded) {
    return core::MakeError(core::ErrorCode::kFailedPrecondition, "no package downloaded");
  }
  SetFirmwareState(kUpdating, std::nullopt);
  pending_ = PendingRestart::kFirmware;
  return {};
}

void ClientImpl::FinishFirmwareUpdate() {
  if (options_.fail_firmware_update) {
    const std::int64_t result = options_.firmware_failure_result;
    SetFirmwareState(kDownloaded, result >= 2 && result <= 9 ? result : kUpdateFailed);
    return;
  }
  const auto current = store_.Get(Path::Resource(3, 0, 3));
  const std::string version =
      VersionIn(package_file_, current ? std::get<std::string>(*current) : "");
  options_.device.firmware_version = version;
  (void)store_.Set(Path::Resource(3, 0, 3), Value{version});
  SetFirmwareState(kIdle, kSuccess);
}

}  // namespace custos::lwm2m::client
