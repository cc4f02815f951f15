// Version order. A version reads as a sequence of components, digit runs and other runs, with
// the separators '.', '-', '+', '_' dropped and an endless run of zeros after its end (so
// "1.0" == "1.0.0" and "1.00" == "1.0"). Components compare pairwise: numbers numerically,
// other runs bytewise, and any non-digit run sorts below every number, which is why a
// pre-release ("1.0-rc1" = 1,0,"rc",1) sorts before its release (1,0,0,...).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/filter.h"

namespace custos::core::filter {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == '.' || c == '-' || c == '+' || c == '_'; }

struct Component {
  bool numeric = false;
  std::string_view text;  // for numbers: digits without leading zeros ("" is zero)
};

// The component starting at or after `pos` (separators skipped), advancing `pos` past it;
// nullopt at the end.
std::optional<Component> NextComponent(std::string_view v, std::size_t& pos) {
  while (pos < v.size() && IsSeparator(v[pos])) ++pos;
  if (pos == v.size()) return std::nullopt;
  const bool numeric = IsDigit(v[pos]);
  const std::size_t start = pos;
  while (pos < v.size() && !IsSeparator(v[pos]) && IsDigit(v[pos]) == numeric) ++pos;
  std::string_view run = v.substr(start, pos - start);
  if (numeric) {
    const std::size_t nonzero = run.find_first_not_of('0');
    run = nonzero == std::string_view::npos ? std::string_view() : run.substr(nonzero);
  }
  return Component{numeric, run};
}

std::vector<Component> Split(std::string_view v) {
  std::vector<Component> out;
  std::size_t pos = 0;
  while (auto c = NextComponent(v, pos)) out.push_back(*c);
  // Trailing zeros are the same as the implicit ones after the end.
  while (!out.empty() && out.back().numeric && out.back().text.empty()) out.pop_back();
  return out;
}

int Sign(int x) { return (x > 0) - (x < 0); }

int CompareComponents(const Component& a, const Component& b) {
  if (a.numeric != b.numeric) return a.numeric ? 1 : -1;
  if (a.numeric && a.text.size() != b.text.size()) return a.text.size() < b.text.size() ? -1 : 1;
  return Sign(a.text.compare(b.text));
}

// Order-preserving and prefix-free: a count byte, then that many big-endian bytes.
void AppendLength(std::string& out, std::uint64_t n, bool inverted) {
  unsigned char bytes[8];
  int count = 0;
  for (std::uint64_t x = n; x != 0; x >>= 8) bytes[count++] = static_cast<unsigned char>(x);
  const unsigned char mask = inverted ? 0xff : 0x00;
  out.push_back(static_cast<char>(count ^ mask));
  for (int k = count - 1; k >= 0; --k) out.push_back(static_cast<char>(bytes[k] ^ mask));
}

// Key tags. A key is a sequence of elements, each "k zero components, then one component that
// is not zero", closed by kEnd (the endless zeros). Against the endless zeros an element
// ending in a non-digit run is smaller and one ending in a number larger, whatever k is;
// hence kText < kEnd < kNumber. Among text elements the one with fewer zeros first meets
// the other's zero with its text, so it is smaller: k ascending. Among number elements it
// meets a zero with its number, so it is larger: k descending (stored inverted).
constexpr char kText = 0x01;
constexpr char kEnd = 0x02;
constexpr char kNumber = 0x03;

}  // namespace

// Walks both versions component by component without allocating: a filter compares
// versions once per device.
int CompareVersions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  const Component zero{true, {}};
  while (true) {
    const std::optional<Component> x = NextComponent(a, i);
    const std::optional<Component> y = NextComponent(b, j);
    if (!x && !y) return 0;
    const int c = CompareComponents(x ? *x : zero, y ? *y : zero);
    if (c != 0) return c;
  }
}

std::string VersionSortKey(std::string_view version) {
  std::string key;
  std::uint64_t zeros = 0;
  for (const Component& c : Split(version)) {
    if (c.numeric && c.text.empty()) {
      ++zeros;
      continue;
    }
    key.push_back(c.numeric ? kNumber : kText);
    AppendLength(key, zeros, /*inverted=*/c.numeric);
    zeros = 0;
    if (c.numeric) {
      AppendLength(key, c.text.size(), /*inverted=*/false);
      key.append(c.text);
    } else {
      // Escaped so that the terminator sorts below any byte: 0x00 -> 0x00 0xff; end 0x00 0x00.
      for (char ch : c.text) {
        key.push_back(ch);
        if (ch == '\0') key.push_back(static_cast<char>(0xff));
      }
      key.append(2, '\0');
    }
  }
  key.push_back(kEnd);
  return key;
}

}  // namespace custos::core::filter
