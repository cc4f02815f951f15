#include "exchange_window.h"

#include <algorithm>

namespace custos::coap_bench {

ExchangeWindow::ExchangeWindow(std::size_t endpoints, std::size_t window, RetransmitPolicy policy)
    : policy_(policy),
      slots_(std::min(window, endpoints)),
      endpoint_slot_(endpoints, kIdle),
      next_message_id_(endpoints),
      warmed_(endpoints, false) {
  free_slots_.reserve(slots_.size());
  for (std::size_t i = slots_.size(); i > 0; --i) {
    free_slots_.push_back(static_cast<std::int32_t>(i - 1));
  }
  for (std::size_t k = 0; k < endpoints; ++k) {
    // A multiplicative hash spreads the first ids over the 16-bit space.
    next_message_id_[k] = static_cast<std::uint16_t>((k * 2654435761U) >> 16);
  }
}

std::optional<std::uint32_t> ExchangeWindow::NextEndpoint() {
  const auto n = static_cast<std::uint32_t>(endpoints());
  switch (mode_) {
    case Mode::kWarmUp:
      while (!warm_up_retry_.empty()) {
        const std::uint32_t k = warm_up_retry_.front();
        warm_up_retry_.pop_front();
        if (!warmed_[k] && endpoint_slot_[k] == kIdle) return k;
      }
      while (warm_up_cursor_ < n) {
        const std::uint32_t k = warm_up_cursor_++;
        if (!warmed_[k] && endpoint_slot_[k] == kIdle) return k;
      }
      return std::nullopt;
    case Mode::kMeasure:
      // Refill only asks while fewer than `endpoints` are in flight, so an idle one exists
      // within one turn.
      for (std::uint32_t tries = 0; tries < n; ++tries) {
        const std::uint32_t k = cursor_;
        cursor_ = cursor_ + 1 == n ? 0 : cursor_ + 1;
        if (endpoint_slot_[k] == kIdle) return k;
      }
      return std::nullopt;
    case Mode::kDrain:
      return std::nullopt;
  }
  return std::nullopt;
}

void ExchangeWindow::Start(std::uint32_t endpoint, Clock::time_point now, std::vector<Send>& out) {
  const std::int32_t slot_index = free_slots_.back();
  free_slots_.pop_back();
  Slot& slot = slots_[static_cast<std::size_t>(slot_index)];
  slot.endpoint = endpoint;
  slot.message_id = next_message_id_[endpoint]++;
  slot.retransmissions = 0;
  slot.first_sent = now;
  slot.timeout = policy_.ack_timeout;
  slot.deadline = now + slot.timeout;
  endpoint_slot_[endpoint] = slot_index;
  out.push_back(Send{endpoint, slot.message_id, false});
}

void ExchangeWindow::Refill(Clock::time_point now, std::vector<Send>& out) {
  while (!free_slots_.empty()) {
    const auto endpoint = NextEndpoint();
    if (!endpoint) return;
    Start(*endpoint, now, out);
  }
}

void ExchangeWindow::Release(std::int32_t slot) {
  endpoint_slot_[slots_[static_cast<std::size_t>(slot)].endpoint] = kIdle;
  free_slots_.push_back(slot);
}

std::optional<Clock::duration> ExchangeWindow::Complete(std::uint32_t endpoint,
                                                        std::uint16_t message_id,
                                                        Clock::time_point now) {
  if (endpoint >= endpoints()) return std::nullopt;
  const std::int32_t slot_index = endpoint_slot_[endpoint];
  if (slot_index == kIdle) return std::nullopt;
  const Slot& slot = slots_[static_cast<std::size_t>(slot_index)];
  if (slot.message_id != message_id) return std::nullopt;
  const Clock::duration latency = now - slot.first_sent;
  if (!warmed_[endpoint]) {
    warmed_[endpoint] = true;
    ++warmed_count_;
  }
  Release(slot_index);
  return latency;
}

std::optional<std::uint16_t> ExchangeWindow::InFlightMessageId(std::uint32_t endpoint) const {
  if (endpoint >= endpoints()) return std::nullopt;
  const std::int32_t slot_index = endpoint_slot_[endpoint];
  if (slot_index == kIdle) return std::nullopt;
  return slots_[static_cast<std::size_t>(slot_index)].message_id;
}

void ExchangeWindow::Expire(Clock::time_point now, std::vector<Send>& out) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (endpoint_slot_[slot.endpoint] != static_cast<std::int32_t>(i) || slot.deadline > now) {
      continue;
    }
    if (slot.retransmissions >= policy_.max_retransmit) {
      ++gave_up_;
      if (mode_ == Mode::kWarmUp && !warmed_[slot.endpoint]) {
        warm_up_retry_.push_back(slot.endpoint);
      }
      Release(static_cast<std::int32_t>(i));
      continue;
    }
    ++slot.retransmissions;
    ++retransmissions_;
    slot.timeout *= 2;
    slot.deadline = now + slot.timeout;
    out.push_back(Send{slot.endpoint, slot.message_id, true});
  }
}

std::optional<Clock::time_point> ExchangeWindow::NextDeadline() const {
  std::optional<Clock::time_point> next;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    if (endpoint_slot_[slot.endpoint] != static_cast<std::int32_t>(i)) continue;
    if (!next || slot.deadline < *next) next = slot.deadline;
  }
  return next;
}

}  // namespace custos::coap_bench
