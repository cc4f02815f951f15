// What the interop tests share around our endpoint and libcoap's tools: free ports, a
// blocking request with a deadline, polling for a condition.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "coap/transport/endpoint.h"

namespace custos::coap::testing {

using namespace std::chrono_literals;

// "GET", "POST", "PUT", "DELETE" or "?".
const char* MethodName(Code code);

// A UDP port on 127.0.0.1 that was free a moment ago.
std::uint16_t FreePort();
// A free port p whose p + 1 is free too (coap-server listens on p for coap:// and on p + 1
// for coaps://). Another process may take them before the server starts; the test then
// fails to connect rather than passing by mistake.
std::optional<std::uint16_t> FreePortPair();

// Sends `request` to `peer` and waits for the outcome at most `wait`.
core::Result<Message> Call(Endpoint& endpoint, const Peer& peer, Message request,
                           RequestOptions options = {}, std::chrono::milliseconds wait = 20s);

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s);

}  // namespace custos::coap::testing
