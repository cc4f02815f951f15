// Front door of the MQTT benchmark's load generator (bench/mqtt.sh, docs/benchmarks.md "MQTT"):
// one program that drives any MQTT broker the same way — a connect storm of many devices
// with their own credentials, sustained QoS 1 publishing, request/reply round trips — and
// reads the broker's resident memory. The tests and load_main.cc include only this header.
#pragma once

#include "device_list.h"
#include "latency_samples.h"
#include "load_generator.h"
#include "load_report.h"
#include "payloads.h"
#include "process_rss.h"
#include "source_address.h"
