#include "api/router.h"

#include <algorithm>

namespace custos::api {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

namespace {

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches `path` against `tmpl`; on success fills `params` and `literals` (one flag per
// segment, true where the template has a literal), which ranks competing matches.
bool MatchTemplate(const std::vector<std::string>& tmpl, const std::vector<std::string_view>& path,
                   std::map<std::string, std::string, std::less<>>& params,
                   std::vector<bool>& literals) {
  if (tmpl.size() != path.size()) return false;
  params.clear();
  literals.clear();
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (IsParam(tmpl[i])) {
      params.emplace(tmpl[i].substr(1, tmpl[i].size() - 2), std::string(path[i]));
      literals.push_back(false);
    } else if (tmpl[i] == path[i]) {
      literals.push_back(true);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(Route route) {
  std::vector<std::string> segments;
  for (std::string_view segment : SplitPath(route.path)) segments.emplace_back(segment);
  templates_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

Router::Resolution Router::Resolve(std::string_view method, std::string_view path) const {
  Resolution res;
  const auto segments = SplitPath(path);
  // A trailing slash names a different resource; only "/" itself is the root.
  if (path.size() > 1 && path.back() == '/') return res;
  std::vector<bool> best_literals;
  std::map<std::string, std::string, std::less<>> params;
  std::vector<bool> literals;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    if (!MatchTemplate(templates_[i], segments, params, literals)) continue;
    if (route.method != method) {
      if (std::find(res.allowed.begin(), res.allowed.end(), route.method) == res.allowed.end()) {
        res.allowed.push_back(route.method);
      }
      continue;
    }
    if (res.route == nullptr || literals > best_literals) {
      res.route = &route;
      res.params = params;
      best_literals = literals;
    }
  }
  if (res.route != nullptr) {
    res.outcome = Resolution::Outcome::kFound;
    res.allowed.clear();
  } else if (!res.allowed.empty()) {
    res.outcome = Resolution::Outcome::kMethodNotAllowed;
    std::sort(res.allowed.begin(), res.allowed.end());
  }
  return res;
}

}  // namespace custos::api
