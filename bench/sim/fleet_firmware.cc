// Object 5, Firmware Update (TS Core Appendix E.6), from the devices' side: a Package URI
// written to /5/0/1 is fetched block-wise (RFC 7959 Block2) from that URI's host and port, as
// the device (its own source address); a package pushed to /5/0/0 comes in Block1 blocks.
// Either way State goes 1 Downloading, then 2 Downloaded when the package's first line is
// "custos-firmware X.Y.Z" (anything else: State 0, Update Result 5). Execute /5/0/2 gives
// State 3 and a short "reboot" into X.Y.Z (State 0, Update Result 1, /3/0/3 = X.Y.Z, a new
// Register) or, for the devices configured to fail, State 2 and Update Result 8 without a
// reboot. Observers of /5/0/3 and /5/0/5 hear of each change.
#include <arpa/inet.h>

#include <string_view>

#include "fleet.h"

namespace custos::sim {
namespace {

constexpr std::size_t kHeadMax = 80;

// "coap://a.b.c.d:port/path" (or "localhost"; "coaps://" when `secure`); nullopt for
// anything else.
std::optional<std::pair<Address, std::string>> ParseCoapUri(std::string_view uri, bool secure) {
  const std::string_view scheme = secure ? "coaps://" : "coap://";
  if (!uri.starts_with(scheme)) return std::nullopt;
  uri.remove_prefix(scheme.size());
  const std::size_t slash = uri.find('/');
  const std::string_view authority = uri.substr(0, slash);
  const std::string path(slash == std::string_view::npos ? "/" : uri.substr(slash));
  const std::size_t colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  std::uint16_t port = secure ? 5684 : 5683;
  if (colon != std::string_view::npos) {
    try {
      const unsigned long value = std::stoul(std::string(authority.substr(colon + 1)));
      if (value == 0 || value > 65535) return std::nullopt;
      port = static_cast<std::uint16_t>(value);
    } catch (...) {
      return std::nullopt;
    }
  }
  if (host == "localhost") host = "127.0.0.1";
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) return std::nullopt;
  return std::pair{Address{ntohl(address.s_addr), port}, path};
}

}  // namespace

void Fleet::SetFirmwareState(std::uint32_t d, std::uint8_t state, std::uint8_t result, TimeMs now) {
  Device& device = devices_[d];
  device.firmware_state = state;
  device.firmware_result = result;
  Notify(d, now);
}

void Fleet::SetPackageUri(std::uint32_t d, const std::string& uri, TimeMs now) {
  Device& device = devices_[d];
  device.package_uri = uri;
  transfers_.erase(d);
  device.want_download = false;
  if (device.exchange == Exchange::kDownload) AbandonExchange(d), device.want_download = false;
  if (uri.empty()) {  // an empty URI resets the state machine
    SetFirmwareState(d, firmware::kIdle, firmware::kInitial, now);
    return;
  }
  // A DTLS device fetches over its one session, so only from the server it registered with.
  auto target = ParseCoapUri(uri, device.dtls);
  if (target && device.dtls && !(target->first == config_.secure_server)) target.reset();
  if (!target) {
    SetFirmwareState(d, firmware::kIdle,
                     uri.find("://") != std::string::npos ? firmware::kUnsupportedProtocol
                                                          : firmware::kInvalidUri,
                     now);
    return;
  }
  Transfer& transfer = transfers_[d];
  transfer.from = target->first;
  transfer.path = target->second;
  ++stats_.downloads_started;
  SetFirmwareState(d, firmware::kDownloading, firmware::kInitial, now);
  device.want_download = true;
  NextExchange(d, now);
}

coap::Message Fleet::DownloadRequest(std::uint32_t d) const {
  coap::Message request;
  request.code = coap::codes::kGet;
  auto transfer = transfers_.find(d);
  if (transfer == transfers_.end()) return request;
  coap::SetUriPath(request.options, transfer->second.path);
  (void)coap::SetBlock2(request.options,
                        coap::Block{transfer->second.next_block, false, transfer->second.szx});
  return request;
}

void Fleet::OnDownloadBlock(std::uint32_t d, const coap::Message& response, TimeMs now) {
  auto it = transfers_.find(d);
  if (it == transfers_.end()) return;
  Transfer& transfer = it->second;
  auto block = coap::GetBlock2(response.options);
  if (!block || (*block && (*block)->num != transfer.next_block)) {
    DownloadFailed(d, firmware::kConnectionLost, now);
    return;
  }
  if (transfer.head.find('\n') == std::string::npos && transfer.head.size() < kHeadMax) {
    const std::size_t take = std::min(kHeadMax - transfer.head.size(), response.payload.size());
    transfer.head.append(response.payload.begin(),
                         response.payload.begin() + static_cast<std::ptrdiff_t>(take));
  }
  transfer.size += response.payload.size();
  if (*block && (*block)->more) {
    // The server may answer in smaller blocks than asked: go on in its size.
    transfer.szx = (*block)->szx;
    transfer.next_block = static_cast<std::uint32_t>(transfer.size / (*block)->Size());
    devices_[d].want_download = true;
    return;
  }
  PackageComplete(d, now);
}

