// Front door of the CoAP benchmark (bench/coap/, library custos_coap_bench): the load
// generator and its parts (among them MultiSourceSockets, which custos-sim sends through),
// the UDP echo ceiling and the benchmark resource. The tools' main functions, the tests and
// custos-sim include this header and nothing else from here.
#pragma once

#include "bench_resource.h"
#include "endpoint_space.h"
#include "exchange_window.h"
#include "host_port.h"
#include "latency_histogram.h"
#include "load_generator.h"
#include "multi_source_sockets.h"
#include "process_rss.h"
#include "udp_echo.h"
#include "wire.h"
