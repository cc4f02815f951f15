#include "core/credential.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "core/token.h"

namespace custos::core {

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string HashDevicePassword(std::string_view password) {
  std::string salt = RandomHex(16);
  return "sha256$" + salt + "$" + Sha256Hex(salt + std::string(password));
}

bool VerifyDevicePassword(std::string_view stored, std::string_view password) {
  constexpr std::string_view kScheme = "sha256$";
  if (stored.substr(0, kScheme.size()) != kScheme) return false;
  stored.remove_prefix(kScheme.size());
  auto dollar = stored.find('$');
  if (dollar == std::string_view::npos) return false;
  std::string salt(stored.substr(0, dollar));
  std::string_view expected = stored.substr(dollar + 1);
  return ConstantTimeEquals(Sha256Hex(salt + std::string(password)), expected);
}

}  // namespace custos::core
