#include "store/sqlite/device_rows.h"

#include <fmt/format.h>

#include <charconv>
#include <unordered_map>

#include "core/filter.h"

namespace custos::store::sqlite {
namespace {

using core::Device;

// Every column but id, in bind order (?1..?27) for INSERT and UPDATE.
constexpr std::string_view kWritable[] = {"name",
                                          "protocol",
                                          "state",
                                          "manufacturer",
                                          "model",
                                          "serial",
                                          "hardware_version",
                                          "hardware_key",
                                          "firmware_version",
                                          "firmware_key",
                                          "software_version",
                                          "software_key",
                                          "metadata_json",
                                          "online",
                                          "last_seen",
                                          "address",
                                          "transport",
                                          "lifetime_s",
                                          "queue_mode",
                                          "battery_level",
                                          "power_source",
                                          "signal_strength",
                                          "free_memory",
                                          "error_codes",
                                          "created_at",
                                          "updated_at",
                                          "version"};
constexpr int kWritableCount = static_cast<int>(std::size(kWritable));

std::string SelectColumns() {
  std::string out = "d.id";
  for (std::string_view c : kWritable) {
    if (c.ends_with("_key")) continue;
    out += fmt::format(", d.{}", c);
  }
  return out;
}

std::string InsertSql() {
  std::string cols, params;
  for (int i = 0; i < kWritableCount; ++i) {
    cols += fmt::format("{}{}", i ? ", " : "", kWritable[i]);
    params += fmt::format("{}?{}", i ? ", " : "", i + 1);
  }
  return fmt::format("INSERT INTO devices ({}) VALUES ({}) ON CONFLICT (name) DO NOTHING", cols,
                     params);
}

// Connectivity is hot state written behind (SaveConnectivity) from the fleet state: an update
// of the device, made from a copy read before the last write-behind, must not put an older
// connectivity back (a registered device would be stored offline until it next changed).
bool WrittenBehind(std::string_view column) {
  return column == "online" || column == "last_seen" || column == "address" ||
         column == "transport" || column == "lifetime_s" || column == "queue_mode";
}

std::string UpdateSql() {
  std::string sets;
  for (int i = 0; i < kWritableCount; ++i) {
    if (WrittenBehind(kWritable[i])) continue;  // its parameter stays bound, unused
    sets += fmt::format("{}{} = ?{}", sets.empty() ? "" : ", ", kWritable[i], i + 1);
  }
  return fmt::format("UPDATE devices SET {} WHERE id = ?{}", sets, kWritableCount + 1);
}

const std::string kInsertSql = InsertSql();
const std::string kUpdateSql = UpdateSql();

void BindOptional(Statement& s, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    s.Bind(index, *v);
  } else {
    s.BindNull(index);
  }
}

// The columns derived from a device's fields, kept alive while a statement binds them by view.
struct Derived {
  explicit Derived(const Device& d)
      : hardware_key(core::filter::VersionSortKey(d.identity.hardware_version)),
        firmware_key(core::filter::VersionSortKey(d.identity.firmware_version)),
        software_key(core::filter::VersionSortKey(d.identity.software_version)),
        error_codes(ErrorCodesToJson(d.health.error_codes)) {}
  std::string hardware_key, firmware_key, software_key, error_codes;
};

// Binds by view: `d` and `derived` must outlive the statement's execution.
void BindWritable(Statement& s, const Device& d, const Derived& derived) {
  const core::Identity& id = d.identity;
  const core::Connectivity& c = d.connectivity;
  const core::Health& h = d.health;
  s.BindView(1, d.name)
      .BindView(2, d.protocol)
      .Bind(3, static_cast<std::int64_t>(d.state))
      .BindView(4, id.manufacturer)
      .BindView(5, id.model)
      .BindView(6, id.serial)
      .BindView(7, id.hardware_version)
      .BindBlobView(8, derived.hardware_key)
      .BindView(9, id.firmware_version)
      .BindBlobView(10, derived.firmware_key)
      .BindView(11, id.software_version)
      .BindBlobView(12, derived.software_key)
      .BindView(13, d.metadata_json)
      .Bind(14, std::int64_t{c.online ? 1 : 0})
      .Bind(15, c.last_seen)
      .BindView(16, c.address)
      .BindView(17, c.transport)
      .Bind(18, c.lifetime_s)
      .Bind(19, std::int64_t{c.queue_mode ? 1 : 0});
  BindOptional(s, 20, h.battery_level);
  s.BindView(21, h.power_source);
  BindOptional(s, 22, h.signal_strength);
  BindOptional(s, 23, h.free_memory);
  s.BindView(24, derived.error_codes)
      .Bind(25, d.created_at)
      .Bind(26, d.updated_at)
      .Bind(27, d.version);
}

std::optional<int> OptionalInt(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return static_cast<int>(s.Int(column));
}

// One single-row statement per label: a multi-row INSERT would need a statement journal, and
// inside the writer's per-call SAVEPOINT that costs far more than it saves.
core::Result<void> InsertLabels(Connection& db, core::DeviceId id, const core::Labels& labels) {
  if (labels.empty()) return {};
  auto insert = db.Prepare("INSERT INTO device_labels (device_id, key, value) VALUES (?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  for (const auto& [key, value] : labels) {
    insert->Bind(1, id).BindView(2, key).BindView(3, value);
    if (auto r = insert->Run(); !r) return r;
    insert->Reset();
  }
  return {};
}

}  // namespace

