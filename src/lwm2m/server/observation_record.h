// An Observation as the store keeps it (core::Lwm2mObservationRecord) and back: the REST id
// "oN" as N, paths and peer as text, the last value as serialised JSON, so that an observation
// reloaded after a restart is the one the device accepted. Pure.
#pragma once

#include "core/error.h"
#include "core/lwm2m_observation.h"
#include "lwm2m/server/observations.h"

namespace custos::lwm2m::server {

// kInvalidArgument when the id is not "o" and a positive number.
core::Result<core::Lwm2mObservationRecord> ToRecord(const Observation& observation);
// kInvalidArgument when the record's paths, peer, token or last value do not parse. The
// observation comes back accepted, without its CoAP id (the endpoint's, given on adoption).
core::Result<Observation> FromRecord(const core::Lwm2mObservationRecord& record);

}  // namespace custos::lwm2m::server
