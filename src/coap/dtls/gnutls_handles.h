// Owning handles for GnuTLS objects, so that every path out of a function frees them.
// Internal to coap/dtls.
#pragma once

#include <gnutls/gnutls.h>

#include <memory>
#include <type_traits>

namespace custos::coap::dtls::detail {

struct SessionDeleter {
  void operator()(gnutls_session_int* session) const { gnutls_deinit(session); }
};
struct PriorityDeleter {
  void operator()(gnutls_priority_st* priority) const { gnutls_priority_deinit(priority); }
};
struct PskServerDeleter {
  void operator()(gnutls_psk_server_credentials_st* credentials) const {
    gnutls_psk_free_server_credentials(credentials);
  }
};
struct PskClientDeleter {
  void operator()(gnutls_psk_client_credentials_st* credentials) const {
    gnutls_psk_free_client_credentials(credentials);
  }
};

using SessionHandle = std::unique_ptr<std::remove_pointer_t<gnutls_session_t>, SessionDeleter>;
using PriorityHandle = std::unique_ptr<std::remove_pointer_t<gnutls_priority_t>, PriorityDeleter>;
using PskServerHandle =
    std::unique_ptr<std::remove_pointer_t<gnutls_psk_server_credentials_t>, PskServerDeleter>;
using PskClientHandle =
    std::unique_ptr<std::remove_pointer_t<gnutls_psk_client_credentials_t>, PskClientDeleter>;

// A key GnuTLS allocated (gnutls_key_generate): wiped and freed on destruction.
class SecretDatum {
 public:
  SecretDatum() = default;
  ~SecretDatum() { Reset(); }
  SecretDatum(SecretDatum&& other) noexcept : datum_(other.datum_) { other.datum_ = {}; }
  SecretDatum& operator=(SecretDatum&& other) noexcept {
    if (this != &other) {
      Reset();
      datum_ = other.datum_;
      other.datum_ = {};
    }
    return *this;
  }
  SecretDatum(const SecretDatum&) = delete;
  SecretDatum& operator=(const SecretDatum&) = delete;

  gnutls_datum_t* get() { return &datum_; }
  bool empty() const { return datum_.data == nullptr; }

  void Reset() {
    if (datum_.data != nullptr) {
      gnutls_memset(datum_.data, 0, datum_.size);
      gnutls_free(datum_.data);
    }
    datum_ = {};
  }

 private:
  gnutls_datum_t datum_{};
};

}  // namespace custos::coap::dtls::detail