void Fleet::PackageComplete(std::uint32_t d, TimeMs now) {
  auto it = transfers_.find(d);
  if (it == transfers_.end()) return;
  Transfer& transfer = it->second;
  constexpr std::string_view kMagic = "custos-firmware ";
  const std::string_view head = transfer.head;
  const std::string_view line = head.substr(0, head.find('\n'));
  if (!line.starts_with(kMagic) || line.size() == kMagic.size()) {
    ++stats_.downloads_failed;
    transfers_.erase(it);
    SetFirmwareState(d, firmware::kIdle, firmware::kIntegrityFailure, now);
    return;
  }
  std::string version(line.substr(kMagic.size()));
  while (!version.empty() && (version.back() == '\r' || version.back() == ' ')) version.pop_back();
  transfer.version = version;
  ++stats_.downloads_done;
  SetFirmwareState(d, firmware::kDownloaded, firmware::kInitial, now);
}

void Fleet::DownloadFailed(std::uint32_t d, std::uint8_t result, TimeMs now) {
  ++stats_.downloads_failed;
  transfers_.erase(d);
  devices_[d].want_download = false;
  SetFirmwareState(d, firmware::kIdle, result, now);
}

coap::Message Fleet::PushBlock(std::uint32_t d, const coap::Message& request, TimeMs now) {
  coap::Message answer;
  auto block = coap::GetBlock1(request.options);
  if (!block) {
    ++stats_.other_requests;
    answer.code = coap::codes::kBadOption;
    return answer;
  }
  const bool first = !*block || (*block)->num == 0;
  if (first) {
    if (!*block && request.payload.empty()) {  // an empty package resets the state machine
      ++stats_.writes;
      transfers_.erase(d);
      SetFirmwareState(d, firmware::kIdle, firmware::kInitial, now);
      answer.code = coap::codes::kChanged;
      return answer;
    }
    transfers_[d] = Transfer{};
    ++stats_.downloads_started;
    SetFirmwareState(d, firmware::kDownloading, firmware::kInitial, now);
  }
  auto it = transfers_.find(d);
  if (it == transfers_.end() || (*block && (*block)->Offset() != it->second.size)) {
    ++stats_.other_requests;
    answer.code = coap::codes::kRequestEntityIncomplete;
    return answer;
  }
  Transfer& transfer = it->second;
  if (transfer.head.find('\n') == std::string::npos && transfer.head.size() < kHeadMax) {
    const std::size_t take = std::min(kHeadMax - transfer.head.size(), request.payload.size());
    transfer.head.append(request.payload.begin(),
                         request.payload.begin() + static_cast<std::ptrdiff_t>(take));
  }
  transfer.size += request.payload.size();
  ++stats_.writes;
  if (*block && (*block)->more) {
    answer.code = coap::codes::kContinue;
    (void)coap::SetBlock1(answer.options, **block);
    return answer;
  }
  answer.code = coap::codes::kChanged;
  if (*block) (void)coap::SetBlock1(answer.options, **block);
  PackageComplete(d, now);
  return answer;
}

coap::Message Fleet::ExecuteUpdate(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  coap::Message answer;
  if (device.firmware_state != firmware::kDownloaded) {
    ++stats_.other_requests;
    answer.code = coap::codes::kMethodNotAllowed;
    return answer;
  }
  ++stats_.executes;
  SetFirmwareState(d, firmware::kUpdating, device.firmware_result, now);
  AbandonExchange(d);
  device.want_download = false;
  device.phase = Phase::kRebooting;
  device.firmware_reboot = true;
  device.phase_at = now + config_.reboot_ms;
  answer.code = coap::codes::kChanged;
  return answer;
}

void Fleet::FinishUpdate(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  device.firmware_reboot = false;
  if (device.fails_update) {
    // A failed update leaves the old firmware running: no reboot, no new registration.
    ++stats_.firmware_failures;
    device.phase = Phase::kRegistered;
    SetFirmwareState(d, firmware::kDownloaded, firmware::kUpdateFailed, now);
    return;
  }
  auto it = transfers_.find(d);
  if (it != transfers_.end()) {
    device.firmware_version = it->second.version;
    transfers_.erase(it);
  }
  ++stats_.firmware_updates;
  ++stats_.reboots;
  device.firmware_state = firmware::kIdle;
  device.firmware_result = firmware::kSuccess;
  StartRegistering(d, now);
}

}  // namespace custos::sim
