#include <fmt/format.h>

#include "core/detail/json_text.h"
#include "core/registry.h"

namespace custos::core {
namespace {

using detail::JsonQuote;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// Fills in a generated secret where none was given, checks the given one, and turns the
// plaintext into what is stored. Returns the plaintext to show once ("" for x509).
Result<std::string> PrepareSecret(Credential& c) {
  if (c.kind == "psk") {
    if (c.secret.empty()) c.secret = RandomHex(16);
    if (!IsHex(c.secret) || c.secret.size() % 2 != 0 || c.secret.size() < 16 ||
        c.secret.size() > 128) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "secret: a PSK key is 8 to 64 bytes written as hex");
    }
    return c.secret;
  }
  if (c.kind == "password") {
    std::string plain = c.secret.empty() ? RandomHex(24) : c.secret;
    if (plain.size() < 12 || plain.size() > 256) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "secret: a device password is 12 to 256 characters");
    }
    c.secret = HashDevicePassword(plain);
    return plain;
  }
  if (c.kind == "x509") {
    if (c.identity.size() != 64 || !IsHex(c.identity)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "identity: an x509 credential names the certificate's SHA-256 "
                       "fingerprint as 64 hex digits");
    }
    if (!c.secret.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "secret: an x509 credential has none");
    }
    return std::string();
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("kind: unknown credential kind '{}' (psk, password, x509)",
                               c.kind));
}

}  // namespace

Result<NewCredential> Registry::AddCredential(const Actor& actor, DeviceId id,
                                              Credential credential) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) {
    return tl::unexpected(ok.error());
  }
  auto device = store_.GetDevice(id);
  if (!device) return tl::unexpected(device.error());
  if (device->state == LifecycleState::kRetired) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("device {} is retired: it takes no new credentials", id));
  }
  credential.id = 0;
  credential.device_id = id;
  credential.revoked_at.reset();
  if (credential.identity.empty()) credential.identity = device->name;
  if (credential.identity.size() > 256) {
    return MakeError(ErrorCode::kInvalidArgument, "identity: longer than 256 bytes");
  }
  auto plaintext = PrepareSecret(credential);
  if (!plaintext) return tl::unexpected(plaintext.error());
  credential.created_at = clock_.Now();
  AuditEntry audit =
      Audit(actor, "credential.add", "device", std::to_string(id),
            fmt::format(R"({{"kind":{},"identity":{}}})", JsonQuote(credential.kind),
                        JsonQuote(credential.identity)));
  auto stored = store_.AddCredential(std::move(credential), std::move(audit));
  if (!stored) return tl::unexpected(stored.error());
  return NewCredential{*stored, std::move(*plaintext)};
}

Result<std::vector<Credential>> Registry::ListCredentials(DeviceId id) {
  if (auto device = store_.GetDevice(id); !device) return tl::unexpected(device.error());
  return store_.ListCredentials(id);
}

Result<void> Registry::RevokeCredential(const Actor& actor, DeviceId id,
                                        CredentialId credential) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) return ok;
  auto list = store_.ListCredentials(id);
  if (!list) return tl::unexpected(list.error());
  for (const auto& c : *list) {
    if (c.id != credential) continue;
    if (c.revoked_at) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("credential {} is already revoked", credential));
    }
    return store_.RevokeCredential(
        credential, Audit(actor, "credential.revoke", "device", std::to_string(id),
                          fmt::format(R"({{"credential_id":{},"kind":{}}})", credential,
                                      JsonQuote(c.kind))));
  }
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("device {} has no credential {}", id, credential));
}

}  // namespace custos::core
