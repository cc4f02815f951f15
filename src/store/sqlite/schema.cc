// The SQLite store's schema history. Append new migrations; never edit a released one.
#include "store/sqlite/migrations.h"

namespace custos::store::sqlite {
namespace {

// Version 1: devices, labels, groups, credentials, operator tokens and the audit log.
// Version columns (`*_key`) hold core::filter::VersionSortKey blobs; states and roles are
// stored as in the core (state as its ordinal, role as its name).
const Migration kInitial{
    1,
    {
        R"sql(CREATE TABLE devices (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          protocol TEXT NOT NULL DEFAULT '',
          state INTEGER NOT NULL DEFAULT 0,
          manufacturer TEXT NOT NULL DEFAULT '',
          model TEXT NOT NULL DEFAULT '',
          serial TEXT NOT NULL DEFAULT '',
          hardware_version TEXT NOT NULL DEFAULT '',
          hardware_key BLOB NOT NULL DEFAULT x'',
          firmware_version TEXT NOT NULL DEFAULT '',
          firmware_key BLOB NOT NULL DEFAULT x'',
          software_version TEXT NOT NULL DEFAULT '',
          software_key BLOB NOT NULL DEFAULT x'',
          metadata_json TEXT NOT NULL DEFAULT '{}',
          online INTEGER NOT NULL DEFAULT 0,
          last_seen INTEGER NOT NULL DEFAULT 0,
          address TEXT NOT NULL DEFAULT '',
          transport TEXT NOT NULL DEFAULT '',
          lifetime_s INTEGER NOT NULL DEFAULT 0,
          queue_mode INTEGER NOT NULL DEFAULT 0,
          battery_level INTEGER,
          power_source TEXT NOT NULL DEFAULT '',
          signal_strength INTEGER,
          free_memory INTEGER,
          error_codes TEXT NOT NULL DEFAULT '[]',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version INTEGER NOT NULL))sql",
        "CREATE INDEX devices_state ON devices (state)",
        "CREATE INDEX devices_protocol ON devices (protocol)",
        "CREATE INDEX devices_manufacturer ON devices (manufacturer)",
        "CREATE INDEX devices_model ON devices (model)",
        "CREATE INDEX devices_firmware ON devices (firmware_key)",
        "CREATE INDEX devices_last_seen ON devices (last_seen)",
        "CREATE INDEX devices_created_at ON devices (created_at)",
        "CREATE INDEX devices_updated_at ON devices (updated_at)",
        R"sql(CREATE TABLE device_labels (
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (device_id, key)) WITHOUT ROWID)sql",
        "CREATE INDEX device_labels_key_value ON device_labels (key, value, device_id)",
        R"sql(CREATE TABLE groups (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          description TEXT NOT NULL DEFAULT '',
          kind INTEGER NOT NULL,
          filter TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version INTEGER NOT NULL))sql",
        R"sql(CREATE TABLE group_labels (
          group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (group_id, key)) WITHOUT ROWID)sql",
        R"sql(CREATE TABLE group_members (
          group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          PRIMARY KEY (group_id, device_id)) WITHOUT ROWID)sql",
        "CREATE INDEX group_members_device ON group_members (device_id, group_id)",
        R"sql(CREATE TABLE credentials (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          identity TEXT NOT NULL,
          secret TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER))sql",
        "CREATE INDEX credentials_device ON credentials (device_id)",
        // One active credential per (kind, identity); revoked ones may repeat.
        "CREATE UNIQUE INDEX credentials_active ON credentials (kind, identity) "
        "WHERE revoked_at IS NULL",
        R"sql(CREATE TABLE tokens (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          secret_hash TEXT NOT NULL UNIQUE,
          prefix TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER,
          revoked_at INTEGER,
          last_used_at INTEGER,
          created_by TEXT NOT NULL))sql",
        R"sql(CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          actor_token_id INTEGER NOT NULL,
          action TEXT NOT NULL,
          target_type TEXT NOT NULL,
          target_id TEXT NOT NULL,
          details_json TEXT NOT NULL))sql",
        "CREATE INDEX audit_target ON audit (target_type, target_id)",
        "CREATE INDEX audit_at ON audit (at)",
    }};

