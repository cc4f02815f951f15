// A metric family: one instrument per distinct set of label values. Looking up an existing
// label set takes a shared (reader) lock; only the first use of a new label set takes the
// exclusive lock. Callers on very hot paths may keep the returned reference: it stays valid
// for the family's lifetime.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custos::metrics {

// Orders label-value tuples, comparing stored strings with looked-up string_views without
// building a key.
struct LabelValuesLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

template <class T>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<T>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The instrument for these label values, one per label name in order, created on first use.
  // A wrong number of values is a programming error: throws std::invalid_argument.
  T& WithLabels(std::initializer_list<std::string_view> values) {
    return Lookup(std::vector<std::string_view>(values));
  }
  T& WithLabels(const std::vector<std::string>& values) {
    return Lookup(std::vector<std::string_view>(values.begin(), values.end()));
  }
  // The instrument of a family without labels.
  T& Get() { return Lookup({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls `visit(label_values, instrument)` for each label set, in label order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const T&)>& visit) const {
    std::shared_lock lock(mu_);
    for (const auto& [values, instrument] : children_) visit(values, *instrument);
  }

 private:
  T& Lookup(const std::vector<std::string_view>& values) {
    if (values.size() != label_names_.size()) {
      throw std::invalid_argument("metric family expects " + std::to_string(label_names_.size()) +
                                  " label values, got " + std::to_string(values.size()));
    }
    {
      std::shared_lock lock(mu_);
      auto it = children_.find(values);
      if (it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto it = children_.find(values);
    if (it != children_.end()) return *it->second;
    std::vector<std::string> key(values.begin(), values.end());
    return *children_.emplace(std::move(key), make_()).first->second;
  }

  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>, LabelValuesLess> children_;
};

}  // namespace custos::metrics
