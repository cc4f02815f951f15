// Glob matching without recursion: on a mismatch only the most recent '*' is retried, one
// character further on. That is enough, because an earlier '*' could only ever absorb text
// the later one can absorb too, so the work is at most |glob| * |text| steps.
#include "core/filter.h"

namespace custos::core::filter {
namespace {

// Length of the UTF-8 sequence starting at s[i]; a stray byte counts as one character, so
// that `?` still makes progress on text that is not UTF-8.
std::size_t CharLength(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t n = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 1;
  }
  return n;
}

}  // namespace

bool GlobMatch(std::string_view glob, std::string_view text) {
  std::size_t g = 0, t = 0;
  std::size_t star = std::string_view::npos;  // position in glob just after the last '*'
  std::size_t resume = 0;                     // where that '*' will next resume in text
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = ++g;
      resume = t;
      continue;
    }
    if (g < glob.size() && glob[g] == '?') {
      ++g;
      t += CharLength(text, t);
      continue;
    }
    if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
      continue;
    }
    if (star == std::string_view::npos) return false;
    resume += CharLength(text, resume);
    g = star;
    t = resume;
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

}  // namespace custos::core::filter
