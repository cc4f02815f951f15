// Who a CONNECT comes from: a device by password or client certificate, or an operator by
// token. Blocking (it reads the store): run it off the socket threads. Internal to the
// mqtt/server module.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "core/core.h"
#include "mqtt/mqtt.h"
#include "mqtt/server/principal.h"

namespace custos::mqtt::server {

class Authenticator {
 public:
  Authenticator(core::Store& store, core::Registry& registry, core::TokenService& tokens,
                std::string operator_username)
      : store_(store),
        registry_(registry),
        tokens_(tokens),
        operator_username_(std::move(operator_username)) {}

  // The principal behind `connect`, or the v5 CONNACK reason to refuse it with:
  // - user name == the operator user name: the password must be the secret of an operator
  //   token (core::TokenService::Authenticate) of role viewer or above; else Bad User Name
  //   or Password (0x86), or Not authorized (0x87) for a role below viewer;
  // - a user name and password: an active "password" credential with that identity whose
  //   hash matches; else 0x86;
  // - otherwise, with `cert_fingerprint` (lowercase hex SHA-256 of a TLS client certificate):
  //   an active "x509" credential with that identity; else 0x86;
  // - then the device must exist (0x86 if not) and be provisioned or active (0x87 if
  //   disabled or retired).
  // The client id is not judged here.
  tl::expected<Principal, ReasonCode> Authenticate(const Connect& connect,
                                                   std::string_view cert_fingerprint) const;

 private:
  tl::expected<Principal, ReasonCode> Operator(const Connect& connect) const;
  tl::expected<Principal, ReasonCode> Device(const core::Credential& credential) const;

  core::Store& store_;
  core::Registry& registry_;
  core::TokenService& tokens_;
  std::string operator_username_;
};

}  // namespace custos::mqtt::server