// Version 2: each device's desired and reported state documents (JSON objects as text) with
// their versions, and the desired version the device last acknowledged. A row appears with
// the first write; no row means empty documents at version 0.
const Migration kDeviceState{
    2,
    {
        R"sql(CREATE TABLE device_state (
          device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
          desired_json TEXT NOT NULL DEFAULT '{}',
          desired_version INTEGER NOT NULL DEFAULT 0,
          desired_updated_at INTEGER NOT NULL DEFAULT 0,
          reported_json TEXT NOT NULL DEFAULT '{}',
          reported_version INTEGER NOT NULL DEFAULT 0,
          reported_updated_at INTEGER NOT NULL DEFAULT 0,
          desired_acknowledged INTEGER NOT NULL DEFAULT 0))sql",
    }};

// Version 3: each device's latest telemetry (one JSON object) and its recent log lines.
const Migration kDeviceReports{
    3,
    {
        R"sql(CREATE TABLE device_telemetry (
          device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
          measurements_json TEXT NOT NULL,
          updated_at INTEGER NOT NULL))sql",
        R"sql(CREATE TABLE device_logs (
          id INTEGER PRIMARY KEY,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          at INTEGER NOT NULL,
          level TEXT NOT NULL,
          message TEXT NOT NULL))sql",
        "CREATE INDEX device_logs_device ON device_logs (device_id, id)",
    }};

// Version 4: remote operations (core/operation.h). Kind and state as their names; times in
// ms since the epoch; waiting_for is the guard a waiting operation waits for ('' otherwise).
// The partial index serves the engine's start (the operations not final), the others the
// listing filters, each ending in id for keyset pages.
const Migration kOperations{
    4,
    {
        R"sql(CREATE TABLE operations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          parameters_json TEXT NOT NULL DEFAULT '{}',
          requested_by TEXT NOT NULL DEFAULT '',
          state TEXT NOT NULL,
          waiting_for TEXT NOT NULL DEFAULT '',
          attempts INTEGER NOT NULL DEFAULT 0,
          schedule_at INTEGER,
          next_attempt_at INTEGER,
          deadline INTEGER,
          battery_threshold INTEGER,
          result_json TEXT NOT NULL DEFAULT '{}',
          campaign_id INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL))sql",
        "CREATE INDEX operations_device ON operations (device_id, id)",
        "CREATE INDEX operations_state ON operations (state, id)",
        "CREATE INDEX operations_kind ON operations (kind, id)",
        "CREATE INDEX operations_campaign ON operations (campaign_id, id) "
        "WHERE campaign_id IS NOT NULL",
        "CREATE INDEX operations_unfinished ON operations (id) "
        "WHERE state IN ('pending', 'scheduled', 'waiting', 'sent', 'in_progress')",
    }};

// Version 5: the LwM2M server's registrations, so that they survive a restart (one row per
// endpoint, registration id and device; the object list as link-format text; the peer as
// "address:port"; deadline in ms since the epoch).
const Migration kLwm2mRegistrations{
    5,
    {
        R"sql(CREATE TABLE lwm2m_registrations (
          id TEXT NOT NULL UNIQUE,
          endpoint TEXT PRIMARY KEY,
          device_id INTEGER NOT NULL UNIQUE REFERENCES devices (id) ON DELETE CASCADE,
          peer TEXT NOT NULL,
          secure INTEGER NOT NULL,
          identity TEXT NOT NULL,
          version TEXT NOT NULL,
          lifetime_s INTEGER NOT NULL,
          binding TEXT NOT NULL,
          sms TEXT NOT NULL,
          queue_mode INTEGER NOT NULL,
          object_links TEXT NOT NULL,
          registered_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          deadline INTEGER NOT NULL) WITHOUT ROWID)sql",
    }};

