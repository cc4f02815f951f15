// Front door of the campaign module: staged campaigns, one operation template rolled out over
// many devices in paced batches with automatic stops. Other modules include this header only.
//
// Design:
// - A campaign (spec.h) has a selector (a group, or a filter; `continuous` lets devices that
//   match later join), an operation template, a rollout, thresholds and an optional
//   dependency order (`order_by`: a list of filters, one stage each). Creating it resolves the
//   selector and stores the campaign with one member row per device, "queued", in one
//   transaction (store migration 9).
// - States: running -> paused <-> running; running|paused -> aborted; running -> completed
//   (no device queued, every operation final; a continuous campaign never completes).
//   Thresholds move it on their own, operators through pause/resume/abort. Every change is
//   written with an entry in the campaign's timeline (created, batch_started, threshold,
//   paused, resumed, aborted, completed, devices_joined) and published as campaign.updated.
// - Rollout: devices go in batches, one batch at a time. Batch k takes batch_size devices
//   (or batch_percent of the campaign's devices; with ramp_from, ramp_from * 2^k up to that
//   size; with neither, all) from the queue, lowest stage first and never two stages in one
//   batch, so a stage starts only when every device of the stages before it is final (the
//   gateways after the devices behind them). Within a batch, devices are admitted while fewer
//   than max_in_flight of the campaign's operations are unfinished and the rate allows
//   (rate_per_minute, a token bucket holding at most one second's worth). The next batch
//   starts when every operation of the current one is final.
// - Thresholds (fractions; a failure is an operation failed, timed_out or rejected; cancelled
//   and skipped count neither way): batch_failure_rate trips as soon as a batch's failures
//   exceed that share of the batch; overall_failure_rate, once min_outcomes operations are
//   final, when failures exceed that share of them; batch_success_rate when a finished batch
//   succeeded less. A trip pauses or aborts (thresholds.action) and is written in the
//   timeline; after a resume the same batch does not trip again, nor the overall rate before
//   a new failure.
// - Abort stops admission, marks the queued devices skipped and cancels the campaign's
//   unfinished operations through the engine.
// - Accounting: a member's outcome is its one operation's state (retries are the engine's,
//   inside that operation), so a device counts once; counts are members by outcome (queued,
//   planned, skipped, and operation states). The manager follows operation.updated events;
//   if it falls behind (events dropped) it reads the campaign's operations from the store.
// - Restart: admission writes the members "planned" before it creates their operations
//   (which carry campaign_id). Start() loads running and paused campaigns, finds every
//   operation of each by campaign, attaches it to its member (so a crash between the two
//   writes never yields a second operation) and creates operations only for planned members
//   that have none; the rest goes on from the stored batches.
// - Concurrency: one mutex guards the manager's view; engine calls are made under it (the
//   engine never calls back into the manager). A driver thread (or Poll() in tests, with a
//   fake clock) wakes on every operation event and at least once per tick.
#pragma once

#include "campaign/manager.h"
#include "campaign/spec.h"
