#include "mqtt/server/authenticator.h"

#include <cctype>

namespace custos::mqtt::server {

namespace {

std::string_view AsText(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

tl::expected<Principal, ReasonCode> Authenticator::Authenticate(
    const Connect& connect, std::string_view cert_fingerprint) const {
  if (connect.username && *connect.username == operator_username_) return Operator(connect);
  if (connect.username && connect.password) {
    auto credential = store_.FindCredential("password", *connect.username);
    if (!credential || !core::VerifyDevicePassword(credential->secret, AsText(*connect.password))) {
      return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
    }
    return Device(*credential);
  }
  if (!cert_fingerprint.empty()) {
    // Stored as given when registered: lowercase is what docs/api.md shows; try both cases.
    auto credential = store_.FindCredential("x509", cert_fingerprint);
    if (!credential) credential = store_.FindCredential("x509", Upper(cert_fingerprint));
    if (!credential) return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
    return Device(*credential);
  }
  return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
}

tl::expected<Principal, ReasonCode> Authenticator::Operator(const Connect& connect) const {
  if (!connect.password) return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
  auto actor = tokens_.Authenticate(AsText(*connect.password));
  if (!actor) return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
  if (!core::TokenService::Authorize(*actor, core::Role::kViewer)) {
    return tl::unexpected(ReasonCode::kNotAuthorized);
  }
  Principal principal;
  principal.kind = Principal::Kind::kOperator;
  principal.name = actor->name;
  principal.role = actor->role;
  return principal;
}

tl::expected<Principal, ReasonCode> Authenticator::Device(
    const core::Credential& credential) const {
  // The fleet state is the freshest word on the lifecycle; the name comes from the store.
  auto entry = registry_.fleet().Get(credential.device_id);
  if (!entry) return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
  if (entry->state == core::LifecycleState::kDisabled ||
      entry->state == core::LifecycleState::kRetired) {
    return tl::unexpected(ReasonCode::kNotAuthorized);
  }
  auto device = store_.GetDevice(credential.device_id);
  if (!device) return tl::unexpected(ReasonCode::kBadUserNameOrPassword);
  Principal principal;
  principal.device_id = device->id;
  principal.name = device->name;
  return principal;
}

}  // namespace custos::mqtt::server
