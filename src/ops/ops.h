// Front door of the ops module: the remote operations engine and the interface protocol
// adapters implement to deliver operations. Other modules include this header only.
//
// Design:
// - The engine decides, adapters deliver. The engine owns every operation's state machine
//   (core/operation.h), the per-device queues and the guards; it knows no protocol. Each
//   protocol adapter implements Deliverer (carry an operation to a device, say whether the
//   device is reachable) and reports back through DeliveryListener, which the engine
//   implements: delivered, undelivered, progress, result, and "the device came into contact".
//   The MQTT deliverer lives in mqtt_contract (it speaks the contract's topics), the LwM2M one
//   in app/lwm2m_delivery (it joins the engine and the LwM2M device manager, keeping
//   lwm2m/server free of ops), so the dependency runs adapter -> ops -> core.
// - States: pending -> scheduled (schedule_at ahead) | waiting (a guard, named in
//   waiting_for) -> sent -> in_progress -> succeeded | failed | timed_out | cancelled |
//   rejected. Every transition is written to the store with a compare-and-set on the state
//   it leaves (Store::UpdateOperation) before it is acted on, then published as
//   operation.updated {id, device_id, kind, state, waiting_for, attempts} (and
//   operation.created on creation). A transition the store refuses (another writer moved the
//   operation) is dropped and the stored operation is taken as it is.
// - Guards, checked in this order before each delivery:
//   1. exclusive_lock: disruptive kinds (reboot, factory_reset, firmware_update) go one at a
//      time per device, in creation order: the oldest disruptive operation of a device that
//      is not final holds the lock, even while it waits for another guard. A later one waits,
//      or is rejected at once when the caller asked on_conflict "reject".
//   2. battery: a firmware_update waits until the device reports battery_level at or above
//      the threshold (per operation, else the engine's default) or power_source "external".
//      The engine looks again whenever the device reports (device.updated events) and at
//      each poll.
//   3. maintenance_window: the windows of every group the device is in (static members and
//      dynamic groups whose filter matches it) and the operation's own window_ids: when any
//      apply and none is open, it waits; the engine computes their next opening and looks
//      again then (and when windows change: MaintenanceWindowsChanged). An operation an admin
//      created with ignore_maintenance_windows is not held. Windows come after the lock and
//      the battery (an update that waits for charge keeps its place in the lock) and before
//      offline (a device that comes into contact outside its windows is not worked on).
//   4. offline: while the device's deliverer says it is not reachable, the operation waits
//      for the device's next contact (DeliveryListener::OnContact).
//   Non-disruptive kinds take no lock and pass only the maintenance_window and offline guards.
// - Bulk: CreateBulk makes one operation per device of a group or filter, stored in batches
//   of one transaction each; the driver steps them afterwards a slice at a time.
// - enable and disable are done by the engine itself through the Registry (no delivery).
//   configure is delivered like the rest; the MQTT deliverer applies it as a desired-state
//   merge patch and reports the result at once.
// - Sending: a delivery counts an attempt and, until the deliverer reports it delivered,
//   holds a retry time (next_attempt_at) with exponential back-off from retry_initial_ms
//   (doubling, at most retry_max_ms); after max_attempts undelivered attempts the operation
//   fails. A contact of the device retries at once. Every operation has a deadline (the
//   request's, or creation + default timeout); a deadline passed before the operation ends
//   makes it timed_out.
// - Cancel: anything not final becomes cancelled; a device's later result is recorded in
//   the result (as "late_result") without changing the state.
// - Restart: Start() loads every operation that is not final. A sent one is delivered again
//   with the same id at the device's next contact (the device recognises the id, so it is
//   never applied twice); the rest go on as before.
// - Concurrency: one mutex guards the engine's in-memory view (operations not final, by id
//   and by device); deliverers are called outside it, so they may call the listener back
//   from inside Deliver. A driver thread (or Poll() in tests, with a fake clock) does what
//   falls due.
#pragma once

#include "ops/deliverer.h"
#include "ops/engine.h"
#include "ops/maintenance_window.h"