const std::string kDeviceColumns = SelectColumns();

core::Result<Device> ReadDeviceRow(const Statement& s) {
  Device d;
  d.id = s.Int(0);
  d.name = s.Text(1);
  d.protocol = s.Text(2);
  std::int64_t state = s.Int(3);
  if (state < 0 || state > static_cast<std::int64_t>(core::LifecycleState::kRetired)) {
    return core::MakeError(core::ErrorCode::kInternal,
                           fmt::format("device {}: stored state {} is invalid", d.id, state));
  }
  d.state = static_cast<core::LifecycleState>(state);
  d.identity.manufacturer = s.Text(4);
  d.identity.model = s.Text(5);
  d.identity.serial = s.Text(6);
  d.identity.hardware_version = s.Text(7);
  d.identity.firmware_version = s.Text(8);
  d.identity.software_version = s.Text(9);
  d.metadata_json = s.Text(10);
  d.connectivity.online = s.Int(11) != 0;
  d.connectivity.last_seen = s.Int(12);
  d.connectivity.address = s.Text(13);
  d.connectivity.transport = s.Text(14);
  d.connectivity.lifetime_s = s.Int(15);
  d.connectivity.queue_mode = s.Int(16) != 0;
  d.health.battery_level = OptionalInt(s, 17);
  d.health.power_source = s.Text(18);
  d.health.signal_strength = OptionalInt(s, 19);
  if (!s.IsNull(20)) d.health.free_memory = s.Int(20);
  auto codes = ErrorCodesFromJson(s.Text(21));
  if (!codes) {
    return core::MakeError(core::ErrorCode::kInternal,
                           fmt::format("device {}: stored error_codes are invalid", d.id));
  }
  d.health.error_codes = std::move(*codes);
  d.created_at = s.Int(22);
  d.updated_at = s.Int(23);
  d.version = s.Int(24);
  return d;
}

core::Result<void> LoadLabels(Connection& db, Device& device) {
  auto select = db.Prepare("SELECT key, value FROM device_labels WHERE device_id = ?");
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, device.id);
  device.labels.clear();
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    device.labels.emplace_hint(device.labels.end(), select->Text(0), select->Text(1));
  }
}

