// Front door of the fleet simulator (bench/sim/, library custos_sim): simulated LwM2M
// devices over CoAP as pure logic (Fleet), the sockets that carry them (SimSockets), the
// event loop (RunLwm2m), its report, and the `custos-sim lwm2m` command. main.cc and the
// tests include this header and nothing else from here (the MQTT devices have their own).
#pragma once

#include "device.h"
#include "device_values.h"
#include "fleet.h"
#include "lwm2m_command.h"
#include "lwm2m_config.h"
#include "runner.h"
#include "sim_sockets.h"
#include "sim_stats.h"
