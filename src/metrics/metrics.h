// Front door of the metrics module: a small Prometheus registry (counters, gauges and
// histograms with label sets, callback metrics evaluated at scrape time, and the text
// exposition format). Other modules include this header only. No dependencies beyond the
// standard library.
#pragma once

#include "metrics/family.h"
#include "metrics/instruments.h"
#include "metrics/registry.h"