core::Result<void> LoadLabels(Connection& db, std::vector<Device>& devices) {
  if (devices.empty()) return {};
  // One statement text whatever the page size (the ids travel as a JSON array), so the
  // connection's statement cache keeps a single entry for it.
  std::string ids = "[";
  std::unordered_map<core::DeviceId, Device*> by_id;
  by_id.reserve(devices.size());
  for (Device& d : devices) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(d.id);
    d.labels.clear();
    by_id.emplace(d.id, &d);
  }
  ids += ']';
  auto select = db.Prepare(
      "SELECT device_id, key, value FROM device_labels "
      "WHERE device_id IN (SELECT value FROM json_each(?))");
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, std::string_view(ids));
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    if (auto it = by_id.find(select->Int(0)); it != by_id.end()) {
      it->second->labels.emplace(select->Text(1), select->Text(2));
    }
  }
}

namespace {

core::Result<std::optional<Device>> FetchOne(Connection& db, const std::string& sql,
                                             const auto& key) {
  auto select = db.Prepare(sql);
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, key);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Device>();
  auto device = ReadDeviceRow(*select);
  if (!device) return tl::unexpected(device.error());
  select->Reset();
  if (auto r = LoadLabels(db, *device); !r) return tl::unexpected(r.error());
  return std::optional<Device>(std::move(*device));
}

}  // namespace

core::Result<std::optional<Device>> FetchDevice(Connection& db, core::DeviceId id) {
  static const std::string sql =
      fmt::format("SELECT {} FROM devices d WHERE d.id = ?", kDeviceColumns);
  return FetchOne(db, sql, id);
}

core::Result<std::optional<Device>> FetchDeviceByName(Connection& db, std::string_view name) {
  static const std::string sql =
      fmt::format("SELECT {} FROM devices d WHERE d.name = ?", kDeviceColumns);
  return FetchOne(db, sql, name);
}

core::Result<void> InsertDevice(Connection& db, Device& device, bool* name_taken) {
  auto insert = db.Prepare(kInsertSql);
  if (!insert) return tl::unexpected(insert.error());
  const Derived derived(device);
  BindWritable(*insert, device, derived);
  if (auto r = insert->Run(); !r) return r;
  *name_taken = db.Changes() == 0;
  if (*name_taken) return {};
  device.id = db.LastInsertId();
  return InsertLabels(db, device.id, device.labels);
}

core::Result<void> OverwriteDevice(Connection& db, const Device& device) {
  auto update = db.Prepare(kUpdateSql);
  if (!update) return tl::unexpected(update.error());
  const Derived derived(device);
  BindWritable(*update, device, derived);
  update->Bind(kWritableCount + 1, device.id);
  if (auto r = update->Run(); !r) {
    core::Error error = r.error();
    if (error.code == core::ErrorCode::kAlreadyExists) {
      error.message = fmt::format("device name '{}' already exists", device.name);
    }
    return tl::unexpected(std::move(error));
  }
  auto clear = db.Prepare("DELETE FROM device_labels WHERE device_id = ?");
  if (!clear) return tl::unexpected(clear.error());
  clear->Bind(1, device.id);
  if (auto r = clear->Run(); !r) return r;
  return InsertLabels(db, device.id, device.labels);
}

std::string ErrorCodesToJson(const std::vector<int>& codes) {
  std::string out = "[";
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(codes[i]);
  }
  out += ']';
  return out;
}

std::optional<std::vector<int>> ErrorCodesFromJson(std::string_view json) {
  std::vector<int> codes;
  auto skip_space = [&] {
    while (!json.empty() && (json.front() == ' ' || json.front() == '\n')) json.remove_prefix(1);
  };
  skip_space();
  if (json.empty() || json.front() != '[') return std::nullopt;
  json.remove_prefix(1);
  skip_space();
  if (!json.empty() && json.front() == ']') return codes;
  while (true) {
    skip_space();
    int value = 0;
    auto [end, ec] = std::from_chars(json.data(), json.data() + json.size(), value);
    if (ec != std::errc()) return std::nullopt;
    codes.push_back(value);
    json.remove_prefix(static_cast<std::size_t>(end - json.data()));
    skip_space();
    if (json.empty()) return std::nullopt;
    if (json.front() == ']') return codes;
    if (json.front() != ',') return std::nullopt;
    json.remove_prefix(1);
  }
}

}  // namespace custos::store::sqlite