// Version 6: firmware images (core/firmware.h). The bytes live in a file under the data
// directory (`file`, relative to it); one row per content (sha256 unique). The models an
// image fits are a side table, so that "the images for model X" is an indexed lookup.
const Migration kFirmware{
    6,
    {
        R"sql(CREATE TABLE firmware (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          version TEXT NOT NULL,
          size INTEGER NOT NULL,
          sha256 TEXT NOT NULL UNIQUE,
          file TEXT NOT NULL,
          uploaded_by TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL))sql",
        R"sql(CREATE TABLE firmware_models (
          firmware_id INTEGER NOT NULL REFERENCES firmware (id) ON DELETE CASCADE,
          model TEXT NOT NULL,
          PRIMARY KEY (firmware_id, model)) WITHOUT ROWID)sql",
        "CREATE INDEX firmware_models_model ON firmware_models (model, firmware_id)",
    }};

// Version 7: LwM2M observations (core/lwm2m_observation.h), so that a device's next
// notification after a restart is recognised by its peer and token. Paths one per line.
// AUTOINCREMENT keeps the largest id ever used (sqlite_sequence) after its row is gone, so
// ids are never handed out twice.
const Migration kLwm2mObservations{
    7,
    {
        R"sql(CREATE TABLE lwm2m_observations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          paths TEXT NOT NULL,
          token BLOB NOT NULL,
          secure INTEGER NOT NULL,
          peer TEXT NOT NULL,
          content_format INTEGER NOT NULL,
          started_at INTEGER NOT NULL,
          last_value TEXT NOT NULL,
          last_notified_at INTEGER NOT NULL))sql",
        "CREATE INDEX lwm2m_observations_device ON lwm2m_observations (device_id)",
    }};

// Version 8: maintenance windows (core/maintenance_window.h) and their attachment to groups
// (gone with the group; a window still attached cannot be deleted). Operations name windows
// of their own (window_ids: decimal ids joined by commas) and may ignore every window.
const Migration kMaintenanceWindows{
    8,
    {
        R"sql(CREATE TABLE maintenance_windows (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          description TEXT NOT NULL DEFAULT '',
          cron TEXT NOT NULL,
          duration_s INTEGER NOT NULL,
          time_zone TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version INTEGER NOT NULL))sql",
        R"sql(CREATE TABLE group_maintenance_windows (
          group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
          window_id INTEGER NOT NULL REFERENCES maintenance_windows (id),
          PRIMARY KEY (group_id, window_id)) WITHOUT ROWID)sql",
        "CREATE INDEX group_maintenance_windows_window ON group_maintenance_windows (window_id)",
        "ALTER TABLE operations ADD COLUMN window_ids TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE operations ADD COLUMN ignore_windows INTEGER NOT NULL DEFAULT 0",
    }};

// Version 9: staged campaigns (core/campaign_record.h). The definition is the campaign
// module's JSON; members are one row per device with the batch that admitted it, its
// operation and its outcome, keyed by (campaign, device) so a device is never counted twice;
// the timeline is append-only.
const Migration kCampaigns{
    9,
    {
        R"sql(CREATE TABLE campaigns (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          spec_json TEXT NOT NULL,
          state TEXT NOT NULL,
          created_by TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL))sql",
        R"sql(CREATE TABLE campaign_members (
          campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
          device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          stage INTEGER NOT NULL,
          batch INTEGER NOT NULL,
          operation_id INTEGER,
          outcome TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (campaign_id, device_id)) WITHOUT ROWID)sql",
        R"sql(CREATE TABLE campaign_timeline (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
          at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          details_json TEXT NOT NULL DEFAULT '{}'))sql",
        "CREATE INDEX campaign_timeline_campaign ON campaign_timeline (campaign_id, id)",
    }};

const Migration kMigrations[] = {kInitial, kDeviceState, kDeviceReports, kOperations,
                                    kLwm2mRegistrations, kFirmware, kLwm2mObservations,
                                    kMaintenanceWindows, kCampaigns};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace custos::store::sqlite
